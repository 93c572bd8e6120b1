"""`sageguard audit` of 1,000 training jobs in moto_server (SigV4 checked)
under the faults a shared account meets:

1. 10% of requests throttled at random (a fixed seed) by the loopback fault
   proxy: in the default (standard) retry mode the result is identical to
   the clean run; the run's time is printed next to the clean one (the
   comparison is measured in bench/audit, BENCHMARKS.md; only a generous
   bound is asserted here).
2. The server goes away mid-audit (every request after the 600th hangs
   unanswered, on new and kept-alive connections): the audit ends with exit
   3 within a minute, the resources read so far are reported, and every
   listed resource not read is an audit.unreadable finding.
"""
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aws_support.fault_proxy import FaultProxy  # noqa: E402
from aws_support.moto_env import Moto, tool_env  # noqa: E402
from aws_support.tools import check, sageguard  # noqa: E402
from audit_support import seed  # noqa: E402

JOBS = 1000


def audit(env, endpoint, policy, *extra, timeout=600):
    start = time.monotonic()
    p = subprocess.run([sageguard(), "audit", "--endpoint-url", endpoint, "--region", "us-east-1",
                        "--policy", policy, "--kinds", "training-job", "--max-tps", "2000",
                        "--concurrency", "16", "--format", "json", "--no-progress", *extra],
                       env=env, capture_output=True, text=True, timeout=timeout)
    return p, time.monotonic() - start


def canonical(report):
    findings = sorted(json.dumps(f, sort_keys=True) for f in report["findings"])
    resources = sorted(json.dumps(r, sort_keys=True) for r in report["audit"]["resources"])
    return findings, resources, report["summary"]


def main():
    moto = Moto()
    work = tempfile.mkdtemp(prefix="sg-audit-faults-")
    proxies = []
    try:
        env = tool_env(moto.access_key, moto.secret_key, work)
        policy = os.path.join(work, "policy.yaml")
        with open(policy, "w") as f:
            f.write(seed.POLICY)
        sm = moto.boto()
        rng = random.Random(20261207)
        for i in range(JOBS):
            req = seed.training_definition(rng, f"faults-{i:04d}")
            req["Tags"] = seed.tags_variant(rng, "churn")
            sm.create_training_job(**req)
        print(f"seeded {JOBS} training jobs", flush=True)

        clean, clean_s = audit(env, moto.url, policy)
        check(clean.returncode == 1, f"clean audit exit {clean.returncode}: {clean.stderr[-2000:]}")
        report = json.loads(clean.stdout)
        check(len(report["audit"]["resources"]) == JOBS, f"clean run read {len(report['audit']['resources'])}")

        # 1. 10% random throttling: identical result, standard mode.
        proxy = FaultProxy(moto.url, unique_names=False, throttle_rate=0.10, seed=7).start()
        proxies.append(proxy)
        throttled, throttled_s = audit(env, proxy.url, policy)
        check(throttled.returncode == 1, f"throttled audit exit {throttled.returncode}: {throttled.stderr[-2000:]}")
        check(canonical(json.loads(throttled.stdout)) == canonical(report),
              "the result under 10% throttling differs from the clean run")
        forwarded = sum(proxy.forwarded.values())
        injected = proxy.total - forwarded
        check(injected >= 0.07 * proxy.total, f"only {injected} of {proxy.total} requests were throttled")
        print(f"10% throttling: {injected} of {proxy.total} requests throttled, identical result; "
              f"{throttled_s:.1f} s vs {clean_s:.1f} s clean", flush=True)
        # Generous: the adaptive rate cut this used to collapse into took over
        # ten minutes; backoff alone costs well under a minute here.
        check(throttled_s < clean_s * 2 + 60, f"throttled run took {throttled_s:.1f} s")

        # 2. The server goes away after 600 requests.
        dying = FaultProxy(moto.url, unique_names=False, hang_after=600).start()
        proxies.append(dying)
        gone, gone_s = audit(env, dying.url, policy, timeout=180)
        check(gone.returncode == 3, f"dead endpoint: exit {gone.returncode}: {gone.stderr[-2000:]}")
        check(gone_s < 60, f"dead endpoint: the audit took {gone_s:.1f} s")
        check("partial" in gone.stderr, f"no word that the report is partial: {gone.stderr[-600:]}")
        partial = json.loads(gone.stdout)
        read = {r["name"] for r in partial["audit"]["resources"]}
        unreadable = {f["resource"]["name"] for f in partial["findings"] if f["rule"] == "audit.unreadable"
                      and f["resource"].get("name")}
        check(read, "nothing was read before the server went away")
        check(not (read & unreadable), "a resource is both read and unreadable")
        listed = partial["summary"].get("listed", len(read) + len(unreadable))
        check(len(read) + len(unreadable) == listed,
              f"{listed} listed, {len(read)} read, {len(unreadable)} unreadable: some are unaccounted for")
        clean_findings = {json.dumps(f, sort_keys=True) for f in report["findings"]}
        for f in partial["findings"]:
            if f["rule"] != "audit.unreadable":
                check(json.dumps(f, sort_keys=True) in clean_findings, f"partial run invented a finding: {f}")
        print(f"server gone after 600 requests: exit 3 in {gone_s:.1f} s; {len(read)} read, "
              f"{len(unreadable)} unreadable of {listed} listed", flush=True)
    finally:
        for p in proxies:
            p.stop()
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("PASS")


if __name__ == "__main__":
    main()
