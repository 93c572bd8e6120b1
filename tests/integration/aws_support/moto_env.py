"""Starting moto_server on 127.0.0.1 with signature checking, creating an IAM
user with an allow-all policy during the unauthenticated calls, and running
the sg_aws_call tool with those credentials."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

from .tools import fail, missing

NO_AUTH_CALLS = 3  # CreateUser, CreateAccessKey, PutUserPolicy


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    def __init__(self):
        try:
            import boto3  # noqa: F401
            import moto  # noqa: F401
        except ImportError:
            missing("moto/boto3 not importable")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(NO_AUTH_CALLS),
                   AWS_EC2_METADATA_DISABLED="true")
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                      "-p", str(self.port)], stdout=self.log, stderr=self.log, env=env)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                fail("moto_server exited early")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.2)
        else:
            fail("moto_server did not start")
        self.access_key, self.secret_key = self._create_user()

    def _create_user(self):
        import boto3
        iam = boto3.client("iam", endpoint_url=self.url, region_name="us-east-1",
                           aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
        iam.create_user(UserName="sageguard-test")
        key = iam.create_access_key(UserName="sageguard-test")["AccessKey"]
        iam.put_user_policy(UserName="sageguard-test", PolicyName="all", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        return key["AccessKeyId"], key["SecretAccessKey"]

    def boto(self, service="sagemaker"):
        import boto3
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def tool_env(access_key, secret_key, home):
    """Only what the tool needs: no shared files, no metadata, our keys."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "HOME": home,
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(home, "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "no-credentials"),
    })
    return env


def run_call(tool, env, operation, body, *extra):
    proc = subprocess.run([tool, operation, json.dumps(body), *extra], env=env,
                          capture_output=True, text=True, timeout=120)
    out = json.loads(proc.stdout) if proc.returncode == 0 and proc.stdout.strip() else None
    return proc.returncode, out, proc.stdout, proc.stderr


def training_job(name, role="arn:aws:iam::123456789012:role/SageMakerRole"):
    return {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1",
                                   "TrainingInputMode": "File"},
        "RoleArn": role,
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/output"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": {"epochs": "3"},
        "Tags": [{"Key": "team", "Value": "ml"}],
    }
