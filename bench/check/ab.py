#!/usr/bin/env python3
"""Interleaved A/B timing of sageguard commands on a shared machine.

  ab.py [--rounds N] LABEL=COMMAND LABEL=COMMAND ...

Each round runs every command once, in turn, so a slow phase of the machine
(other processes, a noisy neighbour) falls on all of them alike; prints each
command's median wall time and CPU time (user + sys, from wait4) over the
rounds and their ratios to the first: on a loaded machine wall time
includes waiting for a core, CPU time less so. Exit
status 1 (findings) counts as success; stdout goes to /dev/null.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("commands", nargs="+", help="LABEL=COMMAND")
    args = ap.parse_args()
    cmds = []
    for c in args.commands:
        label, _, cmd = c.partition("=")
        cmds.append((label, shlex.split(cmd)))
    times = {label: [] for label, _ in cmds}
    cpu = {label: [] for label, _ in cmds}
    for r in range(args.warmup + args.rounds):
        for label, argv in cmds:
            t0 = time.perf_counter()
            p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(p.pid, 0)
            dt = time.perf_counter() - t0
            code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):
                sys.stderr.write(f"{label}: exit {code}\n")
                return 2
            if r >= args.warmup:
                times[label].append(dt)
                cpu[label].append(usage.ru_utime + usage.ru_stime)
    base = statistics.median(times[cmds[0][0]])
    base_cpu = statistics.median(cpu[cmds[0][0]])
    for label, _ in cmds:
        med = statistics.median(times[label])
        med_cpu = statistics.median(cpu[label])
        runs = " ".join(f"{t * 1000:.0f}" for t in times[label])
        print(f"{label:24s} wall {med * 1000:8.1f} ms ({med / base:4.2f}x)  "
              f"cpu {med_cpu * 1000:8.1f} ms ({med_cpu / base_cpu:4.2f}x)  wall runs: {runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
