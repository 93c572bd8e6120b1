"""`sageguard cost --emit-sql duckdb` executed in real DuckDB.

Generates a CUR 2.0 (Data Exports) delivery: two billing periods, gzip and
plain CSV parts, CRLF, quoted commas, quotes and newlines in tags and
descriptions, JSON resource_tags (some empty), credits, taxes, Savings Plan
and reservation line items, other services, and a part a later refresh left
behind (not in the manifest). Then, for several group-by/measure/date
options, runs the emitted SQL in DuckDB (node + @duckdb/node-api) over the
files the manifests list, and compares every group's cost and item count
with `sageguard cost --cur EXPORT --format json` (which reads the manifests
itself). The SageMaker totals are also checked against sums computed here
from the generated rows.

DuckDB comes from npm (`npm ci` in tests/integration/cost_support/duckdb;
scripts/deps.sh --test does it). Without it the test fails when CI is set,
and is skipped with a message (exit 77) otherwise."""

import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from cost_support import cur_gen  # noqa: E402
from cost_support.duckdb_env import DUCKDB_DIR, require_duckdb  # noqa: E402

SRC = os.environ.get("SG_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
BUILD = os.environ.get("SG_BUILD_DIR", os.path.join(SRC, "build"))
BIN = os.environ.get("SAGEGUARD_BIN", os.path.join(BUILD, "sageguard"))
RUNNER = os.path.join(DUCKDB_DIR, "run_sql.mjs")
FAILURES = []

COLUMNS = cur_gen.CUR2_COLUMNS + ["reservation_effective_cost", "line_item_line_item_description",
                                  "line_item_usage_account_id"]
ACCOUNTS = ["111122223333", "444455556666", "777788889999", ""]  # "" as a tax line may have


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)


def close(a, b):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


# ------------------------------------------------------------- the data
def rows_for(seed, n, month):
    """Neutral rows plus reservation (DiscountedUsage) items; each row gets
    the reservation_effective_cost column CUR 2.0 always has, and a usage
    account (several member accounts of one payer)."""
    rows = cur_gen.make_rows(seed, n, month)
    for i, r in enumerate(rows):
        r["ri_effective"] = ""
        r["account"] = ACCOUNTS[(seed + i) % len(ACCOUNTS)]
        if i % 23 == 5 and r["product"] == "AmazonSageMaker" and r["type"] == "Usage":
            r["type"] = "DiscountedUsage"
            r["ri_effective"] = "%.10f" % (float(r["unblended"]) * 0.6)
    return rows


def record(r):
    rec = cur_gen.cur2_record(r)
    rec["reservation_effective_cost"] = r["ri_effective"]
    rec["line_item_line_item_description"] = r["description"]
    rec["line_item_usage_account_id"] = r["account"]
    return rec


def write_export(root):
    """<root>/exp/{data,metadata}/BILLING_PERIOD=YYYY-MM/...; returns
    (the files the manifests list, every neutral row they hold)."""
    exp = os.path.join(root, "exp")
    listed, rows = [], []
    parts = {"2024-05": [(11, 700, True, True), (12, 500, False, False)], "2024-06": [(13, 600, True, False)]}
    for month, specs in parts.items():
        data = os.path.join(exp, "data", "BILLING_PERIOD=" + month)
        os.makedirs(data, exist_ok=True)
        keys = []
        for n, (seed, count, gz, crlf) in enumerate(specs, 1):
            part_rows = rows_for(seed, count, month)
            text, _ = cur_gen.render(COLUMNS, [record(r) for r in part_rows], crlf=crlf)
            name = "exp-%05d.csv%s" % (n, ".gz" if gz else "")
            cur_gen.write(os.path.join(data, name), text, gz=gz)
            listed.append(os.path.join(data, name))
            keys.append("s3://billing-bucket/cur/exp/data/BILLING_PERIOD=%s/%s" % (month, name))
            rows += part_rows
        # Left behind by an earlier refresh: on disk, not in the manifest.
        stale, _ = cur_gen.render(COLUMNS, [record(r) for r in rows_for(99, 50, month)])
        cur_gen.write(os.path.join(data, "exp-00009.csv.gz"), stale, gz=True)
        meta = os.path.join(exp, "metadata", "BILLING_PERIOD=" + month)
        os.makedirs(meta)
        with open(os.path.join(meta, "exp-Manifest.json"), "w") as f:
            json.dump({"executionId": "exec-" + month,
                       "exportArn": "arn:aws:bcm-data-exports:us-east-1:111122223333:export/exp-0001",
                       "columns": [{"name": c, "type": "string"} for c in COLUMNS],
                       "dataFiles": keys}, f)
    return exp, listed, rows


# ------------------------------------------------------------- the runs
def sageguard(*args):
    p = subprocess.run([BIN, "cost", *args], capture_output=True, text=True, timeout=600,
                       env=dict(os.environ, AWS_EC2_METADATA_DISABLED="true"))
    if p.returncode != 0:
        raise AssertionError("sageguard cost %s: rc=%d\n%s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def duckdb(sql, files, tmp):
    path = os.path.join(tmp, "query.sql")
    with open(path, "w") as f:
        f.write(sql)
    p = subprocess.run(["node", RUNNER, path, "cur2", *files], capture_output=True, text=True, timeout=600,
                       cwd=DUCKDB_DIR)
    if p.returncode != 0:
        raise AssertionError("DuckDB rejected the emitted SQL:\n%s\n%s" % (sql, p.stderr))
    return json.loads(p.stdout)


def compare(label, opts, exp, listed, tmp):
    keys = opts[opts.index("--group-by") + 1].split(",") if "--group-by" in opts else []
    ours = json.loads(sageguard("--format", "json", *opts, "--cur", exp))
    check(ours["malformed_rows"] == 0, "%s: malformed rows %r" % (label, ours["malformed_samples"]))
    check(ours["format"] == "cur2", "%s: read as %r" % (label, ours["format"]))
    check(sorted(ours["files"]) == sorted(listed), "%s: sageguard read %r, the manifests list %r" %
          (label, ours["files"], listed))
    sql = sageguard("--emit-sql", "duckdb", "--sql-table", "cur2", *opts)
    res = duckdb(sql, listed, tmp)
    check(res["columns"] == keys + ["cost", "items"], "%s: SQL columns %r" % (label, res["columns"]))
    theirs = {tuple(r[:len(keys)]): (r[len(keys)], r[len(keys) + 1]) for r in res["rows"]}
    mine = {tuple(g["key"][k] for k in keys): (g["cost"], g["items"]) for g in ours["groups"]}
    check(set(mine) == set(theirs), "%s: groups only in sageguard %r, only in DuckDB %r" %
          (label, sorted(set(mine) - set(theirs), key=str)[:5], sorted(set(theirs) - set(mine), key=str)[:5]))
    for k, (cost, items) in theirs.items():
        if k in mine:
            check(close(mine[k][0], cost), "%s: group %r cost %r, DuckDB %r" % (label, k, mine[k][0], cost))
            check(mine[k][1] == items, "%s: group %r items %r, DuckDB %r" % (label, k, mine[k][1], items))
    total = sum(c for c, _ in theirs.values())
    check(close(ours["total"], total), "%s: total %r, DuckDB %r" % (label, ours["total"], total))
    print("ok: %s (%d groups, total %.6f)" % (label, len(theirs), total))
    return ours


def main():
    if not os.access(BIN, os.X_OK):
        print("sageguard not built at %s" % BIN)
        return 77 if os.environ.get("SAGEGUARD_ALLOW_SKIP") else 1
    require_duckdb(SRC)
    with tempfile.TemporaryDirectory(prefix="sg-cost-duckdb-") as tmp:
        exp, listed, rows = write_export(tmp)
        rep = compare("Project, Cost Center, month; unblended",
                      ["--group-by", "Project,Cost Center,month"], exp, listed, tmp)
        # A third opinion on the totals: sums over the generated rows.
        sm = [r for r in rows if r["product"] == "AmazonSageMaker"]
        check(close(rep["total"], sum(float(r["unblended"]) for r in sm)), "unblended total vs generated rows")
        check(rep["items"] == len(sm), "items %r vs %d generated SageMaker rows" % (rep["items"], len(sm)))
        by_project = {}
        for r in sm:
            k = r["project"] or None
            by_project[k] = by_project.get(k, 0.0) + float(r["unblended"])
        rep = compare("Project; net", ["--group-by", "Project", "--measure", "net"], exp, listed, tmp)

        def net(r):
            if r["type"] == "SavingsPlanCoveredUsage":
                return float(r["sp_effective"] or 0)
            if r["type"] == "DiscountedUsage":
                return float(r["ri_effective"] or 0)
            return 0.0 if r["type"] == "SavingsPlanNegation" else float(r["unblended"])
        check(close(rep["total"], sum(net(r) for r in sm)), "net total vs generated rows")
        check(any(r["type"] == "DiscountedUsage" for r in sm), "the data has reservation line items")
        rep = compare("Project; unblended", ["--group-by", "Project"], exp, listed, tmp)
        for g in rep["groups"]:
            k = g["key"]["Project"]
            check(close(g["cost"], by_project.get(k)), "Project %r: %r vs generated rows %r" %
                  (k, g["cost"], by_project.get(k)))
        compare("month, instance-type; public-on-demand",
                ["--group-by", "month,instance-type", "--measure", "public-on-demand"], exp, listed, tmp)
        compare("resource; since/until", ["--group-by", "resource", "--since", "2024-05-10", "--until",
                                          "2024-06-05"], exp, listed, tmp)
        compare("Cost Center; all services", ["--group-by", "Cost Center", "--all-services"], exp, listed, tmp)
        rep = compare("account, month; unblended", ["--group-by", "account,month"], exp, listed, tmp)
        by_account = {}
        for r in sm:
            by_account[r["account"] or None] = by_account.get(r["account"] or None, 0.0) + float(r["unblended"])
        for acct, cost in by_account.items():
            got = sum(g["cost"] for g in rep["groups"] if g["key"]["account"] == acct)
            check(close(got, cost), "account %r: %r vs generated rows %r" % (acct, got, cost))
        compare("no grouping", [], exp, listed, tmp)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("all DuckDB SQL comparisons passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
