"""sageguard's SageMaker client against moto_server with signature checking
on: list, create, describe and paginate succeed with real IAM credentials;
a wrong secret gives a clear auth error that never prints the secret."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.moto_env import Moto, run_call, tool_env, training_job  # noqa: E402
from aws_support.tools import check, tool_path  # noqa: E402


def main():
    tool = tool_path("sg_aws_call")
    moto = Moto()
    try:
        with tempfile.TemporaryDirectory() as home:
            env = tool_env(moto.access_key, moto.secret_key, home)
            ep = ["--endpoint-url", moto.url]

            rc, out, _, err = run_call(tool, env, "ListTrainingJobs", {}, *ep)
            check(rc == 0, f"ListTrainingJobs failed: {err}")
            check(out.get("TrainingJobSummaries") == [], f"unexpected list: {out}")

            rc, out, _, err = run_call(tool, env, "CreateTrainingJob", training_job("sg-job-1"), *ep)
            check(rc == 0, f"CreateTrainingJob failed: {err}")
            check(out.get("TrainingJobArn", "").endswith(":training-job/sg-job-1"), f"no ARN: {out}")

            # moto saw the job: ask boto3 (an independent client) too.
            described = moto.boto().describe_training_job(TrainingJobName="sg-job-1")
            check(described["RoleArn"] == training_job("sg-job-1")["RoleArn"], "boto3 describe differs")

            rc, out, _, err = run_call(tool, env, "DescribeTrainingJob", {"TrainingJobName": "sg-job-1"}, *ep)
            check(rc == 0 and out["TrainingJobName"] == "sg-job-1", f"describe failed: {err}")

            # The endpoint may also come from the environment.
            env_ep = dict(env, AWS_ENDPOINT_URL_SAGEMAKER=moto.url)
            rc, out, _, err = run_call(tool, env_ep, "ListTrainingJobs", {})
            check(rc == 0 and len(out["TrainingJobSummaries"]) == 1, f"env endpoint failed: {err}")

            for i in range(2, 5):
                rc, _, _, err = run_call(tool, env, "CreateTrainingJob", training_job(f"sg-job-{i}"), *ep)
                check(rc == 0, f"create {i} failed: {err}")
            rc, out, _, err = run_call(tool, env, "ListTrainingJobs", {"MaxResults": 1}, *ep,
                                       "--list-all", "TrainingJobSummaries")
            check(rc == 0, f"paginated list failed: {err}")
            names = sorted(s["TrainingJobName"] for s in out)
            check(names == [f"sg-job-{i}" for i in range(1, 5)], f"pagination lost jobs: {names}")

            # Validation errors come back typed and are not retried.
            rc, _, _, err = run_call(tool, env, "DescribeTrainingJob", {"TrainingJobName": "nope"}, *ep)
            check(rc == 3, f"expected exit 3 for a missing job, got {rc}")
            check("DescribeTrainingJob:" in err and "ValidationException" in err, f"unclear error: {err}")

            # Wrong secret: a clear auth error; the secret never printed, even with --debug.
            wrong = "WRONGsecretWRONGsecretWRONGsecret0123456"
            bad_env = tool_env(moto.access_key, wrong, home)
            for extra in ([], ["--debug"]):
                rc, _, stdout, err = run_call(tool, bad_env, "ListTrainingJobs", {}, *ep, *extra)
                check(rc == 3, f"wrong secret: expected exit 3, got {rc}")
                check("Signature" in err or "signature" in err, f"auth error not clear: {err}")
                check(wrong not in err and wrong not in stdout, "the secret was printed")
                check(moto.secret_key not in err, "the real secret was printed")
                if extra:
                    check("Authorization: <redacted>" in err, "debug trace missing or unredacted")
            print("moto: list/create/describe/paginate ok; wrong secret rejected without leaking it")
    finally:
        moto.stop()


if __name__ == "__main__":
    main()
