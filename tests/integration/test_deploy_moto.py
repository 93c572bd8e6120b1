"""`sageguard deploy` against moto_server with SigV4 checking on: from a job
launched through sageguard, the model, endpoint config and endpoint are
created carrying the job's tags; --dry-run prints the three requests and
creates nothing, and with --from-describe plans the same from a recorded
DescribeTrainingJob with no AWS configuration at all; a missing region is
exit 2; a deployment the policy refuses creates nothing."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.moto_env import Moto  # noqa: E402
from test_launch_moto import POLICY, Workspace, check, compliant_spec, tags_of  # noqa: E402


def created(moto):
    sm = moto.boto()
    return (sorted(m["ModelName"] for m in sm.list_models()["Models"]),
            sorted(c["EndpointConfigName"] for c in sm.list_endpoint_configs()["EndpointConfigs"]),
            sorted(e["EndpointName"] for e in sm.list_endpoints()["Endpoints"]))


def main():
    moto = Moto()
    ws = Workspace(moto)
    try:
        rc, out, err = ws.launch(ws.write("job.json", compliant_spec("dp-job")))
        check(rc == 0, f"launch for deploy failed: {err}")
        job = moto.boto().describe_training_job(TrainingJobName="dp-job")
        job_tags = tags_of(moto, job["TrainingJobArn"])

        def deploy(*extra, policy=ws.policy):
            return ws.sg("deploy", "--policy", policy, "--endpoint-url", moto.url,
                         "--training-job", "dp-job", *extra)

        # --dry-run: three requests, nothing created.
        rc, out, err = deploy("--dry-run", "--endpoint-name", "dp-dry")
        check(rc == 0, f"deploy --dry-run failed ({rc}): {err}")
        plan = json.loads(out)
        check(set(plan) == {"CreateModel", "CreateEndpointConfig", "CreateEndpoint"}, f"plan: {plan}")
        check(plan["CreateModel"]["PrimaryContainer"]["ModelDataUrl"] == job["ModelArtifacts"]["S3ModelArtifacts"],
              "model data is not the job's artifacts")
        check(plan["CreateEndpoint"]["EndpointName"] == "dp-dry", "endpoint name flag ignored")
        check(created(moto) == ([], [], []), "dry run created something")

        # --from-describe: the recorded answer (with the job's tags added, as
        # a Describe* carries none) gives the same plan with no region, no
        # credentials and no endpoint.
        record = {k: v for k, v in job.items() if k != "ResponseMetadata"}
        record["Tags"] = [{"Key": k, "Value": v} for k, v in job_tags.items()]
        recorded = ws.write("dp-job.describe.json", json.dumps(record, default=str, indent=2))
        bare = {k: v for k, v in ws.env.items() if not k.startswith("AWS_")}
        bare.update(AWS_CONFIG_FILE=os.path.join(ws.dir, "none"),
                    AWS_SHARED_CREDENTIALS_FILE=os.path.join(ws.dir, "none"),
                    AWS_EC2_METADATA_DISABLED="true")
        rc, offline, err = ws.sg("deploy", "--policy", ws.policy, "--dry-run", "--from-describe", recorded,
                                 "--endpoint-name", "dp-dry", env=bare)
        check(rc == 0, f"deploy --dry-run --from-describe failed ({rc}): {err}")
        check(json.loads(offline) == plan, f"offline plan differs:\n{offline}\nvs\n{out}")
        rc, _, err = ws.sg("deploy", "--policy", ws.policy, "--from-describe", recorded, env=bare)
        check(rc == 2 and "--dry-run" in err, f"--from-describe without --dry-run: {rc} {err}")
        not_a_job = ws.write("not-a-job.json", '{"ModelName": "m"}')
        rc, _, err = ws.sg("deploy", "--policy", ws.policy, "--dry-run", "--from-describe", not_a_job, env=bare)
        check(rc == 2 and "not-a-job.json:1:1" in err, f"not a DescribeTrainingJob: {rc} {err}")
        # Without --from-describe the job is read from AWS: no region is a
        # set-up error (exit 2), not a failed AWS call (3).
        rc, _, err = ws.sg("deploy", "--policy", ws.policy, "--dry-run", "--training-job", "dp-job",
                           env=dict(bare, AWS_ACCESS_KEY_ID="AKIDX", AWS_SECRET_ACCESS_KEY="x"))
        check(rc == 2 and "no AWS region" in err, f"deploy without a region: {rc} {err}")
        check(created(moto) == ([], [], []), "an offline plan created something")

        # Refused: the policy wants a tag the job lacks and has no default for.
        strict = ws.write("strict.yaml", POLICY.replace('required: [Project, "Cost Center", Contact]',
                                                         'required: [Project, "Cost Center", Contact, Sponsor]'))
        rc, out, err = deploy(policy=strict)
        check(rc == 1, f"refused deploy: expected exit 1, got {rc}: {err}")
        check("Sponsor" in err and "tags.required" in err and "nothing was created" in err, f"unclear refusal: {err}")
        check(created(moto) == ([], [], []), "a refused deploy created something")

        # A compliant deployment with --wait.
        rc, out, err = deploy("--instance-type", "ml.m5.xlarge", "--instance-count", "2", "--wait")
        check(rc == 0, f"deploy failed ({rc}): {err}")
        check("endpoint dp-job is InService" in out, f"no InService line: {out}")
        check(created(moto) == (["dp-job-model"], ["dp-job-config"], ["dp-job"]), f"created: {created(moto)}")
        sm = moto.boto()
        model = sm.describe_model(ModelName="dp-job-model")
        config = sm.describe_endpoint_config(EndpointConfigName="dp-job-config")
        endpoint = sm.describe_endpoint(EndpointName="dp-job")
        check(model["PrimaryContainer"]["Image"] == job["AlgorithmSpecification"]["TrainingImage"], "image")
        check(model["ExecutionRoleArn"] == job["RoleArn"], "role")
        variant = config["ProductionVariants"][0]
        check(variant["InstanceType"] == "ml.m5.xlarge" and variant["InitialInstanceCount"] == 2, f"variant: {variant}")
        check(config.get("KmsKeyId", "").endswith("1234abcd-12ab-34cd-56ef-1234567890ab"), f"no KMS key: {config}")
        for arn in (model["ModelArn"], config["EndpointConfigArn"], endpoint["EndpointArn"]):
            tags = tags_of(moto, arn)
            check(tags == job_tags, f"{arn} tags {tags} != job tags {job_tags}")
        print("deploy: dry-run (also offline), refusal, model/config/endpoint with the job's tags ok")
    finally:
        ws.close()
        moto.stop()


if __name__ == "__main__":
    main()
