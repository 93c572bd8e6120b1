"""`sageguard cost --jobs` against moto_server (real SigV4 checking, real
pagination): training jobs created with boto3 are listed, described and
their tags read through ListTags; the expected figures come from boto3's own
DescribeTrainingJob of the same jobs. moto reports no BillableTimeInSeconds,
so the jobs must appear as unbilled with zero cost rather than invented
figures; if a moto version does report it, the formula is checked instead."""

import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from aws_support.moto_env import Moto, tool_env, training_job  # noqa: E402
from aws_support.tools import fail, missing  # noqa: E402

PRICES = json.load(open(os.path.join(os.environ.get("SG_SOURCE_DIR", "."), "data",
                                     "prices_us_east_1.json")))["regions"]["us-east-1"]["training"]


def main():
    binary = os.environ.get("SAGEGUARD_BIN")
    if not binary or not os.access(binary, os.X_OK):
        missing("SAGEGUARD_BIN not set or not executable")
    moto = Moto()
    try:
        sm = moto.boto()
        made = {}
        for i in range(7):  # more than one page at MaxResults=5 is not settable; 7 jobs, 3 projects
            name = "cost-job-%d" % i
            job = training_job(name)
            job["Tags"] = [{"Key": "Project", "Value": "p%d" % (i % 2)}] if i < 6 else []
            if i % 3 == 0:
                job["ResourceConfig"]["InstanceType"] = "ml.p3.2xlarge"
            sm.create_training_job(**job)
            made[name] = job
        with tempfile.TemporaryDirectory() as home:
            env = tool_env(moto.access_key, moto.secret_key, home)
            p = subprocess.run([binary, "cost", "--jobs", "--group-by", "Project", "--format", "json",
                                "--endpoint-url", moto.url], env=env, capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                fail("cost --jobs rc=%d: %s" % (p.returncode, p.stderr))
            if moto.secret_key in p.stdout + p.stderr:
                fail("secret key leaked into output")
            rep = json.loads(p.stdout)
        expected = {}
        for name, job in made.items():
            d = sm.describe_training_job(TrainingJobName=name)
            tags = {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=d["TrainingJobArn"])["Tags"]}
            key = tags.get("Project")
            e = expected.setdefault(key, {"items": 0, "cost": 0.0, "unbilled": 0})
            e["items"] += 1
            billable = d.get("BillableTimeInSeconds")
            if billable is None:
                e["unbilled"] += 1
            else:
                rc = d["ResourceConfig"]
                e["cost"] += billable * rc["InstanceCount"] * PRICES[rc["InstanceType"]] / 3600
        got = {g["key"]["Project"]: g for g in rep["groups"]}
        if set(got) != set(expected):
            fail("groups %r != %r" % (sorted(got, key=str), sorted(expected, key=str)))
        for k, e in expected.items():
            g = got[k]
            if g["items"] != e["items"] or g["unbilled"] != e["unbilled"] or abs(g["cost"] - e["cost"]) > 1e-9:
                fail("group %r: got %r, expected %r" % (k, g, e))
        if rep["items"] != len(made):
            fail("items %d != %d jobs created" % (rep["items"], len(made)))
        if rep["source"] != "jobs":
            fail("source %r" % rep["source"])
        unbilled = sum(e["unbilled"] for e in expected.values())
        if rep["unbilled_items"] != unbilled:
            fail("unbilled_items %r != %r" % (rep["unbilled_items"], unbilled))
        if unbilled and "no billable time" not in p.stderr:
            fail("unbilled jobs not reported on stderr: %r" % p.stderr)
        print("ok: cost --jobs against moto (%d jobs, %d unbilled, total %.4f)" % (len(made), unbilled,
                                                                                rep["total"]))
    finally:
        moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
