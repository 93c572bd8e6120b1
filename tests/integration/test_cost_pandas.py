"""Cost aggregation against pandas: generate legacy CUR, CUR 2.0 and FOCUS
exports (quoted commas and quotes, embedded newlines, CRLF, credits, taxes,
Savings Plan pairs, other services, blank tags, two assemblies of a period,
gzip), aggregate them with `sageguard cost --cur ... --format json` and
compare every group's total with pandas computed independently from the
same files.

Needs pandas: re-executes itself with /usr/bin/python3 (Debian's python3-pandas)
when the running interpreter lacks it."""

import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

try:
    import pandas as pd
except ImportError:
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3" \
            and not os.environ.get("SG_COST_REEXEC"):
        os.environ["SG_COST_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__)] + sys.argv[1:])
    print("pandas is not available")
    sys.exit(77 if os.environ.get("SAGEGUARD_ALLOW_SKIP") else 1)

sys.path.insert(0, HERE)
from cost_support import cur_gen  # noqa: E402

BUILD = os.environ.get("SG_BUILD_DIR", os.path.join(os.path.dirname(os.path.dirname(HERE)), "build"))
BIN = os.environ.get("SAGEGUARD_BIN", os.path.join(BUILD, "sageguard"))
FAILURES = []


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)


def tool(*args, expect_rc=0):
    """tool("cur", [options...], PATH...) -> `sageguard cost --format json [options] --cur PATH...`."""
    assert args[0] == "cur"
    opts, paths, rest = [], [], list(args[1:])
    while rest:
        a = rest.pop(0)
        if a in ("--group-by", "--measure", "--since", "--until", "--threads"):
            opts += [a, rest.pop(0)]
        elif a.startswith("--"):
            opts.append(a)
        else:
            paths.append(a)
    cmd = [BIN, "cost", "--format", "json", *opts, "--cur", *paths]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != expect_rc:
        raise AssertionError("%s: rc=%d\n%s" % (" ".join(cmd), p.returncode, p.stderr))
    return json.loads(p.stdout) if expect_rc == 0 else p


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def compare(label, report, expected):
    """expected: {tuple(key values or None): (cost, items)}"""
    got = {}
    for g in report["groups"]:
        got[tuple(g["key"][k] for k in report["group_by"])] = (g["cost"], g["items"])
    check(set(got) == set(expected), "%s: group keys differ: only ours %s, only pandas %s" %
          (label, sorted(set(got) - set(expected), key=str)[:5], sorted(set(expected) - set(got), key=str)[:5]))
    for k, (cost, items) in expected.items():
        if k in got:
            check(close(got[k][0], cost), "%s: group %r cost %r != pandas %r" % (label, k, got[k][0], cost))
            check(got[k][1] == items, "%s: group %r items %r != pandas %r" % (label, k, got[k][1], items))
    total = sum(c for c, _ in expected.values())
    check(close(report["total"], total), "%s: total %r != pandas %r" % (label, report["total"], total))
    print("ok: %s (%d groups, total %.6f)" % (label, len(expected), total))


def read_frames(files):
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files], ignore_index=True)


def num(series):
    return pd.to_numeric(series.replace("", "0")).astype(float)


def pandas_groups(df, cost, keys):
    """keys: {name: Series of str ('' = untagged)} -> {tuple: (sum, count)}"""
    frame = pd.DataFrame({"__cost": cost})
    names = list(keys)
    for i, n in enumerate(names):
        frame["k%d" % i] = keys[n].replace("", None)
    cols = ["k%d" % i for i in range(len(names))]
    out = {}
    groups = frame.groupby(cols if len(cols) > 1 else cols[0], dropna=False) if cols else [((), frame)]
    for key, sub in groups:
        key = key if isinstance(key, tuple) else (key,)
        key = tuple(None if (v is None or (isinstance(v, float) and math.isnan(v))) else v for v in key)
        out[key] = (float(sub["__cost"].sum()), len(sub))
    return out


def instance_type(usage):
    return usage.map(lambda u: u.split(":", 1)[1] if ":" in u else "")


# ---------------------------------------------------------------- legacy CUR
def legacy_case(tmp):
    root = os.path.join(tmp, "legacy", "prefix", "rep")
    counted = []
    # May: two assemblies, the period manifest names the new one; the old one
    # is newer on disk so only the manifest can pick correctly.
    may = os.path.join(root, "20240501-20240601")
    for asm, seed, newer in (("asm-old", 1, True), ("asm-new", 2, False)):
        d = os.path.join(may, asm)
        os.makedirs(d)
        for part in (1, 2):
            rows = cur_gen.make_rows(seed * 10 + part, 1500, "2024-05")
            text, _ = cur_gen.render(cur_gen.LEGACY_COLUMNS, [cur_gen.legacy_record(r) for r in rows],
                                     crlf=(part == 1))
            name = os.path.join(d, "rep-%d.csv%s" % (part, ".gz" if part == 1 else ""))
            cur_gen.write(name, text, gz=(part == 1))
            os.utime(name, (2_000_000_000 if newer else 1_900_000_000,) * 2)
            if asm == "asm-new":
                counted.append(name)
    with open(os.path.join(may, "rep-Manifest.json"), "w") as f:
        json.dump({"assemblyId": "asm-new", "billingPeriod": {"start": "20240501T000000.000Z",
                                                                 "end": "20240601T000000.000Z"},
                   "reportKeys": ["prefix/rep/20240501-20240601/asm-new/rep-1.csv.gz",
                                  "prefix/rep/20240501-20240601/asm-new/rep-2.csv"]}, f)
    # June: two assemblies and no manifest: the newest assembly counts.
    june = os.path.join(root, "20240601-20240701")
    for asm, seed, t in (("a-first", 3, 1_900_000_000), ("b-second", 4, 1_950_000_000)):
        d = os.path.join(june, asm)
        os.makedirs(d)
        rows = cur_gen.make_rows(seed, 2000, "2024-06")
        text, _ = cur_gen.render(cur_gen.LEGACY_COLUMNS, [cur_gen.legacy_record(r) for r in rows])
        name = os.path.join(d, "rep-1.csv.gz")
        cur_gen.write(name, text, gz=True)
        os.utime(name, (t, t))
        if asm == "b-second":
            counted.append(name)
    return os.path.join(tmp, "legacy"), counted


def legacy_expected(files, keys, measure, since=None, until=None, all_services=False):
    df = read_frames(files)
    if not all_services:
        df = df[df["lineItem/ProductCode"] == "AmazonSageMaker"]
    day = df["lineItem/UsageStartDate"].str[:10]
    if since:
        df = df[day >= since]
    if until:
        df = df[df["lineItem/UsageStartDate"].str[:10] <= until]
    typ = df["lineItem/LineItemType"]
    unbl = num(df["lineItem/UnblendedCost"])
    if measure == "unblended":
        cost = unbl
    elif measure == "public-on-demand":
        cost = num(df["pricing/publicOnDemandCost"])
    else:
        cost = unbl.where(typ != "SavingsPlanCoveredUsage", num(df["savingsPlan/SavingsPlanEffectiveCost"]))
        cost = cost.where(typ != "SavingsPlanNegation", 0.0)
    cols = {}
    for k in keys:
        if k == "month":
            cols[k] = df["lineItem/UsageStartDate"].str[:7]
        elif k == "instance-type":
            cols[k] = instance_type(df["lineItem/UsageType"])
        elif k == "resource":
            cols[k] = df["lineItem/ResourceId"]
        else:
            cols[k] = df["resourceTags/user:" + k]
    return pandas_groups(df, cost, cols)


def run_legacy(tmp):
    path, counted = legacy_case(tmp)
    for keys, measure, extra in (
            (["Project"], "unblended", []),
            (["Project", "Cost Center"], "net", []),
            (["month", "instance-type"], "public-on-demand", []),
            (["Cost Center", "resource"], "unblended", ["--since", "2024-05-10", "--until", "2024-06-15"]),
            ([], "unblended", ["--all-services"])):
        rep = tool("cur", "--group-by", ",".join(keys), "--measure", measure, *extra, path) if keys else \
            tool("cur", "--measure", measure, *extra, path)
        since = extra[extra.index("--since") + 1] if "--since" in extra else None
        until = extra[extra.index("--until") + 1] if "--until" in extra else None
        exp = legacy_expected(counted, keys, measure, since, until, "--all-services" in extra)
        check(rep["source"] == "cur" and rep["format"] == "cur", "legacy source %r" % rep["source"])
        check(rep["malformed_rows"] == 0, "legacy malformed %r" % rep["malformed_samples"])
        check(sorted(rep["files"]) == sorted(counted), "legacy files %r != %r" % (rep["files"], counted))
        compare("legacy %s by %s %s" % (measure, keys, extra), rep, exp)
    # The manifest alone reads exactly the May assembly it names.
    manifest = os.path.join(path, "prefix", "rep", "20240501-20240601", "rep-Manifest.json")
    rep = tool("cur", "--group-by", "Project", manifest)
    compare("legacy via manifest", rep, legacy_expected(counted[:2], ["Project"], "unblended"))


# ------------------------------------------------------------------- CUR 2.0
def run_cur2(tmp):
    d = os.path.join(tmp, "cur2", "data", "BILLING_PERIOD=2024-05")
    os.makedirs(d)
    files = []
    for part in range(3):
        rows = cur_gen.make_rows(100 + part, 2500, "2024-05")
        text, _ = cur_gen.render(cur_gen.CUR2_COLUMNS, [cur_gen.cur2_record(r) for r in rows], crlf=part != 1)
        name = os.path.join(d, "part-%d.csv%s" % (part, ".gz" if part != 2 else ""))
        cur_gen.write(name, text, gz=part != 2)
        files.append(name)
    for keys, measure in ((["Project"], "unblended"), (["Project", "Cost Center", "month"], "net"),
                          (["instance-type"], "public-on-demand")):
        rep = tool("cur", "--group-by", ",".join(keys), "--measure", measure, os.path.join(tmp, "cur2"))
        df = read_frames(files)
        df = df[df["line_item_product_code"] == "AmazonSageMaker"]
        typ = df["line_item_line_item_type"]
        unbl = num(df["line_item_unblended_cost"])
        if measure == "unblended":
            cost = unbl
        elif measure == "public-on-demand":
            cost = num(df["pricing_public_on_demand_cost"])
        else:
            cost = unbl.where(typ != "SavingsPlanCoveredUsage", num(df["savings_plan_savings_plan_effective_cost"]))
            cost = cost.where(typ != "SavingsPlanNegation", 0.0)
        tags = df["resource_tags"].map(lambda s: json.loads(s) if s else {})
        cols = {}
        for k in keys:
            if k == "month":
                cols[k] = df["line_item_usage_start_date"].str[:7]
            elif k == "instance-type":
                cols[k] = instance_type(df["line_item_usage_type"])
            else:
                tk = "user_" + k.lower().replace(" ", "_")
                cols[k] = tags.map(lambda t, tk=tk: t.get(tk, ""))
        check(rep["format"] == "cur2", "cur2 format %r" % rep["format"])
        compare("cur2 %s by %s" % (measure, keys), rep, pandas_groups(df, cost, cols))


# --------------------------------------------------------------------- FOCUS
def run_focus(tmp):
    d = os.path.join(tmp, "focus")
    os.makedirs(d)
    files = []
    for part in range(2):
        rows = cur_gen.make_rows(200 + part, 3000, "2024-07")
        text, _ = cur_gen.render(cur_gen.FOCUS_COLUMNS, [cur_gen.focus_record(r) for r in rows])
        name = os.path.join(d, "focus-%d.csv.gz" % part)
        cur_gen.write(name, text, gz=True)
        files.append(name)
    for keys, measure, col in ((["Project"], "unblended", "BilledCost"),
                               (["Cost Center", "resource"], "net", "EffectiveCost"),
                               (["Project", "month"], "public-on-demand", "ListCost")):
        rep = tool("cur", "--group-by", ",".join(keys), "--measure", measure, d)
        df = read_frames(files)
        df = df[df["ServiceName"] == "Amazon SageMaker"]
        tags = df["Tags"].map(lambda s: json.loads(s) if s else {})
        cols = {}
        for k in keys:
            if k == "month":
                cols[k] = df["ChargePeriodStart"].str[:7]
            elif k == "resource":
                cols[k] = df["ResourceId"]
            else:
                cols[k] = tags.map(lambda t, k=k: t.get(k, ""))
        check(rep["format"] == "focus", "focus format %r" % rep["format"])
        compare("focus %s by %s" % (measure, keys), rep, pandas_groups(df, num(df[col]), cols))
        if measure == "unblended":
            spot = df[df["PricingCategory"] == "Dynamic"]
            expected = (num(spot["ListCost"]) - num(spot["BilledCost"])).sum()
            got = sum(g["spot_savings"] or 0 for g in rep["groups"])
            check(close(got, expected), "focus spot savings %r != pandas %r" % (got, expected))


# ------------------------------------------------------------- bad input
def recs_line(text, index):
    """Physical line of data record `index` (0-based) in CSV text, by parsing."""
    import csv
    import io
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    n = 0
    while True:
        line = reader.line_num + 1
        row = next(reader)
        if len(row) == len(cur_gen.LEGACY_COLUMNS):
            if n == index:
                return line
            n += 1

def run_malformed(tmp):
    d = os.path.join(tmp, "bad")
    os.makedirs(d)
    rows = cur_gen.make_rows(300, 1000, "2024-05")
    recs = [cur_gen.legacy_record(r) for r in rows]
    good_line = ",".join(["x"] * (len(cur_gen.LEGACY_COLUMNS) + 2))  # too many fields
    extra = {10: good_line, 500: good_line, 900: good_line}
    # Non-numeric costs on SageMaker rows.
    bad_cost = [i for i, r in enumerate(recs) if r["lineItem/ProductCode"] == "AmazonSageMaker"][20:24]
    for i in bad_cost:
        recs[i]["lineItem/UnblendedCost"] = "N/A"
    text, bad_lines = cur_gen.render(cur_gen.LEGACY_COLUMNS, recs, extra_lines=extra)
    name = os.path.join(d, "bad.csv")
    cur_gen.write(name, text, gz=False)
    rep = tool("cur", "--group-by", "Project", name)
    check(rep["malformed_rows"] == len(extra) + len(bad_cost),
          "malformed count %r != %r" % (rep["malformed_rows"], len(extra) + len(bad_cost)))
    sample_lines = sorted(s["line"] for s in rep["malformed_samples"] if "fields" in s["reason"])
    check(sample_lines == bad_lines, "malformed lines %r != %r" % (sample_lines, bad_lines))
    check(all(s["file"] == name for s in rep["malformed_samples"]), "malformed sample file names")
    df = pd.read_csv(name, dtype=str, keep_default_na=False, on_bad_lines="skip")
    df = df[df["lineItem/ProductCode"] == "AmazonSageMaker"]
    cost = pd.to_numeric(df["lineItem/UnblendedCost"].replace("", "0"), errors="coerce")
    df, cost = df[cost.notna()], cost[cost.notna()]
    compare("malformed rows skipped", rep, pandas_groups(df, cost, {"Project": df["resourceTags/user:Project"]}))
    # Without --strict the skipped rows are summarised on stderr with file:line.
    q = subprocess.run([BIN, "cost", "--format", "json", "--group-by", "Project", "--cur", name],
                       capture_output=True, text=True, timeout=600)
    check(q.returncode == 0 and "malformed row(s) skipped" in q.stderr and
          ("%s:%d:" % (name, bad_lines[0])) in q.stderr, "malformed summary on stderr: %r" % q.stderr[:500])
    p = tool("cur", "--strict", name, expect_rc=2)
    # The first malformed row is the earliest injected one (rows before it are good).
    first = min(bad_lines[0], min(recs_line(text, i) for i in bad_cost))
    check((name + ":%d" % first) in p.stderr and "malformed row" in p.stderr,
          "strict error names file:line %d: %r" % (first, p.stderr))

    # A truncated gzip is an error naming the file, not a crash.
    src = os.path.join(tmp, "legacy", "prefix", "rep", "20240601-20240701", "b-second", "rep-1.csv.gz")
    with open(src, "rb") as f:
        data = f.read()
    cut = os.path.join(d, "cut.csv.gz")
    with open(cut, "wb") as f:
        f.write(data[: len(data) // 2])
    p = tool("cur", cut, expect_rc=2)
    check("cut.csv.gz" in p.stderr and "truncated" in p.stderr, "truncated gzip message: %r" % p.stderr)
    print("ok: malformed rows, strict, truncated gzip")


# ------------------------------------------------- --jobs --group-by month
PRICES = json.load(open(os.path.join(os.path.dirname(os.path.dirname(HERE)), "data",
                                     "prices_us_east_1.json")))["regions"]["us-east-1"]


def month_split_expected(items):
    """items: [(project, start, end, cost)] -> {(month, project): (cost, items)},
    each cost spread over the UTC calendar months of [start, end) in
    proportion to the time in each, with pandas periods."""
    rows = []
    for project, start, end, cost in items:
        a, b = pd.Timestamp(start), pd.Timestamp(end)
        for per in pd.period_range(a.tz_localize(None), (b - pd.Timedelta(seconds=1)).tz_localize(None), freq="M"):
            lo = max(a, per.start_time.tz_localize("UTC"))
            hi = min(b, (per.end_time + pd.Timedelta(1, "ns")).tz_localize("UTC"))
            rows.append({"month": str(per), "project": project, "cost": cost * (hi - lo) / (b - a)})
    df = pd.DataFrame(rows)
    out = {}
    for (month, project), sub in df.groupby(["month", "project"]):
        out[(month, project)] = (float(sub["cost"].sum()), len(sub))
    return out


def run_months(tmp):
    """Time-based costs (endpoints, warm pools, jobs) that cross month
    boundaries are split across UTC calendar months; pandas is the oracle."""
    d = os.path.join(tmp, "months")
    os.makedirs(d)
    as_of = "2024-04-10T00:00:00+00:00"
    tags = lambda p: [{"Key": "Project", "Value": p}]  # noqa: E731
    docs = {
        "ep-live": {"EndpointName": "ep-live", "EndpointConfigName": "cfg-live", "EndpointStatus": "InService",
                    "CreationTime": "2024-01-15T06:00:00+00:00", "LastModifiedTime": "2024-01-15T06:10:00+00:00",
                    "ProductionVariants": [{"VariantName": "v", "CurrentInstanceCount": 2}], "Tags": tags("web")},
        "cfg-live": {"EndpointConfigName": "cfg-live",
                     "ProductionVariants": [{"VariantName": "v", "InstanceType": "ml.m5.large"}]},
        "ep-old": {"EndpointName": "ep-old", "EndpointConfigName": "cfg-old", "EndpointStatus": "OutOfService",
                   "CreationTime": "2024-02-20T00:00:00+00:00", "LastModifiedTime": "2024-03-05T12:00:00+00:00",
                   "ProductionVariants": [{"VariantName": "v", "CurrentInstanceCount": 1}], "Tags": tags("web"),
                   "EndpointConfig": {"ProductionVariants": [{"VariantName": "v", "InstanceType": "ml.c5.xlarge"}]}},
        "leap": {"TrainingJobName": "leap", "TrainingJobStatus": "Completed",
                 "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "KeepAlivePeriodInSeconds": 3600},
                 "TrainingStartTime": "2024-02-29T22:00:00+00:00", "TrainingEndTime": "2024-03-01T02:00:00+00:00",
                 "TrainingTimeInSeconds": 14400, "BillableTimeInSeconds": 14400,
                 "WarmPoolStatus": {"Status": "Terminated", "ResourceRetainedBillableTimeInSeconds": 7200},
                 "Tags": tags("ml")},
        "prep": {"ProcessingJobName": "prep", "ProcessingJobStatus": "Completed",
                 "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 3}},
                 "ProcessingStartTime": "2024-03-31T23:30:00+00:00", "ProcessingEndTime": "2024-04-01T00:30:00+00:00",
                 "Tags": tags("ml")},
        "score": {"TransformJobName": "score", "TransformJobStatus": "InProgress",
                  "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
                  "TransformStartTime": "2024-03-31T12:00:00+00:00", "CreationTime": "2024-03-31T11:59:00+00:00",
                  "Tags": tags("ml")},
    }
    for name, doc in docs.items():
        with open(os.path.join(d, name + ".json"), "w") as f:
            json.dump(doc, f)
    h = lambda a, b: (pd.Timestamp(b) - pd.Timestamp(a)).total_seconds() / 3600  # noqa: E731
    leap_end = "2024-03-01T02:00:00+00:00"
    items = [
        ("web", "2024-01-15T06:00:00+00:00", as_of,
         PRICES["hosting"]["ml.m5.large"] * 2 * h("2024-01-15T06:00:00+00:00", as_of)),
        ("web", "2024-02-20T00:00:00+00:00", "2024-03-05T12:00:00+00:00",
         PRICES["hosting"]["ml.c5.xlarge"] * h("2024-02-20T00:00:00+00:00", "2024-03-05T12:00:00+00:00")),
        ("ml", "2024-02-29T22:00:00+00:00", leap_end, PRICES["training"]["ml.m5.xlarge"] * 2 * 4),
        ("ml", leap_end, "2024-03-01T04:00:00+00:00", PRICES["training"]["ml.m5.xlarge"] * 2 * 2),  # warm pool
        ("ml", "2024-03-31T23:30:00+00:00", "2024-04-01T00:30:00+00:00", PRICES["processing"]["ml.m5.large"] * 3),
        ("ml", "2024-03-31T12:00:00+00:00", as_of,
         PRICES["batch_transform"]["ml.m5.xlarge"] * h("2024-03-31T12:00:00+00:00", as_of)),
    ]
    exp = month_split_expected(items)
    # A record counts once in each month it has cost in, its warm pool with it.
    exp = {k: (c, n) for k, (c, n) in exp.items()}
    leap_months = {("2024-02", "ml"), ("2024-03", "ml")}
    for k in leap_months:
        exp[k] = (exp[k][0], exp[k][1] - (1 if k == ("2024-03", "ml") else 0))
    p = subprocess.run([BIN, "cost", "--jobs", "--from-describes", d, "--as-of", as_of, "--group-by", "month,Project",
                        "--format", "json"], capture_output=True, text=True, timeout=120)
    check(p.returncode == 0, "cost --group-by month: rc %d %s" % (p.returncode, p.stderr))
    if p.returncode == 0:
        rep = json.loads(p.stdout)
        got = {(g["key"]["month"], g["key"]["Project"]): (g["cost"], g["items"]) for g in rep["groups"]}
        check(set(got) == set(exp), "month groups %r != pandas %r" % (sorted(got), sorted(exp)))
        for k, (c, n) in exp.items():
            if k in got:
                check(close(got[k][0], c), "month %r cost %r != pandas %r" % (k, got[k][0], c))
                check(got[k][1] == n, "month %r items %r != %r" % (k, got[k][1], n))
        check(close(rep["total"], sum(c for *_, c in items)), "months total %r" % rep["total"])
        by_month = {}
        for (m, _), (c, _) in exp.items():
            by_month[m] = by_month.get(m, 0) + c
        for m, c in by_month.items():
            check(close(rep["by_month"].get(m, 0), c), "by_month %s %r != %r" % (m, rep["by_month"].get(m), c))
    print("ok: --group-by month splits across calendar months (%d groups)" % len(exp))


# ---------------------------------------------------------- hostile inputs
def run_hostile_cur(tmp):
    d = os.path.join(tmp, "hostile")
    good = cur_gen.make_rows(60, 200, "2024-05")
    recs = [cur_gen.legacy_record(r) for r in good]
    text, _ = cur_gen.render(cur_gen.LEGACY_COLUMNS, recs)

    # Manifest keys leaving the report folder: exit 2, same words whether the
    # outside file exists or not, nothing summed.
    period = os.path.join(d, "rep", "20240501-20240601")
    os.makedirs(os.path.join(period, "a1"))
    cur_gen.write(os.path.join(period, "a1", "rep-1.csv"), text, gz=False)
    cur_gen.write(os.path.join(d, "secret.csv"), text, gz=False)
    messages = []
    for key in ("../../secret.csv", "../../no-such.csv", "/etc/shadow", "/no/such/file"):
        with open(os.path.join(period, "rep-Manifest.json"), "w") as f:
            json.dump({"assemblyId": "a1", "reportKeys": ["rep/20240501-20240601/a1/rep-1.csv", key]}, f)
        p = tool("cur", os.path.join(period, "rep-Manifest.json"), expect_rc=2)
        check("outside the report folder" in p.stderr, "key %r: %r" % (key, p.stderr))
        messages.append(p.stderr.replace(key, "KEY"))
    check(len(set(messages)) == 1, "one message for existing and missing outside files: %r" % messages)
    os.remove(os.path.join(period, "rep-Manifest.json"))

    # An unreadable folder fails closed (exit 2 naming it), never half a bill.
    locked = os.path.join(d, "rep", "20240601-20240701")
    os.makedirs(os.path.join(locked, "b1"))
    cur_gen.write(os.path.join(locked, "b1", "rep-1.csv"), text, gz=False)
    os.chmod(locked, 0)
    try:
        cmd = [BIN, "cost", "--format", "json", "--cur", os.path.join(d, "rep")]
        if os.geteuid() == 0:  # root reads anything: drop the capabilities that let it
            cmd = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        check(p.returncode == 2 and "20240601-20240701" in p.stderr,
              "unreadable folder: rc %d %r" % (p.returncode, p.stderr))
    finally:
        os.chmod(locked, 0o755)

    # One stray quote: exit 2 at the quote, not 97 rows lost as "1 malformed row".
    lines = text.split("\n")
    plain = [i for i, ln in enumerate(lines) if ln and '"' not in ln and i > 0]
    target = plain[2]
    row = lines[target].split(",")
    row[14] = row[14][:1] + '"' + row[14][1:]  # inside the cost field
    lines[target] = ",".join(row)
    stray = os.path.join(d, "stray.csv")
    cur_gen.write(stray, "\n".join(lines), gz=False)
    col = len(",".join(row[:14])) + 1 + 2
    phys = "\n".join(lines[:target]).count("\n") + 2
    for threads in ("1", "2"):
        p = tool("cur", "--threads", threads, stray, expect_rc=2)
        check(("%s:%d:%d:" % (stray, phys, col)) in p.stderr,
              "stray quote (threads %s) at %d:%d: %r" % (threads, phys, col, p.stderr))
    # Two stray quotes close each other over a few rows: still exit 2, since
    # the rows between them would be lost.
    lines2 = text.split("\n")
    a, b = plain[2], plain[5]
    for i in (a, b):
        r = lines2[i].split(",")
        r[14] = r[14][:1] + '"' + r[14][1:]
        lines2[i] = ",".join(r)
    pair = os.path.join(d, "pair.csv")
    cur_gen.write(pair, "\n".join(lines2), gz=False)
    p = tool("cur", pair, expect_rc=2)
    check(("pair.csv:%d:" % phys) in p.stderr and "would be lost" in p.stderr, "stray pair: %r" % p.stderr)
    # A malformed row on one line is skipped and every row after it counts:
    # pandas reads the same file as the reference.
    lines3 = text.split("\n")
    lines3[plain[2]] = lines3[plain[2]].rstrip("\r") + ",extra\r"  # one field too many
    one = os.path.join(d, "one.csv")
    cur_gen.write(one, "\n".join(lines3), gz=False)
    rep = tool("cur", "--group-by", "Project", one)
    df = pd.read_csv(one, dtype=str, keep_default_na=False, on_bad_lines="skip")
    df = df[df["lineItem/ProductCode"] == "AmazonSageMaker"]
    check(rep["malformed_rows"] == 1, "one malformed row: %r" % rep["malformed_rows"])
    compare("rows after a malformed row", rep,
            pandas_groups(df, num(df["lineItem/UnblendedCost"]), {"Project": df["resourceTags/user:Project"]}))
    print("ok: manifest keys confined, unreadable folder, stray quotes")


# ---------------------------------------------------------------- --emit-sql
def run_sql(tmp):
    """Shape of the emitted SQL; test_cost_duckdb.py executes it in real DuckDB."""
    keys = ["Project", "Cost Center", "month"]
    sql = subprocess.run([BIN, "cost", "--emit-sql", "duckdb", "--sql-table", "cur2", "--group-by", ",".join(keys),
                          "--measure", "net"], capture_output=True, text=True, check=True).stdout
    check(sql.count("(") == sql.count(")") and "GROUP BY 1, 2, 3" in sql, "duckdb SQL shape: %s" % sql)
    athena = subprocess.run([BIN, "cost", "--emit-sql", "athena", "--sql-table", "db.cur2", "--group-by", "Project"],
                            capture_output=True, text=True, check=True).stdout
    check("element_at(resource_tags, 'user_project')" in athena, "athena SQL: %s" % athena)
    print("ok: SQL shape (executed by test_cost_duckdb.py)")


def main():
    if not os.path.exists(BIN):
        print("sageguard not built at %s" % BIN)
        return 77 if os.environ.get("SAGEGUARD_ALLOW_SKIP") else 1
    with tempfile.TemporaryDirectory(prefix="sg-cost-") as tmp:
        run_legacy(tmp)
        run_cur2(tmp)
        run_focus(tmp)
        run_malformed(tmp)
        run_months(tmp)
        run_hostile_cur(tmp)
        run_sql(tmp)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("all cost/pandas comparisons passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
