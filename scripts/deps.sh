#!/usr/bin/env bash
# Install the Debian packages sageguard needs to build (and, with --test, to
# run its test suite). Installs only what is missing; safe to run again.
set -euo pipefail

build_pkgs=(build-essential cmake ninja-build pkg-config
  nlohmann-json3-dev libsimdjson-dev libyaml-cpp-dev libcli11-dev libfmt-dev libre2-dev
  libcurl4-openssl-dev libssl-dev zlib1g-dev libdeflate-dev libgtest-dev libgmock-dev
  libbenchmark-dev
  # The Python package (python/): pybind11 and the headers of Debian's python3
  # (optional in CMake: without them the package is not built).
  pybind11-dev python3-dev
  # isa-l: gzip inflate for `cost --cur`, ~3x zlib (optional in CMake; zlib otherwise).
  libisal-dev
  # SNAPPY and ZSTD pages of Parquet billing exports.
  libsnappy-dev libzstd-dev)
# Tests: clang + sanitizer runtimes for the fuzzers, pandas/PyYAML as
# reference implementations, Chromium for the HTML reports, patch for diffs,
# ccache so that scripts/test.sh rebuilds only what changed.
test_pkgs=(clang libclang-rt-14-dev python3 python3-pandas python3-yaml python3-venv chromium
  patch ca-certificates ccache)

want=("${build_pkgs[@]}")
if [[ "${1:-}" == "--test" ]]; then
  want+=("${test_pkgs[@]}")
  # node + npm run real DuckDB (@duckdb/node-api) for test_cost_duckdb.py.
  # Debian packages them as nodejs and npm; a node from elsewhere (NodeSource
  # bundles npm into its nodejs) is left alone.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then want+=(nodejs npm); fi
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ "${1:-}" == "--test" ]]; then
  # DuckDB for the cost SQL test, pinned by the committed package-lock.json;
  # reinstalled only when missing or when the lock file changed.
  duck="$(cd "$(dirname "$0")/.." && pwd)/tests/integration/cost_support/duckdb"
  if [[ ! -d "$duck/node_modules/@duckdb/node-api" || "$duck/package-lock.json" -nt "$duck/node_modules/.package-lock.json" ]]; then
    echo "installing @duckdb/node-api (npm ci) in $duck"
    (cd "$duck" && npm ci --no-audit --no-fund)
  fi
  # aws-cdk-lib + constructs for the CDK app test_iac.py synthesizes, pinned
  # the same way.
  cdk="$(cd "$(dirname "$0")/.." && pwd)/tests/integration/cdk_app"
  if [[ ! -d "$cdk/node_modules/aws-cdk-lib" || "$cdk/package-lock.json" -nt "$cdk/node_modules/.package-lock.json" ]]; then
    echo "installing aws-cdk-lib (npm ci) in $cdk"
    (cd "$cdk" && npm ci --no-audit --no-fund)
  fi
  # moto (a real SageMaker/IAM emulator) and botocore are the oracles of the
  # integration tests. A python3 that already has them is used as it is.
  # Otherwise pip installs them into a virtual environment, .venv/ in the
  # repository: Debian 12's system Python refuses `pip install` (PEP 668,
  # "externally-managed-environment"), and a venv never touches the system.
  # It sees the system's site-packages (Debian's pandas and PyYAML); the
  # test build uses its python when it exists (tests/CMakeLists.txt).
  venv="$(cd "$(dirname "$0")/.." && pwd)/.venv"
  # cfn-lint (AWS's CloudFormation linter) checks test_iac.py's templates.
  want_py='import moto, boto3, botocore, cfnlint'
  if ! python3 -c "$want_py" 2>/dev/null && ! { [[ -x "$venv/bin/python3" ]] && "$venv/bin/python3" -c "$want_py" 2>/dev/null; }; then
    echo "installing moto[server], boto3 and cfn-lint with pip into $venv"
    [[ -x "$venv/bin/python3" ]] || python3 -m venv --system-site-packages "$venv"
    "$venv/bin/python3" -m pip install --quiet 'moto[server]>=5' boto3 'cfn-lint>=1'
  fi
fi
