"""`sageguard estimate` on JSON and YAML specs (single request, bundle):
worst case = price x instances x (MaxWait if spot else MaxRuntime) / 3600,
x MaxNumberOfTrainingJobs for tuning, computed here from the bundled price
table; unknown instance types are reported and never priced as zero (exit
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


def main():
    with tempfile.TemporaryDirectory() as d:
        train = os.path.join(d, "train.json")
        json.dump(TRAIN, open(train, "w"))
        bundle = os.path.join(d, "bundle.yaml")
        open(bundle, "w").write(BUNDLE)
        rep = json.loads(run(["estimate", "--format", "json", train, bundle], 0).stdout)
        exp = {
            "t1": (PRICES["training"]["ml.p3.2xlarge"] * 2 * 7200 / 3600,
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
        check(over == ["h1", "t1"], "over budget %r" % over)

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
