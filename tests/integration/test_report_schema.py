"""The check report's JSON schema (docs/schema/check-report.schema.json)
against real output: `sageguard check --format json` on the examples under
the built-in and the example policy, with findings, waived findings and an
expired waiver; the validator itself is shown to reject broken reports. The
SARIF report is checked for the structure docs/output-formats.md promises
(rules from the catalogue, levels, locations, one result per finding)."""

import copy
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from report_support import schema_check  # noqa: E402

SRC = os.environ.get("SG_SOURCE_DIR", ".")
BIN = os.environ.get("SAGEGUARD_BIN", os.path.join(SRC, "build", "sageguard"))
FAIL = []


def check(cond, msg):
    if not cond:
        FAIL.append(msg)
        print("FAIL:", msg)


def run(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, cwd=SRC)
    check(p.returncode in (0, 1), "%s: rc %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p.stdout


def catalogue_ids():
    """Rule ids in docs/rules.md's table (generated from the catalogue)."""
    ids = []
    with open(os.path.join(SRC, "docs", "rules.md"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("| [`"):
                ids.append(line.split("`")[1])
    return ids


def main():
    schema = schema_check.load_schema("check-report.schema.json")
    ids = set(catalogue_ids())
    check(len(ids) >= 19, "docs/rules.md lists %d rules" % len(ids))

    with tempfile.TemporaryDirectory() as tmp:
        legacy = os.path.join(tmp, "legacy.json")
        with open(os.path.join(SRC, "examples", "jobs", "train-sdk-spot.json"), encoding="utf-8") as f:
            job = json.load(f)
        job["TrainingJobName"] = "legacy-churn"  # the example policy waives network.isolation here
        with open(legacy, "w", encoding="utf-8") as f:
            json.dump(job, f, indent=2)
        runs = {
            "built-in": ["check", "--today", "2026-12-10", "--format", "json", "examples/"],
            "example policy": ["check", "--today", "2026-12-10", "--format", "json", "--policy",
                               "examples/sageguard.yaml", "examples/jobs", "examples/pipelines", legacy],
            "expired waiver": ["check", "--today", "2027-04-01", "--format", "json", "--policy",
                               "examples/sageguard.yaml", "examples/jobs/train-compliant.json"],
        }
        reports = {}
        for name, args in runs.items():
            doc = json.loads(run(*args))
            reports[name] = doc
            try:
                schema_check.check(doc, schema)
            except AssertionError as e:
                check(False, "%s: %s" % (name, e))
            for f in doc["findings"]:
                check(f["rule"] in ids, "%s: rule %s not in docs/rules.md" % (name, f["rule"]))
        check(len(reports["built-in"]["findings"]) > 50, "built-in run has few findings")
        check(len(reports["example policy"]["waived"]) >= 1, "no waived finding to validate")
        check(any(f["rule"] == "waiver.expired" and f["resource"]["kind"] == "Policy"
                  for f in reports["expired waiver"]["findings"]), "no waiver.expired finding")

        # The validator rejects what the schema forbids (else the above proves nothing).
        good = reports["example policy"]
        broken = []
        d = copy.deepcopy(good); del d["summary"]["error"]; broken.append(("missing member", d))
        d = copy.deepcopy(good); d["findings"][0]["line"] = "12"; broken.append(("string line", d))
        d = copy.deepcopy(good); d["findings"][0]["severity"] = "fatal"; broken.append(("bad severity", d))
        d = copy.deepcopy(good); d["findings"][0]["extra"] = 1; broken.append(("unknown member", d))
        d = copy.deepcopy(good); d["waived"][0]["expires"] = "soon"; broken.append(("bad date", d))
        d = copy.deepcopy(good); d["tool"]["name"] = "other"; broken.append(("other tool", d))
        for what, doc in broken:
            check(schema_check.errors(doc, schema), "validator accepted a report with a %s" % what)

        # SARIF 2.1.0: one run, rules from the catalogue, a result per finding.
        sarif = json.loads(run("check", "--today", "2026-12-10", "--format", "sarif", "examples/"))
        check(sarif.get("version") == "2.1.0", "SARIF version %r" % sarif.get("version"))
        check(len(sarif.get("runs", [])) == 1, "SARIF runs")
        r0 = sarif["runs"][0]
        rule_ids = [r["id"] for r in r0["tool"]["driver"]["rules"]]
        check(set(rule_ids) == ids, "SARIF rules %s != docs/rules.md %s" % (sorted(rule_ids), sorted(ids)))
        results = r0["results"]
        check(len(results) == len(reports["built-in"]["findings"]), "SARIF results != JSON findings")
        for res, f in zip(results, reports["built-in"]["findings"]):
            check(res["ruleId"] == f["rule"] and res["level"] == f["severity"], "SARIF result %r" % res)
            region = res["locations"][0]["physicalLocation"]["region"]
            check(region["startLine"] == f["line"] and region["startColumn"] == f["column"],
                  "SARIF region %r vs %s:%s" % (region, f["line"], f["column"]))

    if FAIL:
        print("%d failure(s)" % len(FAIL))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
