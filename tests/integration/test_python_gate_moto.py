"""sageguard.guard() around boto3/botocore clients talking to moto_server
with SigV4 checking on (real IAM credentials created in moto):

- enforce: a non-compliant create_training_job raises PolicyViolation before
  anything is sent (no request leaves the client, moto has no job); the
  compliant request creates the job;
- fix: the job moto records (DescribeTrainingJob + ListTags) has the
  policy's tags, VPC, KMS keys, isolation, encryption and spot settings; a
  CreateModel -> CreateEndpointConfig -> CreateEndpoint chain without tags
  ends with all three tagged from the training job;
- UpdatePipeline with a non-compliant definition is refused;
- warn logs and proceeds; DEBUG logging carries no secrets;
- every way of making a client is gated (boto3.client, boto3.Session,
  botocore.session, a client that existed before guard()); guard(client=)
  gates one client; kinds= narrows; remove() restores botocore."""
import io
import json
import logging
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.moto_env import Moto  # noqa: E402
from py_support import POLICY, check, compliant_training_job, import_sageguard, training_job  # noqa: E402

sageguard = import_sageguard()
import boto3  # noqa: E402
import botocore.session  # noqa: E402

SECRET = "s3cr3t-hyperparameter-value-9f2c"


class Sent:
    """Counts the HTTP requests a client really sends (botocore's before-send)."""

    def __init__(self, client):
        self.bodies = []
        client.meta.events.register("before-send.sagemaker", self._record)

    def _record(self, request, **_):
        target = request.headers.get("X-Amz-Target", b"")
        self.bodies.append((target if isinstance(target, bytes) else target.encode(), request.body))

    def creates(self):
        return [b for t, b in self.bodies if t.endswith(b".CreateTrainingJob")]


def client(moto, how="boto3"):
    kw = dict(endpoint_url=moto.url, region_name="us-east-1",
              aws_access_key_id=moto.access_key, aws_secret_access_key=moto.secret_key)
    if how == "boto3":
        return boto3.client("sagemaker", **kw)
    if how == "session":
        return boto3.Session().client("sagemaker", **kw)
    return botocore.session.get_session().create_client("sagemaker", **kw)


def tags_of(sm, arn):
    return sorted((t["Key"], t["Value"]) for t in sm.list_tags(ResourceArn=arn)["Tags"])


def job_names(sm):
    return {j["TrainingJobName"] for j in sm.list_training_jobs()["TrainingJobSummaries"]}


def refused(call, **request):
    try:
        call(**request)
    except sageguard.PolicyViolation as e:
        return e
    return None


def test_enforce(moto, policy):
    with sageguard.guard(policy=policy, mode="enforce"):
        sm = client(moto)
        sent = Sent(sm)
        bad = training_job("py-refused")
        bad["HyperParameters"]["token"] = SECRET
        e = refused(sm.create_training_job, **bad)
        check(e is not None, "non-compliant job was not refused")
        check(e.operation == "CreateTrainingJob" and e.name == "py-refused", f"{e.operation} {e.name}")
        got = {f.rule for f in e.findings}
        check({"vpc.required", "tags.required", "kms.volume", "network.isolation"} <= got, f"rules {got}")
        msg = str(e)
        check("subnets=[...], security_group_ids=[...]" in msg and "enable_network_isolation=True" in msg,
              f"message lacks the SDK parameters:\n{msg}")
        check(SECRET not in msg, "secret in the refusal")
        check(sent.bodies == [], f"a refused call sent {len(sent.bodies)} request(s)")
        check("py-refused" not in job_names(sm), "moto has the refused job")
        sm.create_training_job(**compliant_training_job("py-compliant"))
        check("py-compliant" in job_names(sm), "compliant job not created")
        check(len(sent.creates()) == 1, f"compliant call sent {len(sent.creates())} creates")


def test_fix_and_chain(moto, policy):
    with sageguard.guard(policy=policy, mode="fix"):
        sm = client(moto)
        sent = Sent(sm)
        job = training_job("py-fixed")
        job["EnableManagedSpotTraining"] = True
        sm.create_training_job(**job)
        d = sm.describe_training_job(TrainingJobName="py-fixed")
        check(d["VpcConfig"] == {"Subnets": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
                                 "SecurityGroupIds": ["sg-0123abcd"]}, f"VpcConfig {d.get('VpcConfig')}")
        check(d["ResourceConfig"].get("VolumeKmsKeyId", "").endswith("1234abcd-12ab-34cd-56ef-1234567890ab"),
              f"volume key {d['ResourceConfig']}")
        check(d["OutputDataConfig"].get("KmsKeyId", "").endswith("5678efab-34cd-56ef-78ab-0987654321fe"),
              f"output key {d['OutputDataConfig']}")
        check(d.get("EnableNetworkIsolation") is True, f"isolation {d.get('EnableNetworkIsolation')}")
        check(d.get("EnableInterContainerTrafficEncryption") is True, "inter-container encryption")
        check(d.get("EnableManagedSpotTraining") is True, "spot")
        check(d["StoppingCondition"].get("MaxWaitTimeInSeconds") == 7200, f"max wait {d['StoppingCondition']}")
        check(d.get("CheckpointConfig", {}).get("S3Uri", "").startswith("s3://ml-checkpoints/"),
              f"checkpoint {d.get('CheckpointConfig')}")
        job_tags = tags_of(sm, d["TrainingJobArn"])
        check(("Contact", "ml-platform@example.com") in job_tags, f"job tags {job_tags}")

        artifacts = d["ModelArtifacts"]["S3ModelArtifacts"]
        sent.bodies.clear()
        sm.create_model(ModelName="py-model", ExecutionRoleArn="arn:aws:iam::123456789012:role/SageMakerRole",
                        PrimaryContainer={"Image": d["AlgorithmSpecification"]["TrainingImage"],
                                          "ModelDataUrl": artifacts})
        sm.create_endpoint_config(EndpointConfigName="py-config", ProductionVariants=[{
            "VariantName": "AllTraffic", "ModelName": "py-model", "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 1}])
        sm.create_endpoint(EndpointName="py-endpoint", EndpointConfigName="py-config")
        model = sm.describe_model(ModelName="py-model")
        config = sm.describe_endpoint_config(EndpointConfigName="py-config")
        endpoint = sm.describe_endpoint(EndpointName="py-endpoint")
        for arn in (model["ModelArn"], config["EndpointConfigArn"], endpoint["EndpointArn"]):
            tags = tags_of(sm, arn)
            check(tags == job_tags, f"{arn}: tags {tags} != the training job's {job_tags}")
        # moto does not store a model's EnableNetworkIsolation (DescribeModel
        # never returns it), so the request that was sent is the evidence.
        create_model = json.loads([b for t, b in sent.bodies if b"CreateModel" in t][0])
        check(create_model.get("EnableNetworkIsolation") is True, f"model request {create_model}")
        check(create_model.get("VpcConfig", {}).get("Subnets"), "model VPC")
        check(config.get("KmsKeyId", "").endswith("1234abcd-12ab-34cd-56ef-1234567890ab"),
              f"endpoint config KMS key {config.get('KmsKeyId')}")


def pipeline_definition(job):
    args = {k: v for k, v in job.items() if k != "TrainingJobName"}
    return json.dumps({"Version": "2020-12-01", "Steps": [
        {"Name": "Train", "Type": "Training", "Arguments": args}]}, indent=2)


def test_pipeline(moto, policy):
    with sageguard.guard(policy=policy, mode="enforce"):
        sm = client(moto)
        good = pipeline_definition(compliant_training_job("p"))
        check(sageguard.check({"PipelineDefinition": good}, "CreatePipeline", policy) == [],
              f"compliant definition: {sageguard.check({'PipelineDefinition': good}, 'CreatePipeline', policy)}")
        sm.create_pipeline(PipelineName="py-pipeline", PipelineDefinition=good,
                           RoleArn="arn:aws:iam::123456789012:role/SageMakerRole")
        bad = pipeline_definition(training_job("p"))
        e = refused(sm.update_pipeline, PipelineName="py-pipeline", PipelineDefinition=bad)
        check(e is not None and e.operation == "UpdatePipeline", "non-compliant UpdatePipeline not refused")
        check(any(f.rule == "vpc.required" for f in e.findings), f"pipeline findings {e.findings}")
        stored = sm.describe_pipeline(PipelineName="py-pipeline")["PipelineDefinition"]
        check(json.loads(stored) == json.loads(good), "moto's pipeline changed after a refused update")


def test_warn_and_logging(moto, policy):
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    logger = logging.getLogger("sageguard")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        with sageguard.guard(policy=policy, mode="warn"):
            sm = client(moto)
            job = training_job("py-warned")
            job["HyperParameters"]["token"] = SECRET
            job["Environment"] = {"DB_PASSWORD": SECRET}
            sm.create_training_job(**job)
            check("py-warned" in job_names(sm), "warn mode did not let the call through")
        with sageguard.guard(policy=policy, mode="enforce"):
            refused(client(moto).create_training_job, **job)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    text = log.getvalue()
    check("vpc.required" in text and "py-warned" in text, f"findings not logged:\n{text}")
    check("refused" in text, "no DEBUG line for the decision")
    for secret in (SECRET, moto.secret_key):
        check(secret not in text, "a secret reached the log")


def test_scope(moto, policy):
    before = client(moto, "botocore")  # exists before the guard
    original = botocore.session.Session.create_client
    g = sageguard.guard(policy=policy, mode="enforce")
    try:
        check(botocore.session.Session.create_client is not original, "create_client not hooked")
        for how in ("boto3", "session", "botocore"):
            check(refused(client(moto, how).create_training_job, **training_job(f"py-{how}")) is not None,
                  f"a client from {how} is not gated")
        check(refused(before.create_training_job, **training_job("py-before")) is not None,
              "a client made before guard() is not gated")
    finally:
        g.remove()
    check(botocore.session.Session.create_client is original, "remove() did not restore create_client")
    before.create_training_job(**training_job("py-after-remove"))
    check("py-after-remove" in job_names(before), "a client is still gated after remove()")

    one, other = client(moto), client(moto)
    with sageguard.guard(policy=policy, client=one):
        check(botocore.session.Session.create_client is original, "guard(client=) hooked every client")
        check(refused(one.create_training_job, **training_job("py-one")) is not None, "client not gated")
        other.create_training_job(**training_job("py-other"))
    one.create_training_job(**training_job("py-one-after"))

    with sageguard.guard(policy=policy, kinds=["CreateModel"]):
        sm = client(moto)
        sm.create_training_job(**training_job("py-kinds"))  # not gated
        check(refused(sm.create_model, ModelName="py-kinds-model",
                      ExecutionRoleArn="arn:aws:iam::123456789012:role/SageMakerRole",
                      PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1"})
              is not None, "kinds=['CreateModel'] did not gate CreateModel")
    check({"py-other", "py-one-after", "py-kinds"} <= job_names(sm), "ungated calls did not go through")


def main():
    moto = Moto()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.chdir(tmp)
            os.environ.pop("SAGEGUARD_POLICY", None)
            policy = sageguard.Policy.load(POLICY)
            test_enforce(moto, policy)
            test_fix_and_chain(moto, policy)
            test_pipeline(moto, policy)
            test_warn_and_logging(moto, policy)
            test_scope(moto, policy)
    finally:
        moto.stop()
    print("python gate: enforce, fix + tag chain, pipeline, warn/logging, client scope ok")


if __name__ == "__main__":
    main()
