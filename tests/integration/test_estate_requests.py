#!/usr/bin/env python3
"""Every request the estate's rule table uses is one SageMaker would accept.

tests/unit/rules/estate/cases.json holds compliant requests for the
notebook, Studio, AutoML, monitoring, feature store and registry kinds and
the patches (RFC 7386 merge patches) that make each rule fire; the unit test
estate_rules_test.cc checks what fires. Here botocore is the oracle for the
requests themselves: each patched request must pass
botocore.validate.validate_parameters for its operation (a request botocore
rejects would make a broken test), and `sageguard check --format json` on
it must report exactly the case's rules (the CLI agrees with the unit test).

Run: python3 tests/integration/test_estate_requests.py (SAGEGUARD_BIN: the
sageguard binary, as ctest sets it).
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = os.environ.get("SG_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CASES = os.path.join(SOURCE_DIR, "tests", "unit", "rules", "estate", "cases.json")

try:
    import botocore.session
    from botocore.validate import validate_parameters
except ImportError:  # pragma: no cover
    if os.environ.get("SAGEGUARD_ALLOW_SKIP"):
        sys.exit(77)
    raise


def merge_patch(target, patch):
    """RFC 7386: objects merge member by member, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


class EstateRequests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(CASES, encoding="utf-8") as f:
            cls.data = json.load(f)
        cls.model = botocore.session.get_session().get_service_model("sagemaker")

    def requests(self):
        for case in self.data["cases"]:
            base = self.data["bases"][case["base"]]
            yield case, base["operation"], merge_patch(base["request"], case["patch"])

    def test_botocore_accepts_every_request(self):
        count = 0
        for case, operation, request in self.requests():
            shape = self.model.operation_model(operation).input_shape
            with self.subTest(base=case["base"], why=case["why"]):
                validate_parameters(request, shape)  # raises ParamValidationError
            count += 1
        self.assertGreater(count, 50)

    def test_patches_change_the_request(self):
        # A patch that changes nothing would test the base twice.
        for case, _, request in self.requests():
            if case["patch"]:
                base = self.data["bases"][case["base"]]["request"]
                self.assertNotEqual(request, base, case["why"])

    def test_cli_reports_exactly_the_cases_rules(self):
        binary = os.environ.get("SAGEGUARD_BIN")
        self.assertTrue(binary and os.path.exists(binary), "SAGEGUARD_BIN names no binary")
        with tempfile.TemporaryDirectory() as tmp:
            policy = os.path.join(tmp, "policy.yaml")
            with open(policy, "w", encoding="utf-8") as f:
                f.write(self.data["policy"])
            for i, (case, _, request) in enumerate(self.requests()):
                path = os.path.join(tmp, "case-%d.json" % i)
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(request, f, indent=1)
                env = dict(os.environ, SAGEGUARD_TODAY="2026-11-27")
                run = subprocess.run([binary, "check", "--policy", policy, "--format", "json", path],
                                     capture_output=True, text=True, env=env, check=False)
                with self.subTest(base=case["base"], why=case["why"]):
                    self.assertIn(run.returncode, (0, 1), run.stderr)
                    report = json.loads(run.stdout)
                    got = sorted({f["rule"] for f in report["findings"]})
                    self.assertEqual(got, case["fires"])
                    self.assertEqual(run.returncode, 1 if case["fires"] else 0)


if __name__ == "__main__":
    unittest.main()
