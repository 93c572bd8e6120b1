"""Where the tests' DuckDB (npm @duckdb/node-api, pinned by the lock file in
duckdb/) lives, and the check that it is installed: a skip (exit 77) on a
developer's machine, a failure under CI."""
import os
import shutil
import sys

DUCKDB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "duckdb")


def require_duckdb(source_dir):
    """Exits the test (77, or 1 under CI) unless node and DuckDB are installed."""
    why = None
    if not shutil.which("node"):
        why = "node is not installed"
    elif not os.path.isdir(os.path.join(DUCKDB_DIR, "node_modules", "@duckdb", "node-api")):
        why = "@duckdb/node-api is not in %s/node_modules" % os.path.relpath(DUCKDB_DIR, source_dir)
    if why is None:
        return
    msg = ("DuckDB is not available (%s). Install it with: npm ci --prefix %s "
           "(scripts/deps.sh --test does this)" % (why, os.path.relpath(DUCKDB_DIR, source_dir)))
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        print("FAIL:", msg)
        sys.exit(1)
    print("skip:", msg)
    sys.exit(77)
