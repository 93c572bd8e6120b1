"""Profile resolution against botocore, with real STS calls in moto_server
(SigV4 checked) and a loopback IAM Identity Center portal.

For each profile of one config, botocore's Session(profile=...) is the
oracle: `sageguard whoami --profile P --format json` must report the same
source (`get_credentials().method`) and the same caller ARN that moto
records for the session (GetCallerIdentity), i.e. the same role reached the
same way. Then: MFA codes (flag, never read from a pipe), cycles, the
default session name, `audit`/`cost --jobs` through an assumed role, and a
refresh of IAM Identity Center credentials that expire during an audit.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.identity_fakes import SsoPortal, StsFront  # noqa: E402
from aws_support.moto_env import Moto  # noqa: E402
from aws_support.tools import check, fail  # noqa: E402
from test_launch_moto import POLICY, compliant_spec, sageguard_bin  # noqa: E402

ACCOUNT = "123456789012"
START_URL = "https://d-1234567890.awsapps.com/start"
SSO_TOKEN = "sso-access-token-" + "x" * 40

ORACLE = r"""
import json, sys
import botocore.session
from botocore.exceptions import BotoCoreError
try:
    s = botocore.session.Session(profile=sys.argv[1])
    c = s.get_credentials()
    arn = s.create_client("sts", region_name="us-east-1").get_caller_identity()["Arn"]
    print(json.dumps({"method": c.method, "arn": arn}))
except BotoCoreError as e:
    print(json.dumps({"error": type(e).__name__, "message": str(e)}))
"""


def make_role(iam, name):
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Federated": "token.actions.example.com"},
         "Action": "sts:AssumeRoleWithWebIdentity"}]}
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName=name, PolicyName="all", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def config_text(home, moto, roles):
    token_file = write(os.path.join(home, "web-token"), "eyJhbGciOiJSUzI1NiJ9.web-identity-token-body.sig")
    proc = write(os.path.join(home, "proc.sh"),
                 "printf '{\"Version\":1,\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\"}'\n"
                 % (moto.access_key, moto.secret_key))
    return f"""[default]
region = us-east-1

[profile cfgkeys]
aws_access_key_id = {moto.access_key}
aws_secret_access_key = {moto.secret_key}

[profile mid]
role_arn = {roles['mid']}
source_profile = base
role_session_name = mid-session

[profile chain2]
role_arn = {roles['top']}
source_profile = mid
external_id = ext-1234
role_session_name = chain-session
duration_seconds = 1800

[profile envsrc]
role_arn = {roles['envrole']}
credential_source = Environment
role_session_name = env-session

[profile defaultname]
role_arn = {roles['top']}
source_profile = base

[profile webid]
web_identity_token_file = {token_file}
role_arn = {roles['ci']}
role_session_name = ci-session

[profile proc]
credential_process = sh {proc}

[profile sso]
sso_session = corp
sso_account_id = {ACCOUNT}
sso_role_name = DataScientist
region = us-east-1

[profile ssolegacy]
sso_start_url = {START_URL}
sso_region = eu-central-1
sso_account_id = {ACCOUNT}
sso_role_name = DataScientist

[sso-session corp]
sso_start_url = {START_URL}
sso_region = eu-central-1
sso_registration_scopes = sso:account:access

[profile mfa]
role_arn = {roles['top']}
source_profile = base
mfa_serial = arn:aws:iam::{ACCOUNT}:mfa/me
role_session_name = mfa-session

[profile cyc1]
role_arn = {roles['top']}
source_profile = cyc2

[profile cyc2]
role_arn = {roles['mid']}
source_profile = cyc1
"""


def write_sso_cache(home):
    """The token cache exactly as the AWS CLI writes it: botocore's own
    SSOTokenLoader over a JSONFileCache in ~/.aws/sso/cache."""
    from botocore.utils import JSONFileCache, SSOTokenLoader
    loader = SSOTokenLoader(cache=JSONFileCache(os.path.join(home, ".aws", "sso", "cache")))
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 8 * 3600))
    token = {"startUrl": START_URL, "region": "eu-central-1", "accessToken": SSO_TOKEN,
             "expiresAt": expires}
    loader.save_token(START_URL, dict(token), session_name="corp")
    loader.save_token(START_URL, dict(token))


def normalise_session(arn):
    """The default session name carries the second it was made."""
    return re.sub(r"/botocore-session-\d+$", "/botocore-session-N", arn)


def main():
    moto = Moto()
    front = StsFront(moto.url, moto.access_key, moto.secret_key)
    iam = moto.boto("iam")
    roles = {n: make_role(iam, n) for n in ("mid", "top", "envrole", "ci", "sso-DataScientist")}

    def issue():
        c = moto.boto("sts").assume_role(RoleArn=roles["sso-DataScientist"], RoleSessionName="sso-user")["Credentials"]
        return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]

    portal = SsoPortal(SSO_TOKEN, ACCOUNT, "DataScientist", issue)
    import tempfile
    tmp = tempfile.TemporaryDirectory()
    home = tmp.name
    try:
        write(os.path.join(home, ".aws", "credentials"),
              f"[base]\naws_access_key_id = {moto.access_key}\naws_secret_access_key = {moto.secret_key}\n")
        write(os.path.join(home, ".aws", "config"), config_text(home, moto, roles))
        write_sso_cache(home)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"HOME": home, "AWS_EC2_METADATA_DISABLED": "true", "AWS_REGION": "us-east-1",
                    "AWS_DEFAULT_REGION": "us-east-1",
                    "AWS_ENDPOINT_URL": moto.url, "AWS_ENDPOINT_URL_STS": front.url,
                    "AWS_ENDPOINT_URL_SSO": portal.url,
                    # credential_source = Environment reads these even under --profile.
                    "AWS_ACCESS_KEY_ID": moto.access_key, "AWS_SECRET_ACCESS_KEY": moto.secret_key})
        env.pop("SAGEGUARD_POLICY", None)

        def sg(*args, stdin=None, extra_env=None):
            io = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
            p = subprocess.run([sageguard_bin(), *args], env=dict(env, **(extra_env or {})), cwd=home,
                               capture_output=True, text=True, timeout=300, **io)
            return p.returncode, p.stdout, p.stderr

        def oracle(profile):
            p = subprocess.run([sys.executable, "-c", ORACLE, profile], env=env, capture_output=True,
                               text=True, timeout=120)
            if p.returncode != 0:
                fail(f"botocore oracle crashed on {profile}: {p.stderr[-1500:]}")
            return json.loads(p.stdout)

        # 1. Same source and same role as botocore, profile by profile.
        expected_methods = {"base": "shared-credentials-file", "cfgkeys": "config-file",
                            "chain2": "assume-role", "envsrc": "assume-role", "defaultname": "assume-role",
                            "webid": "assume-role-with-web-identity", "proc": "custom-process",
                            "sso": "sso", "ssolegacy": "sso"}
        for profile, method in expected_methods.items():
            want = oracle(profile)
            check("error" not in want, f"botocore could not resolve {profile}: {want}")
            check(want["method"] == method, f"{profile}: botocore says {want['method']}, test expects {method}")
            rc, out, err = sg("whoami", "--profile", profile, "--format", "json")
            check(rc == 0, f"whoami --profile {profile}: exit {rc}: {err[-1500:]}")
            got = json.loads(out)
            check(got["method"] == want["method"],
                  f"{profile}: sageguard resolved {got['method']}, botocore {want['method']}")
            check(normalise_session(got["arn"]) == normalise_session(want["arn"]),
                  f"{profile}: sageguard is {got['arn']}, botocore {want['arn']}")
            check(got["account"] == ACCOUNT, f"{profile}: account {got['account']}")
            print(f"ok {profile}: {got['method']} {got['arn']}")

        # The chain's calls as moto received them, signed with the source keys.
        chain_calls = [c for c in front.actions("AssumeRole") if c[1].get("RoleSessionName") == "chain-session"]
        check(chain_calls and all(c[2] for c in chain_calls), "chain2's AssumeRole was not signed")
        check(chain_calls[-1][1].get("ExternalId") == "ext-1234", f"ExternalId not sent: {chain_calls[-1][1]}")
        check(chain_calls[-1][1].get("DurationSeconds") == "1800", "DurationSeconds not sent")
        web = front.actions("AssumeRoleWithWebIdentity")
        check(web and not any(c[2] for c in web), "AssumeRoleWithWebIdentity must be unsigned")
        check(portal.served >= 4 and not portal.rejected, f"portal: served {portal.served}, rejected {portal.rejected}")

        # 2. The default session name is the SDK's botocore-session-<unix seconds>.
        before = int(time.time())
        rc, out, err = sg("whoami", "--profile", "defaultname", "--format", "json")
        check(rc == 0, err)
        m = re.search(r"/botocore-session-(\d+)$", json.loads(out)["arn"])
        check(m and before - 5 <= int(m.group(1)) <= time.time() + 5, f"default session name: {out}")

        # 3. The text form names the chain, never a secret.
        rc, out, err = sg("whoami", "--profile", "chain2")
        check(rc == 0 and "profile chain2" in out and "profile mid" in out and "profile base" in out,
              f"text chain: {out}")
        check(roles["top"] in out and moto.secret_key not in out + err, "text whoami")

        # 4. MFA: the code from --mfa-code is sent; from a pipe it is never read.
        rc, out, err = sg("whoami", "--profile", "mfa", "--mfa-code", "123456", "--format", "json")
        check(rc == 0, f"mfa with --mfa-code: {err}")
        mfa_calls = [c for c in front.actions("AssumeRole") if c[1].get("RoleSessionName") == "mfa-session"]
        check(mfa_calls[-1][1].get("TokenCode") == "123456" and
              mfa_calls[-1][1].get("SerialNumber") == f"arn:aws:iam::{ACCOUNT}:mfa/me", "MFA fields not sent")
        rc, out, err = sg("whoami", "--profile", "mfa", stdin="654321\n")
        check(rc == 2 and "--mfa-code" in err, f"piped MFA code: exit {rc}: {err}")
        check(not any(c[1].get("TokenCode") == "654321" for c in front.actions("AssumeRole")),
              "an MFA code was read from a pipe")

        # 5. A cycle is an error naming the profiles (botocore refuses it too).
        check(oracle("cyc1").get("error") == "InfiniteLoopConfigError", "botocore accepted the cycle")
        rc, out, err = sg("whoami", "--profile", "cyc1")
        check(rc == 2 and "cyc1 -> cyc2 -> cyc1" in err, f"cycle: exit {rc}: {err}")

        # 6. The commands that talk to SageMaker work through an assumed role,
        # a web identity and IAM Identity Center.
        policy = write(os.path.join(home, "policy.yaml"), POLICY)
        spec = write(os.path.join(home, "job.json"), json.dumps(compliant_spec("cred-job")))
        rc, out, err = sg("launch", "--policy", policy, "--profile", "chain2", spec)
        check(rc == 0, f"launch --profile chain2: exit {rc}: {err[-1500:]}")
        rc, out, err = sg("audit", "--policy", policy, "--profile", "webid", "--kinds", "training-job",
                          "--format", "json")
        check(rc in (0, 1), f"audit --profile webid: exit {rc}: {err[-1500:]}")
        names = {r["name"] for r in json.loads(out)["audit"]["resources"]}
        check(any(n.startswith("cred-job") for n in names), f"audit did not see cred-job: {sorted(names)}")
        rc, out, err = sg("cost", "--jobs", "--profile", "sso", "--format", "json")
        check(rc == 0, f"cost --jobs --profile sso: exit {rc}: {err[-1500:]}")

        # 7. Credentials that expire during a run are refreshed: the portal's
        # sessions last 4 s, the audit runs longer at 3 calls per second.
        for i in range(8):
            moto.boto().create_training_job(**compliant_spec(f"refresh-{i}"))
        portal.lifetime = 4
        served = portal.served
        t0 = time.time()
        # The seven job and deployment kinds make the run long enough (moto
        # cannot list four of the estate's kinds: test_audit_estate).
        rc, out, err = sg("audit", "--policy", policy, "--profile", "sso", "--kinds",
                          "training-job,tuning-job,processing-job,transform-job,model,"
                          "endpoint-config,endpoint", "--format", "json", "--max-tps", "3",
                          "--no-progress")
        elapsed = time.time() - t0
        check(rc in (0, 1), f"audit with expiring SSO credentials: exit {rc}: {err[-1500:]}")
        seen = {r["name"] for r in json.loads(out)["audit"]["resources"]}
        check(all(f"refresh-{i}" in seen for i in range(8)), f"audit missed jobs: {sorted(seen)}")
        refreshes = portal.served - served
        check(elapsed > 4 and refreshes >= 2,
              f"no refresh during a {elapsed:.1f} s run ({refreshes} portal calls)")
        print(f"ok refresh: {refreshes} portal calls in a {elapsed:.1f} s audit")
    finally:
        portal.stop()
        front.stop()
        moto.stop()
        tmp.cleanup()


if __name__ == "__main__":
    main()
