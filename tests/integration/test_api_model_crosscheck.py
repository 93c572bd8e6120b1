#!/usr/bin/env python3
"""Cross-check data/sagemaker_api_model.json against the installed botocore.

1. Regenerates the table with tools/gen_api_model.py into a temp file and
   requires it to equal the committed one (botocore_version aside): a botocore
   upgrade that changes any constraint fails here with a summary of what moved.
2. Independently of the generator, walks botocore's parsed service model
   (botocore.session -> OperationModel.input_shape) and compares every
   reachable shape's constraints with the committed table, and spot-checks
   facts from the AWS documentation (docs/aws-notes.md).

Run: python3 tests/integration/test_api_model_crosscheck.py (pyenv python3,
botocore 1.43). Exit 77 (skip) only if botocore is missing and
SAGEGUARD_ALLOW_SKIP is set.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = os.environ.get("SG_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
TABLE = os.path.join(SOURCE_DIR, "data", "sagemaker_api_model.json")
GENERATOR = os.path.join(SOURCE_DIR, "tools", "gen_api_model.py")

try:
    import botocore
    import botocore.session
except ImportError:  # pragma: no cover
    if os.environ.get("SAGEGUARD_ALLOW_SKIP"):
        print("botocore not installed: skipping")
        sys.exit(77)
    raise

OPERATIONS = ["CreateTrainingJob", "CreateHyperParameterTuningJob", "CreateProcessingJob",
              "CreateTransformJob", "CreateModel", "CreateEndpointConfig", "CreateEndpoint",
              "CreateNotebookInstance", "CreateDomain", "CreateUserProfile", "CreateSpace",
              "CreateAutoMLJob", "CreateAutoMLJobV2", "CreateDataQualityJobDefinition",
              "CreateModelQualityJobDefinition", "CreateModelBiasJobDefinition",
              "CreateModelExplainabilityJobDefinition", "CreateMonitoringSchedule",
              "CreateFeatureGroup", "CreateModelPackageGroup", "CreateModelPackage"]


def load_committed():
    with open(TABLE, encoding="utf-8") as f:
        return json.load(f)


def diff_summary(old, new, limit=40):
    """Human-readable list of differences between two tables."""
    lines = []
    for key in sorted(set(old) | set(new)):
        if key == "shapes":
            continue
        if old.get(key) != new.get(key):
            lines.append("%s: %r -> %r" % (key, old.get(key), new.get(key)))
    so, sn = old.get("shapes", {}), new.get("shapes", {})
    for name in sorted(set(so) - set(sn)):
        lines.append("shape removed: %s" % name)
    for name in sorted(set(sn) - set(so)):
        lines.append("shape added: %s %s" % (name, json.dumps(sn[name], sort_keys=True)[:200]))
    for name in sorted(set(so) & set(sn)):
        a, b = so[name], sn[name]
        for field in sorted(set(a) | set(b)):
            if a.get(field) != b.get(field):
                av, bv = a.get(field), b.get(field)
                if isinstance(av, (list, dict)) or isinstance(bv, (list, dict)):
                    av_set = set(av or [])
                    bv_set = set(bv or [])
                    lines.append("%s.%s: -%s +%s" % (name, field, sorted(av_set - bv_set)[:10],
                                                     sorted(bv_set - av_set)[:10]))
                else:
                    lines.append("%s.%s: %r -> %r" % (name, field, av, bv))
    if len(lines) > limit:
        lines = lines[:limit] + ["... and %d more" % (len(lines) - limit)]
    return "\n".join(lines)


def reachable_from_botocore():
    """name -> botocore Shape for every shape reachable from the inputs."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    seen = {}
    stack = [model.operation_model(op).input_shape for op in OPERATIONS]
    while stack:
        shape = stack.pop()
        if shape.name in seen:
            continue
        seen[shape.name] = shape
        if shape.type_name == "structure":
            stack.extend(shape.members.values())
        elif shape.type_name == "list":
            stack.append(shape.member)
        elif shape.type_name == "map":
            stack.extend([shape.key, shape.value])
    return model, seen


class RegeneratedTableMatches(unittest.TestCase):
    def test_regenerated_equals_committed(self):
        committed = load_committed()
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "model.json")
            out2 = os.path.join(tmp, "model2.json")
            for path in (out, out2):
                subprocess.run([sys.executable, GENERATOR, "--output", path], check=True)
            with open(out, "rb") as f1, open(out2, "rb") as f2:
                first = f1.read()
                self.assertEqual(first, f2.read(), "generator output is not deterministic")
            regenerated = json.loads(first)
        self.assertEqual(regenerated["botocore_version"], botocore.__version__)
        if committed["botocore_version"] != regenerated["botocore_version"]:
            print("note: table generated from botocore %s, installed %s (constraints compared below)"
                  % (committed["botocore_version"], regenerated["botocore_version"]))
        a = {k: v for k, v in committed.items() if k != "botocore_version"}
        b = {k: v for k, v in regenerated.items() if k != "botocore_version"}
        if a != b:
            self.fail("the installed botocore (%s) implies a different API model table; regenerate "
                      "with `python3 tools/gen_api_model.py`, review and commit. Differences:\n%s"
                      % (botocore.__version__, diff_summary(committed, regenerated)))

    def test_committed_text_is_canonical(self):
        # The committed bytes are exactly what the generator writes (no hand
        # edits that happen to parse to the same JSON).
        sys.path.insert(0, os.path.dirname(GENERATOR))
        try:
            import gen_api_model  # noqa: E402
        finally:
            sys.path.pop(0)
        with open(TABLE, encoding="utf-8") as f:
            text = f.read()
        self.assertEqual(text, gen_api_model.dumps(json.loads(text)))
        self.assertIn("GENERATED", json.loads(text)["_generated"])


class CommittedTableAgreesWithBotocore(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.table = load_committed()
        cls.model, cls.shapes = reachable_from_botocore()

    def test_operations_map_to_input_shapes(self):
        for op in OPERATIONS:
            self.assertEqual(self.table["operations"][op], self.model.operation_model(op).input_shape.name)

    def test_every_reachable_shape_has_the_same_constraints(self):
        committed = self.table["shapes"]
        self.assertEqual(sorted(committed), sorted(self.shapes))
        for name, shape in self.shapes.items():
            entry = committed[name]
            meta = shape.metadata
            with self.subTest(shape=name):
                self.assertEqual(entry["type"], shape.type_name)
                for key in ("min", "max", "pattern"):
                    self.assertEqual(entry.get(key), meta.get(key), key)
                self.assertEqual(entry.get("enum"), meta.get("enum") or None)
                if shape.type_name == "structure":
                    self.assertEqual(entry["members"], {m: s.name for m, s in shape.members.items()})
                    self.assertEqual(entry.get("required", []), shape.required_members)
                elif shape.type_name == "list":
                    self.assertEqual(entry["member"], shape.member.name)
                elif shape.type_name == "map":
                    self.assertEqual((entry["key"], entry["value"]), (shape.key.name, shape.value.name))

    def member_shape(self, structure, *path):
        """Committed shape entry reached from `structure` by member names."""
        shapes = self.table["shapes"]
        entry = shapes[structure]
        for name in path:
            entry = shapes[entry["members"][name]]
        return entry

    def test_documented_facts(self):
        # Facts from the AWS documentation, checked both in botocore and in
        # the committed table (an independent oracle for the generator).
        facts = [
            (("CreateTrainingJobRequest", "TrainingJobName"), {"min": 1, "max": 63,
             "pattern": "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"}),
            (("CreateTrainingJobRequest", "VpcConfig", "Subnets"), {"min": 1, "max": 16}),
            (("CreateTrainingJobRequest", "VpcConfig", "SecurityGroupIds"), {"min": 1, "max": 5}),
            (("CreateTrainingJobRequest", "Tags"), {"max": 50}),
            (("Tag", "Key"), {"min": 1, "max": 128}),
            (("Tag", "Value"), {"max": 256}),
            (("CreateTrainingJobRequest", "RoleArn"), {"min": 20, "max": 2048,
             "pattern": r"arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"}),
            (("CreateEndpointInput", "EndpointName"), {"max": 63}),
            (("CreateModelInput", "ModelName"), {"max": 63,
             "pattern": r"[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?"}),
            (("CheckpointConfig", "S3Uri"), {"max": 1024, "pattern": "(https|s3)://([^/]+)/?(.*)"}),
        ]
        for path, expected in facts:
            entry = self.member_shape(*path)
            shape = self.model.shape_for(path[0])
            for name in path[1:]:
                shape = shape.members[name]
            with self.subTest(path=".".join(path)):
                for key, value in expected.items():
                    self.assertEqual(shape.metadata.get(key), value, "botocore " + key)
                    self.assertEqual(entry.get(key), value, "committed " + key)
        self.assertEqual(self.table["shapes"]["Tag"]["required"], ["Key", "Value"])
        self.assertEqual(sorted(self.table["shapes"]["VpcConfig"]["required"]), ["SecurityGroupIds", "Subnets"])
        self.assertIn("ml.m5.xlarge", self.member_shape("ResourceConfig", "InstanceType")["enum"])

    def test_patterns_needing_translation_are_translated_or_skipped(self):
        lookaround = ("(?=", "(?!", "(?<=", "(?<!", "\\p{Alnum}", "\\u")
        handled = set(self.table["pattern_translations"]) | set(self.table["skipped_patterns"])
        for name, entry in self.table["shapes"].items():
            pattern = entry.get("pattern")
            if pattern and any(t in pattern for t in lookaround):
                self.assertIn(pattern, handled, name)
        for translated in self.table["pattern_translations"].values():
            self.assertFalse(any(t in translated for t in lookaround), translated)


if __name__ == "__main__":
    unittest.main(verbosity=2)
