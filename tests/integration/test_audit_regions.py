"""`sageguard audit --region all` against moto_server: the regions come from
EC2 DescribeRegions (query protocol, signed; moto checks the signature),
regions that are not opted in are skipped, and the audit covers exactly the
others. The expected set is what boto3's describe_regions says, filtered the
same way; the expected resources are the training jobs seeded in those
regions, not the one seeded in a not-opted-in region."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aws_support.moto_env import Moto, tool_env  # noqa: E402
from aws_support.tools import check, sageguard  # noqa: E402


def run(env, *args):
    return subprocess.run([sageguard(), *args], env=env, capture_output=True, text=True, timeout=600)


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def training_job(name):
    return {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": "123456789012.dkr.ecr.us-east-1.amazonaws.com/a:1",
                                   "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/out"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "Tags": [{"Key": "Project", "Value": "regions"}],
    }


def main():
    moto = Moto()
    work = tempfile.mkdtemp(prefix="sg-audit-regions-")
    try:
        import boto3
        ec2 = boto3.client("ec2", endpoint_url=moto.url, region_name="us-east-1",
                           aws_access_key_id=moto.access_key, aws_secret_access_key=moto.secret_key)
        listed = ec2.describe_regions()["Regions"]
        # moto also lists the China and GovCloud regions, which real EC2 in
        # the aws partition does not (and our credentials could not reach):
        # botocore's endpoint data says which regions are in the partition.
        partition = set(boto3.Session().get_available_regions("ec2", partition_name="aws"))
        enabled = sorted({r["RegionName"] for r in listed
                          if r.get("OptInStatus") != "not-opted-in" and r["RegionName"] in partition})
        skipped = sorted({r["RegionName"] for r in listed if r.get("OptInStatus") == "not-opted-in"})
        other = sorted({r["RegionName"] for r in listed} - partition)
        check(len(enabled) >= 3 and skipped, f"moto lists too few regions: {enabled} / {skipped}")

        # Two jobs in the first enabled region, one in the last, one in a
        # region that is not opted in (it must not be audited).
        seeds = [(enabled[0], "rg-a"), (enabled[0], "rg-b"), (enabled[-1], "rg-c"), (skipped[0], "rg-hidden")]
        for region, name in seeds:
            sm = boto3.client("sagemaker", endpoint_url=moto.url, region_name=region,
                              aws_access_key_id=moto.access_key, aws_secret_access_key=moto.secret_key)
            sm.create_training_job(**training_job(name))
        want = sorted((r, n) for r, n in seeds if r in enabled)

        env = tool_env(moto.access_key, moto.secret_key, work)
        # --endpoint-url is SageMaker's; DescribeRegions goes to the EC2
        # endpoint, here from the standard AWS_ENDPOINT_URL.
        env["AWS_ENDPOINT_URL"] = moto.url
        p = run(env, "audit", "--region", "all", "--kinds", "training-job", "--endpoint-url", moto.url,
                "--format", "json", "--max-tps", "400", "--no-progress")
        check(p.returncode in (0, 1), f"audit --region all: exit {p.returncode}: {p.stderr[-2000:]}")
        report = json.loads(p.stdout)
        check(report["audit"]["regions"] == enabled,
              f"audited regions {report['audit']['regions']} != enabled {enabled}")
        got = sorted((r["region"], r["name"]) for r in report["audit"]["resources"])
        check(got == want, f"audited resources {got} != {want}")
        for f in report["findings"]:
            check(f["resource"]["region"] in enabled, f"finding outside the enabled regions: {f}")
        text = run(env, "audit", "--region", "all", "--kinds", "training-job", "--endpoint-url", moto.url,
                   "--max-tps", "400", "--no-progress")
        check(f"audit: {len(want)} listed in {len(enabled)} region(s)" in text.stdout,
              f"text summary: {text.stdout[-300:]}")
        print(f"--region all: {len(enabled)} enabled regions audited, {len(skipped)} not opted in and "
              f"{len(other)} of other partitions skipped; {len(want)} jobs found", flush=True)

        # A wrong secret: moto refuses the signature; nothing is audited.
        bad = dict(env, AWS_SECRET_ACCESS_KEY="not-the-secret")
        p = run(bad, "audit", "--region", "all", "--endpoint-url", moto.url, "--no-progress")
        check(p.returncode == 3 and "DescribeRegions" in p.stderr, f"bad signature: {p.returncode} {p.stderr}")
        check("not-the-secret" not in p.stderr + p.stdout, "the secret was printed")

        # No EC2 endpoint answering: exit 3 with the operation named.
        down = dict(env, AWS_ENDPOINT_URL_EC2=f"http://127.0.0.1:{closed_port()}", AWS_MAX_ATTEMPTS="2")
        p = run(down, "audit", "--region", "all", "--endpoint-url", moto.url, "--no-progress")
        check(p.returncode == 3 and "DescribeRegions" in p.stderr, f"EC2 down: {p.returncode} {p.stderr}")

        # 'all' cannot be mixed with named regions.
        p = run(env, "audit", "--region", "all,us-east-1", "--endpoint-url", moto.url, "--no-progress")
        check(p.returncode == 2, f"all + named region: exit {p.returncode}")
        print("errors: bad signature and unreachable EC2 exit 3; 'all' with names exits 2", flush=True)
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
