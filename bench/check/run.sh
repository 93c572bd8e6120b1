#!/usr/bin/env bash
# End-to-end check benchmark (see BENCHMARKS.md): run.sh [N] [RUNS]
#
# Builds a Release sageguard in build-bench/ (or $SG_BENCH_BUILD), generates a
# bundle of N (default 20000) CreateTrainingJob requests, times
#   sageguard check --format json bundle.json        (stdout to /dev/null)
# pinned to one core, and in the same run times botocore's
# validate_parameters over the same requests; prints µs/document for both,
# MB/s for sageguard and the speedup; then times sageguard again unpinned.
# The goals from the issue (>= 20x botocore, >= 150 MB/s) are reported, not
# enforced: timings belong in BENCHMARKS.md, not in a pass/fail test.
set -euo pipefail

N=${1:-20000}
RUNS=${2:-10}
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${SG_BENCH_BUILD:-$SRC_DIR/build-bench}
PY=${PYTHON:-python3}  # needs botocore (the pyenv python3 has it)

if [[ ! -f $BUILD/build.ninja ]]; then
  # WERROR off: g++ 12 at -O3 reports false -Wrestrict positives in
  # std::string concatenation that the default RelWithDebInfo build does not.
  cmake -S "$SRC_DIR" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DSAGEGUARD_TESTS=OFF -DSAGEGUARD_BENCH=OFF -DSAGEGUARD_FUZZ=OFF \
    -DSAGEGUARD_SANITIZE=OFF -DSAGEGUARD_WERROR=OFF
fi
ninja -C "$BUILD" -j2 sageguard
BIN=$BUILD/sageguard

DATA=$BUILD/bench-data
mkdir -p "$DATA"
BUNDLE=$DATA/bundle-$N.json
if [[ ! -f $BUNDLE ]]; then
  "$PY" "$SRC_DIR/bench/check/gen_bundle.py" -n "$N" -o "$BUNDLE.tmp"
  mv "$BUNDLE.tmp" "$BUNDLE"
fi

# One core for the headline figures: the goal is per core, and check would
# otherwise cut the bundle into pieces for every CPU it may use. The
# unpinned time (all cores) is reported next to it.
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi

# Exit status 1 means "findings at or above --fail-on", expected here (about
# half the requests break a rule); anything else is a failure.
set +e
"${PIN[@]}" "$BIN" check --format json "$BUNDLE" >"$DATA/report.json"
rc=$?
set -e
if [[ $rc -gt 1 ]]; then
  echo "run.sh: sageguard check failed with exit $rc" >&2
  exit 1
fi

HF_JSON=
if command -v hyperfine >/dev/null; then
  HF_JSON=$DATA/hyperfine.json
  # -i: exit 1 (findings) is the expected result, not an error.
  hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$HF_JSON" \
    "${PIN[*]} $BIN check --format json $BUNDLE"
fi

"$PY" "$SRC_DIR/bench/check/compare.py" --bin "$BIN" --bundle "$BUNDLE" \
  --report "$DATA/report.json" --runs "$RUNS" ${HF_JSON:+--hyperfine "$HF_JSON"} \
  --pin "${PIN[*]}" ${PIN:+--botocore-cpu 0} --all-cores-runs "$RUNS"
