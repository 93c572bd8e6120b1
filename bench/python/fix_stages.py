"""Where a fixing gate call's time goes, stage by stage from Python: the
same request bench_gate.py's `fix (needs fixes)` line sends, each stage
called on its own through the extension, CPU time, best of the rounds.
botocore's validate_parameters on the request is timed in the same run.

    PYTHONPATH=build-test/python python3 bench/python/fix_stages.py [--calls N] [--rounds R] [--budget]

The stages inside the native fix (plan, tree edit, re-check, dict built)
are not separate calls; `perf record --call-graph dwarf` over
`_api._fix` splits them (BENCHMARKS.md gives the command).
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_gate  # noqa: E402  (the request and policy of the gate benchmark)
import botocore.session  # noqa: E402
from botocore.validate import validate_parameters  # noqa: E402

import sageguard  # noqa: E402
from sageguard import _api, _native  # noqa: E402

KIND = "CreateTrainingJob"


def best(fn, calls, rounds):
    out = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(calls):
            fn()
        out = min(out, (time.process_time() - start) / calls)
    return out * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--budget", action="store_true")
    args = ap.parse_args()
    policy = sageguard.Policy.load(bench_gate.POLICY +
                                   ("limits:\n  max_job_cost_usd: 500\n" if args.budget else ""))
    h = policy._handle
    bad = bench_gate.needs_fix()
    shape = botocore.session.get_session().get_service_model("sagemaker") \
        .operation_model(KIND).input_shape
    stages = [
        ("botocore validate_parameters (the peer)", lambda: validate_parameters(bad, shape)),
        ("an empty call into the extension", lambda: _native.known_kind(KIND)),
        ("request dict -> JSON text", lambda: _native.request_json(bad, _api._encode)),
        ("JSON + parse + check, findings to Python (check)",
         lambda: _native.check_request(bad, KIND, h, "us-east-1", KIND, _api._encode)),
        ("JSON + parse + check + plan + tree edit + re-check + dict (native fix, as the gate)",
         lambda: _native.fix_request(bad, KIND, h, "us-east-1", KIND, _api._encode, True)),
        ("the gate's Python around it (_api._fix)",
         lambda: _api._fix(bad, KIND, policy, "us-east-1", share=True)),
    ]
    print(f"{args.calls} calls, best of {args.rounds} rounds, CPU time per call, policy "
          f"{'with' if args.budget else 'without'} a budget:")
    for name, fn in stages:
        print(f"  {name:75s} {best(fn, args.calls, args.rounds):7.1f} us")


if __name__ == "__main__":
    os.environ.pop("SAGEGUARD_GUARD", None)
    main()
