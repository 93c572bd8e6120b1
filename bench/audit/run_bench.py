"""Benchmark: `sageguard audit --kinds training-job` against the peer pattern
(boto3 paginator, then one DescribeTrainingJob and one ListTags per job on a
10-thread ThreadPoolExecutor, as Prowler does), both against the same
loopback fake (1,000 jobs, 30 ms per call), in the same run. Then checks that
`--max-tps` held: no one-second window of the fake's arrival log may hold more
than 5% above the limit.

  python3 bench/audit/run_bench.py --sageguard build/sageguard [--repeat 3]
      [--fake-server asyncio|threads]
"""
import argparse
import concurrent.futures
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_sagemaker import RemoteProcess, max_in_window  # noqa: E402


class RemoteFake(RemoteProcess):
    """fake_sagemaker.py in its own process, so neither client shares the
    fake's interpreter (and GIL) with it."""

    def __init__(self, jobs, latency_ms, server="asyncio"):
        super().__init__([os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake_sagemaker.py"),
                          "--jobs", str(jobs), "--latency-ms", str(latency_ms), "--server", server])


def env_for(home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"HOME": home, "AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench-secret",
                "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_CONFIG_FILE": os.path.join(home, "none"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "none")})
    return env


def run_sageguard(binary, fake, env, max_tps, concurrency):
    cmd = [binary, "audit", "--kinds", "training-job", "--endpoint-url", fake.url, "--format", "json",
           "--max-tps", str(max_tps), "--concurrency", str(concurrency), "--no-progress"]
    fake.take_arrivals()
    t0 = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - t0
    if p.returncode not in (0, 1):
        sys.exit(f"sageguard failed ({p.returncode}): {p.stderr[-2000:]}")
    report = json.loads(p.stdout)
    return elapsed, report, fake.take_arrivals(), " ".join(cmd)


def run_peer(fake):
    import boto3
    import botocore.config
    sm = boto3.client("sagemaker", endpoint_url=fake.url, region_name="us-east-1",
                      aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret",
                      config=botocore.config.Config(max_pool_connections=10, retries={"mode": "standard"}))
    fake.take_arrivals()
    t0 = time.monotonic()
    jobs = []
    for page in sm.get_paginator("list_training_jobs").paginate():
        jobs += page["TrainingJobSummaries"]

    def one(job):
        d = sm.describe_training_job(TrainingJobName=job["TrainingJobName"])
        t = sm.list_tags(ResourceArn=job["TrainingJobArn"])
        return d, t["Tags"]

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(one, jobs))
    elapsed = time.monotonic() - t0
    fake.take_arrivals()
    return elapsed, len(results)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sageguard", required=True)
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--latency-ms", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    # The speed run keeps the rate limiter in the path at a limit the fake
    # could exceed, and the busiest window is checked against it like the
    # limit run's; 4000 leaves the limiter room (at 2000 it alone would
    # bound the run: 2,010 calls need 1.1 s at 2000 per 1.1 s).
    ap.add_argument("--fast-tps", type=float, default=4000)
    ap.add_argument("--fast-concurrency", type=int, default=128)
    ap.add_argument("--limit-tps", type=float, default=100)
    ap.add_argument("--fake-server", choices=["asyncio", "threads"], default="asyncio",
                    help="how the fake serves (fake_sagemaker.py); same answers and latency")
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="sg-bench-")
    env = env_for(home)
    fake = RemoteFake(args.jobs, args.latency_ms, args.fake_server)
    calls = args.jobs * 2 + (args.jobs + 99) // 100
    try:
        ours, peers = [], []
        for _ in range(args.repeat):
            t, report, arrivals, cmd = run_sageguard(args.sageguard, fake, env, args.fast_tps,
                                                     args.fast_concurrency)
            assert len(report["audit"]["resources"]) == args.jobs, "sageguard missed jobs"
            assert len(arrivals) == calls, f"{len(arrivals)} requests, want {calls}"
            ours.append((t, max_in_window([a[0] for a in arrivals])))
            tp, n = run_peer(fake)
            assert n == args.jobs
            peers.append(tp)
        best = min(t for t, _ in ours)
        print(f"jobs={args.jobs} latency={args.latency_ms}ms calls={calls} fake server={args.fake_server}")
        print(f"sageguard: {cmd}")
        print("  runs (s): " + ", ".join(f"{t:.2f}" for t, _ in ours) +
              f"  median {statistics.median(t for t, _ in ours):.2f}")
        print("  busiest 1-s window: " + ", ".join(str(w) for _, w in ours) + f" (limit {args.fast_tps:g})")
        print("peer boto3 + ThreadPoolExecutor(10): runs (s): " + ", ".join(f"{t:.2f}" for t in peers) +
              f"  median {statistics.median(peers):.2f}")
        speedup = statistics.median(peers) / statistics.median(t for t, _ in ours)
        print(f"speed-up (median/median): {speedup:.1f}x")
        for t, w in ours:
            assert w <= args.fast_tps * 1.05, f"--max-tps {args.fast_tps} exceeded: {w} in one second"

        # The limit itself, at a rate the fake could far exceed.
        t, report, arrivals, cmd = run_sageguard(args.sageguard, fake, env, args.limit_tps, 64)
        times = [a[0] for a in arrivals]
        w = max_in_window(times)
        # sageguard spaces requests so that no 1.1 s holds more than the
        # limit (100 ms for delivery jitter): the ideal is calls / limit x 1.1.
        ideal = calls / args.limit_tps * 1.1
        print(f"rate limit: {cmd}")
        print(f"  {len(times)} requests in {t:.2f} s (ideal {ideal:.2f} s: the limit per 1.1 s); busiest "
              f"1-s window {w} (limit {args.limit_tps:g}, +5% = {args.limit_tps * 1.05:g})")
        ok = w <= args.limit_tps * 1.05
        print("max-tps respected: " + ("yes" if ok else "NO"))
        print(f"goal >= 5x: {'met' if speedup >= 5 else 'NOT met'}")
        return 0 if ok and speedup >= 5 else 1
    finally:
        fake.stop()


if __name__ == "__main__":
    sys.exit(main())
