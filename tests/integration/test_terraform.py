"""Terraform configurations and plans, checked as the SageMaker requests they
create, against Terraform itself (1.11 with the AWS provider 5.100 from the
local filesystem mirror /opt/tf-plugins).

Checks:
- `terraform validate` accepts the test module (HCL), its JSON-syntax twin
  and the example in examples/terraform, so the test data is real Terraform;
- `sageguard check` on the module reports the expected findings at the
  expected FILE:LINE:COL, with Terraform addresses as resource ids and the
  number of values it could not know;
- a real `terraform plan -out` + `terraform show -json` of the module gives
  the same resources and findings (by rule and address), located in the
  plan;
- the JSON syntax (.tf.json) gives the same findings as the HCL it mirrors;
- HCL that `terraform validate` rejects is exit 2 with FILE:LINE:COL;
- `fix` refuses a plan ("fix the .tf source") and leaves it untouched;
- `fix` edits the module, its JSON-syntax twin, the example and the fix
  test data (comments, heredocs, a training job): afterwards `terraform
  fmt -check` and `terraform validate` accept them (the training job,
  absent from provider 5.100, is format-checked only), `check` finds
  nothing the policy could supply, and fixing again changes nothing; bad
  HCL is exit 2 with FILE:LINE:COL and left untouched;
- `--kind terraform` / `terraform-plan` refuse the other (exit 2 when named,
  skipped in a folder walk), `--kind model` keeps the models, and a `.json`
  copy of the JSON syntax is read with `--kind terraform`.

Terraform runs offline: a CLI configuration in the scratch folder
(TF_CLI_CONFIG_FILE) installs the provider from the mirror, the provider has
fake static keys and skips every check that would call AWS, and where
`unshare` can make one, Terraform runs in a network namespace with only a
loopback interface (the provider plugin talks to Terraform over it), so any
attempt to reach AWS fails the test. Without terraform the test is skipped
(exit 77) with a message, and fails when CI=true."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("SG_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
BUILD = os.environ.get("SG_BUILD_DIR", os.path.join(SRC, "build"))
BIN = os.path.abspath(os.environ.get("SAGEGUARD_BIN", os.path.join(BUILD, "sageguard")))
MODULE = os.path.join(SRC, "tests", "testdata", "terraform", "module")
FIX_DATA = os.path.join(SRC, "tests", "testdata", "terraform", "fix")
EXAMPLE = os.path.join(SRC, "examples", "terraform")
POLICY = os.path.join(SRC, "examples", "sageguard.yaml")
MIRROR = "/opt/tf-plugins"

# (rule, Terraform address, line in main.tf, column): what the example
# policy finds in the module. Lines point at the HCL attribute, or at the
# resource block when the argument is missing.
EXPECTED_HCL = {
    ("vpc.required", "aws_sagemaker_model.churn", 16, 1),
    ("network.isolation", "aws_sagemaker_model.churn", 19, 3),
    ("tags.required", "aws_sagemaker_model.churn", 29, 3),      # Project Name, Contact
    ("tags.value", "aws_sagemaker_model.churn", 31, 22),        # Cost Center CC-999
    ("tags.required", "aws_sagemaker_model.scorer", 36, 1),
    ("kms.output", "aws_sagemaker_endpoint_configuration.churn", 66, 3),
    ("tags.required", "aws_sagemaker_endpoint_configuration.churn", 75, 3),
    ("kms.volume", "aws_sagemaker_endpoint_configuration.open", 81, 1),
    ("tags.required", "aws_sagemaker_endpoint_configuration.open", 81, 1),
    ("instance.allowed", "aws_sagemaker_endpoint_configuration.open", 84, 5),
    ("tags.required", "aws_sagemaker_endpoint.churn", 89, 1),
    # The model's tags (its own over the provider's default_tags) that the
    # endpoint config and the endpoint referring to it lack.
    ("tags.propagation", "aws_sagemaker_endpoint_configuration.churn", 75, 3),
    ("tags.propagation", "aws_sagemaker_endpoint.churn", 89, 1),
    # The pipeline's training step, inside jsonencode({...}).
    ("encryption.inter-container", "aws_sagemaker_pipeline.retrain", 104, 19),
    ("network.isolation", "aws_sagemaker_pipeline.retrain", 104, 19),
    ("spot.enabled", "aws_sagemaker_pipeline.retrain", 104, 19),
    ("tags.required", "aws_sagemaker_pipeline.retrain", 104, 19),
    ("vpc.required", "aws_sagemaker_pipeline.retrain", 104, 19),
    ("kms.output", "aws_sagemaker_pipeline.retrain", 110, 28),
    ("kms.volume", "aws_sagemaker_pipeline.retrain", 113, 26),
}


# A module split over files (with providers.tf's default_tags Project and
# Sponsor): the config lacks the model's Cost Center and has another
# Sponsor; the endpoint has neither the model's Owner (a variable there: its
# value is never judged) nor Cost Center.
SPLIT_MODEL = """variable "owner" {
  type    = string
  default = "ada"
}

resource "aws_sagemaker_model" "m" {
  execution_role_arn = "arn:aws:iam::111122223333:role/r"

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:1"
  }

  tags = {
    "Cost Center" = "CC-100"
    Owner         = var.owner
  }
}
"""
SPLIT_SERVE = """resource "aws_sagemaker_endpoint_configuration" "c" {
  production_variants {
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.m.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }

  tags = {
    Sponsor = "finance"
    Owner   = "someone"
  }
}

resource "aws_sagemaker_endpoint" "e" {
  endpoint_config_name = aws_sagemaker_endpoint_configuration.c.id
}
"""
EXPECTED_SPLIT = {
    ("tags.propagation", "aws_sagemaker_endpoint_configuration.c", 10, 15),  # Sponsor
    ("tags.propagation", "aws_sagemaker_endpoint_configuration.c", 9, 3),    # Cost Center
    ("tags.propagation", "aws_sagemaker_endpoint.e", 15, 1),                 # Cost Center, Owner
}


def check(cond, msg):
    if not cond:
        print("FAIL: " + msg)
        sys.exit(1)


def skip_or_fail(msg):
    print(msg)
    if os.environ.get("CI") == "true":
        print("FAIL: CI=true requires it")
        sys.exit(1)
    sys.exit(77)


class Terraform:
    def __init__(self, scratch):
        self.cli_config = os.path.join(scratch, "terraform.rc")
        with open(self.cli_config, "w") as f:
            f.write('provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' % MIRROR)
        self.env = dict(os.environ, TF_CLI_CONFIG_FILE=self.cli_config, AWS_EC2_METADATA_DISABLED="true",
                        TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_PLUGIN_CACHE_DIR="")
        self.env.pop("TF_PLUGIN_CACHE_DIR")
        for k in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            self.env.pop(k, None)
        self.offline = self._can_isolate()

    @staticmethod
    def _can_isolate():
        if not shutil.which("unshare") or not shutil.which("ip"):
            return False
        p = subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True)
        return p.returncode == 0

    def run(self, args, cwd, rc=0):
        cmd = ["terraform"] + args
        if self.offline:
            quoted = " ".join("'%s'" % a for a in cmd)
            cmd = ["unshare", "-rn", "sh", "-c", "ip link set lo up && exec " + quoted]
        p = subprocess.run(cmd, cwd=cwd, env=self.env, capture_output=True, text=True, timeout=600)
        check(p.returncode == rc, "terraform %s in %s: exit %d (want %d)\n%s\n%s"
              % (" ".join(args), cwd, p.returncode, rc, p.stdout[-3000:], p.stderr[-3000:]))
        return p


def sageguard(args, cwd, rc):
    env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true", NO_COLOR="1")
    env.pop("SAGEGUARD_POLICY", None)
    p = subprocess.run([BIN] + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    check(rc is None or p.returncode == rc, "sageguard %s: exit %d (want %s)\n%s\n%s"
          % (" ".join(args), p.returncode, rc, p.stdout[-3000:], p.stderr[-3000:]))
    return p


def findings(report, file_suffix=None):
    out = set()
    for f in report["findings"]:
        if file_suffix and not f["file"].endswith(file_suffix):
            continue
        out.add((f["rule"], f["resource"].get("id", ""), f["line"], f["column"]))
    return out


def by_rule_and_address(found):
    return {(rule, address) for rule, address, _, _ in found}


def copy_module(dst, with_state_machine=True):
    shutil.copytree(MODULE, dst)
    if not with_state_machine:
        # Planning a state machine makes the provider ask AWS to validate
        # its definition (ValidateStateMachineDefinition).
        os.remove(os.path.join(dst, "sfn.tf"))


JSON_TWIN = {
    "resource": {
        "aws_sagemaker_model": {
            "churn": {
                "name": "churn-model",
                "execution_role_arn": "${var.role_arn}",
                "enable_network_isolation": False,
                "primary_container": {
                    "image": "${var.image}",
                    "model_data_url": "s3://ourcoolcompany-models/churn/model.tar.gz",
                    "environment": {"LOG_LEVEL": "info"},
                },
                "tags": {"Project Lead": "Ada Lovelace", "Cost Center": "CC-999"},
            }
        }
    },
    "variable": {"role_arn": {"type": "string", "default": "arn:aws:iam::111122223333:role/r"},
                 "image": {"type": "string", "default": "111122223333.dkr.ecr.us-east-1.amazonaws.com/c:1"}},
}

# What the example policy supplies: fix must leave none of these behind.
# (tags.required stays for tags without a default: only Contact has one.)
SUPPLIED = {"vpc.required", "network.isolation", "encryption.inter-container", "kms.volume",
            "kms.output", "spot.enabled", "spot.max-wait", "spot.checkpoint"}


def supplied_left(report):
    return sorted((f["rule"], f["resource"].get("id", ""), f["line"]) for f in report["findings"]
                  if f["rule"] in SUPPLIED or (f["rule"] == "tags.required" and "'Contact'" in f["message"]))


def fixed_and_valid(tf, folder, files, validate=True):
    """fix --in-place each file; then fmt -check, validate, a clean check
    of what the policy supplies, and a second fix that changes nothing."""
    for name in files:
        p = sageguard(["fix", "--policy", POLICY, "--in-place", name], folder, rc=None)
        check(p.returncode in (0, 1), "fix %s: exit %d\n%s" % (name, p.returncode, p.stderr))
        with open(os.path.join(folder, name)) as f:
            once = f.read()
        p = sageguard(["fix", "--policy", POLICY, "--in-place", name], folder, rc=None)
        with open(os.path.join(folder, name)) as f:
            check(f.read() == once, "fixing %s again changed it" % name)
        made = [l for l in p.stdout.splitlines()
                if re.match(r"%s:\d+: [a-z.-]+: (?!not )" % re.escape(name), l)]
        check(not made, "a second fix of %s made changes: %s" % (name, made))
        report = json.loads(sageguard(["check", "--policy", POLICY, "--format", "json", name], folder,
                                      rc=None).stdout)
        left = supplied_left(report)
        check(not left, "%s still has what the policy supplies: %s" % (name, left))
    if any(n.endswith(".tf") for n in files):
        tf.run(["fmt", "-check", "-diff"], folder)
    if validate:
        tf.run(["init", "-input=false", "-backend=false"], folder)
        tf.run(["validate"], folder)


def fix_module(tf, tmp):
    """The test module (models, endpoint configs, an endpoint, a pipeline
    in jsonencode, a state machine task in jsonencode)."""
    mod = os.path.join(tmp, "fixed-module")
    copy_module(mod)
    with open(os.path.join(mod, "providers.tf")) as f:
        providers = f.read()
    p = sageguard(["fix", "--policy", POLICY, "--diff", "main.tf"], mod, rc=1)
    # The provider's default_tags (Project, Sponsor) are not added again.
    added = [l for l in p.stdout.splitlines() if l.startswith("+") and re.search(r"\b(Project|Sponsor)\s*=", l)]
    check(not added, "fix added default tags: %s" % added)
    check("+    Contact" in p.stdout, "fix did not add Contact:\n" + p.stdout)
    # kms_key_arn = aws_kms_key.endpoint.arn: a reference, reported, not edited.
    check(re.search(r"main.tf:57: kms.volume: not applied .*aws_kms_key.endpoint.arn", p.stderr),
          "the reference is not reported: " + p.stderr)
    fixed_and_valid(tf, mod, ["main.tf", "sfn.tf"])
    with open(os.path.join(mod, "providers.tf")) as f:
        check(f.read() == providers, "fix changed providers.tf")
    print("ok: fix on the module: fmt -check, validate and check accept it, a second fix is a no-op")


def fix_json_twin(tf, twin):
    fixed_and_valid(tf, twin, ["main.tf.json"])
    with open(os.path.join(twin, "main.tf.json")) as f:
        fixed = json.load(f)
    model = fixed["resource"]["aws_sagemaker_model"]["churn"]
    check(model["enable_network_isolation"] is True and "vpc_config" in model
          and model["tags"].get("Contact") == "ml-platform@ourcoolcompany.ai", "JSON syntax: %s" % model)
    print("ok: fix on .tf.json: validate and check accept it")


def fix_more(tf, tmp):
    """serving.tf (comments, a heredoc, an empty tags map, a block without
    its key) is fixed and validated; training.tf too, but not validated:
    aws_sagemaker_training_job is not in the AWS provider 5.100."""
    d = os.path.join(tmp, "fix-data")
    shutil.copytree(FIX_DATA, d)
    shutil.copy(os.path.join(MODULE, "providers.tf"), d)
    with open(os.path.join(d, "serving.tf")) as f:
        heredoc = f.read().split("<<-EOT")[1].split("EOT")[0]
    fixed_and_valid(tf, d, ["training.tf"], validate=False)
    os.rename(os.path.join(d, "training.tf"), os.path.join(tmp, "training.tf"))
    fixed_and_valid(tf, d, ["serving.tf"])
    with open(os.path.join(d, "serving.tf")) as f:
        text = f.read()
    check(heredoc in text and "# the model's name" in text and "# owner" in text,
          "serving.tf lost a heredoc or a comment:\n" + text)
    print("ok: fix on HCL with comments and heredocs; a training job (fmt only)")


def main():
    if not os.access(BIN, os.X_OK):
        print("sageguard not built at %s" % BIN)
        return 77 if os.environ.get("SAGEGUARD_ALLOW_SKIP") else 1
    if not shutil.which("terraform"):
        skip_or_fail("skipped: terraform is not on PATH (Terraform 1.11 and the AWS provider in %s "
                     "are needed)" % MIRROR)
    if not os.path.isdir(MIRROR):
        skip_or_fail("skipped: no AWS provider mirror at %s" % MIRROR)

    with tempfile.TemporaryDirectory(prefix="sg-terraform-") as tmp:
        tf = Terraform(tmp)
        print("terraform runs %s" % ("in a network namespace without network" if tf.offline
                                     else "with the network reachable (no unshare)"))

        # ---- validate the test data (HCL module with the state machine)
        mod = os.path.join(tmp, "module")
        copy_module(mod)
        tf.run(["init", "-input=false", "-backend=false"], mod)
        tf.run(["validate"], mod)
        tf.run(["fmt", "-check", "-diff"], mod)
        print("ok: terraform validate and fmt -check accept the module")

        # ---- check the HCL
        p = sageguard(["check", "--policy", POLICY, "--format", "json", "main.tf"], mod, rc=1)
        report = json.loads(p.stdout)
        got = findings(report)
        check(got == EXPECTED_HCL, "HCL findings differ:\n missing %s\n unexpected %s"
              % (sorted(EXPECTED_HCL - got), sorted(got - EXPECTED_HCL)))
        check(report["summary"]["resources"] == 6, "resources: %s" % report["summary"])
        check(report["summary"]["unresolved_values"] > 0, "unresolved: %s" % report["summary"])
        text = sageguard(["check", "--policy", POLICY, "main.tf"], mod, rc=1).stdout
        check("main.tf:19:3:" in text and "unresolved" in text, "text report:\n" + text)
        sarif = json.loads(sageguard(["check", "--policy", POLICY, "--format", "sarif", "main.tf"], mod, rc=1).stdout)
        ids = {r["properties"].get("resourceId") for r in sarif["runs"][0]["results"]}
        check("aws_sagemaker_model.churn" in ids, "SARIF resource ids: %s" % ids)
        # The state machine's inline definition (jsonencode) is read as Step
        # Functions: its createModel task is a Model named by its state,
        # located in sfn.tf's Parameters (lines 13-19).
        sfn = findings(json.loads(sageguard(["check", "--policy", POLICY, "--format", "json", "sfn.tf"],
                                            mod, rc=1).stdout))
        sfn_rules = {(r, a) for r, a, _, _ in sfn}
        check({("vpc.required", "CreateModel"), ("network.isolation", "CreateModel")} <= sfn_rules
              and {a for _, a in sfn_rules} == {"CreateModel"}
              and all(13 <= line <= 19 for _, _, line, _ in sfn),
              "state machine findings: %s" % sorted(sfn))
        # A folder walk picks up *.tf (providers.tf holds no SageMaker
        # resource of its own and is skipped).
        folder = json.loads(sageguard(["check", "--policy", POLICY, "--format", "json", "."], mod, rc=1).stdout)
        check(findings(folder) == EXPECTED_HCL | sfn, "folder walk findings differ")
        print("ok: HCL findings, locations, ids and unresolved count; the state machine's task")

        # ---- the JSON syntax gives the model's findings too
        twin = os.path.join(tmp, "twin")
        os.makedirs(twin)
        shutil.copy(os.path.join(MODULE, "providers.tf"), twin)
        with open(os.path.join(twin, "main.tf.json"), "w") as f:
            json.dump(JSON_TWIN, f, indent=2)
        tf.run(["init", "-input=false", "-backend=false"], twin)
        tf.run(["validate"], twin)
        p = sageguard(["check", "--policy", POLICY, "--format", "json", "main.tf.json"], twin, rc=1)
        twin_rules = by_rule_and_address(findings(json.loads(p.stdout)))
        want = {(r, a) for r, a in by_rule_and_address(EXPECTED_HCL) if a == "aws_sagemaker_model.churn"}
        check(twin_rules == want, "JSON syntax: %s, want %s" % (sorted(twin_rules), sorted(want)))
        print("ok: .tf.json gives the HCL's findings")

        # ---- a module split over files: the model in one, what refers to
        # it in another; tags.propagation relates them, in a folder walk and
        # with the referring file named alone.
        split = os.path.join(tmp, "split")
        os.makedirs(split)
        shutil.copy(os.path.join(MODULE, "providers.tf"), split)
        with open(os.path.join(split, "model.tf"), "w") as f:
            f.write(SPLIT_MODEL)
        with open(os.path.join(split, "serve.tf"), "w") as f:
            f.write(SPLIT_SERVE)
        tf.run(["init", "-input=false", "-backend=false"], split)
        tf.run(["validate"], split)
        tf.run(["fmt", "-check", "-diff"], split)
        for args in (["."], ["serve.tf"]):
            p = sageguard(["check", "--policy", POLICY, "--format", "json", *args], split, rc=1)
            got = {f for f in findings(json.loads(p.stdout)) if f[0] == "tags.propagation"}
            check(got == EXPECTED_SPLIT, "split module %s: missing %s, unexpected %s"
                  % (args, sorted(EXPECTED_SPLIT - got), sorted(got - EXPECTED_SPLIT)))
        # The model's name is Terraform's: its plan knows the config's
        # model_name only after apply, and the configuration section says
        # which resource it comes from.
        tf.run(["plan", "-input=false", "-refresh=false", "-lock=false", "-out=plan.out"], split)
        with open(os.path.join(split, "plan.json"), "w") as f:
            f.write(tf.run(["show", "-json", "plan.out"], split).stdout)
        p = sageguard(["check", "--policy", POLICY, "--format", "json", "plan.json"], split, rc=1)
        got = {(r, a) for r, a, _, _ in findings(json.loads(p.stdout)) if r == "tags.propagation"}
        check(got == by_rule_and_address(EXPECTED_SPLIT), "split module's plan: %s" % sorted(got))
        print("ok: tags.propagation across the files of a module, and in its plan")

        # ---- a real plan
        plan_dir = os.path.join(tmp, "plan")
        copy_module(plan_dir, with_state_machine=False)
        tf.run(["init", "-input=false", "-backend=false"], plan_dir)
        tf.run(["plan", "-input=false", "-refresh=false", "-lock=false", "-out=plan.out"], plan_dir)
        shown = tf.run(["show", "-json", "plan.out"], plan_dir)
        with open(os.path.join(plan_dir, "plan.json"), "w") as f:
            f.write(shown.stdout)
        before = shown.stdout
        p = sageguard(["check", "--policy", POLICY, "--format", "json", "plan.json"], plan_dir, rc=1)
        plan_report = json.loads(p.stdout)
        plan_found = findings(plan_report)
        check(by_rule_and_address(plan_found) == by_rule_and_address(EXPECTED_HCL),
              "plan findings differ:\n missing %s\n unexpected %s"
              % (sorted(by_rule_and_address(EXPECTED_HCL) - by_rule_and_address(plan_found)),
                 sorted(by_rule_and_address(plan_found) - by_rule_and_address(EXPECTED_HCL))))
        lines = shown.stdout.count("\n") + 1
        for rule, address, line, col in plan_found:
            check(1 <= line <= lines and col >= 1, "plan location %s %s %d:%d" % (rule, address, line, col))
        check(plan_report["summary"]["unresolved_values"] > 0, "plan unresolved: %s" % plan_report["summary"])
        print("ok: terraform show -json of a real plan gives the same findings")

        # ---- --kind names the Terraform format or a resource kind
        p = sageguard(["check", "--policy", POLICY, "--format", "json", "--kind", "terraform-plan",
                       "plan.json"], plan_dir, rc=1)
        check(findings(json.loads(p.stdout)) == plan_found, "--kind terraform-plan findings differ")
        p = sageguard(["check", "--policy", POLICY, "--kind", "terraform", "plan.json"], plan_dir, rc=2)
        check("not what --kind terraform says" in p.stderr and "--kind terraform-plan" in p.stderr,
              "--kind terraform on a plan: %r" % p.stderr)
        p = sageguard(["check", "--policy", POLICY, "--kind", "terraform-plan", "main.tf"], plan_dir, rc=2)
        check("not what --kind terraform-plan says" in p.stderr, "--kind terraform-plan on a .tf: %r" % p.stderr)
        # A folder walk with --kind terraform-plan skips the .tf files.
        walk = json.loads(sageguard(["check", "--policy", POLICY, "--format", "json", "--kind",
                                     "terraform-plan", "."], plan_dir, rc=1).stdout)
        check(findings(walk) == plan_found, "--kind terraform-plan folder walk findings differ")
        check(walk["summary"]["skipped"] >= 2, "--kind terraform-plan folder walk: %s" % walk["summary"])
        p = sageguard(["check", "--policy", POLICY, "--format", "json", "--kind", "model", "main.tf"], mod, rc=1)
        models = findings(json.loads(p.stdout))
        want = {f for f in EXPECTED_HCL if f[1].startswith("aws_sagemaker_model.")}
        check(models == want, "--kind model: %s, want %s" % (sorted(models), sorted(want)))
        # The JSON twin under a plain .json name, read as .tf.json.
        shutil.copy(os.path.join(twin, "main.tf.json"), os.path.join(twin, "infra.json"))
        p = sageguard(["check", "--policy", POLICY, "--format", "json", "--kind", "terraform",
                       "infra.json"], twin, rc=1)
        check(by_rule_and_address(findings(json.loads(p.stdout))) == twin_rules, "--kind terraform on .json")
        print("ok: --kind terraform / terraform-plan / model on Terraform")

        p = sageguard(["fix", "--policy", POLICY, "--in-place", "plan.json"], plan_dir, rc=2)
        check("fix the .tf source" in p.stderr, "fix on a plan: %r" % p.stderr)
        with open(os.path.join(plan_dir, "plan.json")) as f:
            check(f.read() == before, "fix changed the plan")
        print("ok: a plan is never fixed")

        # ---- fix edits configurations: fmt, validate and check agree
        fix_module(tf, tmp)
        fix_json_twin(tf, twin)
        fix_more(tf, tmp)

        # ---- bad HCL: Terraform rejects it too, sageguard says where
        bad_dir = os.path.join(tmp, "bad")
        os.makedirs(bad_dir)
        with open(os.path.join(bad_dir, "main.tf"), "w") as f:
            f.write('resource "aws_sagemaker_model" "m" {\n  name = "m"\n  tags = {\n    A = "b"\n}\n')
        tf.run(["validate"], bad_dir, rc=1)
        p = sageguard(["check", "main.tf"], bad_dir, rc=2)
        check("main.tf:6:1:" in p.stderr, "bad HCL error: %r" % p.stderr)
        # As for JSON and YAML, the report lists it as a parse.error too.
        check("main.tf:6:1: error: invalid HCL" in p.stdout, "bad HCL report: %r" % p.stdout)
        with open(os.path.join(bad_dir, "main.tf")) as f:
            bad = f.read()
        p = sageguard(["fix", "--policy", POLICY, "--in-place", "main.tf"], bad_dir, rc=2)
        check("main.tf:6:1:" in p.stderr, "fix on bad HCL: %r" % p.stderr)
        with open(os.path.join(bad_dir, "main.tf")) as f:
            check(f.read() == bad, "fix changed the bad HCL")
        check(sorted(os.listdir(bad_dir)) == ["main.tf"], "fix left files: %s" % os.listdir(bad_dir))
        print("ok: bad HCL -> exit 2 at FILE:LINE:COL")

        # ---- the README's example is valid Terraform
        ex = os.path.join(tmp, "example")
        shutil.copytree(EXAMPLE, ex)
        tf.run(["init", "-input=false", "-backend=false"], ex)
        tf.run(["validate"], ex)
        tf.run(["fmt", "-check", "-diff"], ex)
        print("ok: examples/terraform is valid and formatted")
        fixed_and_valid(tf, ex, ["main.tf"])
        print("ok: examples/terraform fixed, still valid and formatted")
    print("test_terraform: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
