#!/usr/bin/env bash
# First command of the README: install what is missing, build, and run
# `sageguard check` on the bundled examples with the built-in policy.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAGEGUARD_TESTS=OFF -DSAGEGUARD_BENCH=OFF >/dev/null
cmake --build build --target sageguard
# The Python package (build/python/), when pybind11 and Python's headers were found.
if cmake --build build --target help | grep -q '^sg_python:'; then
  cmake --build build --target sg_python
fi
echo
echo "\$ build/sageguard check examples/"
set +e
build/sageguard check examples/
rc=$?
set -e
echo
case $rc in
  0) echo "exit 0: no findings at error level" ;;
  1) echo "exit 1: findings at error level (expected: the examples include non-compliant jobs)" ;;
  *) echo "exit $rc: sageguard could not check the examples"; exit "$rc" ;;
esac
