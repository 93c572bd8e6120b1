"""`sageguard launch` against moto_server with SigV4 checking on (real IAM
credentials created in moto): a compliant spec is fixed in memory and
launched with its tags; --dry-run needs no credentials and creates nothing;
a refused spec creates nothing; a wrong secret fails with exit 3 without
printing it; credentials from a shared credentials file + --profile work;
--unique-name and --wait behave as documented.

The helpers here are imported by test_deploy_moto.py and
test_debug_secrets.py."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.fault_proxy import FaultProxy  # noqa: E402
from aws_support.moto_env import Moto, tool_env, training_job  # noqa: E402
from aws_support.tools import check, missing  # noqa: E402
from aws_support.policies import GATE_POLICY as POLICY  # noqa: E402,F401



def sageguard_bin():
    path = os.environ.get("SAGEGUARD_BIN")
    if not path or not os.access(path, os.X_OK):
        missing("SAGEGUARD_BIN not set or not executable")
    return path


def compliant_spec(name):
    """A request the test policy accepts once fix fills in VPC, KMS, flags."""
    spec = training_job(name)
    spec["Tags"] = [{"Key": "Project", "Value": "fraud"}, {"Key": "Cost Center", "Value": "CC-100"}]
    spec["EnableManagedSpotTraining"] = True
    return spec


def run(args, env, cwd):
    proc = subprocess.run([sageguard_bin(), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


class Workspace:
    """A temp home with the policy and spec files; commands run inside it so
    no ./sageguard.yaml or ~/.aws of the machine is picked up."""

    def __init__(self, moto):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        self.moto = moto
        self.policy = self.write("policy.yaml", POLICY)
        self.env = tool_env(moto.access_key, moto.secret_key, self.dir)
        self.env.pop("SAGEGUARD_POLICY", None)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text if isinstance(text, str) else json.dumps(text, indent=2))
        return path

    def sg(self, *args, env=None):
        return run(list(args), env or self.env, self.dir)

    def launch(self, spec_file, *extra, env=None):
        return self.sg("launch", "--policy", self.policy, "--endpoint-url", self.moto.url, *extra,
                       spec_file, env=env)

    def close(self):
        self.tmp.cleanup()


def job_names(moto):
    return sorted(s["TrainingJobName"] for s in moto.boto().list_training_jobs()["TrainingJobSummaries"])


def tags_of(moto, arn):
    return {t["Key"]: t["Value"] for t in moto.boto().list_tags(ResourceArn=arn)["Tags"]}


def main():
    moto = Moto()
    ws = Workspace(moto)
    try:
        # 1. A compliant spec: fixed in memory, launched, tags on the job.
        spec = compliant_spec("lt-ok")
        spec_file = ws.write("ok.json", spec)
        before = open(spec_file).read()
        rc, out, err = ws.launch(spec_file)
        check(rc == 0, f"launch failed ({rc}): {err}")
        check("launched training job lt-ok" in out, f"unexpected output: {out}")
        check(open(spec_file).read() == before, "launch rewrote the spec file")
        check("fixed (in memory)" in err, f"fix changes not reported: {err}")
        d = moto.boto().describe_training_job(TrainingJobName="lt-ok")
        check(d["VpcConfig"]["Subnets"] == ["subnet-0a1b2c3d", "subnet-4e5f6a7b"], f"VPC not fixed: {d}")
        check(d["EnableNetworkIsolation"] is True, "isolation not fixed")
        check(d["StoppingCondition"].get("MaxWaitTimeInSeconds") == 7200, f"MaxWait not set: {d}")
        tags = tags_of(moto, d["TrainingJobArn"])
        check(tags == {"Project": "fraud", "Cost Center": "CC-100", "Contact": "ml-platform@example.com"},
              f"wrong tags on the job: {tags}")

        # 2. --dry-run: no credentials at all, nothing created, JSON + cost.
        no_creds = {k: v for k, v in ws.env.items()
                    if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
        dry = compliant_spec("lt-dry")
        rc, out, err = ws.launch(ws.write("dry.json", dry), "--dry-run", env=no_creds)
        check(rc == 0, f"dry run failed ({rc}): {err}")
        req = json.loads(out)
        check(req["TrainingJobName"] == "lt-dry" and "VpcConfig" in req, f"dry-run request: {req}")
        # ml.m5.large x 1 x MaxRuntime 3600 s at the bundled 0.115 USD/h (fix
        # turns spot on with MaxWait 7200 s, which is not billed)
        check("worst-case cost: 0.12 USD" in err, f"no worst-case cost: {err}")
        check("lt-dry" not in job_names(moto), "dry run created a job")

        # An unknown instance type is reported, never priced as zero.
        # (ml.trn1.2xlarge is a valid type the bundled table has no price for.)
        odd = compliant_spec("lt-odd")
        odd["ResourceConfig"]["InstanceType"] = "ml.trn1.2xlarge"
        odd_file = ws.write("odd.json", odd)
        no_budget = ws.write("nobudget.yaml", POLICY.replace("  max_job_cost_usd: 500\n", "  {}\n"
                                                             ).replace("limits:\n  {}\n", ""))
        rc, out, err = run(["launch", "--policy", no_budget, "--dry-run", odd_file], no_creds, ws.dir)
        check(rc == 0, f"dry run without budget failed ({rc}): {err}")
        check("worst-case cost: unknown: no us-east-1 price for ml.trn1.2xlarge" in err,
              f"unknown type not reported: {err}")
        check(" USD (" not in err, f"unknown type priced: {err}")
        # With a budget in the policy the same job is refused: it cannot be checked.
        rc, out, err = ws.launch(odd_file, "--dry-run", env=no_creds)
        check(rc == 1 and "no price for instance type 'ml.trn1.2xlarge'" in err, f"budget gap: {rc} {err}")

        # 3. Refused: a required tag fix cannot invent -> exit 1, nothing sent.
        bad = compliant_spec("lt-refused")
        bad["Tags"] = [{"Key": "Project", "Value": "fraud"}]
        n_before = job_names(moto)
        rc, out, err = ws.launch(ws.write("bad.json", bad))
        check(rc == 1, f"refused launch: expected exit 1, got {rc}: {err}")
        check("tags.required" in err and "Cost Center" in err, f"findings not printed: {err}")
        check("bad.json:" in err, f"findings lack file locations: {err}")
        check("refused by policy" in err and "nothing was sent" in err, f"no refusal line: {err}")
        check(job_names(moto) == n_before, "a refused launch created a job")

        # Over budget: budget.max-cost refuses (16 x p3.16xlarge for a day).
        big = compliant_spec("lt-big")
        big["ResourceConfig"].update({"InstanceType": "ml.p3.16xlarge", "InstanceCount": 16})
        big["StoppingCondition"]["MaxRuntimeInSeconds"] = 86400
        rc, out, err = ws.launch(ws.write("big.json", big))
        check(rc == 1 and "budget.max-cost" in err, f"budget not enforced ({rc}): {err}")
        check("lt-big" not in job_names(moto), "an over-budget job was created")

        # 4. Wrong secret: exit 3, clear message, the secret never printed.
        wrong = "WRONGsecretWRONGsecretWRONGsecret0123456"
        bad_env = dict(ws.env, AWS_SECRET_ACCESS_KEY=wrong)
        rc, out, err = ws.launch(ws.write("wrong.json", compliant_spec("lt-wrong")), env=bad_env)
        check(rc == 3, f"wrong secret: expected exit 3, got {rc}: {err}")
        check("CreateTrainingJob" in err and "ignature" in err, f"auth error not clear: {err}")
        check(wrong not in out + err and moto.secret_key not in out + err, "a secret was printed")
        check("lt-wrong" not in job_names(moto), "job created with a wrong secret")

        # 5. Credentials from a shared credentials file + --profile.
        creds_file = ws.write("credentials", f"[team]\naws_access_key_id = {moto.access_key}\n"
                                             f"aws_secret_access_key = {moto.secret_key}\n")
        file_env = dict(no_creds, AWS_SHARED_CREDENTIALS_FILE=creds_file)
        rc, out, err = ws.launch(ws.write("prof.json", compliant_spec("lt-profile")), "--profile", "team",
                                 env=file_env)
        check(rc == 0, f"launch with --profile failed ({rc}): {err}")
        check("lt-profile" in job_names(moto), "profile launch did not create the job")
        rc, out, err = ws.launch(ws.write("prof2.json", compliant_spec("lt-noprofile")), "--profile", "nobody",
                                 env=file_env)
        # A profile that does not exist is missing configuration: exit 2.
        check(rc == 2 and "lt-noprofile" not in job_names(moto), f"unknown profile: {rc} {err}")

        # 6. --unique-name: <base>-<UTC timestamp>, <= 63 characters.
        rc, out, err = ws.launch(ws.write("uniq.json", compliant_spec("lt-base")), "--unique-name")
        check(rc == 0, f"unique-name launch failed: {err}")
        made = [n for n in job_names(moto) if n.startswith("lt-base-")]
        check(len(made) == 1 and len(made[0]) == len("lt-base-") + 23, f"unique names: {made}")
        d = moto.boto().describe_training_job(TrainingJobName=made[0])
        check(d["CheckpointConfig"]["S3Uri"] == f"s3://ml-checkpoints/{made[0]}/",
              f"checkpoint not per run: {d['CheckpointConfig']}")

        # 7. --wait: moto completes jobs at once and reports no billable time.
        rc, out, err = ws.launch(ws.write("wait.json", compliant_spec("lt-wait")), "--wait")
        check(rc == 0, f"--wait failed ({rc}): {err}")
        check("training job lt-wait: Completed" in out, f"no summary: {out}")
        check("BillableTimeInSeconds not reported" in out, f"missing-billable note absent: {out}")
        check("lt-wait  Completed" in err, f"no status line: {err}")

        # 8. A retry never launches a second job: the proxy lets the first
        # create through but answers 500; the retry meets ResourceInUse (as
        # the real service would) and the job is recognised as ours.
        proxy = FaultProxy(moto.url, {"CreateTrainingJob": ["forward_500"]}).start()
        try:
            rc, out, err = ws.sg("launch", "--policy", ws.policy, "--endpoint-url", proxy.url,
                                 ws.write("retry.json", compliant_spec("lt-retry")))
            check(rc == 0, f"retried launch failed ({rc}): {err}")
            check("retried create found the job" in out, f"idempotent path not taken: {out}")
            check(proxy.forwarded.get("CreateTrainingJob") == 1, f"creates forwarded: {proxy.forwarded}")
            # The same name again (not ambiguous): a clear AWS error, exit 3.
            rc, out, err = ws.sg("launch", "--policy", ws.policy, "--endpoint-url", proxy.url,
                                 ws.write("retry.json", compliant_spec("lt-retry")))
            check(rc == 3 and "ResourceInUse" in err, f"duplicate name: {rc} {err}")
        finally:
            proxy.stop()
        print("launch: compliant, dry-run, refused, budget, wrong secret, profile, unique name, wait, idempotent retry ok")
    finally:
        ws.close()
        moto.stop()


if __name__ == "__main__":
    main()
