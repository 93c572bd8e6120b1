"""The sageguard gate in a boto3 program: the same CreateTrainingJob request
refused in enforce mode and fixed from the policy in fix mode.

    PYTHONPATH=build/python python3 examples/python/gate_demo.py [ENDPOINT_URL]

ENDPOINT_URL is a SageMaker emulator such as moto_server (default
http://127.0.0.1:5055); credentials come from the usual AWS environment.
"""
import sys

import boto3

import sageguard

POLICY = """version: 1
tags:
  required: [Project, "Cost Center", Contact]
  defaults: {Contact: ml-platform@example.com}
vpc:
  subnets: [subnet-0a1b2c3d]
  security_groups: [sg-0123abcd]
  subnets_reach_s3: true   # they reach S3 (gateway endpoint), so fix may add the VPC
kms:
  volume_key: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
  output_key: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
spot:
  checkpoint_s3_prefix: s3://ml-checkpoints/
"""

REQUEST = {
    "TrainingJobName": "demo-xgb",
    "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/xgb:1",
                               "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
    "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    "EnableManagedSpotTraining": True,
    "Tags": [{"Key": "Project", "Value": "churn"}, {"Key": "Cost Center", "Value": "CC-100"}],
}


def main():
    url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:5055"
    policy = sageguard.Policy.load(POLICY)

    with sageguard.guard(policy=policy, mode="enforce"):
        sm = boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1")
        try:
            sm.create_training_job(**REQUEST)
        except sageguard.PolicyViolation as e:
            print(f"enforce mode refused it:\n{e}\n")

    with sageguard.guard(policy=policy, mode="fix"):
        sm = boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1")
        sm.create_training_job(**REQUEST)
        job = sm.describe_training_job(TrainingJobName="demo-xgb")
        tags = sm.list_tags(ResourceArn=job["TrainingJobArn"])["Tags"]
        print("fix mode created it with")
        print("  VpcConfig:", job["VpcConfig"])
        print("  VolumeKmsKeyId:", job["ResourceConfig"]["VolumeKmsKeyId"])
        print("  MaxWaitTimeInSeconds:", job["StoppingCondition"]["MaxWaitTimeInSeconds"])
        print("  CheckpointConfig:", job["CheckpointConfig"])
        print("  Tags:", {t["Key"]: t["Value"] for t in tags})


if __name__ == "__main__":
    main()
