"""Shared by the tests of the Python package (test_python_*.py): importing
sageguard from the build's python/ directory, as an install would hold it,
and small request builders."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from aws_support.tools import check, fail, missing  # noqa: E402,F401
from aws_support.policies import GATE_POLICY as POLICY  # noqa: E402,F401



def package_dir():
    """<build>/python, which holds what an install puts into site-packages."""
    build = os.environ.get("SG_BUILD_DIR")
    if not build:
        missing("SG_BUILD_DIR is not set")
    path = os.path.join(build, "python")
    if not os.path.isfile(os.path.join(path, "sageguard", "__init__.py")):
        missing(f"{path} holds no sageguard package (configured without pybind11?)")
    return path


def import_sageguard():
    sys.path.insert(0, package_dir())
    import sageguard
    return sageguard


def training_job(name):
    """A CreateTrainingJob request with two of the test policy's tags; the
    rest (Contact, VPC, KMS, encryption, isolation, spot) is missing."""
    return {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1",
                                   "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": {"epochs": "3"},
        "Tags": [{"Key": "Project", "Value": "fraud"}, {"Key": "Cost Center", "Value": "CC-100"}],
    }


def compliant_training_job(name):
    """training_job(name) with everything the test policy asks for."""
    job = training_job(name)
    job["Tags"].append({"Key": "Contact", "Value": "ds@example.com"})
    job["VpcConfig"] = {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0123abcd"]}
    job["ResourceConfig"]["VolumeKmsKeyId"] = \
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    job["OutputDataConfig"]["KmsKeyId"] = \
        "arn:aws:kms:us-east-1:123456789012:key/5678efab-34cd-56ef-78ab-0987654321fe"
    job["EnableNetworkIsolation"] = True
    job["EnableInterContainerTrafficEncryption"] = True
    job["EnableManagedSpotTraining"] = True
    job["StoppingCondition"]["MaxWaitTimeInSeconds"] = 7200
    job["CheckpointConfig"] = {"S3Uri": f"s3://ml-checkpoints/{name}/"}
    return job
