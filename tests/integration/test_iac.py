#!/usr/bin/env python3
"""Infrastructure as code through the built CLI ($SAGEGUARD_BIN):
CloudFormation templates (YAML with short-form tags, JSON), Step Functions
state machines (JSON, YAML/JSONata), and the templates the AWS CDK
synthesizes.

  - cfn-lint (AWS's CloudFormation linter, run as the `cfn-lint` script)
    reports no error on every test template, before and after `fix`;
  - the findings' FILE:LINE:COL, resource ids and the unresolved-value
    count are golden (tests/golden/iac_*.txt; SG_UPDATE_GOLDEN=1 rewrites);
  - JSON and SARIF carry the resource id and the unresolved count;
  - `fix` edits templates and state machines keeping comments, short-form
    tags and order, leaves unresolvable places and definitions held in
    strings alone (and says why), and the re-check is clean of what the
    policy supplies;
  - bad templates exit 2 with FILE:LINE:COL and change nothing;
  - a CDK app (tests/integration/cdk_app, npm aws-cdk-lib from its lock
    file) synthesizes SageMaker L1 constructs and a Step Functions SageMaker
    task whose findings are checked (skipped when node or the packages are
    absent, a failure under CI=true).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from cli_case import BIN

SOURCE_DIR = os.environ.get("SG_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
DATA = os.path.join("tests", "integration", "iac_support")
CDK_APP = os.path.join(SOURCE_DIR, "tests", "integration", "cdk_app")
GOLDEN = os.path.join(SOURCE_DIR, "tests", "golden")
IN_CI = os.environ.get("CI", "").lower() not in ("", "0", "false")

VOLUME_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OUTPUT_KEY = "arn:aws:kms:us-east-1:111122223333:key/5678efab-34cd-56ef-78ab-0987654321fe"
# Supplies every value fix can add; limits and allow-lists make value rules
# fire on literals.
POLICY = f"""version: 1
tags:
  required: [Project, "Cost Center", Contact]
  values:
    "Cost Center": {{ allowed: [CC-100, CC-200] }}
  defaults:
    Project: churn
    Cost Center: CC-100
    Contact: ml-platform@ourcoolcompany.ai
vpc:
  subnets: [subnet-0a1b2c3d]
  security_groups: [sg-0123abcd]
  subnets_reach_s3: true
kms:
  volume_key: {VOLUME_KEY}
  output_key: {OUTPUT_KEY}
spot:
  checkpoint_s3_prefix: s3://ourcoolcompany-ml-checkpoints/
  max_wait_factor: 2.0
limits:
  instance_types: ["ml.m5.*", "ml.c5.*", "ml.g5.*"]
  max_runtime_seconds: 86400
"""

TEMPLATES = [
    "examples/iac/churn-serving.yaml",
    f"{DATA}/serving.template.json",
    f"{DATA}/workflows.template.yaml",
]
STATE_MACHINES = ["examples/iac/train-churn.asl.json", f"{DATA}/deploy.asl.yaml"]
# Rules fix repairs when the policy supplies the value.
FIXABLE = {"tags.required", "vpc.required", "network.isolation", "encryption.inter-container",
           "kms.volume", "kms.output", "spot.enabled", "spot.max-wait", "spot.checkpoint"}


# cfn-lint through this python (scripts/deps.sh installs it next to moto).
CFN_LINT = [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())"]


def have_cfn_lint():
    return subprocess.run([sys.executable, "-c", "import cfnlint"]).returncode == 0


def cfn_lint_errors(path):
    """cfn-lint's error lines for a template ([] when it reports none).
    Its exit code is a bit set: 2 = errors, 4 = warnings, 8 = informational."""
    p = subprocess.run([*CFN_LINT, "--format", "parseable", path], capture_output=True, text=True)
    if p.returncode & 2 or p.returncode >= 16:
        return [line for line in p.stdout.splitlines() if ":E" in line] or [p.stdout + p.stderr]
    return []


class IacCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sg-iac-")
        self.env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true", NO_COLOR="1")
        self.env.pop("SAGEGUARD_POLICY", None)
        self.policy = os.path.join(self.dir, "policy.yaml")
        with open(self.policy, "w") as f:
            f.write(POLICY)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_sg(self, *args):
        return subprocess.run([BIN, *args], capture_output=True, text=True, env=self.env,
                              cwd=SOURCE_DIR)

    def check_json(self, *paths, extra=()):
        p = self.run_sg("check", "--policy", self.policy, "--format", "json", *extra, *paths)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        return json.loads(p.stdout)


class Checks(IacCase):
    def test_test_templates_are_real_cloudformation(self):
        if not have_cfn_lint():
            self.fail("cfn-lint is not installed (scripts/deps.sh --test installs it)")
        for t in TEMPLATES:
            self.assertEqual(cfn_lint_errors(os.path.join(SOURCE_DIR, t)), [], t)

    def test_golden_locations(self):
        # Text output: FILE:LINE:COL of each finding, grouped by resource.
        for name, paths in (("iac_cloudformation.txt", TEMPLATES),
                            ("iac_step_functions.txt", STATE_MACHINES)):
            p = self.run_sg("check", "--policy", self.policy, *paths)
            self.assertEqual(p.returncode, 1, p.stderr)
            golden = os.path.join(GOLDEN, name)
            if os.environ.get("SG_UPDATE_GOLDEN"):
                with open(golden, "w") as f:
                    f.write(p.stdout)
            with open(golden) as f:
                self.assertEqual(p.stdout, f.read(), name)

    def test_locations_point_at_the_property(self):
        report = self.check_json("examples/iac/churn-serving.yaml")
        lines = open(os.path.join(SOURCE_DIR, "examples/iac/churn-serving.yaml")).read().splitlines()
        by = {(f["resource"]["id"], f["rule"]): f for f in report["findings"]}
        # The model's Cost Center value is a literal outside the allowed list.
        f = by[("ChurnModel", "tags.value")]
        self.assertEqual(lines[f["line"] - 1][f["column"] - 1:], "CC-999")
        # The model has no VPC: the finding sits on its Properties mapping.
        f = by[("ChurnModel", "vpc.required")]
        self.assertEqual(lines[f["line"] - 1].strip(), "ExecutionRoleArn: !Ref ExecutionRoleArn")
        # The instance type of the config is a literal the policy allows: no finding.
        self.assertNotIn(("ChurnEndpointConfig", "instance.allowed"), by)

    def test_tags_propagate_from_a_model_to_what_refers_to_it(self):
        # A cfn-lint-clean template: configs refer to the model by !GetAtt
        # and !Ref, the endpoint to a config by !GetAtt.
        path = f"{DATA}/propagation.template.yaml"
        if have_cfn_lint():
            self.assertEqual(cfn_lint_errors(os.path.join(SOURCE_DIR, path)), [])
        elif IN_CI:
            self.fail("cfn-lint is not installed (scripts/deps.sh --test installs it)")
        lines = open(os.path.join(SOURCE_DIR, path)).read().splitlines()
        report = self.check_json(path)
        got = [(f["resource"]["id"], f["line"], f["column"], f["message"])
               for f in report["findings"] if f["rule"] == "tags.propagation"]
        self.assertEqual(got, [
            ("Config", 38, 18, "tag 'Cost Center' is 'CC-100' here but 'CC-200' on model 'fraud-model'"),
            ("Config", 35, 9, "tag 'Owner' of model 'fraud-model' is missing here"),
            ("RefConfig", 42, 7, "tag 'Project' of model 'fraud-model' is missing here"),
            ("RefConfig", 42, 7, "tag 'Cost Center' of model 'fraud-model' is missing here"),
            ("RefConfig", 42, 7, "tag 'Owner' of model 'fraud-model' is missing here"),
        ])
        # The value, the config's Tags, and RefConfig's Properties (it has no Tags).
        self.assertEqual(lines[37].strip(), "Value: CC-100")
        self.assertEqual(lines[34].strip(), "- Key: Project")
        self.assertEqual(lines[41].strip(), "ProductionVariants:")
        # The endpoint carries the model's tags (Owner by the same parameter):
        # nothing there.
        p = self.run_sg("check", "--policy", self.policy, "--format", "sarif", path)
        results = json.loads(p.stdout)["runs"][0]["results"]
        ids = {r["properties"]["resourceId"] for r in results if r["ruleId"] == "tags.propagation"}
        self.assertEqual(ids, {"Config", "RefConfig"})

    def test_json_and_sarif_carry_ids_and_unresolved_count(self):
        report = self.check_json(*TEMPLATES, *STATE_MACHINES)
        s = report["summary"]
        self.assertGreater(s["unresolved_values"], 0)
        ids = {f["resource"]["id"] for f in report["findings"]}
        for want in ("ChurnModel", "Model", "Prep", "Train", "Batch", "Tune", "Config", "Endpoint"):
            self.assertIn(want, ids)
        p = self.run_sg("check", "--policy", self.policy, *STATE_MACHINES)
        self.assertRegex(p.stdout, r"\d+ values? unresolved")
        p = self.run_sg("check", "--policy", self.policy, "--format", "sarif", TEMPLATES[0])
        sarif = json.loads(p.stdout)
        props = [r["properties"] for r in sarif["runs"][0]["results"]]
        self.assertTrue(all(pr.get("resourceId") for pr in props), props[:2])

    def test_unresolved_values_are_set_for_presence_and_skipped_by_value_rules(self):
        # A value the file cannot know, in every rule family's place: no
        # "missing" finding and no value finding.
        t = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
  Key: {Type: String}
  Type: {Type: String}
  Isolated: {Type: String}
  Role: {Type: String}
  Tags: {Type: String}
Conditions:
  Prod: !Equals [!Ref Tags, prod]
Resources:
  Prep:
    Type: AWS::SageMaker::ProcessingJob
    Properties:
      RoleArn: !Ref Role
      AppSpecification: {ImageUri: img}
      NetworkConfig:
        EnableNetworkIsolation: !Ref Isolated
        EnableInterContainerTrafficEncryption: !If [Prod, true, false]
        VpcConfig:
          Subnets: !Ref Subnets
          SecurityGroupIds: [!ImportValue shared-sg]
      ProcessingResources:
        ClusterConfig:
          InstanceCount: 1
          InstanceType: !Ref Type
          VolumeSizeInGB: 30
          VolumeKmsKeyId: !Ref Key
      ProcessingOutputConfig:
        KmsKeyId: !Sub "${Key}"
        Outputs: []
      StoppingCondition:
        MaxRuntimeInSeconds: !FindInMap [Limits, !Ref Tags, Seconds]
      Tags:
        - Key: Project
          Value: !Ref Tags
        - Key: Cost Center
          Value: !If [Prod, CC-100, CC-200]
        - Key: Contact
          Value: !ImportValue contact
  M:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !Ref Role
      PrimaryContainer: {Image: img}
      VpcConfig: !If [Prod, {Subnets: [subnet-0a1b2c3d], SecurityGroupIds: [sg-0123abcd]}, !Ref "AWS::NoValue"]
      EnableNetworkIsolation: !If [Prod, true, false]
      Tags:
        - Key: Project
          Value: churn
        - !If [Prod, {Key: Cost Center, Value: CC-100}, !Ref "AWS::NoValue"]
        - Key: !Sub "${Tags}"
          Value: x
  T:
    Type: AWS::SageMaker::TrainingJob
    Properties:
      RoleArn: !Ref Role
      AlgorithmSpecification: {TrainingImage: img, TrainingInputMode: File}
      OutputDataConfig: {S3OutputPath: "s3://b/", KmsKeyId: !Ref Key}
      ResourceConfig: {InstanceType: !Ref Type, InstanceCount: 1, VolumeSizeInGB: 30, VolumeKmsKeyId: !Ref Key}
      StoppingCondition: {MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: !Ref Wait}
      EnableManagedSpotTraining: true
      CheckpointConfig: {S3Uri: !Sub "s3://ck/${AWS::StackName}/"}
      VpcConfig: {Subnets: !Ref Subnets, SecurityGroupIds: [sg-0123abcd]}
      EnableNetworkIsolation: !Ref Isolated
      EnableInterContainerTrafficEncryption: !Ref Isolated
      Tags: !Ref "AWS::NoValue"
"""
        path = os.path.join(self.dir, "unresolved.yaml")
        with open(path, "w") as f:
            f.write(t)
        report = self.check_json(path)
        self.assertEqual(report["findings"], [])
        self.assertEqual(report["summary"]["unresolved_values"], 27)

    def test_kind_names_a_format_or_keeps_one_kind(self):
        report = self.check_json(TEMPLATES[0], extra=("--kind", "cloudformation"))
        self.assertEqual(report["summary"]["resources"], 3)
        report = self.check_json(TEMPLATES[0], extra=("--kind", "model"))
        self.assertEqual(report["summary"]["resources"], 1)
        report = self.check_json(STATE_MACHINES[0], extra=("--kind", "step-functions"))
        self.assertEqual(report["summary"]["resources"], 2)
        p = self.run_sg("check", "--policy", self.policy, "--kind", "step-functions", TEMPLATES[0])
        self.assertEqual(p.returncode, 2)
        self.assertIn("not what --kind step-functions says", p.stderr)

    def test_bad_templates_exit_2_with_location(self):
        cases = {
            # YAML syntax error in a template.
            "bad-yaml.yaml": ("Resources:\n  M:\n    Type: AWS::SageMaker::Model\n"
                              "    Properties: {ModelName: [x\n", r":5:1: "),
            # A literal DefinitionString that is not JSON: the error is at its
            # byte in the template.
            "bad-definition.json": (
                '{"Resources": {"S": {"Type": "AWS::StepFunctions::StateMachine",\n'
                ' "Properties": {"RoleArn": "r",\n'
                '  "DefinitionString": "{\\"StartAt\\": \\"A\\", \\"States\\": {,}}"}}}}\n',
                r":3:58: .*DefinitionString is not valid JSON"),
            "bad-body.yaml": (
                "Resources:\n  P:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n"
                "      PipelineName: p\n      RoleArn: r\n      PipelineDefinition:\n"
                "        PipelineDefinitionBody: |\n          {\"Version\": \"2020-12-01\",\n"
                "           \"Steps\": [}\n", r":10:22: .*PipelineDefinitionBody is not valid JSON"),
        }
        for name, (text, where) in cases.items():
            path = os.path.join(self.dir, name)
            with open(path, "w") as f:
                f.write(text)
            for cmd in (["check"], ["fix", "--in-place"]):
                p = self.run_sg(*cmd, "--policy", self.policy, path)
                self.assertEqual(p.returncode, 2, (name, cmd, p.stdout, p.stderr))
                self.assertRegex(p.stderr, re.escape(path) + where, name)
            with open(path) as f:
                self.assertEqual(f.read(), text, name)


class Fixes(IacCase):
    def fix(self, src_rel):
        src = os.path.join(SOURCE_DIR, src_rel)
        out = os.path.join(self.dir, os.path.basename(src_rel))
        p = self.run_sg("fix", "--policy", self.policy, "-o", out, src)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        return src, out, p

    def remaining_fixable(self, out, allowed=()):
        report = self.check_json(out)
        left = [(f["resource"]["id"], f["rule"], f["path"]) for f in report["findings"]
                if f["rule"] in FIXABLE and f["fixable"]]
        return [x for x in left if x[0] not in allowed]

    def test_fixed_templates_lint_clean_and_recheck_clean(self):
        for t in TEMPLATES:
            src, out, p = self.fix(t)
            self.assertNotEqual(open(out).read(), open(src).read(), t)
            self.assertEqual(cfn_lint_errors(out), [], (t, open(out).read()))
            # Resources defined in JSON strings are not edited (said so).
            allowed = ("Batch", "ChurnPipeline") if "workflows" in t else ()
            self.assertEqual(self.remaining_fixable(out, allowed), [], (t, p.stdout))
            # A second fix changes nothing.
            again = os.path.join(self.dir, "again-" + os.path.basename(t))
            self.run_sg("fix", "--policy", self.policy, "-o", again, out)
            self.assertEqual(open(again).read(), open(out).read(), t)

    def test_yaml_fix_keeps_comments_tags_and_order(self):
        src, out, _ = self.fix(TEMPLATES[0])
        before, after = open(src).read(), open(out).read()
        for line in before.splitlines():
            if line.lstrip().startswith("#") or "!" in line:
                self.assertIn(line, after)
        # The model gained its VPC and isolation; the tags were appended.
        self.assertIn("      VpcConfig:\n", after)
        self.assertIn("      EnableNetworkIsolation: true\n", after)
        self.assertIn("        - Key: Contact\n          Value: ml-platform@ourcoolcompany.ai\n", after)
        self.assertIn("      KmsKeyId: " + VOLUME_KEY, after)

    def test_definition_strings_are_not_edited_and_say_why(self):
        src, out, p = self.fix(f"{DATA}/workflows.template.yaml")
        self.assertIn("DefinitionString", p.stdout)
        self.assertIn("PipelineDefinitionBody", p.stdout)
        self.assertRegex(p.stdout, r"tags.required: not applied .*JSON string in the template")
        score = [line for line in open(out).read().splitlines() if "DefinitionString" in line]
        self.assertEqual(score, [line for line in open(src).read().splitlines()
                                 if "DefinitionString" in line])
        # The inline Definition's tasks were fixed (their Parameters gained tags).
        report = self.check_json(out)
        deploy = [f for f in report["findings"] if f["resource"]["id"] in ("Model",)
                  and f["rule"] == "tags.required"]
        self.assertEqual(deploy, [])

    def test_state_machines_fix_and_leave_paths_alone(self):
        src, out, p = self.fix(STATE_MACHINES[0])
        fixed = json.load(open(out))
        params = fixed["States"]["Train"]["Parameters"]
        self.assertEqual(params["TrainingJobName.$"], "$.jobName")
        self.assertEqual(params["ResourceConfig"]["VolumeKmsKeyId"], VOLUME_KEY)
        self.assertEqual(params["OutputDataConfig"]["KmsKeyId"], OUTPUT_KEY)
        self.assertTrue(params["EnableManagedSpotTraining"])
        # The Contact tag's value is a path: present, left as it is.
        self.assertEqual(params["Tags"][1], {"Key": "Contact", "Value.$": "$.owner"})
        self.assertEqual(list(fixed["States"]), ["Train", "Register"])
        self.assertEqual(self.remaining_fixable(out), [], p.stdout)
        src, out, p = self.fix(STATE_MACHINES[1])
        self.assertEqual(self.remaining_fixable(out), [], p.stdout)
        self.assertIn("{% $states.input.name %}", open(out).read())


class Cdk(IacCase):
    def setUp(self):
        super().setUp()
        why = None
        if not shutil.which("node"):
            why = "node is not installed"
        elif not os.path.isdir(os.path.join(CDK_APP, "node_modules", "aws-cdk-lib")):
            why = "aws-cdk-lib is not in tests/integration/cdk_app/node_modules"
        if why:
            msg = (f"the CDK app cannot run ({why}); install it with: npm ci --prefix "
                   f"tests/integration/cdk_app (scripts/deps.sh --test does this)")
            if IN_CI:
                self.fail(msg)
            self.skipTest(msg)

    def test_synthesized_templates(self):
        outdir = os.path.join(self.dir, "cdk.out")
        p = subprocess.run(["node", os.path.join(CDK_APP, "app.js"), outdir],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        template = os.path.join(outdir, "ChurnStack.template.json")
        self.assertEqual(cfn_lint_errors(template), [])
        # The whole cdk.out folder: the manifest and asset files are skipped.
        report = self.check_json(outdir)
        s = report["summary"]
        self.assertEqual(s["resources"], 4)
        kinds = {f["resource"]["id"]: f["resource"]["kind"] for f in report["findings"]}
        self.assertEqual(kinds, {"ChurnModel": "Model", "ChurnEndpointConfig": "EndpointConfig",
                                 "ChurnEndpoint": "Endpoint", "TrainChurn": "TrainingJob"})
        # ModelName / EndpointConfigName from Fn::GetAtt, the role ARNs, and
        # the task's paths are unresolved.
        self.assertGreaterEqual(s["unresolved_values"], 7)
        got = {(f["resource"]["id"], f["rule"]) for f in report["findings"]}
        want = {("ChurnModel", "tags.required"), ("ChurnModel", "vpc.required"),
                ("ChurnModel", "network.isolation"), ("ChurnEndpointConfig", "kms.volume"),
                ("ChurnEndpoint", "tags.required"), ("TrainChurn", "instance.allowed"),
                ("TrainChurn", "kms.volume"), ("TrainChurn", "spot.enabled")}
        self.assertTrue(want <= got, sorted(want - got))
        # The training task's findings point into the DefinitionString's
        # Fn::Join parts: its instance type is that literal in the template.
        text = open(template).read().splitlines()
        f = next(f for f in report["findings"]
                 if f["resource"]["id"] == "TrainChurn" and f["rule"] == "instance.allowed")
        self.assertTrue(text[f["line"] - 1][f["column"] - 1:].startswith('\\"ml.p3.2xlarge\\"'))
        # fix edits the L1 resources and leaves the definition string alone.
        fixed = os.path.join(self.dir, "fixed.template.json")
        p = self.run_sg("fix", "--policy", self.policy, "-o", fixed, template)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        self.assertEqual(cfn_lint_errors(fixed), [])
        self.assertIn("DefinitionString", p.stdout)


if __name__ == "__main__":
    if not BIN or not os.access(BIN, os.X_OK):
        sys.exit(f"SAGEGUARD_BIN is not an executable: {BIN!r}")
    unittest.main(verbosity=2)
