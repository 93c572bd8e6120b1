#!/usr/bin/env python3
"""Real inputs through the built CLI ($SAGEGUARD_BIN): what a user's files,
folders, terminals and disks do to `check` and `fix`.

  - `--kind K` on a document that is not a K: exit 2 naming what it looks
    like (named); skipped and said why (found by walking);
  - one unreadable file among many: every other file's findings reported,
    the unreadable one a `parse.error` finding (JSON, SARIF, with the rule
    in SARIF's rules[]) and an error on stderr, exit 2; skipped files named;
  - a report that cannot be written to stdout (/dev/full): exit 2, for
    every command that writes a report;
  - error messages never carry terminal escapes from file names or content;
  - a FIFO named on the command line is read once, no hang, size-limited;
  - `fix --in-place` through a symlink, on a hard link, keeping owner,
    group and mode, with a 250-byte file name;
  - a policy of many heavy patterns fails fast.
"""
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_case import BIN, CliCase  # noqa: E402

TIMEOUT = 60
SOURCE_DIR = os.environ.get("SG_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

TAGS = [{"Key": k, "Value": v} for k, v in [
    ("Project", "cool"), ("Sponsor", "ceo"), ("Project Lead", "ada"),
    ("Project Name", "the cool ml pipe"), ("Cost Center", "CC-100"),
    ("Contact", "we@ourcoolcompany.ai")]]
# Passes the built-in policy but for network isolation: one error finding.
JOB = {
    "TrainingJobName": "the-cool-ml-pipe",
    "AlgorithmSpecification": {"TrainingImage": "111122223333.dkr.ecr.us-east-1.amazonaws.com/t:1",
                               "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::111122223333:role/SageMakerRole",
    "OutputDataConfig": {"S3OutputPath": "s3://bucket/out/", "KmsKeyId": "alias/ml"},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                       "VolumeSizeInGB": 50, "VolumeKmsKeyId": "alias/ml"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200},
    "VpcConfig": {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0123abcd"]},
    "EnableInterContainerTrafficEncryption": True,
    "EnableManagedSpotTraining": True,
    "CheckpointConfig": {"S3Uri": "s3://ckpt/the-cool-ml-pipe/"},
    "Tags": TAGS,
}
# A Kubernetes manifest, as kept next to SageMaker definitions. (Step
# Functions and CloudFormation files are read as such: test_iac.py.)
MANIFEST = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "train"}}
FIX_POLICY = """version: 1
tags:
  required: [Project]
  defaults:
    Project: churn
"""


class CheckInputs(CliCase):
    dir_prefix = "sg-check-inputs-"

    def run_cli(self, *args, stdout=subprocess.PIPE):
        start = time.monotonic()
        try:
            p = subprocess.run([BIN, *args], cwd=self.dir, env=self.env,
                               stdin=subprocess.DEVNULL, stdout=stdout,
                               stderr=subprocess.PIPE, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"sageguard {' '.join(args)} hung (> {TIMEOUT}s)")
        p.seconds = time.monotonic() - start
        self.assertGreaterEqual(p.returncode, 0, f"killed by signal {-p.returncode}")
        return p

    # -- item: --kind that does not match ------------------------------

    def test_forced_kind_that_does_not_match_is_exit_2(self):
        cases = [
            ("foo.json", {"foo": 1}, "pipeline",
             "not what --kind pipeline says: it has none of the members a Pipelines definition has"),
            ("k8s.json", MANIFEST, "pipeline", "it looks like a Kubernetes manifest"),
            ("train.json", JOB, "pipeline", "it looks like a TrainingJob (it has TrainingJobName)"),
            ("bundle.json", [JOB, JOB], "endpoint", "its first item: it looks like a TrainingJob"),
        ]
        for name, doc, kind, says in cases:
            with self.subTest(name):
                f = self.write(name, json.dumps(doc, indent=2))
                p = self.run_cli("check", "--kind", kind, f)
                err = p.stderr.decode()
                self.assertEqual(p.returncode, 2, err)
                self.assertTrue(err.startswith(f"sageguard: error: {f}:1:1: "), err)
                self.assertIn(says, err)
                self.assertNotIn("0 resources: 0 errors", err)
        # The same documents found by walking a folder are skipped, and the
        # report says why; the pipeline among them is checked.
        self.write("in/a.json", json.dumps(MANIFEST))
        self.write("in/b.json", json.dumps(JOB))
        shutil.copy(os.path.join(SOURCE_DIR, "examples/pipelines/churn-pipeline.json"),
                    os.path.join(self.dir, "in/c.json"))
        p = self.run_cli("check", "--kind", "pipeline", "--format", "json", "in")
        self.assertEqual(p.returncode, 1, p.stderr)
        summary = json.loads(p.stdout)["summary"]
        self.assertEqual(summary["skipped"], 2)
        reasons = {s["file"]: s["reason"] for s in summary["skipped_files"]}
        self.assertIn("Kubernetes", reasons[os.path.join("in", "a.json")])
        self.assertIn("looks like a TrainingJob", reasons[os.path.join("in", "b.json")])
        p = self.run_cli("check", "--kind", "pipeline", "in")
        out = p.stdout.decode()
        # Not "not SageMaker documents": one of the two is a training job.
        self.assertRegex(out, r"\(2 files skipped\)\n")
        self.assertIn(f"skipped {os.path.join('in', 'b.json')}: not what --kind pipeline says", out)

    # -- item: one unreadable file does not hide the report -------------

    def test_unreadable_file_among_twenty(self):
        for i in range(20):
            doc = dict(JOB, TrainingJobName=f"job-{i:02}")
            self.write(f"jobs/job-{i:02}.json", json.dumps(doc, indent=2))
        self.write("jobs/job-07.json", '{\n  "TrainingJobName": "job-07",\n  "RoleArn": \n}\n')
        for i in range(8):
            self.write(f"jobs/notes-{i}.yaml", "kind: Deployment\nmetadata: {name: x}\n")
        p = self.run_cli("check", "--format", "json", "jobs")
        self.assertEqual(p.returncode, 2, p.stderr)
        err = p.stderr.decode()
        bad = os.path.join("jobs", "job-07.json")
        self.assertTrue(err.startswith(f"sageguard: error: {bad}:4:1: "), err)
        report = json.loads(p.stdout)
        names = {f["resource"]["name"] for f in report["findings"] if f["rule"] == "network.isolation"}
        self.assertEqual(names, {f"job-{i:02}" for i in range(20) if i != 7})
        parse_errors = [f for f in report["findings"] if f["rule"] == "parse.error"]
        self.assertEqual([(f["file"], f["line"], f["column"]) for f in parse_errors], [(bad, 4, 1)])
        self.assertEqual(report["summary"]["unreadable_files"], [bad])
        self.assertEqual(report["summary"]["skipped"], 8)
        self.assertEqual(len(report["summary"]["skipped_files"]), 8)
        # SARIF: the parse error is a result whose rule is in rules[].
        p = self.run_cli("check", "--format", "sarif", "jobs")
        self.assertEqual(p.returncode, 2)
        run = json.loads(p.stdout)["runs"][0]
        rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
        results = [r for r in run["results"] if r["ruleId"] == "parse.error"]
        self.assertEqual(len(results), 1)
        self.assertEqual(rules[results[0]["ruleIndex"]], "parse.error")
        region = results[0]["locations"][0]["physicalLocation"]["region"]
        self.assertEqual((region["startLine"], region["startColumn"]), (4, 1))
        # Text: the first few skipped files named with a count, all with --verbose.
        out = self.run_cli("check", "jobs").stdout.decode()
        self.assertIn("1 file unreadable", out)
        self.assertIn("(8 files skipped: not SageMaker documents)", out)
        self.assertEqual(out.count("\nskipped "), 5, out)
        self.assertIn("... and 3 more skipped (--verbose lists every one)", out)
        self.assertIn(f"{bad}:4:1: error:", out)
        out = self.run_cli("check", "--verbose", "jobs").stdout.decode()
        self.assertEqual(out.count("\nskipped "), 8, out)
        # --fail-on note does not turn the 2 into a 1, nor does a clean run.
        self.assertEqual(self.run_cli("check", "--fail-on", "note", "jobs").returncode, 2)

    # -- item: a report lost on stdout is a failure ----------------------

    def test_report_to_a_full_disk_is_exit_2(self):
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        f = self.write("job.json", json.dumps(JOB))
        self.write("spec.json", json.dumps(JOB))
        commands = [
            ("check", "--format", "sarif", f),
            ("check", "--format", "json", f),
            ("check", f),
            ("fix", "--diff", f),
            ("fix", "-o", "-", f),
            ("policy", "show"),
            ("policy", "export", "--format", "iam"),
            ("estimate", "spec.json"),
        ]
        for args in commands:
            with self.subTest(" ".join(args)):
                with open("/dev/full", "wb") as full:
                    p = self.run_cli(*args, stdout=full)
                err = p.stderr.decode()
                self.assertEqual(p.returncode, 2, err)
                # (The reason, when the stream still knows it: ENOSPC.)
                self.assertRegex(err, r"sageguard: error: cannot write to standard output"
                                      r"(: No space left on device)?\n")
                if args[0] == "fix":  # nothing claims success
                    self.assertNotIn("change(s)", err)
        # -o /dev/full (a device, written directly) fails the same way.
        p = self.run_cli("check", "--format", "sarif", "-o", "/dev/full", f)
        self.assertEqual(p.returncode, 2)
        self.assertIn("No space left on device", p.stderr.decode())

    # -- item: terminal-safe errors --------------------------------------

    def test_error_messages_carry_no_terminal_escapes(self):
        esc_name = self.write("evil\x1b[2J\x1b]0;pwned\x07.json", '{"a": 1,, }')
        self.write("dup.yaml", 'TrainingJobName: a\n"k\\e[31m": 1\n"k\\e[31m": 2\n')
        self.write("dup.json", '{"TrainingJobName": "a", "\\u001b[5m": 1, "\\u001b[5m": 2}')
        self.write("c1.json", '{"TrainingJobName": "a", "\\u009b2J": 1, "\\u009b2J": 2}')
        self.write("pol.yaml", 'version: 1\n"\\e[2Jrules": {}\n')
        self.write("keys.json", '{"\\u001b[2J": 1, "\\u009b1m": 2}')
        self.write("job.json", json.dumps(JOB))
        runs = [("check", esc_name), ("check", "dup.yaml"), ("check", "dup.json"),
                ("check", "c1.json"), ("check", "--policy", "pol.yaml", "job.json"),
                ("check", "--kind", "model", "keys.json"), ("fix", "-o", "x.json", esc_name)]
        for args in runs:
            with self.subTest(repr(args)):
                p = self.run_cli(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                for stream in (p.stderr, p.stdout):
                    self.assertNotIn(b"\x1b", stream)
                    self.assertNotIn(b"\x07", stream)
                    self.assertNotIn(b"\xc2\x9b", stream)
                self.assertTrue(p.stderr.startswith(b"sageguard: error: "), p.stderr)
        p = self.run_cli("check", esc_name)
        self.assertIn(b"evil\\x1b[2J\\x1b]0;pwned\\x07.json:1:9: ", p.stderr)
        p = self.run_cli("check", "dup.json")
        self.assertIn(b"\\x1b[5m", p.stderr)

    # -- item: FIFOs ----------------------------------------------------

    def feed_fifo(self, path, data):
        def writer():
            try:
                with open(path, "wb") as w:
                    w.write(data)
            except BrokenPipeError:
                pass
        t = threading.Thread(target=writer, daemon=True)
        t.start()
        return t

    def test_named_fifo_is_read_once(self):
        fifo = os.path.join(self.dir, "job.json")
        os.mkfifo(fifo)
        t = self.feed_fifo(fifo, json.dumps(JOB, indent=2).encode())
        p = self.run_cli("check", "--format", "json", "job.json")
        t.join(5)
        self.assertEqual(p.returncode, 1, p.stderr)
        report = json.loads(p.stdout)
        self.assertEqual(report["summary"]["resources"], 1)
        self.assertEqual({f["rule"] for f in report["findings"]}, {"network.isolation"})
        # Over the size limit: refused while reading, no hang.
        t = self.feed_fifo(fifo, b"[" + b" " * (3 << 20) + b"]")
        p = self.run_cli("check", "--max-file-size", "1M", "job.json")
        self.assertEqual(p.returncode, 2)
        self.assertIn("over the limit of 1048576 bytes", p.stderr.decode())
        t.join(5)
        # fix reads it once too.
        t = self.feed_fifo(fifo, json.dumps(JOB).encode())
        p = self.run_cli("fix", "-o", "out.json", "job.json")
        t.join(5)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(json.load(open(os.path.join(self.dir, "out.json")))["EnableNetworkIsolation"])

    # -- item: fix --in-place on links, owners, long names --------------

    def fixed_project(self, path):
        with open(os.path.join(self.dir, path)) as f:
            doc = json.load(f)
        return {t["Key"]: t["Value"] for t in doc["Tags"]}.get("Project")

    def fix_in_place(self, name):
        self.write("policy.yaml", FIX_POLICY)
        return self.run_cli("fix", "--policy", "policy.yaml", "--in-place", name)

    def job_without_project(self):
        return json.dumps(dict(JOB, Tags=[t for t in TAGS if t["Key"] != "Project"]), indent=2)

    def test_fix_in_place_writes_through_a_symlink(self):
        self.write("real/job.json", self.job_without_project())
        os.symlink(os.path.join("real", "job.json"), os.path.join(self.dir, "job.json"))
        p = self.fix_in_place("job.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(os.path.islink(os.path.join(self.dir, "job.json")))
        self.assertEqual(self.fixed_project("real/job.json"), "churn")
        self.assertEqual(sorted(os.listdir(os.path.join(self.dir, "real"))), ["job.json"])

    def test_fix_in_place_keeps_hard_links_owner_group_and_mode(self):
        self.write("job.json", self.job_without_project())
        path = os.path.join(self.dir, "job.json")
        os.link(path, os.path.join(self.dir, "other-name.json"))
        os.chmod(path, 0o640)
        if os.geteuid() == 0:
            os.chown(path, 4321, 8765)
        before = os.stat(path)
        p = self.fix_in_place("job.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        after = os.stat(path)
        self.assertEqual(after.st_ino, before.st_ino)
        self.assertEqual(after.st_nlink, 2)
        self.assertEqual(self.fixed_project("other-name.json"), "churn")
        self.assertEqual((after.st_uid, after.st_gid, after.st_mode & 0o7777),
                         (before.st_uid, before.st_gid, 0o640))
        if os.geteuid() != 0:
            return
        # A single-link file owned by someone else: replaced, same owner.
        self.write("solo.json", self.job_without_project())
        solo = os.path.join(self.dir, "solo.json")
        os.chown(solo, 4321, 8765)
        os.chmod(solo, 0o604)
        ino = os.stat(solo).st_ino
        p = self.fix_in_place("solo.json")
        self.assertEqual(p.returncode, 0, p.stderr)
        st = os.stat(solo)
        self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o7777), (4321, 8765, 0o604))
        self.assertNotEqual(st.st_ino, ino)  # atomically replaced, not rewritten
        self.assertEqual(self.fixed_project("solo.json"), "churn")

    def test_fix_in_place_with_the_longest_file_names(self):
        for length in (240, 255):
            name = "j" * (length - 5) + ".json"
            self.write(name, self.job_without_project())
            p = self.fix_in_place(name)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertEqual(self.fixed_project(name), "churn")
            os.remove(os.path.join(self.dir, name))
        self.assertEqual(sorted(os.listdir(self.dir)), ["policy.yaml"])

    # -- item: policy pattern budget -------------------------------------

    def test_policy_of_many_heavy_patterns_fails_fast(self):
        lines = ["version: 1", "tags:", "  values:"]
        for i in range(400):
            lines += [f"    T{i}:", "      pattern: '[\\p{L}\\p{N}_.:/=+\\-@]{0,200}'"]
        self.write("heavy.yaml", "\n".join(lines) + "\n")
        self.assertGreater(os.path.getsize(os.path.join(self.dir, "heavy.yaml")), 16000)
        self.write("job.json", json.dumps(JOB))
        p = self.run_cli("check", "--policy", "heavy.yaml", "job.json")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, b"")
        self.assertRegex(p.stderr.decode(),
                         r"^sageguard: error: heavy\.yaml:\d+:16: pattern for tag 'T\d+' takes "
                         r"the policy's tag patterns over their budget")
        self.assertLess(p.seconds, 30)  # ~1.5 s idle; before, minutes


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    ok = result.wasSuccessful()
    print(f"{result.testsRun - len(result.failures) - len(result.errors)} passed, "
          f"{len(result.failures) + len(result.errors)} failed")
    sys.exit(0 if ok else 1)
