#!/usr/bin/env bash
# sageguard check vs cfn-lint on the same 1,000 generated CloudFormation
# templates, in the same run; then `check` on one small template against
# `sageguard --version` (process start-up). Prints wall times (best of 3,
# and of 10 for the single-template runs).
#
# usage: bench/iac/run.sh BUILD_DIR [N]
set -euo pipefail
build="${1:?usage: run.sh BUILD_DIR [N]}"
n="${2:-1000}"
here="$(cd "$(dirname "$0")" && pwd)"
sg="$(cd "$build" && pwd)/sageguard"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
python3 "$here/gen_templates.py" "$out/t" "$n"
printf 'version: 1\n' > "$out/policy.yaml"

best() {  # best wall time in seconds of $1 runs of the rest
  local runs="$1"; shift
  python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
best = None
for _ in range(runs):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    d = time.perf_counter() - t
    if p.returncode not in (0, 1, 2, 4, 6, 8, 10, 12, 14):
        sys.exit(f"{cmd[0]} exited {p.returncode}")
    best = d if best is None else min(best, d)
print(f"{best:.4f}")
PY
}

echo "templates: $n in $out/t ($(du -sh "$out/t" | cut -f1))"
sg_all=$(best 3 "$sg" check --policy "$out/policy.yaml" --format json -o "$out/report.json" "$out/t")
echo "sageguard check, $n templates: ${sg_all} s"
python3 -c "import json,sys; s=json.load(open(sys.argv[1]))['summary']; print('  resources', s['resources'], 'findings', s['error']+s['warning']+s['note'], 'unresolved', s['unresolved_values'])" "$out/report.json"
lint_all=$(best 1 cfn-lint "$out"/t/*.yaml)
echo "cfn-lint, $n templates: ${lint_all} s"
python3 -c "import sys; print(f'ratio: {float(sys.argv[2])/float(sys.argv[1]):.0f}x')" "$sg_all" "$lint_all"

one="$out/t/t0000.yaml"
sg_one=$(best 10 "$sg" check --policy "$out/policy.yaml" "$one")
sg_ver=$(best 10 "$sg" --version)
echo "sageguard check, 1 template: ${sg_one} s; sageguard --version: ${sg_ver} s"
python3 -c "import sys; print(f'ratio: {float(sys.argv[1])/float(sys.argv[2]):.2f}x')" "$sg_one" "$sg_ver"
