"""--debug never leaks secrets: every command that talks to AWS (launch,
deploy, and audit / cost --jobs when this build has them) runs with --debug
against moto_server using temporary credentials from sts:AssumeRole (a known
secret key and a session token that moto verifies), and neither the secret
nor the token appears in stdout, stderr or any file the command wrote. The
wire trace must really be there (redacted), or the test proves nothing."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.moto_env import Moto  # noqa: E402
from aws_support.tools import fail  # noqa: E402
from test_launch_moto import Workspace, check, compliant_spec  # noqa: E402

NOT_BUILT = "not available in this build"


def assumed_role_credentials(moto):
    iam = moto.boto("iam")
    iam.create_role(RoleName="sg-debug", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName="sg-debug", PolicyName="all", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    c = moto.boto("sts").assume_role(RoleArn="arn:aws:iam::123456789012:role/sg-debug",
                                     RoleSessionName="sg-debug")["Credentials"]
    return c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]


def files_under(root):
    for dirpath, _, names in os.walk(root):
        for n in names:
            yield os.path.join(dirpath, n)


def main():
    moto = Moto()
    ws = Workspace(moto)
    try:
        key, secret, token = assumed_role_credentials(moto)
        check(len(secret) >= 20 and len(token) >= 20, "moto gave no usable temporary credentials")
        env = dict(ws.env, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_SESSION_TOKEN=token)
        # The long-term key of the moto user must not leak either.
        secrets = {"secret key": secret, "session token": token, "user secret": moto.secret_key}
        out_dir = os.path.join(ws.dir, "out")
        os.makedirs(out_dir)
        ep = ["--endpoint-url", moto.url, "--debug"]

        runs = [
            ("launch", ["launch", "--policy", ws.policy, *ep, ws.write("dbg.json", compliant_spec("dbg-job"))], (0,)),
            ("launch --wait", ["launch", "--policy", ws.policy, *ep, "--wait",
                               ws.write("dbg2.json", compliant_spec("dbg-wait"))], (0,)),
            ("deploy", ["deploy", "--policy", ws.policy, *ep, "--training-job", "dbg-job", "--wait"], (0,)),
            ("audit", ["audit", "--policy", ws.policy, *ep, "--format", "json",
                       "-o", os.path.join(out_dir, "audit.json")], (0, 1)),
            ("cost --jobs", ["cost", "--jobs", *ep, "--format", "json",
                             "-o", os.path.join(out_dir, "cost.json")], (0,)),
            # An error path: a wrong secret with the real token.
            ("launch, wrong secret", ["launch", "--policy", ws.policy, *ep,
                                      ws.write("dbg3.json", compliant_spec("dbg-bad"))], (3,)),
        ]
        ran = []
        for label, args, ok_codes in runs:
            run_env = env
            if "wrong secret" in label:
                # Change the first character to one it is not: moto's secrets are
                # random, so a fixed replacement would sometimes be the same key.
                wrong = ("Y" if secret[0] == "X" else "X") + secret[1:]
                run_env = dict(env, AWS_SECRET_ACCESS_KEY=wrong)
                secrets["wrong secret"] = run_env["AWS_SECRET_ACCESS_KEY"]
            rc, out, err = ws.sg(*args, env=run_env)
            if NOT_BUILT in err:
                print(f"note: '{label}' is not available in this build; skipped")
                continue
            check(rc in ok_codes, f"{label}: exit {rc} not in {ok_codes}: {err[-2000:]}")
            check("> POST" in err and "Authorization: <redacted>" in err,
                  f"{label}: no redacted wire trace on stderr: {err[:500]}")
            for what, value in secrets.items():
                check(value not in out, f"{label}: the {what} is in stdout")
                check(value not in err, f"{label}: the {what} is in stderr")
            ran.append(label)
        for path in files_under(ws.dir):
            with open(path, "rb") as f:
                data = f.read()
            for what, value in secrets.items():
                if value.encode() in data:
                    fail(f"the {what} was written to {path}")
        check({"launch", "deploy"} <= set(ran), f"core commands did not run: {ran}")
        print("debug: no secret or token in output or files for: " + ", ".join(ran))
    finally:
        ws.close()
        moto.stop()


if __name__ == "__main__":
    main()
