"""What the gate adds to a boto3 call: 10,000 create_training_job calls
through a botocore SageMaker client whose HTTP is stubbed (a before-send
handler answers, so nothing leaves the process; serialising and SigV4
signing still run), without a guard and under sageguard.guard() in enforce
and fix mode, in one run. The peer is botocore's own validate_parameters on
the same request, timed on its own.

    PYTHONPATH=build/python python3 bench/python/bench_gate.py [--calls N] [--rounds R]

Each configuration runs R rounds (interleaved, so drift in the machine
touches all alike); the best round is reported.
"""
import argparse
import json
import os
import sys
import time

import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.validate import validate_parameters

import sageguard

POLICY = """version: 1
tags:
  required: [Project, "Cost Center", Contact]
  defaults:
    Contact: ml-platform@example.com
vpc:
  subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
  security_groups: [sg-0123abcd]
kms:
  volume_key: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
  output_key: arn:aws:kms:us-east-1:123456789012:key/5678efab-34cd-56ef-78ab-0987654321fe
spot:
  checkpoint_s3_prefix: s3://ml-checkpoints/
"""
KEY = "arn:aws:kms:us-east-1:123456789012:key/"


def needs_fix():
    """What a data scientist sends: two tags, no VPC/KMS/flags/spot settings."""
    return {
        "TrainingJobName": "bench-job",
        "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1",
                                   "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
        "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://bucket/train/",
            "S3DataDistributionType": "FullyReplicated"}}, "ContentType": "text/csv"}],
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": {"max_depth": "5", "eta": "0.2", "num_round": "100"},
        "EnableManagedSpotTraining": True,
        "Tags": [{"Key": "Project", "Value": "fraud"}, {"Key": "Cost Center", "Value": "CC-100"}],
    }


def compliant():
    r = needs_fix()
    r["Tags"].append({"Key": "Contact", "Value": "ds@example.com"})
    r["VpcConfig"] = {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0123abcd"]}
    r["ResourceConfig"]["VolumeKmsKeyId"] = KEY + "1234abcd-12ab-34cd-56ef-1234567890ab"
    r["OutputDataConfig"]["KmsKeyId"] = KEY + "5678efab-34cd-56ef-78ab-0987654321fe"
    r["EnableNetworkIsolation"] = True
    r["EnableInterContainerTrafficEncryption"] = True
    r["StoppingCondition"]["MaxWaitTimeInSeconds"] = 7200
    r["CheckpointConfig"] = {"S3Uri": "s3://ml-checkpoints/bench-job/"}
    return r


class _Raw:
    def __init__(self, body):
        self._body = body

    def stream(self, **_):
        yield self._body


def stub_client():
    session = botocore.session.get_session()
    client = session.create_client("sagemaker", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
                                   aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    body = json.dumps({"TrainingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/bench-job"})

    def answer(request, **_):
        return AWSResponse(request.url, 200, {"Content-Type": "application/x-amz-json-1.1"},
                           _Raw(body.encode()))

    client.meta.events.register("before-send.sagemaker.CreateTrainingJob", answer)
    return client


def time_calls(client, request, n):
    call = client.create_training_job
    start = time.perf_counter()
    for _ in range(n):
        call(**request)
    return (time.perf_counter() - start) / n


def time_validate(client, request, n):
    shape = client.meta.service_model.operation_model("CreateTrainingJob").input_shape
    start = time.perf_counter()
    for _ in range(n):
        validate_parameters(request, shape)
    return (time.perf_counter() - start) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    policy = sageguard.Policy.load(POLICY)
    good, bad = compliant(), needs_fix()
    assert sageguard.check(good, "CreateTrainingJob", policy) == []
    fixed, rest = sageguard.fix(bad, "CreateTrainingJob", policy)
    assert rest == [] and sageguard.check(fixed, "CreateTrainingJob", policy) == []

    def plain(req):
        return time_calls(stub_client(), req, args.calls)

    def guarded(mode, req):
        with sageguard.guard(policy=policy, mode=mode):
            client = stub_client()
            if mode == "enforce":  # the gate really is in the path
                try:
                    client.create_training_job(**bad)
                    raise SystemExit("enforce let a non-compliant request through")
                except sageguard.PolicyViolation:
                    pass
            return time_calls(client, req, args.calls)

    configs = {
        "no guard, compliant request": lambda: plain(good),
        "no guard, request needing fixes": lambda: plain(bad),
        "enforce, compliant request": lambda: guarded("enforce", good),
        "fix, compliant request": lambda: guarded("fix", good),
        "fix, request needing fixes": lambda: guarded("fix", bad),
        "botocore validate_parameters, compliant request": lambda: time_validate(stub_client(), good, args.calls),
        "botocore validate_parameters, request needing fixes": lambda: time_validate(stub_client(), bad, args.calls),
        "sageguard.check alone, compliant request": lambda: _time(lambda: sageguard.check(good, "CreateTrainingJob", policy), args.calls),
    }
    best = {name: float("inf") for name in configs}
    for _ in range(args.rounds):
        for name, run in configs.items():
            best[name] = min(best[name], run())
    us = {k: v * 1e6 for k, v in best.items()}
    print(f"python {sys.version.split()[0]}, botocore {botocore.__version__}, {args.calls} calls, "
          f"best of {args.rounds} rounds, per call:")
    for name, v in us.items():
        print(f"  {name:55s} {v:8.1f} us")
    validate = us["botocore validate_parameters, compliant request"]
    for mode, base, peer in (("enforce, compliant request", "no guard, compliant request", validate),
                             ("fix, compliant request", "no guard, compliant request", validate),
                             ("fix, request needing fixes", "no guard, request needing fixes",
                              us["botocore validate_parameters, request needing fixes"])):
        added = us[mode] - us[base]
        print(f"guard added ({mode}): {added:.1f} us = {added / peer:.2f} x validate_parameters "
              f"({peer:.1f} us)")


def _time(fn, n):
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n


if __name__ == "__main__":
    os.environ.pop("SAGEGUARD_GUARD", None)
    main()
