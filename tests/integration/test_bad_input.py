#!/usr/bin/env python3
"""Bad input never crashes or hangs `sageguard check`.

Every malformed, hostile or oversized input below must give exit status 2,
an error on stderr that starts `sageguard: error: FILE:LINE:COL: ` (exact
line and column where the position means something) and a report (stdout,
or the `-o` file) whose only finding is that error as `parse.error` at the
same place: one unreadable file never hides the others' findings, so the
report is written. An invalid policy still stops the run before any report.
Never a signal (exit >= 128 or negative) and never a hang (each run has a
30 s timeout).

Environment: SAGEGUARD_BIN (set by CTest) is the CLI under test.
"""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cli_case import BIN, CliCase  # noqa: E402

TIMEOUT = 30

DEPTH = 200_000
MAX_DEPTH = 512  # ReadOptions::max_depth
YAML_MAX_DEPTH = 496  # kYamlMaxDepth in yaml_reader.cc

TAGS = [{"Key": k, "Value": v} for k, v in [
    ("Project", "cool"), ("Sponsor", "ceo"), ("Project Lead", "ada"),
    ("Project Name", "the cool ml pipe"), ("Cost Center", "CC-100"),
    ("Contact", "we@ourcoolcompany.ai")]]

# A CreateTrainingJob request that passes the built-in policy (exit 0), so a
# walk that also meets an unrecognised file exits per findings: 0.
COMPLIANT = {
    "TrainingJobName": "the-cool-ml-pipe",
    "AlgorithmSpecification": {"TrainingImage": "111122223333.dkr.ecr.us-east-1.amazonaws.com/t:1",
                               "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::111122223333:role/SageMakerRole",
    "OutputDataConfig": {"S3OutputPath": "s3://bucket/out/", "KmsKeyId": "alias/ml"},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                       "VolumeSizeInGB": 50, "VolumeKmsKeyId": "alias/ml"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200},
    "VpcConfig": {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0123abcd"]},
    "EnableNetworkIsolation": True,
    "EnableInterContainerTrafficEncryption": True,
    "EnableManagedSpotTraining": True,
    "CheckpointConfig": {"S3Uri": "s3://ckpt/the-cool-ml-pipe/"},
    "Tags": TAGS,
}
# The same job without network isolation: an error finding (exit 1).
NONCOMPLIANT = {k: v for k, v in COMPLIANT.items() if k != "EnableNetworkIsolation"}


def location_of(data: bytes, offset: int):
    """1-based line and column (in code points) of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[start:offset].decode("utf-8")) + 1
    return line, col


class BadInput(CliCase):
    dir_prefix = "sg-bad-input-"

    # -- helpers ---------------------------------------------------------

    def run_cli(self, *args):
        try:
            p = subprocess.run([BIN, "check", *args], cwd=self.dir, env=self.env,
                               stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"sageguard check {' '.join(args)} hung (> {TIMEOUT}s)")
        self.assertGreaterEqual(p.returncode, 0, f"killed by signal {-p.returncode}: "
                                f"{p.stderr.decode(errors='replace')[-2000:]}")
        self.assertLess(p.returncode, 128, p.stderr.decode(errors="replace")[-2000:])
        return p

    def expect_error(self, file, line=None, col=None, message=None, extra=()):
        """Runs check twice (text to stdout; JSON to -o) and checks both fail
        the same way. line/col None: any position. Returns stderr text."""
        stderr = None
        for variant in (("--format", "text"), ("--format", "json", "-o", "report.out")):
            report = os.path.join(self.dir, "report.out")
            if os.path.exists(report):
                os.remove(report)
            p = self.run_cli(*extra, *variant, file)
            err = p.stderr.decode("utf-8", errors="replace")
            self.assertEqual(p.returncode, 2, f"{variant}: stderr: {err[:2000]}")
            where = [r"\d+" if v is None else str(v) for v in (line, col)]
            pattern = rf"sageguard: error: {re.escape(file)}:{where[0]}:{where[1]}: "
            self.assertRegex(err.splitlines()[0], "^" + pattern, err[:2000])
            if message:
                self.assertIn(message, err.splitlines()[0])
            # A bounded error: never the whole (possibly huge) input echoed back.
            self.assertLess(len(err), 4096)
            if "-o" in variant:
                self.assertEqual(p.stdout, b"", f"{variant}: stdout not empty")
                with open(report, encoding="utf-8") as fh:
                    doc = json.load(fh)
                self.expect_parse_error_finding(doc, file, line, col, message)
            else:
                out = p.stdout.decode("utf-8", errors="replace")
                self.assertIn("[parse.error]", out)
                self.assertIn("1 file unreadable", out)
                self.assertLess(len(out), 4096)
            stderr = err
        return stderr

    def expect_parse_error_finding(self, doc, file, line=None, col=None, message=None):
        errors = [f for f in doc["findings"] if f["rule"] == "parse.error"]
        self.assertEqual(len(errors), 1, doc["findings"])
        f = errors[0]
        self.assertEqual((f["file"], f["severity"]), (file, "error"))
        if line is not None:
            self.assertEqual(f["line"], line)
        if col is not None:
            self.assertEqual(f["column"], col)
        if message:
            self.assertIn(message, f["message"])
        self.assertEqual(doc["summary"]["unreadable_files"], [file])

    # -- malformed documents --------------------------------------------

    def test_truncated_json(self):
        text = json.dumps(COMPLIANT, indent=2)
        cut = text[: text.index('"RoleArn"') + len('"RoleArn": ')]
        f = self.write("truncated.json", cut)
        line, col = location_of(cut.encode(), len(cut))
        self.expect_error(f, line, col, "unexpected end of input")

    def test_invalid_json(self):
        f = self.write("invalid.json", '{"a": 1,, }')
        self.expect_error(f, 1, 9, "expected a member name")
        f = self.write("missing_comma.json",
                       '{\n  "TrainingJobName": "x"\n  "RoleArn": "r"\n}\n')
        self.expect_error(f, 3, 3, "expected ',' or '}'")
        f = self.write("trailing.json", '{"TrainingJobName": "x"}\n{}\n')
        self.expect_error(f, 2, 1, "after the end of the document")

    def test_invalid_yaml(self):
        f = self.write("flow.yaml", "TrainingJobName: x\nTags: [a, b\nRoleArn: r\n")
        self.expect_error(f, 3)
        f = self.write("indent.yaml", "TrainingJobName: x\n  RoleArn: r\n")
        self.expect_error(f, 2)
        f = self.write("two_docs.yaml", "TrainingJobName: a\n---\nTrainingJobName: b\n")
        self.expect_error(f, 3, 1, "more than one YAML document")
        f = self.write("scalar.yaml", "just words\n")
        self.expect_error(f, 1, 1, "expected a mapping or a list")

    def test_yaml_that_hung_yaml_cpp(self):
        # yaml-cpp 0.7's LoadAll loops for ever, allocating, on a stray comma
        # (upstream issue #1040); found by tests/fuzz/document_fuzz.
        f = self.write("comma.yaml", ",\n")
        self.expect_error(f, 1, 1)
        f = self.write("comma_docs.yaml", "TrainingJobName: a\n---\n,\n")
        self.expect_error(f)

    def test_empty_file(self):
        self.expect_error(self.write("empty.json", b""), 1, 1, "empty document")
        self.expect_error(self.write("blank.yaml", b" \n\t\n"), 1, 1, "empty document")

    def test_binary_data(self):
        data = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + bytes(range(256)) * 64
        f = self.write("image.json", data)
        self.expect_error(f, 1, 1, "invalid UTF-8")
        # gzip: first byte 0x1f is valid, 0x8b is not.
        f = self.write("archive.yaml", b"\x1f\x8b\x08\x00" + bytes(range(255, 0, -1)) * 16)
        self.expect_error(f, 1, 2, "invalid UTF-8")

    def test_invalid_utf8(self):
        data = b'{\n  "TrainingJobName": "caf\xc3\xa9 \xff"\n}\n'
        f = self.write("latin.json", data)
        line, col = location_of(data, data.index(b"\xff"))
        self.assertEqual((line, col), (2, 28))
        self.expect_error(f, line, col, "invalid UTF-8")
        data = b"TrainingJobName: x\nRoleArn: \xc3\x28\n"
        f = self.write("overlong.yaml", data)
        self.expect_error(f, 2, 10, "invalid UTF-8")

    # -- hostile nesting ------------------------------------------------

    def test_deep_json_arrays(self):
        f = self.write("deep_arrays.json", "[" * DEPTH + "]" * DEPTH)
        self.expect_error(f, 1, MAX_DEPTH + 1, f"nesting deeper than {MAX_DEPTH} levels")

    def test_deep_json_objects(self):
        f = self.write("deep_objects.json", '{"a":' * DEPTH + "1" + "}" * DEPTH)
        # The object that is one level too deep starts after 512 '{"a":'.
        self.expect_error(f, 1, 5 * MAX_DEPTH + 1, "nesting deeper than")

    def test_deep_json_unclosed(self):
        f = self.write("deep_open.json", '{"TrainingJobName": ' + "[" * DEPTH)
        # The root object is level 1, so the 512th '[' is the first too deep.
        self.expect_error(f, 1, 20 + MAX_DEPTH, "nesting deeper than")

    def test_deep_yaml_flow(self):
        f = self.write("deep_flow.yaml", "a: " + "[" * DEPTH + "]" * DEPTH + "\n")
        self.expect_error(f, 1, 3 + YAML_MAX_DEPTH + 1, f"nesting deeper than {YAML_MAX_DEPTH} levels")
        # (A file starting with '{' is read as JSON, so nest under a key.)
        f = self.write("deep_flow_maps.yaml", "a: " + "{a: " * DEPTH + "1" + "}" * DEPTH + "\n")
        self.expect_error(f, 1, 3 + 4 * YAML_MAX_DEPTH + 1, "nesting deeper than")

    def test_deep_yaml_block(self):
        # Compact block sequences: 200,000 levels on one line.
        f = self.write("deep_block_seq.yaml", "- " * DEPTH + "x\n")
        self.expect_error(f, 1, 2 * YAML_MAX_DEPTH + 1, f"nesting deeper than {YAML_MAX_DEPTH} levels")
        # Block mappings: one more column per level (200,000 levels would be a
        # 20 GB file, so 3,000: still far past the limit).
        # YAML is held to 496 levels (yaml-cpp gives up a little under 500):
        # the first mapping past that is on line 497, indented 496 columns.
        text = "".join(" " * i + "k:\n" for i in range(3000)) + " " * 3000 + "v\n"
        f = self.write("deep_block_map.yaml", text)
        self.expect_error(f, YAML_MAX_DEPTH + 1, YAML_MAX_DEPTH + 1,
                          f"nesting deeper than {YAML_MAX_DEPTH} levels")

    def test_yaml_alias_bomb(self):
        levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        for i in range(1, 9):
            prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
            levels.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
        f = self.write("laughs.yaml", "\n".join(levels) + "\n")
        self.expect_error(f, message="expands too much")

    # -- duplicate keys -------------------------------------------------

    def test_duplicate_keys_json(self):
        f = self.write("dup.json", '{"TrainingJobName": "a",\n  "TrainingJobName": "b"}')
        self.expect_error(f, 2, 3, 'duplicate key "TrainingJobName"')
        # Past the reader's small-object fast path (a hash set from 16 members).
        members = ",\n".join(f'  "k{i}": {i}' for i in range(40)) + ',\n  "k7": 0'
        f = self.write("dup_many.json", '{\n  "TrainingJobName": "a",\n' + members + "\n}")
        self.expect_error(f, 43, 3, 'duplicate key "k7"')

    def test_duplicate_keys_yaml(self):
        f = self.write("dup.yaml", "TrainingJobName: a\nTags: []\nTrainingJobName: b\n")
        self.expect_error(f, 3, 1, 'duplicate key "TrainingJobName"')
        f = self.write("dup_nested.yaml",
                       "TrainingJobName: a\nResourceConfig:\n  InstanceCount: 1\n"
                       "  InstanceCount: 2\n")
        self.expect_error(f, 4, 3, 'duplicate key "InstanceCount"')

    # -- size limit -----------------------------------------------------

    def test_over_max_file_size(self):
        f = self.write("small.json", json.dumps(COMPLIANT).ljust(2048))
        self.assertEqual(os.path.getsize(os.path.join(self.dir, f)), 2048)
        # No line/column for a file refused before it is read.
        for extra in (("--max-file-size", "1K"), ("--max-file-size", "1024")):
            p = self.run_cli(*extra, "--format", "json", "-o", "report.out", f)
            self.assertEqual(p.returncode, 2)
            self.assertEqual(p.stdout, b"")
            with open(os.path.join(self.dir, "report.out"), encoding="utf-8") as fh:
                self.expect_parse_error_finding(json.load(fh), f, 1, 1, "over the limit")
            self.assertTrue(p.stderr.decode().startswith(
                f"sageguard: error: {f}: file is 2048 bytes, over the limit of 1024 bytes"),
                p.stderr)
        # The same file passes with a limit it fits under.
        self.assertEqual(self.run_cli("--max-file-size", "2K", f).returncode, 0)

    def test_huge_sparse_file_refused_up_front(self):
        # 64 GiB of holes: reading it first would take minutes and more memory
        # than the machine has, so only a size check before reading passes.
        path = os.path.join(self.dir, "huge.json")
        with open(path, "wb") as fh:
            fh.truncate(64 << 30)
        for extra in ((), ("--max-file-size", "1M")):
            p = self.run_cli(*extra, "--format", "json", "-o", "report.out", "huge.json")
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertEqual(p.stdout, b"")
            with open(os.path.join(self.dir, "report.out"), encoding="utf-8") as fh:
                self.expect_parse_error_finding(json.load(fh), "huge.json", 1, 1)
            self.assertRegex(p.stderr.decode(),
                             r"^sageguard: error: huge\.json: file is 68719476736 bytes, "
                             r"over the limit of \d+ bytes")

    # -- unrecognised documents -----------------------------------------

    def test_unrecognised_named_file(self):
        f = self.write("other.json", '{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}')
        self.expect_error(f, 1, 1, "not a recognised SageMaker document")
        f = self.write("list.yaml", "- 1\n- 2\n")
        self.expect_error(f, 1, 3, "bundle item 0 is not a recognised")

    def test_walk_skips_unrecognised(self):
        self.write("jobs/good.json", json.dumps(COMPLIANT, indent=2))
        self.write("jobs/other.yaml", "kind: Deployment\nmetadata: {name: x}\n")
        self.write("jobs/notes.txt", b"\xff\xfe not a document")  # not walked at all
        p = self.run_cli("--format", "json", "jobs")
        self.assertEqual(p.returncode, 0, p.stderr)
        summary = json.loads(p.stdout)["summary"]
        self.assertEqual((summary["files"], summary["skipped"], summary["resources"]), (2, 1, 1))
        self.write("jobs/sub/bad.json", json.dumps(NONCOMPLIANT))
        p = self.run_cli("--format", "json", "jobs")
        self.assertEqual(p.returncode, 1, p.stderr)
        report = json.loads(p.stdout)
        self.assertEqual(report["summary"]["skipped"], 1)
        self.assertIn("network.isolation", {f["rule"] for f in report["findings"]})
        # An invalid file found by walking is still an input error (exit 2),
        # and it hides nothing: the other files' findings are reported.
        self.write("jobs/broken.yaml", "a: [\n")
        p = self.run_cli("--format", "json", "-o", "report.out", "jobs")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stdout, b"")
        self.assertTrue(p.stderr.decode().startswith(
            f"sageguard: error: {os.path.join('jobs', 'broken.yaml')}:"), p.stderr)
        with open(os.path.join(self.dir, "report.out"), encoding="utf-8") as fh:
            report = json.load(fh)
        self.expect_parse_error_finding(report, os.path.join("jobs", "broken.yaml"))
        self.assertIn("network.isolation", {f["rule"] for f in report["findings"]})
        self.assertEqual(report["summary"]["skipped_files"],
                         [{"file": os.path.join("jobs", "other.yaml"),
                           "reason": "not a SageMaker document"}])

    # -- invalid policies -----------------------------------------------

    def expect_policy_error(self, name, text, line, col, message):
        doc = self.write("job.json", json.dumps(COMPLIANT))
        pol = self.write(name, text)
        for variant in ((), ("--format", "sarif", "-o", "report.out")):
            p = self.run_cli("--policy", pol, *variant, doc)
            err = p.stderr.decode()
            self.assertEqual(p.returncode, 2, err)
            self.assertEqual(p.stdout, b"")
            self.assertFalse(os.path.exists(os.path.join(self.dir, "report.out")))
            first = err.splitlines()[0]
            self.assertTrue(first.startswith(f"sageguard: error: {pol}:{line}:{col}: "), err)
            self.assertIn(message, first)

    def test_policy_unknown_key(self):
        self.expect_policy_error("p.yaml", "version: 1\ntags:\n  requried: [Project]\n",
                                 3, 3, "unknown key 'requried'")

    def test_policy_wrong_type(self):
        self.expect_policy_error("p.yaml", "version: 1\nlimits:\n  max_runtime_seconds: soon\n",
                                 3, 24, "max_runtime_seconds")
        self.expect_policy_error("q.yaml", "version: 1\ntags:\n  required: Project\n",
                                 3, 13, "required")

    def test_policy_bad_regex(self):
        self.expect_policy_error("p.yaml",
                                 "version: 1\ntags:\n  values:\n    Contact: { pattern: '[a-z' }\n",
                                 4, 25, "invalid pattern")

    def test_policy_unknown_rule(self):
        self.expect_policy_error("p.yaml", "version: 1\nrules:\n  spot.enabeld: warning\n",
                                 3, 3, "unknown rule id 'spot.enabeld'")

    def test_policy_that_hung_yaml_cpp(self):
        # Same yaml-cpp 0.7 LoadAll loop as above, in the policy loader
        # (found by tests/fuzz/policy_fuzz).
        self.expect_policy_error("p.yaml", ",\n", 1, 1, "")

    def test_policy_max_wait_factor_that_makes_no_sense(self):
        # fix writes MaxWait = factor x MaxRuntime: below 1 the API refuses
        # the job, and a huge factor overflowed the integer it became.
        for i, factor in enumerate(("0.5", "1e300", "1001", ".nan", ".inf")):
            self.expect_policy_error(f"w{i}.yaml", f"version: 1\nspot:\n  max_wait_factor: {factor}\n",
                                     3, 20, "must be a number from 1 to 1000")

    def test_policy_subnets_reach_s3_is_a_boolean(self):
        self.expect_policy_error("p.yaml", "version: 1\nvpc:\n  subnets_reach_s3: maybe\n",
                                 3, 21, "must be true or false")

    def test_policy_bad_date(self):
        self.expect_policy_error(
            "p.yaml",
            "version: 1\nwaivers:\n  - rule: spot.enabled\n    resource: x\n"
            "    reason: y\n    expires: 2027-02-30\n",
            6, 14, "invalid date '2027-02-30'")


    # -- billing exports (cost --cur) -------------------------------------

    def test_cur_stray_quote(self):
        """A quote left open swallowed every later row as "1 malformed row"
        (exit 0); now exit 2 at the quote, with the line and a caret."""
        rows = ["lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UnblendedCost,resourceTags/user:Project"]
        rows += ["2024-05-%02dT00:00:00Z,AmazonSageMaker,1.5,p" % (1 + i % 28) for i in range(100)]
        rows[4] = rows[4].replace(",1.5,", ',1."5,')
        f = self.write("stray.csv", "\n".join(rows) + "\n")
        for extra in ((), ("--threads", "1")):
            p = subprocess.run([BIN, "cost", "--cur", f, "--format", "json", "-o", "report.out", *extra],
                               cwd=self.dir, env=self.env, capture_output=True, timeout=TIMEOUT)
            err = p.stderr.decode("utf-8", errors="replace")
            self.assertEqual(p.returncode, 2, err)
            self.assertEqual(p.stdout, b"")
            self.assertFalse(os.path.exists(os.path.join(self.dir, "report.out")))
            self.assertRegex(err.splitlines()[0], "^" + re.escape("sageguard: error: stray.csv:5:40: "), err)
            self.assertIn('1."5', err)  # the line, for the caret


if __name__ == "__main__":
    result = unittest.main(verbosity=2, exit=False).result
    ok = result.wasSuccessful()
    print(f"{result.testsRun - len(result.failures) - len(result.errors)} passed, "
          f"{len(result.failures) + len(result.errors)} failed")
    sys.exit(0 if ok else 1)
