"""Many accounts against moto_server (SigV4 and IAM checked): an organization
with member accounts, SageMaker training jobs created in several of them
through assumed-role credentials, then `audit --org-role` and
`audit --accounts` must find each account's jobs exactly once, attributed to
the right account, with one failing account isolated from the others.

What this relies on in moto 5.2.1:
- AssumeRole puts the temporary key in the IAM backend of the account named
  by the role ARN (sts/models.py `_create_access_key`), and every later call
  signed with that key is served from that account's state
  (`get_account_id_from(access_key)` in core/responses.py). So jobs created,
  and listed, with an assumed role of account A live in account A, and
  their ARNs name A.
- AssumeRole does not check that the role exists when it is in another
  account than the caller's (its docstring says so; the trust policy is
  checked only for roles of the caller's own account). An account without
  the role therefore fails at its first SageMaker call instead: moto cannot
  find the role to collect its policies and answers 500 to every call, which
  the audit reports, after its retries, as `audit.unreadable` for that
  account. A role whose AssumeRole really is refused is made in the
  management account: its trust policy requires an ExternalId the accounts
  file gets wrong, and moto checks that condition.
- Member accounts' roles are created while moto's IAM checking is switched
  off (POST /moto-api/reset-auth), with the x-moto-account-id header naming
  the account: nothing else can create the first role of a new account.
  Checking is switched back on (reset-auth 0) before anything is measured.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.identity_fakes import StsFront  # noqa: E402
from aws_support.moto_env import Moto  # noqa: E402
from aws_support.tools import check, fail, sageguard  # noqa: E402

MANAGEMENT = "123456789012"
ROLE = "OrgAudit"
ALLOW_ALL = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
POLICY = "version: 1\n"


def reset_auth(moto, count):
    req = urllib.request.Request(moto.url + "/moto-api/reset-auth", data=str(count).encode(), method="POST",
                                 headers={"Content-Type": "text/plain"})
    urllib.request.urlopen(req, timeout=30).read()


def iam_of(moto, account):
    """An IAM client whose calls moto serves from `account` (checking off)."""
    import boto3
    c = boto3.client("iam", endpoint_url=moto.url, region_name="us-east-1",
                     aws_access_key_id="setup", aws_secret_access_key="setup")
    c.meta.events.register("before-sign.*.*",
                           lambda request, **_: request.headers.__setitem__("x-moto-account-id", account))
    return c


def make_role(iam, name, trust_statement):
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [trust_statement]}))
    iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=ALLOW_ALL)


def sagemaker_as(moto, account, region):
    """SageMaker in `account` through its assumed OrgAudit role."""
    import boto3
    c = moto.boto("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}",
                                     RoleSessionName="seed")["Credentials"]
    return boto3.client("sagemaker", endpoint_url=moto.url, region_name=region,
                        aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                        aws_session_token=c["SessionToken"])


def training_job(name, account):
    return {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": f"{account}.dkr.ecr.us-east-1.amazonaws.com/algo:1",
                                   "TrainingInputMode": "File"},
        "RoleArn": f"arn:aws:iam::{account}:role/SageMakerRole",
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "Tags": [{"Key": "team", "Value": "ml"}],
    }


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    moto = Moto()
    front = StsFront(moto.url, moto.access_key, moto.secret_key)
    tmp = tempfile.TemporaryDirectory()
    home = tmp.name
    try:
        # --- The organization: three members with the role, one without,
        # one closed (SUSPENDED: ListAccounts lists it, nobody audits it).
        reset_auth(moto, "inf")
        org = moto.boto("organizations")
        org.create_organization(FeatureSet="ALL")
        ids = [org.create_account(Email=f"m{i}@example.com", AccountName=f"member-{i}")
               ["CreateAccountStatus"]["AccountId"] for i in range(5)]
        a, b, c, norole, closed = ids
        trust_any = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
        for acct in (a, b, c, closed):
            make_role(iam_of(moto, acct), ROLE, trust_any)
        # In the management account: a role only the right ExternalId opens.
        make_role(iam_of(moto, MANAGEMENT), "Guarded", dict(
            trust_any, Condition={"StringEquals": {"sts:ExternalId": "right-id"}}))
        org.close_account(AccountId=closed)
        reset_auth(moto, 0)

        # --- Jobs per account and region; c reuses one of a's names, which
        # must stay two resources (one per account).
        jobs = {(a, "us-east-1"): ["a-east-1", "a-east-2"], (a, "us-west-2"): ["a-west-1"],
                (b, "us-east-1"): ["b-east-1", "b-east-2", "b-east-3"], (c, "us-east-1"): ["a-east-1"]}
        for (acct, region), names in jobs.items():
            sm = sagemaker_as(moto, acct, region)
            for n in names:
                sm.create_training_job(**training_job(n, acct))
        closed_sm = sagemaker_as(moto, closed, "us-east-1")
        closed_sm.create_training_job(**training_job("closed-job", closed))

        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"HOME": home, "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1",
                    "AWS_ACCESS_KEY_ID": moto.access_key, "AWS_SECRET_ACCESS_KEY": moto.secret_key,
                    "AWS_CONFIG_FILE": os.path.join(home, "none"),
                    "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none"),
                    "AWS_ENDPOINT_URL": moto.url, "AWS_ENDPOINT_URL_STS": front.url})
        env.pop("SAGEGUARD_POLICY", None)
        policy = write(os.path.join(home, "policy.yaml"), POLICY)
        outputs = []  # every stdout/stderr, for the secrets check

        def sg(*args):
            # The accounts hold training jobs; an audit without --kinds would
            # also list the rest of the estate, four kinds of which moto cannot
            # list (test_audit_estate covers that).
            if args[0] == "audit" and "--kinds" not in args:
                args = (*args, "--kinds", "training-job")
            p = subprocess.run([sageguard(), *args], env=env, cwd=home, capture_output=True, text=True,
                               timeout=600, stdin=subprocess.DEVNULL)
            outputs.append(p.stdout + p.stderr)
            return p.returncode, p.stdout, p.stderr

        def audited(out):
            report = json.loads(out)
            found = {}
            for r in report["audit"]["resources"]:
                key = (r.get("account"), r["region"], r["name"])
                check(key not in found, f"{key} reported twice")
                found[key] = r
                check(r["arn"].split(":")[4] == r.get("account"), f"{r['arn']} attributed to {r.get('account')}")
            for f in report["findings"]:
                check(re.fullmatch(r"\d{12}", f["resource"].get("account", "")),
                      f"finding without an account: {f}")
            return report, found

        # --- 1. --org-role: every ACTIVE account but the excluded
        # management account; the closed one is never touched.
        before = len(front.actions("AssumeRole"))
        rc, out, err = sg("audit", "--policy", policy, "--org-role", ROLE, "--exclude-account", MANAGEMENT,
                          "--format", "json", "--no-progress")
        check(rc == 3, f"--org-role with a role-less account: exit {rc}, want 3: {err[-2000:]}")
        report, found = audited(out)
        want = {(acct, region, n) for (acct, region), names in jobs.items() if region == "us-east-1"
                for n in names}
        check(set(found) == want, f"--org-role found {sorted(found)}, want {sorted(want)}")
        unreadable = [f for f in report["findings"] if f["rule"] == "audit.unreadable"]
        check(unreadable and all(f["resource"]["account"] == norole for f in unreadable),
              f"unreadable findings must all be the role-less account's: {unreadable}")
        check(closed not in out and "closed-job" not in out, "the closed account was audited")
        calls = front.actions("AssumeRole")[before:]
        assumed = sorted(call[1]["RoleArn"] for call in calls)
        check(assumed == sorted(f"arn:aws:iam::{x}:role/{ROLE}" for x in (a, b, c, norole)),
              f"AssumeRole calls: {assumed}")
        check(all(call[2] and re.fullmatch(r"botocore-session-\d+", call[1]["RoleSessionName"])
                  for call in calls), f"session names / signatures: {calls}")
        print(f"ok --org-role: {len(found)} jobs in 3 accounts, {len(unreadable)} unreadable in {norole}")

        # --- 2. --accounts: names or ARNs, regions per account, an
        # ExternalId, and a role whose AssumeRole is refused.
        accounts = write(os.path.join(home, "accounts.yaml"), f"""accounts:
  - account_id: "{a}"
    name: research
    role: {ROLE}
    regions: [us-east-1, us-west-2]
    tags: ["team:research"]
  - account_id: {b}
    name: platform
    role: arn:aws:iam::{b}:role/{ROLE}
  - account_id: '{c}'
    role: {ROLE}
    external_id: ext-c
  - account_id: '{MANAGEMENT}'
    name: management
    role: Guarded
    external_id: wrong-id
""")
        before = len(front.actions("AssumeRole"))
        rc, out, err = sg("audit", "--policy", policy, "--accounts", accounts, "--format", "json", "--no-progress")
        check(rc == 3, f"--accounts with a refused role: exit {rc}, want 3: {err[-2000:]}")
        report, found = audited(out)
        want = {(acct, region, n) for (acct, region), names in jobs.items() for n in names}
        check(set(found) == want, f"--accounts found {sorted(found)}, want {sorted(want)}")
        refused = [f for f in report["findings"] if f["resource"]["account"] == MANAGEMENT]
        check(len(refused) == 1 and refused[0]["rule"] == "audit.unreadable" and
              refused[0]["resource"]["kind"] == "Account" and "AccessDenied" in refused[0]["message"],
              f"the refused role's finding: {refused}")
        check(not [f for f in report["findings"] if f["rule"] == "audit.unreadable" and
                   f["resource"]["account"] != MANAGEMENT], "an account with its role was not read whole")
        ext = [call[1].get("ExternalId") for call in front.actions("AssumeRole")[before:]
               if call[1]["RoleArn"].split(":")[4] == c]
        check(ext == ["ext-c"], f"ExternalId for {c}: {ext}")
        print(f"ok --accounts: {len(found)} jobs in 3 accounts and 2 regions; management refused")

        # --- 3. --account narrows the file; a complete audit is not exit 3.
        rc, out, err = sg("audit", "--policy", policy, "--accounts", accounts, "--account", a, "--account", b,
                          "--format", "json", "--no-progress")
        check(rc in (0, 1), f"--account a --account b: exit {rc}: {err[-2000:]}")
        report, found = audited(out)
        check({k[0] for k in found} == {a, b} and len(found) == 6, f"--account narrowing: {sorted(found)}")

        # --- 3b. --save: each saved line names its account, which agrees
        # with the ARN; `check` reads the file offline (the line's account
        # member is accepted beside the Describe* answer's output members).
        saved = os.path.join(home, "run.jsonl")
        rc, out, err = sg("audit", "--policy", policy, "--accounts", accounts, "--account", a, "--account", b,
                          "--save", saved, "--format", "json", "--no-progress")
        check(rc in (0, 1), f"--save: exit {rc}: {err[-2000:]}")
        lines = [json.loads(x) for x in open(saved).read().splitlines()]
        check(len(lines) == len(found), f"--save wrote {len(lines)} lines for {len(found)} resources")
        check(all(d.get("account") == d["TrainingJobArn"].split(":")[4] for d in lines),
              f"saved lines without their account: {[(d.get('account'), d.get('TrainingJobArn')) for d in lines]}")
        check({d.get("account") for d in lines} == {a, b}, f"saved accounts {[d.get('account') for d in lines]}")
        rc, out, err = sg("check", "--policy", policy, saved, "--format", "json")
        check(rc in (0, 1), f"check of the saved file: exit {rc}: {err[-2000:]}")
        checked = json.loads(out)
        check(not [f for f in checked["findings"] if f["rule"] == "request.invalid"],
              f"check flags the saved lines: {checked['findings'][:3]}")
        print(f"ok --save: {len(lines)} lines name their account; check reads them")

        # --- 4. Reports group by account: text and HTML sections with
        # totals, SARIF properties.
        rc, out, err = sg("audit", "--policy", policy, "--accounts", accounts, "--account", a, "--account", b,
                          "--no-progress")
        check(f"== account {a} (research) ==" in out and f"account {a}: 3 resources:" in out and
              f"account {b}: 3 resources:" in out, f"text sections: {out[-3000:]}")
        html = os.path.join(home, "report.html")
        rc, _, err = sg("audit", "--policy", policy, "--accounts", accounts, "--account", a, "--account", b,
                        "--format", "html", "-o", html, "--no-progress")
        body = open(html).read()
        check(f'id="account-{a}"' in body and f'id="account-{b}"' in body, "HTML sections per account")
        rc, out, err = sg("audit", "--policy", policy, "--accounts", accounts, "--account", a,
                          "--format", "sarif", "--no-progress")
        results = json.loads(out)["runs"][0]["results"]
        check(results and all(r["properties"].get("account") == a for r in results),
              f"SARIF results carry the account: {results[:2]}")

        # --- 5. cost --jobs and roi across accounts; cost groups by account.
        rc, out, err = sg("cost", "--jobs", "--accounts", accounts, "--account", a, "--account", b,
                          "--group-by", "account", "--format", "json")
        check(rc == 0, f"cost --jobs --accounts: exit {rc}: {err[-2000:]}")
        groups = {g["key"]["account"]: g["items"] for g in json.loads(out)["groups"]}
        # The file's regions for a (both), the command's for b.
        check(groups == {a: 3, b: 3}, f"cost groups by account: {groups}")
        rc, out, err = sg("roi", "--metric", "train:progress", "--accounts", accounts, "--format", "json")
        check(rc == 3 and "management" not in out and MANAGEMENT in err,
              f"roi --accounts with the refused role: exit {rc}: {err[-1500:]}")

        # --- 6. Bad input: the accounts file's place, exit 2, nothing run.
        bad = write(os.path.join(home, "bad.yaml"), "accounts:\n  - account_id: '12345'\n    role: X\n")
        rc, out, err = sg("audit", "--policy", policy, "--accounts", bad, "--no-progress")
        check(rc == 2 and f"{bad}:2:17:" in err and "12 digits" in err and not out,
              f"bad account id: exit {rc}: {err}")
        bad2 = write(os.path.join(home, "bad2.yaml"), f"accounts:\n  - account_id: '{a}'\n    rol: X\n")
        rc, out, err = sg("audit", "--policy", policy, "--accounts", bad2, "--no-progress")
        check(rc == 2 and f"{bad2}:3:5:" in err and "unknown key 'rol'" in err, f"unknown key: exit {rc}: {err}")
        rc, out, err = sg("audit", "--policy", policy, "--account", a, "--no-progress")
        check(rc == 2 and "--accounts or --org-role" in err, f"--account alone: exit {rc}: {err}")

        # --- 7. No secret in any output or file, --debug included (whose
        # wire trace must really be there).
        rc, out, err = sg("audit", "--policy", policy, "--accounts", accounts, "--account", a, "--debug",
                          "--format", "json", "-o", os.path.join(home, "debug.json"), "--no-progress")
        check("> POST" in err and "AssumeRole" in err, "no wire trace with --debug")
        rc, out, err = sg("cost", "--jobs", "--org-role", ROLE, "--account", b, "--debug",
                          "-o", os.path.join(home, "cost.txt"))
        check(rc == 0 and "ListAccounts" in err, f"cost --org-role --debug: exit {rc}: {err[-1500:]}")
        secrets = [moto.secret_key] + front.issued
        check(len(front.issued) >= 8, "STS handed out too few credentials for the check to mean anything")
        texts = outputs + [open(os.path.join(home, n), errors="replace").read()
                           for n in os.listdir(home) if os.path.isfile(os.path.join(home, n))]
        for s in secrets:
            for t in texts:
                if s and s in t:
                    fail("a secret key or session token reached an output or a file")
        print(f"ok secrets: {len(secrets)} secrets absent from {len(texts)} outputs and files")
    finally:
        front.stop()
        moto.stop()
        tmp.cleanup()


if __name__ == "__main__":
    main()
