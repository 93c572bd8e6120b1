"""budget.max-cost in `sageguard audit` against moto_server: training,
spot-training and tuning jobs are seeded in two regions; the expected
findings are computed here from what boto3 describes and the bundled price
table read as plain JSON (hourly price x instance count x MaxRuntime -- also
for spot, since MaxWait, the wait for capacity plus the run, is not billed --
x MaxNumberOfTrainingJobs for tuning), and must equal the
audit's exactly. Jobs whose instance
type has no price in their region (every eu-west-1 job, with the bundled
us-east-1 table) get the finding that says so, as `check` does."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aws_support.moto_env import Moto, tool_env  # noqa: E402
from aws_support.tools import check, sageguard  # noqa: E402

LIMIT = 100.0
POLICY = f"""version: 1
limits:
  max_job_cost_usd: {LIMIT:g}
"""
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1"


def source_dir():
    return os.environ.get("SG_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def training(name, itype, count, runtime, spot_wait=None):
    job = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/out"},
        "ResourceConfig": {"InstanceType": itype, "InstanceCount": count, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": runtime},
    }
    if spot_wait:
        job["EnableManagedSpotTraining"] = True
        job["StoppingCondition"]["MaxWaitTimeInSeconds"] = spot_wait
        job["CheckpointConfig"] = {"S3Uri": "s3://bucket/ckpt"}
    return job


def tuning(name, itype, count, runtime, max_jobs):
    definition = training(None, itype, count, runtime)
    del definition["TrainingJobName"]
    definition["StaticHyperParameters"] = {"epochs": "3"}
    return {
        "HyperParameterTuningJobName": name,
        "HyperParameterTuningJobConfig": {"Strategy": "Bayesian", "ResourceLimits": {
            "MaxNumberOfTrainingJobs": max_jobs, "MaxParallelTrainingJobs": 1}},
        "TrainingJobDefinition": definition,
        # moto's ListTags answers 500 for a tuning job created without Tags.
        "Tags": [{"Key": "Project", "Value": "budget"}],
    }


# (region, kind, request). (Processing jobs would be the natural third kind,
# but moto's DescribeProcessingJob leaves out ProcessingResources.)
SEEDS = [
    ("us-east-1", "TrainingJob", training("b-small", "ml.m5.large", 1, 3600)),            # 0.12
    ("us-east-1", "TrainingJob", training("b-big", "ml.p3.16xlarge", 2, 86400)),           # 1351
    ("us-east-1", "TrainingJob", training("b-edge", "ml.g5.2xlarge", 1, 3600 * 60)),       # 90.9
    ("us-east-1", "TrainingJob", training("b-spot", "ml.g5.2xlarge", 1, 3600, 3600 * 80)),  # 1.52, not 121 (MaxWait)
    ("us-east-1", "TrainingJob", training("b-nope", "ml.trn1.2xlarge", 1, 3600)),          # no price
    ("us-east-1", "HyperParameterTuningJob", tuning("b-tune", "ml.m5.4xlarge", 2, 86400, 4)),  # 177
    ("us-east-1", "HyperParameterTuningJob", tuning("b-tune-small", "ml.m5.4xlarge", 1, 3600, 4)),
    ("eu-west-1", "TrainingJob", training("b-eu", "ml.m5.large", 1, 3600)),               # no price there
]

CREATE = {"TrainingJob": "create_training_job", "HyperParameterTuningJob": "create_hyper_parameter_tuning_job"}
DESCRIBE = {"TrainingJob": ("describe_training_job", "TrainingJobName"),
            "HyperParameterTuningJob": ("describe_hyper_parameter_tuning_job", "HyperParameterTuningJobName")}


def expected(described, prices):
    """(name, region) -> ('over', usd) or ('unpriced', type), from the describes."""
    out = {}
    for region, kind, d in described:
        jobs = 1
        definition = d
        if kind == "HyperParameterTuningJob":
            name = d["HyperParameterTuningJobName"]
            jobs = d["HyperParameterTuningJobConfig"]["ResourceLimits"]["MaxNumberOfTrainingJobs"]
            definition = d["TrainingJobDefinition"]
        else:
            name = d["TrainingJobName"]
        rc, sc = definition["ResourceConfig"], definition["StoppingCondition"]
        itype, count = rc["InstanceType"], rc["InstanceCount"]
        spot = definition.get("EnableManagedSpotTraining")
        # Billed: the run, at most MaxRuntime (MaxWait caps it too with spot).
        seconds = min(sc["MaxRuntimeInSeconds"], sc["MaxWaitTimeInSeconds"]) if spot else sc["MaxRuntimeInSeconds"]
        hourly = prices.get(region, {}).get("training", {}).get(itype)
        if hourly is None:
            out[(name, region)] = ("unpriced", itype)
        else:
            usd = hourly * count * seconds / 3600.0 * jobs
            if usd > LIMIT:
                out[(name, region)] = ("over", usd)
    return out


def main():
    moto = Moto()
    work = tempfile.mkdtemp(prefix="sg-audit-budget-")
    try:
        import boto3

        def sm(region):
            return boto3.client("sagemaker", endpoint_url=moto.url, region_name=region,
                                aws_access_key_id=moto.access_key, aws_secret_access_key=moto.secret_key)

        for region, kind, req in SEEDS:
            getattr(sm(region), CREATE[kind])(**req)
        described = []
        for region, kind, req in SEEDS:
            op, key = DESCRIBE[kind]
            described.append((region, kind, getattr(sm(region), op)(**{key: req[key]})))
        with open(os.path.join(source_dir(), "data", "prices_us_east_1.json")) as f:
            prices = json.load(f)["regions"]
        want = expected(described, prices)
        check(any(v[0] == "over" for v in want.values()) and any(v[0] == "unpriced" for v in want.values()),
              f"the seed exercises too little: {want}")
        check(("b-edge", "us-east-1") not in want, "b-edge should be just under the limit")

        policy = os.path.join(work, "policy.yaml")
        with open(policy, "w") as f:
            f.write(POLICY)
        env = tool_env(moto.access_key, moto.secret_key, work)
        base = [sageguard(), "audit", "--endpoint-url", moto.url, "--region", "us-east-1,eu-west-1",
                "--kinds", "training-job,tuning-job", "--policy", policy, "--no-progress"]
        p = subprocess.run(base + ["--format", "json"], env=env, capture_output=True, text=True, timeout=600)
        report = json.loads(p.stdout) if p.stdout.strip() else {"findings": []}
        unreadable = [f["message"] for f in report["findings"] if f["rule"] == "audit.unreadable"]
        check(p.returncode == 1, f"audit exit {p.returncode}, want 1: {p.stderr[-2000:]} {unreadable}")
        got = {(f["resource"]["name"], f["resource"]["region"]): f for f in report["findings"]
               if f["rule"] == "budget.max-cost"}
        check(len(got) == sum(1 for f in report["findings"] if f["rule"] == "budget.max-cost"),
              "a resource has two budget findings")
        check(set(got) == set(want), f"budget findings {sorted(got)} != expected {sorted(want)}")
        for key, (what, value) in want.items():
            f = got[key]
            check(f["resource"]["arn"].startswith(f"arn:aws:sagemaker:{key[1]}:"), f"ARN of {key}: {f}")
            if what == "over":
                check(f"worst-case cost {value:.2f} USD" in f["message"], f"{key}: {f['message']} (want {value:.2f})")
            else:
                check(f"no price for instance type '{value}'" in f["message"], f"{key}: {f['message']}")
        print(f"budget: {len(want)} findings match the independent computation", flush=True)

        # Without a limit in the policy, no prices are needed and the rule is silent.
        nolimit = os.path.join(work, "nolimit.yaml")
        with open(nolimit, "w") as f:
            f.write("version: 1\n")
        p = subprocess.run([a if a != policy else nolimit for a in base] + ["--format", "json"], env=env,
                           capture_output=True, text=True, timeout=600)
        check(p.returncode in (0, 1), f"no-limit audit exit {p.returncode}: {p.stderr[-500:]}")
        check(not any(f["rule"] == "budget.max-cost" for f in json.loads(p.stdout)["findings"]),
              "budget.max-cost without a limit")

        # An unreadable --price-list is a usage/input error before any AWS call.
        p = subprocess.run(base + ["--price-list", os.path.join(work, "missing.json")], env=env,
                           capture_output=True, text=True, timeout=120)
        check(p.returncode == 2, f"missing --price-list: exit {p.returncode} {p.stderr[-300:]}")
        print("no limit: silent; missing --price-list: exit 2", flush=True)
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
