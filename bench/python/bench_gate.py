"""What the gate adds to a boto3 call: 10,000 create_training_job calls
through a botocore SageMaker client whose HTTP is stubbed (a before-send
handler answers, so nothing leaves the process; serialising and SigV4
signing still run), without a guard and under sageguard.guard() in enforce
and fix mode, in one run. The peer is botocore's own validate_parameters on
the same request, timed on its own.

    PYTHONPATH=build/python python3 bench/python/bench_gate.py [--calls N] [--rounds R] [--budget] [--event-only] [--cpu-time]

"guard added" is the time of the gate's event (before-parameter-build, on
which the guard runs) minus the same event on an ungated client; the
difference between whole calls with and without the guard is printed too,
but carries the noise of everything else a call does. Each configuration
runs R rounds (interleaved, so drift in the machine touches all alike); the
best round is reported. --cpu-time times with the process's CPU clock
instead of the wall clock: on a machine busy with other work, waiting for a
CPU then counts for nothing, so the figures stay comparable.
"""
import argparse
import json
import os
import sys
import time

import botocore.session

clock = time.perf_counter
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
  subnets_reach_s3: true   # without it fix leaves the VPC out (it could cut a job off S3)
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
    start = clock()
    for _ in range(n):
        call(**request)
    return (clock() - start) / n


def time_gate_event(client, request, n):
    """The gate alone: the event botocore emits for each call, with the
    fresh params dict each call gets (an ungated client: the floor)."""
    emit = client.meta.events.emit
    model = client.meta.service_model.operation_model("CreateTrainingJob")
    context = {"client_region": "us-east-1"}
    event = "before-parameter-build.sagemaker.CreateTrainingJob"
    start = clock()
    for _ in range(n):
        emit(event, params=dict(request), model=model, context=context)
    return (clock() - start) / n


def time_validate(client, request, n):
    shape = client.meta.service_model.operation_model("CreateTrainingJob").input_shape
    start = clock()
    for _ in range(n):
        validate_parameters(request, shape)
    return (clock() - start) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=10000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--budget", action="store_true",
                    help="add limits.max_job_cost_usd to the policy (budget.max-cost prices each job)")
    ap.add_argument("--event-only", action="store_true",
                    help="time only the gate's event and validate_parameters, not whole calls")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time with the process's CPU clock (time.process_time), not the wall clock")
    args = ap.parse_args()
    global clock
    if args.cpu_time:
        clock = time.process_time
    policy = sageguard.Policy.load(POLICY + ("limits:\n  max_job_cost_usd: 500\n" if args.budget else ""))
    good, bad = compliant(), needs_fix()
    assert sageguard.check(good, "CreateTrainingJob", policy) == []
    fixed, rest = sageguard.fix(bad, "CreateTrainingJob", policy)
    assert rest == [] and sageguard.check(fixed, "CreateTrainingJob", policy) == []
    n = args.calls

    def gated(mode, measure, req):
        with sageguard.guard(policy=policy, mode=mode):
            client = stub_client()
            if mode == "enforce":  # the gate really is in the path
                try:
                    client.create_training_job(**bad)
                    raise SystemExit("enforce let a non-compliant request through")
                except sageguard.PolicyViolation:
                    pass
            return measure(client, req, n)

    configs = {
        "botocore validate_parameters (compliant)": lambda: time_validate(stub_client(), good, n),
        "botocore validate_parameters (needs fixes)": lambda: time_validate(stub_client(), bad, n),
        "gate event, no guard (compliant)": lambda: time_gate_event(stub_client(), good, n),
        "gate event, enforce (compliant)": lambda: gated("enforce", time_gate_event, good),
        "gate event, fix (compliant)": lambda: gated("fix", time_gate_event, good),
        "gate event, fix (needs fixes)": lambda: gated("fix", time_gate_event, bad),
        "whole call, no guard (compliant)": lambda: time_calls(stub_client(), good, n),
        "whole call, enforce (compliant)": lambda: gated("enforce", time_calls, good),
        "whole call, fix (compliant)": lambda: gated("fix", time_calls, good),
        "whole call, no guard (needs fixes)": lambda: time_calls(stub_client(), bad, n),
        "whole call, fix (needs fixes)": lambda: gated("fix", time_calls, bad),
    }
    if args.event_only:
        configs = {k: v for k, v in configs.items() if not k.startswith("whole call")}
    best = {name: float("inf") for name in configs}
    for _ in range(args.rounds):
        for name, run in configs.items():
            best[name] = min(best[name], run())
    us = {k: v * 1e6 for k, v in best.items()}
    print(f"python {sys.version.split()[0]}, botocore {botocore.__version__}, {n} calls per figure, "
          f"best of {args.rounds} rounds, policy {'with' if args.budget else 'without'} a budget, "
          f"{'CPU' if args.cpu_time else 'wall'} time per call:")
    for name, v in us.items():
        print(f"  {name:45s} {v:8.1f} us")
    floor = us["gate event, no guard (compliant)"]
    for mode, peer in (("enforce (compliant)", "compliant"), ("fix (compliant)", "compliant"),
                       ("fix (needs fixes)", "needs fixes")):
        added = us[f"gate event, {mode}"] - floor
        v = us[f"botocore validate_parameters ({peer})"]
        line = (f"guard added, {mode:20s} {added:6.1f} us = {added / v:.2f} x validate_parameters "
                f"({v:.1f} us)")
        if not args.event_only:
            whole = us[f"whole call, {mode}"] - us[f"whole call, no guard ({peer})"]
            line += f"; whole-call difference {whole:.1f} us"
        print(line)


if __name__ == "__main__":
    os.environ.pop("SAGEGUARD_GUARD", None)
    main()
