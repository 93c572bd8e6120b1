#!/usr/bin/env bash
# What 20x botocore leaves room for on this machine (see BENCHMARKS.md):
# floor.sh [N]
#
# Times, in one hyperfine run and pinned to one core like run.sh:
#   sageguard --version             (starting the process, nothing else)
#   simdjson_walk bundle            (simdjson On-Demand parsing the bundle and
#                                    visiting every value: no checks, no report)
#   sageguard check --format json   (the benchmark itself)
# then prints simdjson_walk's per-pass times over one loaded text, where the
# passes after the first show the parse alone in warm memory; then times
# the start-up floor: an empty C program, the same program made to load
# libstdc++ only, and made to load every shared library sageguard loads
# (read off `ldd`), next to `sageguard --version`.
# Needs run.sh to have built build-bench/ and the bundle first.
set -euo pipefail

N=${1:-20000}
SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${SG_BENCH_BUILD:-$SRC_DIR/build-bench}
BUNDLE=$BUILD/bench-data/bundle-$N.json
if [[ ! -x $BUILD/sageguard || ! -f $BUNDLE ]]; then
  echo "floor.sh: run bench/check/run.sh $N first" >&2
  exit 2
fi
WALK=$BUILD/simdjson_walk
if [[ ! -x $WALK || $SRC_DIR/bench/check/simdjson_walk.cc -nt $WALK ]]; then
  g++ -std=c++20 -O3 "$SRC_DIR/bench/check/simdjson_walk.cc" -o "$WALK.tmp" -lsimdjson
  mv "$WALK.tmp" "$WALK"
fi
PIN=()
if command -v taskset >/dev/null; then PIN=(taskset -c 0); fi

uptime
hyperfine -N -i --warmup 2 --runs 15 \
  "${PIN[*]} $BUILD/sageguard --version" \
  "${PIN[*]} $WALK $BUNDLE" \
  "${PIN[*]} $BUILD/sageguard check --format json $BUNDLE"
"${PIN[@]}" "$WALK" "$BUNDLE" 5

# Start-up: what loading sageguard's shared libraries costs before main().
EMPTY_SRC=$BUILD/empty_main.c
echo 'int main(void) { return 0; }' >"$EMPTY_SRC"
cc -O2 "$EMPTY_SRC" -o "$BUILD/empty_main"
cc -O2 "$EMPTY_SRC" -o "$BUILD/empty_main_stdcxx" -Wl,--no-as-needed -lstdc++
LIBS=()
while read -r lib; do
  case $lib in
    libc.so.*|*ld-linux*|linux-vdso*) ;;
    *) LIBS+=("-l:$lib") ;;
  esac
done < <(ldd "$BUILD/sageguard" | awk '{print $1}')
cc -O2 "$EMPTY_SRC" -o "$BUILD/empty_main_all" -Wl,--no-as-needed "${LIBS[@]}"
echo "sageguard's shared libraries: ${LIBS[*]}"
hyperfine -N -i --warmup 5 --runs 40 \
  "${PIN[*]} $BUILD/empty_main" \
  "${PIN[*]} $BUILD/empty_main_stdcxx" \
  "${PIN[*]} $BUILD/empty_main_all" \
  "${PIN[*]} $BUILD/sageguard --version"
