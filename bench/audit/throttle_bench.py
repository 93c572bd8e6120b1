"""Benchmark: `sageguard audit --kinds training-job` of 1,000 jobs when 10% of
requests are throttled at random, against the same audit without throttling,
in the same run. Both go through the loopback fault proxy of the integration
tests (tests/integration/aws_support/fault_proxy.py; throttle rate 0 for the
clean run, so the proxy's cost is in both) in front of fake_sagemaker.py
(30 ms per call). Also measured: the adaptive retry mode
(AWS_RETRY_MODE=adaptive, given up after --adaptive-cap seconds) and the
peer, boto3 in its standard retry mode on 10 threads, under the same
throttling.

  python3 bench/audit/throttle_bench.py --sageguard build/sageguard [--repeat 3]
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

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
from run_bench import RemoteFake, env_for  # noqa: E402
from aws_support.fault_proxy import FaultProxy  # noqa: E402


def audit(binary, url, env, max_tps, concurrency, timeout):
    cmd = [binary, "audit", "--kinds", "training-job", "--endpoint-url", url, "--format", "json",
           "--max-tps", str(max_tps), "--concurrency", str(concurrency), "--no-progress"]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None
    elapsed = time.monotonic() - t0
    if p.returncode not in (0, 1):
        sys.exit(f"sageguard failed ({p.returncode}): {p.stderr[-2000:]}")
    report = json.loads(p.stdout)
    findings = sorted(json.dumps(f, sort_keys=True) for f in report["findings"])
    return elapsed, findings


def peer(url):
    import boto3
    import botocore.config
    import botocore.exceptions
    sm = boto3.client("sagemaker", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="AKIDBENCH", aws_secret_access_key="bench-secret",
                      config=botocore.config.Config(max_pool_connections=10, retries={"mode": "standard"}))
    t0 = time.monotonic()
    jobs = []
    for page in sm.get_paginator("list_training_jobs").paginate():
        jobs += page["TrainingJobSummaries"]

    def one(job):
        # Three attempts fail together about once per thousand calls at a
        # 10% throttle rate: the peer then has no result for that job.
        try:
            sm.describe_training_job(TrainingJobName=job["TrainingJobName"])
            sm.list_tags(ResourceArn=job["TrainingJobArn"])
            return 0
        except botocore.exceptions.ClientError:
            return 1

    with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
        lost = sum(pool.map(one, jobs))
    return time.monotonic() - t0, len(jobs), lost


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sageguard", required=True)
    ap.add_argument("--jobs", type=int, default=1000)
    ap.add_argument("--latency-ms", type=int, default=30)
    ap.add_argument("--rate", type=float, default=0.10)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--max-tps", type=float, default=400)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--adaptive-cap", type=float, default=120)
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="sg-throttle-bench-")
    env = env_for(home)
    fake = RemoteFake(args.jobs, args.latency_ms)
    clean_proxy = FaultProxy(fake.url, unique_names=False).start()
    try:
        clean, throttled, peers, peer_lost = [], [], [], []
        reference = None
        for i in range(args.repeat):
            t, findings = audit(args.sageguard, clean_proxy.url, env, args.max_tps, args.concurrency, 600)
            clean.append(t)
            reference = reference or findings
            proxy = FaultProxy(fake.url, unique_names=False, throttle_rate=args.rate, seed=100 + i).start()
            try:
                t, findings = audit(args.sageguard, proxy.url, env, args.max_tps, args.concurrency, 600)
                assert findings == reference, "the result under throttling differs from the clean run"
                throttled.append(t)
                share = (proxy.total - sum(proxy.forwarded.values())) / proxy.total
            finally:
                proxy.stop()
            proxy = FaultProxy(fake.url, unique_names=False, throttle_rate=args.rate, seed=200 + i).start()
            try:
                tp, n, lost = peer(proxy.url)
                assert n == args.jobs
                peers.append(tp)
                peer_lost.append(lost)
            finally:
                proxy.stop()
        proxy = FaultProxy(fake.url, unique_names=False, throttle_rate=args.rate, seed=300).start()
        try:
            adaptive, _ = audit(args.sageguard, proxy.url, dict(env, AWS_RETRY_MODE="adaptive"), args.max_tps,
                                args.concurrency, args.adaptive_cap)
        finally:
            proxy.stop()
        med = statistics.median
        print(f"jobs={args.jobs} latency={args.latency_ms}ms throttled share={args.rate:.0%} (last run "
              f"{share:.1%}) --max-tps {args.max_tps:g} --concurrency {args.concurrency}, all through the "
              f"fault proxy")
        print("sageguard clean (s):             " + ", ".join(f"{t:.2f}" for t in clean) + f"  median {med(clean):.2f}")
        print("sageguard throttled, standard:   " + ", ".join(f"{t:.2f}" for t in throttled) +
              f"  median {med(throttled):.2f}  ({med(throttled) / med(clean):.2f}x clean; same findings)")
        print("sageguard throttled, adaptive:   " +
              (f"{adaptive:.2f}" if adaptive is not None else f"did not finish in {args.adaptive_cap:g} s"))
        print("peer boto3 standard, throttled:  " + ", ".join(f"{t:.2f}" for t in peers) + f"  median {med(peers):.2f}  (jobs left unread after its retries: "
              + ", ".join(str(n) for n in peer_lost) + ")")
        ok = med(throttled) <= 2 * med(clean)
        print("throttled within 2x clean: " + ("yes" if ok else "NO"))
        return 0 if ok else 1
    finally:
        clean_proxy.stop()
        fake.stop()


if __name__ == "__main__":
    sys.exit(main())
