"""`sageguard estimate` on JSON and YAML specs (single request, bundle):
worst case = on-demand price x instances x MaxRuntime / 3600 (MaxWait is the
wait for spot capacity plus the run and is not billed; MaxRuntime bounds all
retry attempts together), x MaxNumberOfTrainingJobs for tuning, computed
here from the bundled price table; turning spot on (as `fix` does) never
raises it; unknown instance types are reported and never priced as zero (exit
1); a budget from the policy flags specs above it (exit 1); an unreadable
spec is exit 2."""

import json
import math
import os
import subprocess
import sys
import tempfile

SRC = os.environ.get("SG_SOURCE_DIR", ".")
BIN = os.environ.get("SAGEGUARD_BIN", os.path.join(SRC, "build", "sageguard"))
PRICES = json.load(open(os.path.join(SRC, "data", "prices_us_east_1.json")))["regions"]["us-east-1"]
FAIL = []


def check(cond, msg):
    if not cond:
        FAIL.append(msg)
        print("FAIL:", msg)


def run(args, rc):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=60)
    check(p.returncode == rc, "%s: rc %d != %d: %s" % (" ".join(args), p.returncode, rc, p.stderr))
    return p


TRAIN = {"TrainingJobName": "t1", "AlgorithmSpecification": {"TrainingImage": "x", "TrainingInputMode": "File"},
         "RoleArn": "arn:aws:iam::123456789012:role/R", "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
         "ResourceConfig": {"InstanceType": "ml.p3.2xlarge", "InstanceCount": 2, "VolumeSizeInGB": 30},
         "EnableManagedSpotTraining": True,
         "StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200}}
BUNDLE = """- ProcessingJobName: p1
  RoleArn: arn:aws:iam::123456789012:role/R
  AppSpecification: {ImageUri: x}
  ProcessingResources:
    ClusterConfig: {InstanceType: ml.m5.xlarge, InstanceCount: 3, VolumeSizeInGB: 30}
  StoppingCondition: {MaxRuntimeInSeconds: 1800}
- HyperParameterTuningJobName: h1
  HyperParameterTuningJobConfig:
    Strategy: Bayesian
    ResourceLimits: {MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2}
  TrainingJobDefinition:
    AlgorithmSpecification: {TrainingImage: x, TrainingInputMode: File}
    RoleArn: arn:aws:iam::123456789012:role/R
    OutputDataConfig: {S3OutputPath: s3://b/o}
    ResourceConfig: {InstanceType: ml.g5.xlarge, InstanceCount: 1, VolumeSizeInGB: 30}
    StoppingCondition: {MaxRuntimeInSeconds: 3600}
"""


def spot_on_never_raises_the_bound(d):
    """The reported case: 4 x ml.p3.2xlarge on demand within the budget; `fix`
    turns spot on (MaxWait = 2 x MaxRuntime); the fixed job must still pass
    budget.max-cost in `check` and `estimate`."""
    price = PRICES["training"]["ml.p3.2xlarge"]
    job = dict(TRAIN, TrainingJobName="big", EnableManagedSpotTraining=False,
               StoppingCondition={"MaxRuntimeInSeconds": 36000})
    job["ResourceConfig"] = dict(TRAIN["ResourceConfig"], InstanceCount=4)
    on_demand = price * 4 * 10
    budget = on_demand * 1.2  # within budget on demand, over it if MaxWait were billed
    src = os.path.join(d, "big.json")
    json.dump(job, open(src, "w"))
    pol = os.path.join(d, "budget.yaml")
    open(pol, "w").write("version: 1\nspot:\n  checkpoint_s3_prefix: s3://ckpt/\n  max_wait_factor: 2.0\n"
                         "limits:\n  max_job_cost_usd: %r\n" % budget)
    fixed = os.path.join(d, "big-fixed.json")
    subprocess.run([BIN, "fix", "--policy", pol, "-o", fixed, src], capture_output=True, timeout=60)
    out = json.load(open(fixed))
    check(out.get("EnableManagedSpotTraining") is True and
          out["StoppingCondition"].get("MaxWaitTimeInSeconds") == 72000, "fix turned spot on: %r" % out)
    for f in (src, fixed):
        p = subprocess.run([BIN, "check", "--policy", pol, "--format", "json", f], capture_output=True,
                           text=True, timeout=60)
        rules = [x["rule"] for x in json.loads(p.stdout)["findings"]]
        check("budget.max-cost" not in rules, "%s: budget.max-cost after spot on: %r" % (f, rules))
    rep = json.loads(run(["estimate", "--policy", pol, "--format", "json", src, fixed], 0).stdout)
    a, b = rep["specs"]
    check(math.isclose(a["worst_case_usd"], on_demand, rel_tol=1e-12), "on demand %r" % a["worst_case_usd"])
    check(b["spot"] and math.isclose(b["worst_case_usd"], on_demand, rel_tol=1e-12) and
          b["worst_case_usd"] <= a["worst_case_usd"], "spot bound %r" % b["worst_case_usd"])
    check(math.isclose(b["on_demand_max_usd"], on_demand, rel_tol=1e-12) and
          math.isclose(b["spot_max_usd"], on_demand, rel_tol=1e-12), "both bounds in JSON: %r" % b)
    txt = run(["estimate", "--policy", pol, fixed], 0).stdout
    line = [x for x in txt.splitlines() if "on demand:" in x]
    check(line and "with spot:" in line[0] and "MaxWait 72000 s is not billed" in line[0],
          "text shows on-demand and spot side by side: %r" % txt)


def footer_keeps_whole_words(spec):
    """The footer states the price table's source in full, broken between words."""
    table = json.load(open(os.path.join(SRC, "data", "prices_us_east_1.json")))
    txt = run(["estimate", spec], 0).stdout
    lines = txt.splitlines()
    start = [i for i, x in enumerate(lines) if x.startswith("  source: ")]
    check(len(start) == 1, "one source line in the footer: %r" % txt)
    if start:
        words = []
        for x in lines[start[0]:]:
            if not x.startswith("  "):
                break
            words += x.replace("  source: ", "", 1).split()
        check(words == table["source"].split(), "footer source %r != %r" % (" ".join(words), table["source"]))


def offer_file_generator(d):
    """tools/gen_prices.py on an offer-file fixture (documented shape, made-up
    rates): the table it writes prices specs exactly as sageguard's own
    offer-file reader does on the same file."""
    fixture = os.path.join(SRC, "tests", "integration", "cost_support", "offer_sagemaker_fixture.json")
    table = os.path.join(d, "generated.json")
    g = subprocess.run([sys.executable, os.path.join(SRC, "tools", "gen_prices.py"), "-o", table, fixture],
                       capture_output=True, text=True, timeout=60)
    check(g.returncode == 0, "gen_prices: %s" % g.stderr)
    got = json.load(open(table))
    check(got["regions"] == {"us-east-1": {"training": {"ml.m4.xlarge": 0.24, "ml.p2.xlarge": 1.2, "ml.m5.xlarge": 0.23},
                                           "hosting": {"ml.m4.xlarge": 0.28},
                                           "batch_transform": {"ml.c4.xlarge": 0.239}},
                             "eu-west-1": {"processing": {"ml.c4.xlarge": 0.27}}},
          "generated table %r" % got["regions"])
    check(got["date"] == "2024-06-01" and "offer_sagemaker_fixture.json" in got["source"], "date/source %r" % got)
    spec = dict(TRAIN, TrainingJobName="p2", EnableManagedSpotTraining=False,
                StoppingCondition={"MaxRuntimeInSeconds": 7200})
    spec["ResourceConfig"] = dict(TRAIN["ResourceConfig"], InstanceType="ml.p2.xlarge", InstanceCount=3)
    sf = os.path.join(d, "p2.json")
    json.dump(spec, open(sf, "w"))
    a = json.loads(run(["estimate", "--price-list", fixture, "--format", "json", sf], 0).stdout)
    b = json.loads(run(["estimate", "--price-list", table, "--format", "json", sf], 0).stdout)
    check(a["specs"][0]["worst_case_usd"] == b["specs"][0]["worst_case_usd"] and
          math.isclose(a["specs"][0]["worst_case_usd"], 1.2 * 3 * 2, rel_tol=1e-12),
          "offer file %r vs generated table %r" % (a["specs"][0]["worst_case_usd"], b["specs"][0]["worst_case_usd"]))


def bundled_table_has_older_families(d):
    """Real jobs on ml.m4 / ml.c4 / ml.p2 used to be refused as "not priced"."""
    table = json.load(open(os.path.join(SRC, "data", "prices_us_east_1.json")))
    check(table["date"] and "by hand" in table["source"], "the bundled table says where it came from")
    for itype in ("ml.m4.xlarge", "ml.c4.2xlarge", "ml.p2.xlarge", "ml.m5.large", "ml.c5.xlarge", "ml.g4dn.xlarge",
                  "ml.g5.xlarge", "ml.p3.2xlarge", "ml.p4d.24xlarge", "ml.r5.large"):
        spec = dict(TRAIN, TrainingJobName="old", EnableManagedSpotTraining=False,
                    StoppingCondition={"MaxRuntimeInSeconds": 3600})
        spec["ResourceConfig"] = dict(TRAIN["ResourceConfig"], InstanceType=itype, InstanceCount=1)
        sf = os.path.join(d, "old.json")
        json.dump(spec, open(sf, "w"))
        rep = json.loads(run(["estimate", "--format", "json", sf], 0).stdout)
        want = table["regions"]["us-east-1"]["training"][itype]
        check(math.isclose(rep["specs"][0]["worst_case_usd"] or 0, want, rel_tol=1e-12), "%s priced %r != %r" % (itype, rep["specs"][0]["worst_case_usd"], want))
    for comp in ("training", "hosting", "processing", "batch_transform"):
        check(all(k in table["regions"]["us-east-1"][comp] for k in ("ml.m4.xlarge", "ml.c4.xlarge", "ml.p2.xlarge")),
              "%s has the older families" % comp)


def main():
    with tempfile.TemporaryDirectory() as d:
        train = os.path.join(d, "train.json")
        json.dump(TRAIN, open(train, "w"))
        bundle = os.path.join(d, "bundle.yaml")
        open(bundle, "w").write(BUNDLE)
        rep = json.loads(run(["estimate", "--format", "json", train, bundle], 0).stdout)
        exp = {
            # Spot with MaxRuntime 3600 s and MaxWait 7200 s: billed for the run only.
            "t1": (PRICES["training"]["ml.p3.2xlarge"] * 2 * 3600 / 3600,
                   PRICES["training"]["ml.p3.2xlarge"] * 2 * 3600 / 3600),
            "p1": (PRICES["processing"]["ml.m5.xlarge"] * 3 * 1800 / 3600, None),
            "h1": (PRICES["training"]["ml.g5.xlarge"] * 1 * 3600 / 3600 * 10, None),
        }
        got = {s["name"]: s for s in rep["specs"]}
        check(set(got) == set(exp), "specs %r" % sorted(got))
        for n, (worst, od) in exp.items():
            if n in got:
                check(math.isclose(got[n]["worst_case_usd"], worst, rel_tol=1e-12),
                      "%s worst %r != %r" % (n, got[n]["worst_case_usd"], worst))
                if od is not None:
                    check(math.isclose(got[n]["on_demand_max_usd"], od, rel_tol=1e-12), "%s on-demand bound" % n)
        check(math.isclose(rep["total_worst_case_usd"], sum(w for w, _ in exp.values()), rel_tol=1e-12), "total")
        check(rep["prices"]["date"] != "" and rep["unpriceable"] == 0, "price source/date, unpriceable")

        unknown = dict(TRAIN, TrainingJobName="t2")
        unknown["ResourceConfig"] = dict(TRAIN["ResourceConfig"], InstanceType="ml.zz.9xlarge")
        uf = os.path.join(d, "unknown.json")
        json.dump(unknown, open(uf, "w"))
        rep = json.loads(run(["estimate", "--format", "json", uf], 1).stdout)
        s = rep["specs"][0]
        check(s["worst_case_usd"] is None and s["priced"] is False and "ml.zz.9xlarge" in s["problem"],
              "unknown type reported, not zero: %r" % s)
        check("NOT PRICED" in run(["estimate", uf], 1).stdout, "text says NOT PRICED")

        pol = os.path.join(d, "policy.yaml")
        open(pol, "w").write("version: 1\nlimits:\n  max_job_cost_usd: 10\n")
        rep = json.loads(run(["estimate", "--policy", pol, "--format", "json", train, bundle], 1).stdout)
        over = sorted(s["name"] for s in rep["specs"] if s["over_budget"])
        # t1 (spot, 2 x 3.825 USD/h x MaxRuntime 1 h = 7.65) is within 10 USD;
        # priced at MaxWait it used to be 15.30 and over.
        check(over == ["h1"], "over budget %r" % over)

        spot_on_never_raises_the_bound(d)
        footer_keeps_whole_words(train)
        offer_file_generator(d)
        bundled_table_has_older_families(d)

        bad = os.path.join(d, "bad.yaml")
        open(bad, "w").write("nope: 1\n")
        p = run(["estimate", bad], 2)
        check("bad.yaml" in p.stderr, "names the file: %r" % p.stderr)
    if FAIL:
        return 1
    print("ok: estimate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
