"""`sageguard cost --cur` on Parquet exports written by real DuckDB.

Generates CUR 2.0, legacy CUR and FOCUS rows (cost_support/cur_gen, plus
Savings Plans fee, reservation and refund lines), writes each as CSV, loads
the CSV into DuckDB with the column types the exports use (DOUBLE costs,
TIMESTAMP starts, MAP(VARCHAR, VARCHAR) tags; the legacy CUR under the
column names its Athena integration uses) and has DuckDB write Parquet:
every compression (uncompressed, snappy, gzip, zstd), dictionary on and off,
data pages v1 and v2 (PARQUET_VERSION v2 also brings DELTA_* and
BYTE_STREAM_SPLIT encodings), row groups of several sizes, nulls.

Checks:
- the JSON report of a Parquet file is byte-identical to that of the CSV it
  came from (same file name, run from a sibling folder), for several
  groupings and every measure;
- DuckDB's own aggregation of the Parquet file (the formulas written out
  here) matches every group's cost to the cent, for every measure, and the
  SQL `--emit-sql duckdb` prints gives the same sums over the Parquet file;
- a folder mixing a CSV month and a Parquet month sums both;
- LIST columns: unused ones are skipped, tags as a LIST of STRUCT<key,
  value> are read (the same report as the CSV's, DuckDB's sums), a LIST
  where one value is needed is exit 2;
- the text report shows the same Savings Plans coverage as the JSON;
- corrupt Parquet (wrong magic, truncated, data cut out) is exit 2 naming
  the file (and the column where one is involved), with no report.

DuckDB comes from npm (scripts/deps.sh --test); without it the test fails
when CI is set and is skipped (exit 77) otherwise."""

import json
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
BIN = os.path.abspath(os.environ.get("SAGEGUARD_BIN", os.path.join(BUILD, "sageguard")))
EXEC = os.path.join(DUCKDB_DIR, "exec_sql.mjs")
FAILURES = []
MEASURES = ["unblended", "net", "amortized", "effective", "public-on-demand"]

SP_COLUMNS = ["savings_plan_total_commitment_to_date", "savings_plan_used_commitment",
              "savings_plan_offering_type", "reservation_effective_cost",
              "reservation_unused_amortized_upfront_fee_for_billing_period",
              "reservation_unused_recurring_fee", "reservation_reservation_a_r_n"]
CUR2_COLUMNS = cur_gen.CUR2_COLUMNS + SP_COLUMNS
LEGACY_SP = {"savings_plan_total_commitment_to_date": "savingsPlan/TotalCommitmentToDate",
             "savings_plan_used_commitment": "savingsPlan/UsedCommitment",
             "savings_plan_offering_type": "savingsPlan/OfferingType",
             "reservation_effective_cost": "reservation/EffectiveCost",
             "reservation_unused_amortized_upfront_fee_for_billing_period":
                 "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
             "reservation_unused_recurring_fee": "reservation/UnusedRecurringFee",
             "reservation_reservation_a_r_n": "reservation/ReservationARN"}
LEGACY_COLUMNS = cur_gen.LEGACY_COLUMNS + list(LEGACY_SP.values())
COST_COLUMNS = {"line_item_unblended_cost", "pricing_public_on_demand_cost",
                "savings_plan_savings_plan_effective_cost", "savings_plan_total_commitment_to_date",
                "savings_plan_used_commitment", "reservation_effective_cost",
                "reservation_unused_amortized_upfront_fee_for_billing_period", "reservation_unused_recurring_fee",
                "BilledCost", "EffectiveCost", "ListCost"}


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)


def athena_name(csv_name):
    """The legacy CUR's Athena column naming, written out independently of
    sageguard's: '_' before capitals, lower case, other characters '_',
    runs of '_' collapsed, none at the ends."""
    out = ""
    for ch in csv_name:
        if "A" <= ch <= "Z":
            out += "_" + ch.lower()
        elif ch.isascii() and ch.isalnum():
            out += ch
        else:
            out += "_"
    while "__" in out:
        out = out.replace("__", "_")
    return out.strip("_")


def duckdb(statements, tmp):
    path = os.path.join(tmp, "stmts-%d.json" % len(os.listdir(tmp)))
    with open(path, "w") as f:
        json.dump(statements, f)
    p = subprocess.run(["node", EXEC, path], capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise AssertionError("DuckDB failed: %s" % p.stderr)
    return json.loads(p.stdout)


def lit(s):
    return "'" + s.replace("'", "''") + "'"


# ------------------------------------------------------------- the data
def rows_with_commitments(seed, n, month):
    """cur_gen rows plus the lines the measures treat specially."""
    rows = cur_gen.make_rows(seed, n, month)
    for r in rows:
        r.update(sp_total="", sp_used="", sp_offering="", ri_effective="", ri_upfront="", ri_recurring="", ri_arn="")
        if r["type"] in ("SavingsPlanCoveredUsage", "SavingsPlanNegation"):
            r["sp_offering"] = "SageMakerSavingsPlans"
    base = dict(rows[0])
    base.update(project="", center="", resource="", usage_type="", public="", sp_effective="")
    extra = []
    for i in range(6):
        day = "%s-%02dT%02d:00:00Z" % (month, 1 + i, i)
        fee = dict(base, id="fee-%d-%d" % (seed, i), start=day, type="SavingsPlanRecurringFee",
                   product="SageMakerSavingsPlans", unblended="%.10f" % (7.5 + i),
                   sp_total="%.10f" % (7.5 + i), sp_used="%.10f" % (5.25 + i / 3), sp_offering="SageMakerSavingsPlans")
        upfront = dict(fee, id="up-%d-%d" % (seed, i), type="SavingsPlanUpfrontFee", unblended="120.0000000000",
                       sp_total="", sp_used="")
        ri_use = dict(base, id="ri-%d-%d" % (seed, i), start=day, type="DiscountedUsage", product="AmazonSageMaker",
                      project=["alpha", "beta, gamma", ""][i % 3], unblended="%.10f" % (3.0 + i),
                      public="%.10f" % (3.0 + i), ri_effective="%.10f" % (1.75 + i / 4),
                      ri_arn="arn:aws:ec2:us-east-1:111122223333:reserved-instances/r%d" % i,
                      usage_type="USE1-Train:ml.p3.2xlarge")
        ri_fee = dict(base, id="rif-%d-%d" % (seed, i), start=day, type="RIFee", product="AmazonSageMaker",
                      unblended="%.10f" % (40 + i), ri_upfront="%.10f" % (0.5 + i / 8),
                      ri_recurring="%.10f" % (0.125 * i), ri_arn=ri_use["ri_arn"])
        ri_upfront = dict(ri_fee, id="riu-%d-%d" % (seed, i), type="Fee", unblended="300.0000000000",
                          ri_upfront="", ri_recurring="")
        refund = dict(base, id="rf-%d-%d" % (seed, i), start=day, type="Refund", product="AmazonSageMaker",
                      project="alpha", unblended="-%.10f" % (0.5 + i))
        extra += [fee, upfront, ri_use, ri_fee, ri_upfront, refund]
    return rows + extra


def cur2_rec(r):
    rec = cur_gen.cur2_record(r)
    rec.update({"savings_plan_total_commitment_to_date": r["sp_total"], "savings_plan_used_commitment": r["sp_used"],
                "savings_plan_offering_type": r["sp_offering"], "reservation_effective_cost": r["ri_effective"],
                "reservation_unused_amortized_upfront_fee_for_billing_period": r["ri_upfront"],
                "reservation_unused_recurring_fee": r["ri_recurring"], "reservation_reservation_a_r_n": r["ri_arn"]})
    return rec


def legacy_rec(r):
    rec = cur_gen.legacy_record(r)
    c2 = cur2_rec(r)
    for k, v in LEGACY_SP.items():
        rec[v] = c2[k]
    return rec


def typed_select(columns, rename, ts_columns, map_column):
    """SELECT list turning all-VARCHAR CSV columns into the exports' types."""
    parts = []
    for c in columns:
        src = '"%s"' % c.replace('"', '""')
        name = '"%s"' % rename(c)
        if c in COST_COLUMNS or LEGACY_COST.get(c):
            parts.append("TRY_CAST(NULLIF(%s, '') AS DOUBLE) AS %s" % (src, name))
        elif c in ts_columns:
            parts.append("CAST(NULLIF(replace(replace(%s, 'T', ' '), 'Z', ''), '') AS TIMESTAMP) AS %s" % (src, name))
        elif c == map_column:
            parts.append("CAST(CAST(NULLIF(%s, '') AS JSON) AS MAP(VARCHAR, VARCHAR)) AS %s" % (src, name))
        else:
            parts.append("NULLIF(%s, '') AS %s" % (src, name))
    return ", ".join(parts)


LEGACY_COST = {"lineItem/UnblendedCost": 1, "pricing/publicOnDemandCost": 1,
               "savingsPlan/SavingsPlanEffectiveCost": 1, "savingsPlan/TotalCommitmentToDate": 1,
               "savingsPlan/UsedCommitment": 1, "reservation/EffectiveCost": 1,
               "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod": 1, "reservation/UnusedRecurringFee": 1}

VARIANTS = [(comp, ver, dic) for comp in ("uncompressed", "snappy", "gzip", "zstd")
            for ver in ("v1", "v2") for dic in (True, False)]
ROW_GROUPS = [100000, 1000, 37, 4096]


def copy_options(comp, ver, dic, rg):
    opts = ["FORMAT parquet", "COMPRESSION %s" % comp, "PARQUET_VERSION %s" % ver, "ROW_GROUP_SIZE %d" % rg]
    if not dic:
        opts.append("DICTIONARY_SIZE_LIMIT 1")
    return ", ".join(opts)


def cli(args, cwd, rc=0):
    p = subprocess.run([BIN, "cost", *args], capture_output=True, text=True, cwd=cwd, timeout=600)
    if p.returncode != rc:
        raise AssertionError("%s (in %s): rc=%d, want %d\n%s" % (" ".join(args), cwd, p.returncode, rc, p.stderr))
    return p


def report(path_name, cwd, keys, measure):
    args = ["--format", "json", "--measure", measure, "--cur", path_name]
    if keys:
        args = ["--group-by", ",".join(keys)] + args
    return cli(args, cwd).stdout


# ------------------------------------------------------------- checks
def same_as_csv(label, tmp, name, csv_dir, pq_dir, groupings):
    before = len(FAILURES)
    for keys in groupings:
        for m in MEASURES:
            a = report(name, csv_dir, keys, m)
            b = report(name, pq_dir, keys, m)
            check(a == b, "%s by %s, %s: Parquet report differs from CSV:\n%s\n---\n%s" % (label, keys, m, a[:600], b[:600]))
    if len(FAILURES) == before:
        print("ok: %s report identical to the CSV's" % label)


def duckdb_reference(tmp, pq_file, fmt, measure, key_exprs, where):
    """Group sums computed by DuckDB with the formulas written out here."""
    n = lambda c: "COALESCE(%s, 0)" % c  # noqa: E731
    if fmt == "focus":
        cost = {"unblended": n("BilledCost"), "net": n("EffectiveCost"), "amortized": n("EffectiveCost"),
                "effective": "CASE WHEN CommitmentDiscountStatus = 'Unused' THEN 0 ELSE %s END" % n("EffectiveCost"),
                "public-on-demand": n("ListCost")}[measure]
    else:
        t = "line_item_line_item_type"
        am = measure == "amortized"
        cost = {
            "unblended": n("line_item_unblended_cost"),
            "public-on-demand": n("pricing_public_on_demand_cost"),
            "net": ("CASE WHEN %s = 'SavingsPlanCoveredUsage' THEN %s WHEN %s = 'DiscountedUsage' THEN %s "
                    "WHEN %s = 'SavingsPlanNegation' THEN 0 ELSE %s END" %
                    (t, n("savings_plan_savings_plan_effective_cost"), t, n("reservation_effective_cost"), t,
                     n("line_item_unblended_cost"))),
        }.get(measure)
        if cost is None:
            cost = ("CASE WHEN {t} = 'SavingsPlanCoveredUsage' THEN {spe} "
                    "WHEN {t} = 'SavingsPlanRecurringFee' THEN {fee} "
                    "WHEN {t} IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN 0 "
                    "WHEN {t} = 'DiscountedUsage' THEN {rie} "
                    "WHEN {t} = 'RIFee' THEN {rif} "
                    "WHEN {t} = 'Fee' AND COALESCE(reservation_reservation_a_r_n, '') <> '' THEN 0 "
                    "ELSE {ub} END").format(
                t=t, spe=n("savings_plan_savings_plan_effective_cost"),
                fee=("%s - %s" % (n("savings_plan_total_commitment_to_date"), n("savings_plan_used_commitment")))
                if am else "0",
                rie=n("reservation_effective_cost"),
                rif=("%s + %s" % (n("reservation_unused_amortized_upfront_fee_for_billing_period"),
                                  n("reservation_unused_recurring_fee"))) if am else "0",
                ub=n("line_item_unblended_cost"))
            if am:
                where = "(%s OR savings_plan_offering_type = 'SageMakerSavingsPlans')" % where
    sel = ", ".join("%s AS k%d" % (e, i) for i, e in enumerate(key_exprs))
    group = ", ".join(str(i + 1) for i in range(len(key_exprs)))
    sql = "SELECT %s%sSUM(%s), COUNT(*) FROM read_parquet(%s) WHERE %s%s" % (
        sel, ", " if sel else "", cost, lit(pq_file), where, (" GROUP BY " + group) if group else "")
    res = duckdb([sql], tmp)
    out = {}
    for row in res["rows"]:
        key = tuple(v if v != "" else None for v in row[:len(key_exprs)])
        out[key] = (float(row[-2] or 0), int(row[-1]))
    return out


def against_duckdb(label, tmp, pq_dir, name, fmt, keys, key_exprs, where):
    for m in MEASURES:
        ours = json.loads(report(name, pq_dir, keys, m))
        theirs = duckdb_reference(tmp, os.path.join(pq_dir, name), fmt, m, key_exprs, where)
        got = {tuple(g["key"][k] for k in keys): (g["cost"], g["items"]) for g in ours["groups"]}
        check(set(got) == set(theirs), "%s %s: groups %s vs DuckDB %s" % (label, m, sorted(map(str, got)),
                                                                         sorted(map(str, theirs))))
        for k, (cost, items) in theirs.items():
            if k not in got:
                continue
            check(abs(got[k][0] - cost) < 0.005, "%s %s %r: %r vs DuckDB %r" % (label, m, k, got[k][0], cost))
            check(got[k][1] == items, "%s %s %r: %d items vs DuckDB %d" % (label, m, k, got[k][1], items))
        print("ok: %s %s vs DuckDB (%d groups)" % (label, m, len(theirs)))


def emitted_sql(tmp, pq_file, keys):
    for m in MEASURES:
        sql = cli(["--emit-sql", "duckdb", "--sql-table", "cur", "--measure", m, "--group-by", ",".join(keys)],
                  tmp).stdout
        res = duckdb(["CREATE VIEW cur AS SELECT * FROM read_parquet(%s)" % lit(pq_file), sql], tmp)
        ours = json.loads(report(os.path.basename(pq_file), os.path.dirname(pq_file), keys, m))
        got = {tuple(g["key"][k] for k in keys): g["cost"] for g in ours["groups"]}
        theirs = {tuple(r[:len(keys)]): float(r[len(keys)] or 0) for r in res["rows"]}
        check(set(got) == set(theirs), "emitted SQL %s: groups differ %s vs %s" % (m, sorted(map(str, got)),
                                                                                  sorted(map(str, theirs))))
        for k, v in theirs.items():
            check(k in got and abs(got[k] - v) < 0.005, "emitted SQL %s %r: %r vs %r" % (m, k, got.get(k), v))
        print("ok: --emit-sql duckdb %s over Parquet" % m)


def list_columns(tmp, csv_dir, name, select):
    """LIST columns: unused ones (a list of strings with nulls and empty
    lists, a list of lists) are skipped, and tags delivered as a LIST of
    STRUCT<key, value> (with null entries and a keyless value) are read
    through their repetition levels: both reports equal the CSV's, and the
    list-of-struct file's sums equal DuckDB's over the same file. A LIST
    where the aggregation needs one value is exit 2 naming the column."""
    extra = ("CASE n % 4 WHEN 0 THEN NULL WHEN 1 THEN []::VARCHAR[] WHEN 2 THEN ['a', NULL, 'b'] "
             "ELSE ['x'] END AS line_item_notes, "
             "CASE n % 3 WHEN 0 THEN [[1, 2], [], NULL] WHEN 1 THEN NULL ELSE [[3]] END AS nested_lists")
    as_list = ("CASE WHEN n % 5 = 0 AND resource_tags IS NOT NULL THEN list_concat(map_entries(resource_tags), "
               "[{'key': NULL, 'value': 'orphan'}, NULL]) ELSE map_entries(resource_tags) END")
    dirs = {k: os.path.join(tmp, "lists-" + k) for k in ("map", "struct", "bad")}
    for d in dirs.values():
        os.makedirs(d)
    stmts = ["CREATE TABLE t AS SELECT %s FROM read_csv(%s, header = true, all_varchar = true, quote = '\"', "
             "escape = '\"')" % (select, lit(os.path.join(csv_dir, name))),
             "CREATE TABLE u AS SELECT *, row_number() OVER () AS n FROM t",
             "COPY (SELECT * EXCLUDE (n), %s FROM u) TO %s (FORMAT parquet, COMPRESSION snappy, "
             "ROW_GROUP_SIZE 1000)" % (extra, lit(os.path.join(dirs["map"], name))),
             "COPY (SELECT * EXCLUDE (n, resource_tags), %s AS resource_tags, %s FROM u) TO %s (FORMAT parquet, "
             "COMPRESSION zstd, PARQUET_VERSION v2, ROW_GROUP_SIZE 777)" % (as_list, extra,
                                                                            lit(os.path.join(dirs["struct"], name))),
             "COPY (SELECT * REPLACE ([line_item_product_code] AS line_item_product_code) FROM t) TO %s "
             "(FORMAT parquet)" % lit(os.path.join(dirs["bad"], name)),
             "SELECT typeof(resource_tags) FROM read_parquet(%s) LIMIT 1" % lit(os.path.join(dirs["struct"], name))]
    res = duckdb(stmts, tmp)
    check(res["rows"][0][0].startswith("STRUCT(") and res["rows"][0][0].endswith("[]"),
          "the tags of the list file are %r, not a LIST of STRUCT" % res["rows"][0][0])
    same_as_csv("unused LIST columns", tmp, name, csv_dir, dirs["map"], [["Project", "Cost Center", "month"]])
    same_as_csv("tags as LIST<STRUCT>", tmp, name, csv_dir, dirs["struct"], [["Project", "Cost Center", "month"]])
    tag = lambda k: ("NULLIF(list_filter(resource_tags, x -> x.key = '%s')[1].value, '')" % k)  # noqa: E731
    against_duckdb("tags as LIST<STRUCT>", tmp, dirs["struct"], name, "cur2", ["Project", "Cost Center"],
                   [tag("user_project"), tag("user_cost_center")], "line_item_product_code = 'AmazonSageMaker'")
    p = cli(["--format", "json", "--cur", name], dirs["bad"], rc=2)
    check(name in p.stderr and "line_item_product_code" in p.stderr and "LIST" in p.stderr and p.stdout == "",
          "a needed LIST column: %r" % p.stderr)
    print("ok: a LIST where one value is needed -> exit 2: %s" % p.stderr.strip()[:160])


def coverage_in_text(tmp, pq_dir, name):
    """The text report shows each group's Savings Plans coverage, the same
    number the JSON report has."""
    for m in ("unblended", "amortized"):
        js = json.loads(report(name, pq_dir, ["Project"], m))
        text = cli(["--format", "text", "--measure", m, "--group-by", "Project", "--cur", name], pq_dir).stdout
        lines = text.splitlines()
        check("SP coverage" in lines[0], "%s: the text header lacks SP coverage: %r" % (m, lines[0]))
        covered = 0
        for g in js["groups"]:
            label = (g["key"]["Project"] or "(untagged)").replace("\n", "\\n")  # as the text report escapes it
            want = "-" if g["sp_coverage"] is None else "%.1f%%" % (g["sp_coverage"] * 100)
            covered += g["sp_coverage"] is not None
            row = [ln for ln in lines if ln.startswith(label + " ")]
            check(len(row) == 1 and row[0].split()[-1] == want,
                  "%s %s: text row %r, want coverage %s" % (m, label, row, want))
        check(covered > 0, "%s: no group has Savings Plans coverage" % m)
    print("ok: text report shows Savings Plans coverage per group")


def corrupt_inputs(tmp, good):
    data = open(good, "rb").read()
    d = os.path.join(tmp, "corrupt")
    os.makedirs(d, exist_ok=True)
    cases = {
        "magic.parquet": (b"XXXX" + data[4:], "wrong magic"),
        "truncated.parquet": (data[:-100], "magic bytes at the end"),
        "short-footer.parquet": (data[:4] + data[-8:], "footer"),
        # The first half of the data cut out: chunks now lie past the file's end.
        "cut.parquet": (data[:4] + data[len(data) // 2:], "column "),
    }
    for name, (blob, want) in cases.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(blob)
        p = cli(["--format", "json", "--group-by", "Project", "--cur", name], d, rc=2)
        check(name in p.stderr and want in p.stderr, "%s: stderr %r lacks the file name or %r" % (name, p.stderr, want))
        check(p.stdout.strip() == "", "%s: a report was printed: %r" % (name, p.stdout[:200]))
        print("ok: %s -> exit 2: %s" % (name, p.stderr.strip()[:160]))


def main():
    if not os.access(BIN, os.X_OK):
        print("sageguard not built at %s" % BIN)
        return 77 if os.environ.get("SAGEGUARD_ALLOW_SKIP") else 1
    require_duckdb(SRC)
    with tempfile.TemporaryDirectory(prefix="sg-cost-parquet-") as tmp:
        rows = rows_with_commitments(7, 2500, "2024-05") + rows_with_commitments(8, 1500, "2024-06")
        name = "export-00001"  # no extension: the reader goes by content

        # ---- CUR 2.0
        csv_dir = os.path.join(tmp, "cur2-csv")
        os.makedirs(csv_dir)
        text, _ = cur_gen.render(CUR2_COLUMNS, [cur2_rec(r) for r in rows])
        cur_gen.write(os.path.join(csv_dir, name), text, gz=False)
        select = typed_select(CUR2_COLUMNS, lambda c: c, {"line_item_usage_start_date"}, "resource_tags")
        stmts = ["CREATE TABLE t AS SELECT %s FROM read_csv(%s, header = true, all_varchar = true, "
                 "quote = '\"', escape = '\"')" % (select, lit(os.path.join(csv_dir, name)))]
        dirs = []
        for i, (comp, ver, dic) in enumerate(VARIANTS):
            d = os.path.join(tmp, "cur2-%s-%s-%s" % (comp, ver, "dict" if dic else "plain"))
            os.makedirs(d)
            dirs.append(d)
            stmts.append("COPY t TO %s (%s)" % (lit(os.path.join(d, name)),
                                                copy_options(comp, ver, dic, ROW_GROUPS[i % len(ROW_GROUPS)])))
        stmts.append("SELECT count(*) FROM t")
        res = duckdb(stmts, tmp)
        check(res["rows"][0][0] == len(rows), "DuckDB loaded %r rows of %d" % (res["rows"][0][0], len(rows)))
        meta = duckdb(["SELECT DISTINCT encodings, compression FROM parquet_metadata(%s)" %
                       lit(os.path.join(dirs[3], name))], tmp)
        print("encodings in %s: %s" % (os.path.basename(dirs[3]), meta["rows"]))
        for d in dirs:
            same_as_csv(os.path.basename(d), tmp, name, csv_dir, d,
                        [["Project", "Cost Center", "month"], ["instance-type", "resource"]] if d == dirs[2]
                        else [["Project", "month"]])
        snappy = os.path.join(tmp, "cur2-snappy-v1-dict")
        against_duckdb("cur2", tmp, snappy, name, "cur2", ["Project", "month"],
                       ["NULLIF(resource_tags['user_project'], '')", "strftime(line_item_usage_start_date, '%Y-%m')"],
                       "line_item_product_code = 'AmazonSageMaker'")
        against_duckdb("cur2 v2 zstd", tmp, os.path.join(tmp, "cur2-zstd-v2-plain"), name, "cur2", ["Cost Center"],
                       ["NULLIF(resource_tags['user_cost_center'], '')"], "line_item_product_code = 'AmazonSageMaker'")
        emitted_sql(tmp, os.path.join(snappy, name), ["Project", "month"])
        coverage_in_text(tmp, snappy, name)
        list_columns(tmp, csv_dir, name, select)

        # ---- legacy CUR as its Athena integration writes it
        lcsv = os.path.join(tmp, "legacy-csv")
        lpq = os.path.join(tmp, "legacy-athena")
        os.makedirs(lcsv)
        os.makedirs(lpq)
        text, _ = cur_gen.render(LEGACY_COLUMNS, [legacy_rec(r) for r in rows])
        cur_gen.write(os.path.join(lcsv, name), text, gz=False)
        select = typed_select(LEGACY_COLUMNS, athena_name, {"lineItem/UsageStartDate", "lineItem/UsageEndDate"}, None)
        duckdb(["CREATE TABLE t AS SELECT %s FROM read_csv(%s, header = true, all_varchar = true, quote = '\"', "
                "escape = '\"')" % (select, lit(os.path.join(lcsv, name))),
                "COPY t TO %s (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 1000)" % lit(os.path.join(lpq, name)),
                "SELECT 1"], tmp)
        same_as_csv("legacy-athena", tmp, name, lcsv, lpq, [["Project", "Cost Center", "month"]])
        against_duckdb("legacy-athena", tmp, lpq, name, "legacy", ["Cost Center"],
                       ["NULLIF(resource_tags_user_cost_center, '')"], "line_item_product_code = 'AmazonSageMaker'")

        # ---- FOCUS
        fcsv = os.path.join(tmp, "focus-csv")
        fpq = os.path.join(tmp, "focus-pq")
        os.makedirs(fcsv)
        os.makedirs(fpq)
        text, _ = cur_gen.render(cur_gen.FOCUS_COLUMNS, [cur_gen.focus_record(r) for r in rows
                                                           if r["product"] in ("AmazonSageMaker", "AmazonEC2",
                                                                               "AmazonS3")])
        cur_gen.write(os.path.join(fcsv, name), text, gz=False)
        select = typed_select(cur_gen.FOCUS_COLUMNS, lambda c: c, {"ChargePeriodStart"}, "Tags")
        duckdb(["CREATE TABLE t AS SELECT %s FROM read_csv(%s, header = true, all_varchar = true, quote = '\"', "
                "escape = '\"')" % (select, lit(os.path.join(fcsv, name))),
                "COPY t TO %s (FORMAT parquet, COMPRESSION zstd, PARQUET_VERSION v2, ROW_GROUP_SIZE 777)" %
                lit(os.path.join(fpq, name)), "SELECT 1"], tmp)
        same_as_csv("focus", tmp, name, fcsv, fpq, [["Project", "Cost Center"]])

        # ---- a folder with a CSV month and a Parquet month
        mixed = os.path.join(tmp, "mixed")
        os.makedirs(mixed)
        may = [r for r in rows if r["start"].startswith("2024-05")]
        june = [r for r in rows if r["start"].startswith("2024-06")]
        text, _ = cur_gen.render(CUR2_COLUMNS, [cur2_rec(r) for r in may])
        cur_gen.write(os.path.join(mixed, "may.csv"), text, gz=True)
        text, _ = cur_gen.render(CUR2_COLUMNS, [cur2_rec(r) for r in june])
        cur_gen.write(os.path.join(tmp, "june.csv"), text, gz=False)
        select = typed_select(CUR2_COLUMNS, lambda c: c, {"line_item_usage_start_date"}, "resource_tags")
        duckdb(["COPY (SELECT %s FROM read_csv(%s, header = true, all_varchar = true, quote = '\"', escape = '\"')) "
                "TO %s (FORMAT parquet, COMPRESSION snappy)" % (select, lit(os.path.join(tmp, "june.csv")),
                                                                 lit(os.path.join(mixed, "june.parquet"))),
                "SELECT 1"], tmp)
        both = json.loads(report(".", mixed, ["month"], "amortized"))
        whole = json.loads(report(name, csv_dir, ["month"], "amortized"))
        check(set(both["by_month"]) == set(whole["by_month"]) and
              all(abs(both["by_month"][m] - whole["by_month"][m]) < 1e-6 for m in whole["by_month"]) and
              abs(both["total"] - whole["total"]) < 1e-6,
              "mixed folder: %r vs %r" % (both["by_month"], whole["by_month"]))
        check(len(both["files"]) == 2, "mixed folder read %r" % both["files"])
        print("ok: a folder with a CSV month and a Parquet month")

        corrupt_inputs(tmp, os.path.join(snappy, name))
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("all Parquet checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
