"""Benchmark: `sageguard audit --accounts FILE` over an organization (default
50 accounts x 2 regions x 20 training jobs) against the pattern peers
document for an organization: a loop that takes one account after another,
assumes its role with boto3's STS client, and audits each region with boto3
(paginator, then DescribeTrainingJob and ListTags per job on a 10-thread
ThreadPoolExecutor). Both run in the same invocation against the same
loopback fake (30 ms per call, STS included), at the same --max-tps per
account and region (the peer spaces its calls with a limiter per account and
region as well). Then checks that no account's region ever got more than
--max-tps (+5%) calls in any one-second window.

  python3 bench/audit/accounts_bench.py --sageguard build/sageguard
      [--accounts 50] [--regions 2] [--jobs 20] [--max-tps 50] [--repeat 1]
"""
import argparse
import asyncio
import collections
import concurrent.futures
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_sagemaker import RemoteProcess, http_response, max_in_window  # noqa: E402

REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1"]
ROLE = "OrgAudit"
CREDENTIAL = re.compile(rb"Credential=ASIA(\d{12})/\d{8}/([a-z0-9-]+)/")


class FakeOrganization:
    """STS AssumeRole (the key it hands out names the account) and the
    SageMaker calls of a training-job audit, each answered from the account
    and region of the request's signing scope, after a fixed latency."""

    def __init__(self, jobs, latency_ms):
        self.jobs = jobs
        self.latency = latency_ms / 1000.0
        self.arrivals = []  # (monotonic seconds, account, region)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _sts(self, raw):
        form = dict(urllib.parse.parse_qsl(raw.decode()))
        account = form["RoleArn"].split(":")[4]
        expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        body = (f"<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA{account}</AccessKeyId>"
                f"<SecretAccessKey>bench-secret-{account}</SecretAccessKey><SessionToken>bench-token-{account}"
                f"</SessionToken><Expiration>{expires}</Expiration></Credentials><AssumedRoleUser><Arn>"
                f"arn:aws:sts::{account}:assumed-role/{ROLE}/bench</Arn></AssumedRoleUser></AssumeRoleResult>"
                f"</AssumeRoleResponse>")
        head = (f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(body)}\r\n\r\n")
        return (head + body).encode()

    def _sagemaker(self, op, raw, account, region):
        body = json.loads(raw or b"{}")
        arn = f"arn:aws:sagemaker:{region}:{account}:training-job/"
        if op == "ListTrainingJobs":
            out = {"TrainingJobSummaries": [{"TrainingJobName": f"job-{i:03d}", "TrainingJobArn": f"{arn}job-{i:03d}",
                                             "CreationTime": 1700000000.0, "TrainingJobStatus": "Completed"}
                                            for i in range(self.jobs)]}
        elif op == "DescribeTrainingJob":
            n = body["TrainingJobName"]
            out = {"TrainingJobName": n, "TrainingJobArn": arn + n, "TrainingJobStatus": "Completed",
                   "AlgorithmSpecification": {"TrainingImage": f"{account}.dkr.ecr.{region}.amazonaws.com/a:1",
                                              "TrainingInputMode": "File"},
                   "RoleArn": f"arn:aws:iam::{account}:role/SageMakerRole",
                   "OutputDataConfig": {"S3OutputPath": "s3://bench/out"},
                   "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 50},
                   "StoppingCondition": {"MaxRuntimeInSeconds": 3600}, "CreationTime": 1700000000.0}
        elif op == "ListTags":
            out = {"Tags": [{"Key": "Project", "Value": "bench"}]}
        else:
            return http_response(400, json.dumps({"__type": "UnknownOperationException", "message": op}).encode())
        return http_response(200, json.dumps(out).encode())

    async def _connection(self, reader, writer):
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                t = time.monotonic()
                length, op, auth = 0, "", b""
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"x-amz-target":
                        op = value.strip().decode().split(".", 1)[-1]
                    elif name == b"authorization":
                        auth = value
                raw = await reader.readexactly(length) if length else b""
                if op == "BenchArrivals":
                    out, self.arrivals = self.arrivals, []
                    writer.write(http_response(200, json.dumps({"arrivals": out}).encode()))
                    continue
                if not op:
                    answer = self._sts(raw)
                else:
                    m = CREDENTIAL.search(auth)
                    account, region = (m.group(1).decode(), m.group(2).decode()) if m else ("?", "?")
                    self.arrivals.append((t, account, region))
                    answer = self._sagemaker(op, raw, account, region)
                delay = self.latency - (time.monotonic() - t)
                if delay > 0:
                    await asyncio.sleep(delay)
                writer.write(answer)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()

    def _serve(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(asyncio.start_server(self._connection, sock=self.sock, backlog=1024))
        self.loop.run_forever()


def serve(args):
    fake = FakeOrganization(args.jobs, args.latency_ms)
    print(fake.url, flush=True)
    fake._serve()


class RemoteFake(RemoteProcess):
    """The fake in its own process: neither client shares its interpreter."""

    def __init__(self, jobs, latency_ms):
        super().__init__([os.path.abspath(__file__), "--serve", "--jobs", str(jobs),
                          "--latency-ms", str(latency_ms)])


class Spacer:
    """The peer's rate limit: calls start at least 1/tps apart (thread-safe)."""

    def __init__(self, tps):
        self.gap = 1.0 / tps
        self.next = 0.0
        self.lock = threading.Lock()

    def wait(self):
        with self.lock:
            now = time.monotonic()
            at = max(now, self.next)
            self.next = at + self.gap
        if at > now:
            time.sleep(at - now)


def run_peer(fake, accounts, regions, max_tps):
    import boto3
    import botocore.config
    sts = boto3.client("sts", endpoint_url=fake.url, region_name="us-east-1", aws_access_key_id="AKIDBENCH",
                       aws_secret_access_key="bench-secret")
    config = botocore.config.Config(max_pool_connections=10, retries={"mode": "standard"})
    seen = 0
    t0 = time.monotonic()
    for account in accounts:  # one account after another, as the documented loop does
        c = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE}", RoleSessionName="audit")["Credentials"]
        for region in regions:
            spacer = Spacer(max_tps)
            sm = boto3.client("sagemaker", endpoint_url=fake.url, region_name=region, config=config,
                              aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                              aws_session_token=c["SessionToken"])
            sm.meta.events.register("before-send.sagemaker.*", lambda **_: spacer.wait())
            jobs = []
            for page in sm.get_paginator("list_training_jobs").paginate():
                jobs += page["TrainingJobSummaries"]

            def one(job):
                d = sm.describe_training_job(TrainingJobName=job["TrainingJobName"])
                return d, sm.list_tags(ResourceArn=job["TrainingJobArn"])["Tags"]

            with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
                seen += len(list(pool.map(one, jobs)))
    return time.monotonic() - t0, seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sageguard")
    ap.add_argument("--accounts", type=int, default=50)
    ap.add_argument("--regions", type=int, default=2)
    ap.add_argument("--jobs", type=int, default=20)
    ap.add_argument("--latency-ms", type=int, default=30)
    ap.add_argument("--max-tps", type=float, default=50)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        return serve(args)
    if not args.sageguard:
        ap.error("--sageguard is required")
    accounts = [f"{100000000000 + i:012d}" for i in range(args.accounts)]
    regions = REGIONS[:args.regions]
    home = tempfile.mkdtemp(prefix="sg-accounts-bench-")
    accounts_file = os.path.join(home, "accounts.yaml")
    with open(accounts_file, "w") as f:
        f.write("accounts:\n" + "".join(
            f"  - account_id: '{a}'\n    name: member-{i}\n    role: {ROLE}\n    regions: [{', '.join(regions)}]\n"
            for i, a in enumerate(accounts)))
    fake = RemoteFake(args.jobs, args.latency_ms)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"HOME": home, "AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench-secret",
                "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.path.join(home, "none"), "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none"),
                "AWS_ENDPOINT_URL": fake.url})
    cmd = [args.sageguard, "audit", "--accounts", accounts_file, "--kinds", "training-job", "--format", "json",
           "--max-tps", f"{args.max_tps:g}", "--no-progress"]
    want = args.accounts * len(regions) * args.jobs
    try:
        ours, peers, windows = [], [], []
        for _ in range(args.repeat):
            fake.take_arrivals()
            t0 = time.monotonic()
            p = subprocess.run(cmd, env=env, capture_output=True, text=True)
            ours.append(time.monotonic() - t0)
            if p.returncode not in (0, 1):
                sys.exit(f"sageguard failed ({p.returncode}): {p.stderr[-2000:]}")
            found = {(r["account"], r["region"], r["name"]) for r in json.loads(p.stdout)["audit"]["resources"]}
            assert len(found) == want, f"sageguard found {len(found)} jobs, want {want}"
            per = collections.defaultdict(list)
            for t, account, region in fake.take_arrivals():
                per[(account, region)].append(t)
            assert len(per) == args.accounts * len(regions), f"{len(per)} account-regions called"
            windows.append(max(max_in_window(v) for v in per.values()))
            tp, n = run_peer(fake, accounts, regions, args.max_tps)
            fake.take_arrivals()
            assert n == want, f"peer read {n} jobs, want {want}"
            peers.append(tp)
        speedup = statistics.median(peers) / statistics.median(ours)
        print(f"{args.accounts} accounts x {len(regions)} regions x {args.jobs} training jobs, "
              f"{args.latency_ms} ms per call, --max-tps {args.max_tps:g} per account and region")
        print("sageguard: " + " ".join(cmd))
        print("  runs (s): " + ", ".join(f"{t:.2f}" for t in ours) + f"  median {statistics.median(ours):.2f}")
        print("  busiest 1-s window of any account's region: " + ", ".join(map(str, windows)))
        print("peer: one account after another, boto3 + ThreadPoolExecutor(10) per region: runs (s): " +
              ", ".join(f"{t:.2f}" for t in peers) + f"  median {statistics.median(peers):.2f}")
        print(f"speed-up (median/median): {speedup:.1f}x")
        ok = all(w <= args.max_tps * 1.05 for w in windows)
        print("max-tps per account and region respected: " + ("yes" if ok else "NO"))
        print(f"goal >= 10x: {'met' if speedup >= 10 else 'NOT met'}")
        return 0 if ok and speedup >= 10 else 1
    finally:
        fake.stop()


if __name__ == "__main__":
    sys.exit(main())
