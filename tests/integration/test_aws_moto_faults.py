"""Standard-mode retries and idempotent creates through a fault-injecting
proxy in front of moto: throttles, 5xx and dropped connections are retried;
a create whose response was lost is resolved by describing the job, so no
second job is created; a name taken by a different job is reported."""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.fault_proxy import FaultProxy  # noqa: E402
from aws_support.moto_env import Moto, run_call, tool_env, training_job  # noqa: E402
from aws_support.tools import check, tool_path  # noqa: E402


def main():
    tool = tool_path("sg_aws_call")
    moto = Moto()
    proxy = FaultProxy(moto.url).start()
    try:
        with tempfile.TemporaryDirectory() as home:
            env = tool_env(moto.access_key, moto.secret_key, home)
            ep = ["--endpoint-url", proxy.url]

            # Throttle then 500 then latency: the third attempt goes through.
            proxy.set_schedule({"ListTrainingJobs": ["throttle", "error500", "delay:200"]})
            rc, out, _, err = run_call(tool, env, "ListTrainingJobs", {}, *ep)
            check(rc == 0, f"retries did not go through: {err}")
            check(proxy.received["ListTrainingJobs"] == 3, f"attempts: {proxy.received}")

            # Three dropped connections exhaust the default 3 attempts.
            proxy.set_schedule({"ListTrainingJobs": ["drop", "drop", "drop", "drop"]})
            rc, _, _, err = run_call(tool, env, "ListTrainingJobs", {}, *ep)
            check(rc == 3, f"expected failure after 3 drops, got {rc}")
            check("ConnectionError" in err and "3 attempts" in err, f"unclear error: {err}")
            # With AWS_MAX_ATTEMPTS=5 the fifth attempt gets past four drops.
            proxy.set_schedule({"ListTrainingJobs": ["drop", "drop", "drop", "drop"]})
            rc, _, _, err = run_call(tool, dict(env, AWS_MAX_ATTEMPTS="5"), "ListTrainingJobs", {}, *ep)
            check(rc == 0, f"AWS_MAX_ATTEMPTS=5 not honoured: {err}")

            # Validation errors are not retried.
            proxy.set_schedule({})
            before = proxy.received.get("DescribeTrainingJob", 0)
            rc, _, _, err = run_call(tool, env, "DescribeTrainingJob", {"TrainingJobName": "nope"}, *ep)
            check(rc == 3 and proxy.received["DescribeTrainingJob"] - before == 1, "validation error retried")

            # A throttled create is retried and creates exactly one job.
            proxy.set_schedule({"CreateTrainingJob": ["throttle"]})
            rc, out, _, err = run_call(tool, env, "CreateTrainingJob", training_job("throttled-job"), *ep,
                                       "--create-idempotent", "DescribeTrainingJob", "TrainingJobName")
            check(rc == 0, f"throttled create failed: {err}")
            check(out["resolved_by_describe"] is False, "throttled create should succeed directly")
            check(proxy.created_ok.get("throttled-job") == 1, f"creates: {proxy.created_ok}")

            # The create reaches moto but its answer is lost (dropped / 500):
            # the retry meets ResourceInUse, the job is described and accepted.
            for action in ("forward_drop", "forward_500"):
                name = f"ambiguous-{action.replace('_', '-')}"
                proxy.set_schedule({"CreateTrainingJob": [action]})
                rc, out, _, err = run_call(tool, env, "CreateTrainingJob", training_job(name), *ep,
                                           "--create-idempotent", "DescribeTrainingJob", "TrainingJobName")
                check(rc == 0, f"{action}: create not resolved: {err}")
                check(out["resolved_by_describe"] is True, f"{action}: expected resolution by describe")
                check(out["response"]["TrainingJobName"] == name, f"{action}: wrong job {out}")
                check(proxy.created_ok.get(name) == 1, f"{action}: second job created: {proxy.created_ok}")

            # The name belongs to a different job: ResourceInUse is reported.
            moto.boto().create_training_job(**training_job("someone-elses",
                                                           role="arn:aws:iam::123456789012:role/Other"))
            proxy.created_ok["someone-elses"] = 1  # the proxy's uniqueness rule learns the name
            proxy.set_schedule({"CreateTrainingJob": ["drop"]})
            rc, _, _, err = run_call(tool, env, "CreateTrainingJob", training_job("someone-elses"), *ep,
                                     "--create-idempotent", "DescribeTrainingJob", "TrainingJobName")
            check(rc == 3, f"expected ResourceInUse failure, got {rc}")
            check("ResourceInUse" in err and "different resource" in err, f"unclear error: {err}")

            # Without the helper, the lost answer surfaces as ResourceInUse.
            proxy.set_schedule({"CreateTrainingJob": ["forward_drop"]})
            rc, _, _, err = run_call(tool, env, "CreateTrainingJob", training_job("plain-create"), *ep)
            check(rc == 3 and "ResourceInUse" in err, f"plain create after lost answer: {rc} {err}")
            check(proxy.created_ok.get("plain-create") == 1, "plain create made two jobs")
            print("fault proxy: retries, quota-free paths and idempotent creates behave")
    finally:
        proxy.stop()
        moto.stop()


if __name__ == "__main__":
    main()
