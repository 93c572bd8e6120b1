#!/usr/bin/env bash
# Second command of the README (and what CI runs): install what is missing,
# build everything with warnings as errors, run the whole test suite (unit,
# integration against moto/botocore/pandas/Chromium, bounded fuzzing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh --test
export AWS_EC2_METADATA_DISABLED=true
# Never let a developer's real AWS settings leak into tests.
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL \
      AWS_ENDPOINT_URL_SAGEMAKER SAGEGUARD_POLICY AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN \
      AWS_ROLE_SESSION_NAME AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_SSO AWS_STS_REGIONAL_ENDPOINTS || true
jobs=$(nproc)
# A compiler cache, where one is installed, makes a rebuild of a fresh clone
# cheap (paths are taken relative to the clone, so another folder still hits).
if command -v ccache >/dev/null; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
fi
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAGEGUARD_WERROR=ON \
  -DSAGEGUARD_BENCH=OFF -DSAGEGUARD_FUZZ_TESTS=ON >/dev/null
cmake --build build-test -j "$jobs"
ctest --test-dir build-test --output-on-failure -j "$jobs" "$@"
