#!/usr/bin/env bash
# Bounded fuzzing run for CI: run_fuzzers.sh BUILD_DIR SECONDS
#
# Configures and builds a clang libFuzzer build (ASan+UBSan) in BUILD_DIR when
# needed, then runs each fuzz target for SECONDS on a scratch copy of its seed
# corpus (tests/fuzz/corpus/<target>/ is never grown by a run). Exits non-zero
# on any crash, sanitizer report, leak, timeout or out-of-memory; the input
# that triggered it is kept in BUILD_DIR/fuzz-artifacts/ and its path printed.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
BUILD_DIR=$1
SECONDS_PER_TARGET=$2
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FUZZ_DIR=$SRC_DIR/tests/fuzz

CLANGXX=$(command -v clang++ || command -v clang++-14 || true)
if [[ -z $CLANGXX ]]; then
  echo "run_fuzzers: clang++ not found (apt-get install clang)" >&2
  exit 2
fi

if [[ ! -f $BUILD_DIR/build.ninja ]]; then
  CXX=$CLANGXX cmake -S "$SRC_DIR" -B "$BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAGEGUARD_FUZZ=ON -DSAGEGUARD_TESTS=OFF \
    -DSAGEGUARD_BENCH=OFF -DSAGEGUARD_WERROR=OFF
fi

# target name, -max_len. max_len is large enough for the deep-nesting seeds
# (the readers' depth limit is 512) yet keeps executions fast.
TARGETS=(document_fuzz:32768 policy_fuzz:8192 cur_csv_fuzz:65536 parquet_fuzz:16384 hcl_fuzz:32768)
BUILT=()
for t in "${TARGETS[@]}"; do
  name=${t%%:*}
  [[ -f $FUZZ_DIR/$name.cc ]] && BUILT+=("$name")
done
# The machine is shared; never more than two compile jobs.
ninja -C "$BUILD_DIR" -j2 "${BUILT[@]}"

ARTIFACTS=$BUILD_DIR/fuzz-artifacts
mkdir -p "$ARTIFACTS"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=()
for t in "${TARGETS[@]}"; do
  name=${t%%:*}
  max_len=${t##*:}
  [[ -f $FUZZ_DIR/$name.cc ]] || continue
  seeds=$FUZZ_DIR/corpus/${name%_fuzz}
  work=$SCRATCH/$name
  mkdir -p "$work"
  if [[ -d $seeds ]]; then cp -R "$seeds/." "$work/"; fi
  # The Terraform the tests and the README use seeds the HCL reader too,
  # read from where it lives rather than kept twice.
  if [[ $name == hcl_fuzz ]]; then
    for f in "$SRC_DIR"/tests/testdata/terraform/module/*.tf "$SRC_DIR"/examples/terraform/*.tf; do
      cp "$f" "$work/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
  fi
  echo "== $name: ${SECONDS_PER_TARGET}s, $(ls "$work" | wc -l) seeds, -max_len=$max_len"
  log=$BUILD_DIR/$name.log
  set +e
  "$BUILD_DIR/tests/fuzz/$name" "$work" \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len="$max_len" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$ARTIFACTS/$name-" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|Done)' "$log" || true
  if [[ $rc -ne 0 ]]; then
    echo "run_fuzzers: $name FAILED (exit $rc); last lines of $log:" >&2
    tail -n 60 "$log" >&2
    ls -1 "$ARTIFACTS"/"$name"-* 2>/dev/null >&2 || true
    failed+=("$name")
  fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "run_fuzzers: failures in: ${failed[*]}" >&2
  exit 1
fi
echo "run_fuzzers: all targets ran ${SECONDS_PER_TARGET}s without a finding"
