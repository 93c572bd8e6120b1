"""`sageguard cost --jobs --from-describes` and `sageguard roi` against the
recorded Describe* responses in examples/cost/describes, with every expected
figure computed here independently from the formulas in docs/aws-notes.md
("Cost data") and the bundled price table:

  training   = BillableTimeInSeconds x InstanceCount x price / 3600
  spot saved = (TrainingTimeInSeconds - BillableTimeInSeconds) x count x price / 3600
  spot ratio = 1 - sum(billable x count) / sum(training x count)
  processing / transform = (end - start) x count x price / 3600
  endpoint   = hosting price x instances x hours in service

Also checks CSV (RFC 4180) against JSON, and renders the HTML reports in
headless Chromium: the totals the page shows must equal the JSON's."""

import csv
import datetime
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("SG_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("SG_BUILD_DIR", os.path.join(SRC, "build"))
BIN = os.environ.get("SAGEGUARD_BIN", os.path.join(BUILD, "sageguard"))
DESCRIBES = os.path.join(SRC, "examples", "cost", "describes")
# Recorded DescribeTrainingJob responses of two jobs that kept a warm pool
# (ResourceConfig.KeepAlivePeriodInSeconds; WarmPoolStatus Reused/Terminated).
WARM = os.path.join(SRC, "tests", "integration", "cost_support", "warm_pool")
PRICES = json.load(open(os.path.join(SRC, "data", "prices_us_east_1.json")))["regions"]["us-east-1"]
FAILURES = []


def check(cond, msg):
    if not cond:
        FAILURES.append(msg)
        print("FAIL:", msg)


def close(a, b):
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def run(*args, rc=0):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, AWS_EC2_METADATA_DISABLED="true"))
    if p.returncode != rc:
        raise AssertionError("sageguard %s: rc=%d (want %d)\n%s%s" % (" ".join(args), p.returncode, rc,
                                                                         p.stdout, p.stderr))
    return p


def ts(s):
    return datetime.datetime.fromisoformat(s).timestamp()


# ------------------------------------------------------------ the oracle
def expected_jobs():
    """[{name, job, project, center, cost or None, unbilled, unpriced, spot...}] from the files."""
    docs = [json.load(open(os.path.join(DESCRIBES, f))) for f in sorted(os.listdir(DESCRIBES))]
    tuning_tags = {d["HyperParameterTuningJobName"]: {t["Key"]: t["Value"] for t in d.get("Tags", [])}
                   for d in docs if "HyperParameterTuningJobName" in d}
    out = []
    for d in docs:
        tags = {t["Key"]: t["Value"] for t in d.get("Tags", [])}
        rec = {"spot_saved": None, "billable_x": 0, "trained_x": 0, "metric": None}
        if "TrainingJobName" in d and "HyperParameterTuningJobName" not in d:
            price = PRICES["training"].get(d["ResourceConfig"]["InstanceType"])
            n = d["ResourceConfig"]["InstanceCount"]
            b = d.get("BillableTimeInSeconds")
            parent = d.get("TuningJobArn", "").rsplit("/", 1)[-1] if "TuningJobArn" in d else None
            if parent:
                tags = {**tuning_tags.get(parent, {}), **tags}
            rec.update(name=d["TrainingJobName"], job=parent or d["TrainingJobName"],
                       cost=(b * n * price / 3600) if (b is not None and price) else None,
                       unbilled=b is None, unpriced=price is None, month=d["TrainingStartTime"][:7],
                       experiment=d.get("ExperimentConfig", {}).get("ExperimentName") or parent or d["TrainingJobName"])
            m = [x["Value"] for x in d.get("FinalMetricDataList", []) if x["MetricName"] == "validation:auc"]
            rec["metric"] = m[0] if m else None
            if d.get("EnableManagedSpotTraining") and b is not None and d.get("TrainingTimeInSeconds"):
                t = d["TrainingTimeInSeconds"]
                rec["billable_x"], rec["trained_x"] = b * n, t * n
                if price:
                    rec["spot_saved"] = (t - b) * n * price / 3600
        elif "ProcessingJobName" in d:
            cc = d["ProcessingResources"]["ClusterConfig"]
            secs = ts(d["ProcessingEndTime"]) - ts(d["ProcessingStartTime"])
            price = PRICES["processing"][cc["InstanceType"]]
            rec.update(name=d["ProcessingJobName"], job=d["ProcessingJobName"], unbilled=False, unpriced=False,
                       cost=secs * cc["InstanceCount"] * price / 3600, month=d["ProcessingStartTime"][:7],
                       experiment=d.get("ExperimentConfig", {}).get("ExperimentName"))
        elif "TransformJobName" in d:
            tr = d["TransformResources"]
            secs = ts(d["TransformEndTime"]) - ts(d["TransformStartTime"])
            price = PRICES["batch_transform"][tr["InstanceType"]]
            rec.update(name=d["TransformJobName"], job=d["TransformJobName"], unbilled=False, unpriced=False,
                       cost=secs * tr["InstanceCount"] * price / 3600, month=d["TransformStartTime"][:7],
                       experiment=d.get("ExperimentConfig", {}).get("ExperimentName"))
        elif "EndpointName" in d:
            itype = d["EndpointConfig"]["ProductionVariants"][0]["InstanceType"]
            n = d["ProductionVariants"][0]["CurrentInstanceCount"]
            hours = (ts(d["LastModifiedTime"]) - ts(d["CreationTime"])) / 3600  # OutOfService: until modified
            rec.update(name=d["EndpointName"], job=d["EndpointName"], unbilled=False, unpriced=False,
                       cost=PRICES["hosting"][itype] * n * hours, month=d["CreationTime"][:7], experiment=None)
        else:
            continue
        rec["project"] = tags.get("Project") or None
        rec["center"] = tags.get("Cost Center") or None
        out.append(rec)
    return out


def group(jobs, keyf):
    g = {}
    for j in jobs:
        e = g.setdefault(keyf(j), {"cost": 0.0, "items": 0, "spot": 0.0, "b": 0, "t": 0, "unbilled": 0,
                                   "unpriced": 0})
        e["cost"] += j["cost"] or 0.0
        e["items"] += 1
        e["spot"] += j["spot_saved"] or 0.0
        e["b"] += j["billable_x"]
        e["t"] += j["trained_x"]
        e["unbilled"] += j["unbilled"]
        e["unpriced"] += j["unpriced"]
    return g


# ------------------------------------------------------------ cost --jobs
def test_cost(tmp):
    jobs = expected_jobs()
    check(len(jobs) == 13, "expected 13 billed resources in the examples, got %d" % len(jobs))
    rep = json.loads(run("cost", "--jobs", "--from-describes", DESCRIBES, "--group-by", "Project",
                         "--format", "json", rc=0).stdout)
    check(rep["source"] == "jobs" and rep["currency"] == "USD", "jobs source/currency %r" % rep["source"])
    exp = group(jobs, lambda j: j["project"])
    got = {g["key"]["Project"]: g for g in rep["groups"]}
    check(set(got) == set(exp), "Project groups %r != %r" % (sorted(got, key=str), sorted(exp, key=str)))
    for k, e in exp.items():
        g = got.get(k)
        if not g:
            continue
        check(close(g["cost"], e["cost"]), "Project=%r cost %r != %r" % (k, g["cost"], e["cost"]))
        check(g["items"] == e["items"], "Project=%r items %r != %r" % (k, g["items"], e["items"]))
        check(close(g["spot_savings"], e["spot"]), "Project=%r spot %r != %r" % (k, g["spot_savings"], e["spot"]))
        ratio = (1 - e["b"] / e["t"]) if e["t"] else None
        check((g["spot_savings_ratio"] is None and ratio is None) or close(g["spot_savings_ratio"], ratio),
              "Project=%r ratio %r != %r" % (k, g["spot_savings_ratio"], ratio))
        check(g["unbilled"] == e["unbilled"] and g["unpriced"] == e["unpriced"],
              "Project=%r unbilled/unpriced %r/%r" % (k, g["unbilled"], g["unpriced"]))
    total = sum(j["cost"] or 0 for j in jobs)
    check(close(rep["total"], total), "total %r != %r" % (rep["total"], total))
    check(close(rep["unallocated"], exp[None]["cost"]), "unallocated %r" % rep["unallocated"])
    check(rep["unpriced_items"] == 1 and "ml.trn1.2xlarge" in rep["unknown_instance_types"],
          "unknown instance type reported: %r" % rep.get("unknown_instance_types"))
    check(rep["unbilled_items"] == 1, "unbilled items %r" % rep["unbilled_items"])

    # By job: a tuning job's training jobs are one group, nothing counted twice.
    rep = json.loads(run("cost", "--jobs", "--from-describes", DESCRIBES, "--group-by", "job,Cost Center",
                         "--format", "json").stdout)
    exp = group(jobs, lambda j: (j["job"], j["center"]))
    got = {(g["key"]["job"], g["key"]["Cost Center"]): g for g in rep["groups"]}
    check(set(got) == set(exp), "job groups %r != %r" % (sorted(got, key=str), sorted(exp, key=str)))
    for k, e in exp.items():
        if k in got:
            check(close(got[k]["cost"], e["cost"]), "job %r cost %r != %r" % (k, got[k]["cost"], e["cost"]))
    check(got.get(("churn-hpo", "CC-100"), {}).get("items") == 3, "tuning job groups its 3 training jobs")
    check(close(rep["total"], total), "by-job total %r != %r" % (rep["total"], total))

    # Month and --since/--until on the start day.
    rep = json.loads(run("cost", "--jobs", "--from-describes", DESCRIBES, "--group-by", "month",
                         "--since", "2024-05-10", "--until", "2024-05-20", "--format", "json").stdout)
    sel = [j for j in jobs if j["name"] in {"churn-dnn-gpu", "churn-hpo-001-abc", "churn-hpo-002-abc",
                                            "churn-hpo-003-abc", "fraud-lgbm-1"}]
    # The endpoint (created 05-20) is counted for its hours up to the end of 05-20.
    ep = [j for j in jobs if j["name"] == "churn-live"][0]
    exp_total = sum(j["cost"] for j in sel) + ep["cost"] / 10  # 1 of its 10 days
    check(close(rep["total"], exp_total), "since/until total %r != %r" % (rep["total"], exp_total))

    # CSV is RFC 4180 and carries the same numbers as JSON.
    js = json.loads(run("cost", "--jobs", "--from-describes", DESCRIBES, "--group-by", "Project,Cost Center",
                        "--format", "json").stdout)
    raw = subprocess.run([BIN, "cost", "--jobs", "--from-describes", DESCRIBES, "--group-by",
                          "Project,Cost Center", "--format", "csv"], capture_output=True, check=True,
                         timeout=120).stdout.decode("utf-8")  # bytes: keep the CRLFs
    check("\r\n" in raw, "CSV uses CRLF")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    check(rows[0] == ["Project", "Cost Center", "cost", "items", "spot_savings", "spot_savings_ratio", "warm_pool"],
          "CSV header %r" % rows[0])
    check(len(rows) - 1 == len(js["groups"]), "CSV rows %d != groups %d" % (len(rows) - 1, len(js["groups"])))
    for r, g in zip(rows[1:], js["groups"]):
        check(r[0] == (g["key"]["Project"] or "") and float(r[2]) == g["cost"], "CSV row %r vs %r" % (r, g))

    # Text output names the untagged spend.
    txt = run("cost", "--jobs", "--from-describes", DESCRIBES, "--group-by", "Project").stdout
    check("unallocated" in txt and "(untagged)" in txt, "text shows untagged: %s" % txt)

    html = os.path.join(tmp, "cost.html")
    run("cost", "--jobs", "--from-describes", DESCRIBES, "--group-by", "Project", "--format", "html", "-o", html)
    rep = json.loads(run("cost", "--jobs", "--from-describes", DESCRIBES, "--group-by", "Project",
                         "--format", "json").stdout)
    dom = chromium_dom(html, tmp, "cost")
    if dom is not None:
        check('data-rendered="yes"' in dom, "cost page script ran")
        for el, val in (("sg-total", "%.2f" % rep["total"]), ("sg-unallocated", "%.2f" % rep["unallocated"]),
                        ("sg-spot", "%.2f" % rep["spot_savings"]), ("sg-groups", str(len(rep["groups"])))):
            check(element_text(dom, el) == val, "cost page %s %r != JSON %r" % (el, element_text(dom, el), val))
    # The CUR sample as an HTML page: rendered totals equal the JSON's.
    cur = os.path.join(SRC, "examples", "cost", "cur")
    html = os.path.join(tmp, "cur.html")
    run("cost", "--cur", cur, "--group-by", "Project", "--format", "html", "-o", html)
    rep = json.loads(run("cost", "--cur", cur, "--group-by", "Project", "--format", "json").stdout)
    check(rep["malformed_rows"] == 0 and rep["unallocated"] > 0, "CUR sample: untagged spend present")
    dom = chromium_dom(html, tmp, "cur")
    if dom is not None:
        for el, val in (("sg-total", "%.2f" % rep["total"]), ("sg-unallocated", "%.2f" % rep["unallocated"]),
                        ("sg-items", str(rep["items"]))):
            check(element_text(dom, el) == val, "CUR page %s %r != JSON %r" % (el, element_text(dom, el), val))
    print("ok: cost --jobs (%d resources, total %.4f)" % (len(jobs), total))


# ------------------------------------------------------------ warm pools
def test_warm_pool(tmp):
    """Warm pool time (WarmPoolStatus.ResourceRetainedBillableTimeInSeconds)
    is billed per instance at the on-demand price, on top of the job's
    BillableTimeInSeconds: docs/aws-notes.md "Cost data"."""
    docs = [json.load(open(os.path.join(WARM, f))) for f in sorted(os.listdir(WARM))]
    check(len(docs) == 2 and all("WarmPoolStatus" in d for d in docs), "warm pool fixtures")
    warm = train = 0.0
    for d in docs:
        price = PRICES["training"][d["ResourceConfig"]["InstanceType"]]
        n = d["ResourceConfig"]["InstanceCount"]
        train += d["BillableTimeInSeconds"] * n * price / 3600
        warm += d["WarmPoolStatus"]["ResourceRetainedBillableTimeInSeconds"] * n * price / 3600
    base = json.loads(run("cost", "--jobs", "--from-describes", DESCRIBES, "--group-by", "Project",
                          "--format", "json").stdout)
    check(base["warm_pool"] == 0 and all(g["warm_pool"] == 0 for g in base["groups"]),
          "no warm pool in the examples: %r" % base["warm_pool"])
    rep = json.loads(run("cost", "--jobs", "--from-describes", DESCRIBES, WARM, "--group-by", "Project",
                         "--format", "json").stdout)
    got = {g["key"]["Project"]: g for g in rep["groups"]}
    g = got.get("warm-demo", {})
    check(close(g.get("cost"), train + warm), "warm-demo cost %r != training %r + warm pool %r" %
          (g.get("cost"), train, warm))
    check(close(g.get("warm_pool"), warm), "warm-demo warm_pool %r != %r" % (g.get("warm_pool"), warm))
    check(g.get("items") == 2, "warm-demo items %r" % g.get("items"))
    check(close(rep["warm_pool"], warm), "report warm_pool %r != %r" % (rep["warm_pool"], warm))
    check(close(rep["total"], base["total"] + train + warm), "total %r != %r + %r" %
          (rep["total"], base["total"], train + warm))
    # Visible on its own in every format.
    txt = run("cost", "--jobs", "--from-describes", WARM, "--group-by", "Project").stdout
    check("warm pool" in txt and ("%.2f" % warm) in txt, "text shows the warm pool: %s" % txt)
    raw = subprocess.run([BIN, "cost", "--jobs", "--from-describes", WARM, "--group-by", "Project", "--format",
                          "csv"], capture_output=True, check=True, timeout=120).stdout.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    check(rows[0][-1] == "warm_pool" and close(float(rows[1][-1]), warm), "CSV warm_pool column: %r" % rows)
    html = os.path.join(tmp, "warm.html")
    run("cost", "--jobs", "--from-describes", WARM, "--group-by", "Project", "--format", "html", "-o", html)
    dom = chromium_dom(html, tmp, "warm")
    if dom is not None:
        check(element_text(dom, "sg-warm") == "%.2f" % warm, "warm pool KPI %r" % element_text(dom, "sg-warm"))
    print("ok: warm pools (training %.4f + warm pool %.4f)" % (train, warm))


# ------------------------------------------- plain recorded Describe* output
def test_recorded_cli_output(tmp):
    """What `aws sagemaker describe-endpoint`, `describe-endpoint-config`,
    `describe-transform-job` and `list-tags` print, saved to files as they
    are: endpoints are priced from the config they name, tags come from the
    list-tags files, and a running record is priced up to --as-of, which is
    then required."""
    d = os.path.join(tmp, "recorded")
    os.makedirs(os.path.join(d, "tags"))
    ep = {"EndpointName": "fraud-live", "EndpointArn": "arn:aws:sagemaker:us-east-1:111122223333:endpoint/fraud-live",
          "EndpointConfigName": "fraud-live-v2", "EndpointStatus": "InService",
          "ProductionVariants": [{"VariantName": "AllTraffic", "CurrentWeight": 1.0, "DesiredWeight": 1.0,
                                  "CurrentInstanceCount": 3, "DesiredInstanceCount": 3}],
          "CreationTime": "2022-06-01T08:00:00.000000+00:00", "LastModifiedTime": "2022-06-01T08:12:00.000000+00:00"}
    cfg = {"EndpointConfigName": "fraud-live-v2",
           "EndpointConfigArn": "arn:aws:sagemaker:us-east-1:111122223333:endpoint-config/fraud-live-v2",
           "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": "fraud-m", "InitialInstanceCount": 3,
                                   "InstanceType": "ml.c5.xlarge", "InitialVariantWeight": 1.0}],
           "CreationTime": "2022-06-01T07:59:00.000000+00:00"}
    tj = {"TransformJobName": "nightly-2022", "TransformJobStatus": "InProgress",
          "TransformJobArn": "arn:aws:sagemaker:us-east-1:111122223333:transform-job/nightly-2022",
          "ModelName": "fraud-m", "TransformResources": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2},
          "CreationTime": "2022-06-02T00:00:00+00:00", "TransformStartTime": "2022-06-02T00:05:00+00:00"}
    for name, doc in (("fraud-live", ep), ("fraud-live-v2.config", cfg), ("nightly-2022", tj)):
        json.dump(doc, open(os.path.join(d, name + ".json"), "w"), indent=4)
    json.dump({"Tags": [{"Key": "Project", "Value": "fraud"}, {"Key": "Cost Center", "Value": "CC-200"}]},
              open(os.path.join(d, "tags", "fraud-live.tags.json"), "w"))
    with open(os.path.join(d, "tags", "jobs.jsonl"), "w") as f:
        f.write(json.dumps({"arn": tj["TransformJobArn"], "tags": {"Project": "batch"}}) + "\n")

    # Running records and no --as-of: exit 2 naming both files.
    p = run("cost", "--jobs", "--from-describes", d, "--group-by", "Project", rc=2)
    check("--as-of" in p.stderr and "fraud-live.json" in p.stderr and "nightly-2022.json" in p.stderr,
          "running records need --as-of: %r" % p.stderr)

    as_of = "2022-06-03T08:00:00+00:00"
    p = run("cost", "--jobs", "--from-describes", d, "--group-by", "Project", "--as-of", as_of, "--format", "json")
    rep = json.loads(p.stdout)
    got = {g["key"]["Project"]: g["cost"] for g in rep["groups"]}
    ep_cost = PRICES["hosting"]["ml.c5.xlarge"] * 3 * (ts(as_of) - ts(ep["CreationTime"])) / 3600
    tj_cost = PRICES["batch_transform"]["ml.m5.xlarge"] * 2 * (ts(as_of) - ts(tj["TransformStartTime"])) / 3600
    check(close(got.get("fraud"), ep_cost), "endpoint priced from its config: %r != %r" % (got.get("fraud"), ep_cost))
    check(close(got.get("batch"), tj_cost), "transform tagged from JSON lines: %r != %r" % (got.get("batch"), tj_cost))
    check(set(got) == {"fraud", "batch"} and rep["unpriced_items"] == 0, "groups %r" % got)
    check("more than a month" not in p.stderr, "recorded a day before --as-of: no warning: %r" % p.stderr)

    # Priced up to --as-of, never up to today; and a record older than a
    # month before --as-of is flagged.
    p = run("cost", "--jobs", "--from-describes", d, "--as-of", "2022-09-01T00:00:00Z", "--format", "json")
    check("more than a month" in p.stderr and "nightly-2022.json" in p.stderr, "stale warning: %r" % p.stderr)
    rep = json.loads(p.stdout)
    exp = (PRICES["batch_transform"]["ml.m5.xlarge"] * 2 * (ts("2022-09-01T00:00:00+00:00") -
                                                            ts(tj["TransformStartTime"])) / 3600 +
           PRICES["hosting"]["ml.c5.xlarge"] * 3 * (ts("2022-09-01T00:00:00+00:00") - ts(ep["CreationTime"])) / 3600)
    check(close(rep["total"], exp), "priced to --as-of: %r != %r" % (rep["total"], exp))

    # A list-tags file naming a resource that is not recorded: exit 2 naming it.
    json.dump({"Tags": []}, open(os.path.join(d, "tags", "fraud-lvie.tags.json"), "w"))
    p = run("cost", "--jobs", "--from-describes", d, "--as-of", as_of, rc=2)
    check("fraud-lvie.tags.json" in p.stderr, "typo in a tags file name: %r" % p.stderr)
    print("ok: plain recorded describe/list-tags output, --as-of")


# ------------------------------------------------------------------ roi
def pareto_bruteforce(points):
    """points: {name: (cost, metric)}; goal max. Not dominated = on the frontier
    (ties in both: the first by name stays, as documented)."""
    front = set()
    for n, (c, m) in points.items():
        dominated = False
        for o, (c2, m2) in points.items():
            if o == n:
                continue
            if c2 <= c and m2 >= m and (c2 < c or m2 > m or o < n):
                dominated = True
        if not dominated:
            front.add(n)
    return front


def test_roi(tmp):
    jobs = expected_jobs()
    rep = json.loads(run("roi", "--metric", "validation:auc", "--from-describes", DESCRIBES,
                         "--value-per-unit", "1000", "--format", "json").stdout)
    check(rep["metric"] == "validation:auc" and rep["goal"] == "max", "roi header %r" % rep)
    exps, apart = {}, set()
    for j in jobs:
        if j["experiment"] is None:
            continue
        e = exps.setdefault(j["experiment"], {"cost": 0.0, "metric": None})
        e["cost"] += j["cost"] or 0.0
        if j["metric"] is not None and (e["metric"] is None or j["metric"] > e["metric"]):
            e["metric"] = j["metric"]
        # A job without a price or without billable time leaves the cost
        # unknown: its experiment is listed apart, never ranked at 0.00 USD.
        if j["unpriced"] or j["unbilled"] or not j["cost"]:
            apart.add(j["experiment"])
    check(apart, "the examples have an experiment whose cost is not known")
    got = {e["name"]: e for e in rep["experiments"]}
    check(set(got) == set(exps) - apart, "experiments %r != %r" % (sorted(got), sorted(set(exps) - apart)))
    check({e["name"] for e in rep["incomplete"]} == apart and not any(e["pareto"] for e in rep["incomplete"]),
          "listed apart %r != %r" % ([e["name"] for e in rep["incomplete"]], sorted(apart)))
    check(not set(rep["frontier"]) & apart, "frontier %r holds an incomplete experiment" % rep["frontier"])
    exps = {n: e for n, e in exps.items() if n not in apart}
    for n, e in exps.items():
        if n not in got:
            continue
        check(close(got[n]["cost"], e["cost"]), "roi %s cost %r != %r" % (n, got[n]["cost"], e["cost"]))
        check(got[n]["metric"] == e["metric"], "roi %s metric %r != %r" % (n, got[n]["metric"], e["metric"]))
        if e["metric"] and e["cost"] > 0:
            check(close(got[n]["roi"], (e["metric"] * 1000 - e["cost"]) / e["cost"]), "roi %s value" % n)
            check(close(got[n]["cost_per_unit"], e["cost"] / e["metric"]), "roi %s cost per unit" % n)
    front = pareto_bruteforce({n: (e["cost"], e["metric"]) for n, e in exps.items() if e["metric"] is not None})
    ours = {e["name"] for e in rep["experiments"] if e["pareto"]}
    check(ours == front, "pareto %r != brute force %r" % (sorted(ours), sorted(front)))
    fr = sorted(front, key=lambda n: exps[n]["cost"])
    if len(fr) >= 2:
        a, b = exps[fr[-2]], exps[fr[-1]]
        check(close(rep["marginal_cost_per_unit"], (b["cost"] - a["cost"]) / (b["metric"] - a["metric"])),
              "marginal cost %r" % rep["marginal_cost_per_unit"])

    # Grouping by a tag: only jobs with the tag count.
    rep2 = json.loads(run("roi", "--metric", "validation:auc", "--from-describes", DESCRIBES, "--group-by",
                          "Project", "--format", "json").stdout)
    names = {e["name"] for e in rep2["experiments"]}
    check(names == {"churn"} and [e["name"] for e in rep2["incomplete"]] == ["fraud"],
          "roi by Project (fraud has a job still running): %r" % names)
    # A metric no job reports: exit 2 naming the metrics there are.
    p = run("roi", "--metric", "validation:acc", "--from-describes", DESCRIBES, rc=2)
    check("metrics found: validation:auc, validation:f1" in p.stderr, "roi lists the metrics: %r" % p.stderr)
    run("roi", "--metric", "validation:auc", "--goal", "min", "--value-per-unit", "5", "--from-describes",
        DESCRIBES, rc=2)

    html = os.path.join(tmp, "roi.html")
    run("roi", "--metric", "validation:auc", "--from-describes", DESCRIBES, "--format", "html", "-o", html)
    check("<polyline" in open(html).read(), "roi page draws the frontier")
    dom = chromium_dom(html, tmp, "roi")
    if dom is not None:
        check(element_text(dom, "sg-total") == "%.2f" % rep["total_cost"], "roi page total")
        check(element_text(dom, "sg-frontier") == str(len(rep["frontier"])), "roi page frontier count")
    print("ok: roi (%d experiments, frontier %s)" % (len(exps), fr))


# ------------------------------------------------------------- chromium
def chromium():
    for c in ("/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium") or ""):
        if c and os.access(c, os.X_OK):
            return c
    return None


def chromium_dom(html, tmp, label):
    exe = chromium()
    if not exe:
        msg = "chromium not installed (apt-get install -y chromium)"
        if os.environ.get("SAGEGUARD_ALLOW_SKIP"):
            print("skip:", msg)
            return None
        check(False, msg)
        return None
    base = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + os.path.join(tmp, "chromium-" + label)]
    url = "file://" + os.path.abspath(html)
    p = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
    check(p.returncode == 0 and "<html" in p.stdout, "chromium dump-dom failed: %s" % p.stderr[-500:])
    png = os.path.join(BUILD, "cost-%s-report.png" % label)
    subprocess.run(base + ["--screenshot=" + png, "--window-size=1200,1400", url], capture_output=True,
                   timeout=120)
    check(os.path.exists(png), "screenshot %s written" % png)
    return p.stdout


def element_text(dom, el_id):
    import re
    m = re.search(r'id="%s"[^>]*>([^<]*)<' % re.escape(el_id), dom)
    return m.group(1) if m else None


def main():
    if not os.access(BIN, os.X_OK):
        print("sageguard not built at %s" % BIN)
        return 1
    with tempfile.TemporaryDirectory(prefix="sg-cost-desc-") as tmp:
        test_cost(tmp)
        test_warm_pool(tmp)
        test_recorded_cli_output(tmp)
        test_roi(tmp)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("all cost --jobs / roi checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
