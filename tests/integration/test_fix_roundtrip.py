#!/usr/bin/env python3
"""check -> fix -> check through the built CLI ($SAGEGUARD_BIN).

For sample files (JSON and YAML, every kind fix knows, plus the repository's
examples) in a temp dir, with a policy that supplies every value:
  - check reports fixable findings (exit 1); fix --in-place repairs them,
    prints one `file:line: rule: what` line per change, and a second check
    reports none of the fixed rules at the fixed paths;
  - a second fix changes nothing, byte for byte;
  - the fixed document parses (json / PyYAML) with the policy's values where
    the rules want them, original keys keep their order, YAML comments stay;
  - `--diff` is a unified diff that `patch` applies to a copy of the original
    to give exactly what `-o` wrote;
  - bad input (invalid JSON, unrecognised document, -o into a missing folder,
    --in-place in a read-only folder) exits 2 and leaves the original
    byte-identical.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


def missing(what):
    print(f"test_fix_roundtrip: {what}", file=sys.stderr)
    sys.exit(SKIP if os.environ.get("SAGEGUARD_ALLOW_SKIP") else 1)


try:
    import yaml
except ImportError as e:  # pragma: no cover
    missing(f"needs PyYAML: {e}")

SOURCE_DIR = os.environ.get("SG_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
BIN = os.environ.get("SAGEGUARD_BIN") or os.path.join(os.environ.get("SG_BUILD_DIR", ""),
                                                      "sageguard")
if not os.path.isfile(BIN) or not os.access(BIN, os.X_OK):
    missing(f"no sageguard binary at {BIN!r} (set SAGEGUARD_BIN)")
if not shutil.which("patch"):
    missing("needs patch(1)")

VOLUME_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OUTPUT_KEY = "arn:aws:kms:us-east-1:111122223333:key/5678efab-34cd-56ef-78ab-0987654321fe"
POLICY = f"""version: 1
rules:
  spot.enabled: warning
tags:
  required: [Project, Sponsor, "Project Lead", "Project Name", "Cost Center", Contact]
  defaults:
    Project: churn
    Sponsor: Dana Whitfield
    Project Lead: Ravi Menon
    Project Name: Churn model
    Cost Center: CC-200
    Contact: ml-platform@ourcoolcompany.ai
vpc:
  subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
  security_groups: [sg-0123abcd]
  subnets_reach_s3: true
kms:
  volume_key: {VOLUME_KEY}
  output_key: {OUTPUT_KEY}
spot:
  checkpoint_s3_prefix: s3://ml-checkpoints/
  max_wait_factor: 2.0
"""

FIXABLE = {"tags.required", "vpc.required", "network.isolation", "encryption.inter-container",
           "kms.volume", "kms.output", "spot.enabled", "spot.max-wait", "spot.checkpoint"}

IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
ROLE = "arn:aws:iam::111122223333:role/SageMakerTraining"

SAMPLES = {
    "train.json": json.dumps({
        "TrainingJobName": "churn-train-1",
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"S3OutputPath": "s3://acme-ml-artifacts/churn/"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                           "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "EnableNetworkIsolation": False,
        "Tags": [{"Key": "Project", "Value": "churn"}],
    }, indent=4) + "\n",
    "train-nvme.yaml": f"""# A training job on a local-NVMe instance type.
TrainingJobName: churn-train-nvme
AlgorithmSpecification:
  TrainingImage: {IMAGE}
  TrainingInputMode: File
RoleArn: {ROLE}
OutputDataConfig:
  S3OutputPath: s3://acme-ml-artifacts/churn/   # where models go
ResourceConfig:
  InstanceType: ml.g4dn.xlarge   # NVMe: no volume key
  InstanceCount: 1
  VolumeSizeInGB: 30
StoppingCondition:
  MaxRuntimeInSeconds: 7200
  MaxWaitTimeInSeconds: 600   # below the runtime
EnableManagedSpotTraining: true
Tags:
- Key: Project
  Value: churn
# trailing comment
""",
    "processing.yaml": f"""ProcessingJobName: features-1
ProcessingResources:
  ClusterConfig:
    InstanceCount: 1
    InstanceType: ml.m5.xlarge
    VolumeSizeInGB: 30
ProcessingOutputConfig:
  Outputs:
    - OutputName: features
      S3Output:
        S3Uri: s3://acme/features/
        LocalPath: /opt/ml/processing/output
        S3UploadMode: EndOfJob
AppSpecification:
  ImageUri: {IMAGE}
RoleArn: {ROLE}
StoppingCondition:
  MaxRuntimeInSeconds: 3600
""",
    "endpoint-config.json": json.dumps({
        "EndpointConfigName": "churn-ec",
        "ProductionVariants": [{"VariantName": "v1", "ModelName": "churn-model",
                                "InstanceType": "ml.m5.xlarge", "InitialInstanceCount": 1}],
        "DataCaptureConfig": {"InitialSamplingPercentage": 10, "DestinationS3Uri": "s3://cap/",
                              "CaptureOptions": [{"CaptureMode": "Input"}]},
    }, indent=2),  # no trailing newline
    # As DescribeTrainingJob prints it (and AWS's examples write it): empty keys.
    "describe-empty-keys.json": json.dumps({
        "TrainingJobName": "churn-described-1",
        "TrainingJobArn": "arn:aws:sagemaker:us-east-1:111122223333:training-job/churn-described-1",
        "TrainingJobStatus": "Completed",
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"KmsKeyId": "", "S3OutputPath": "s3://acme-ml-artifacts/churn/"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                           "VolumeSizeInGB": 30, "VolumeKmsKeyId": ""},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "EnableNetworkIsolation": False,
        "EnableInterContainerTrafficEncryption": False,
        "EnableManagedSpotTraining": False,
    }, indent=4) + "\n",
    # SDK script mode: the code is fetched from S3 at start-up.
    "script-mode.json": json.dumps({
        "TrainingJobName": "pytorch-training-2026-12-01-10-00-00-000",
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "HyperParameters": {
            "sagemaker_program": '"train.py"',
            "sagemaker_submit_directory":
                '"s3://acme-ml-code/pytorch-training-2026-12-01-10-00-00-000/source/sourcedir.tar.gz"',
            "sagemaker_region": '"us-east-1"'},
        "OutputDataConfig": {"S3OutputPath": "s3://acme-ml-artifacts/pt/"},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                           "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }, indent=2) + "\n",
    "model.json": json.dumps({
        "ModelName": "churn-model", "ExecutionRoleArn": ROLE,
        "PrimaryContainer": {"Image": IMAGE, "ModelDataUrl": "s3://acme/model.tar.gz"},
    }, separators=(",", ":")),
}


def run(*args, check_rc=None):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120)
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError(f"{' '.join(args)}: exit {p.returncode}, wanted {check_rc}\n"
                             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def check_json(policy, path):
    p = run("check", "--policy", policy, "--format", "json", path)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode, json.loads(p.stdout)["findings"]


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return text, (json.loads(text) if text.lstrip().startswith(("{", "[")) else yaml.safe_load(text))


def keys_in_order(orig, fixed):
    """Original keys keep their relative order (recursively) in the fixed document."""
    if isinstance(orig, dict):
        assert isinstance(fixed, dict)
        fixed_keys = [k for k in fixed if k in orig]
        assert fixed_keys == list(orig), (list(orig), list(fixed))
        for k in orig:
            keys_in_order(orig[k], fixed[k])
    elif isinstance(orig, list):
        for a, b in zip(orig, fixed):
            keys_in_order(a, b)


CHANGE_LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): (?P<rule>[a-z.-]+): (?!not (?:fixed|applied))(?P<what>.+)$")
# A change fix will not make because it could break the job.
WITHHELD_LINE = re.compile(
    r"^(?P<file>[^:]+):(?P<line>\d+): (?P<rule>[a-z.-]+): not fixed \(it could break the job\): "
    r"(?P<why>.+)$")


def roundtrip(work, policy, name):
    path = os.path.join(work, name)
    original, orig_doc = load(path)
    rc, before = check_json(policy, path)
    assert rc == 1, f"{name}: check should fail before fix"
    fixable_before = {(f["rule"], f["path"]) for f in before if f["rule"] in FIXABLE}
    assert fixable_before, name

    p = run("fix", "--policy", policy, "--in-place", path)
    assert p.returncode in (0, 1), p.stderr
    changes = []
    for line in p.stdout.splitlines():
        m = CHANGE_LINE.match(line)
        if m and m.group("file") == path:
            changes.append(m)
    assert changes, f"{name}: fix printed no changes:\n{p.stdout}"
    for m in changes:
        assert int(m.group("line")) >= 1
    fixed_rules = {m.group("rule") for m in changes}

    rc_after, after = check_json(policy, path)
    assert rc_after == p.returncode, (name, rc_after, p.returncode, after)
    remaining = {(f["rule"], f["path"]) for f in after}
    for rule, ptr in fixable_before:
        if rule in fixed_rules and rule != "tags.required":
            assert (rule, ptr) not in remaining, (name, rule, ptr)
    assert not any(f["rule"] == "tags.required" for f in after), name  # defaults for all six

    fixed, fixed_doc = load(path)
    assert fixed != original
    keys_in_order(orig_doc, fixed_doc)
    for line in original.splitlines():
        if line.lstrip().startswith("#"):
            assert line in fixed.splitlines(), f"{name}: comment lost: {line!r}"

    # Idempotent: byte for byte.
    p2 = run("fix", "--policy", policy, "--in-place", path)
    assert p2.returncode == p.returncode
    assert load(path)[0] == fixed, name
    assert not [l for l in p2.stdout.splitlines() if CHANGE_LINE.match(l) and
                CHANGE_LINE.match(l).group("file") == path], p2.stdout
    return original, fixed, fixed_doc, fixed_rules


def diff_applies(work, policy, name, original, fixed):
    src = os.path.join(work, "diff-" + name)
    with open(src, "w", encoding="utf-8") as f:
        f.write(original)
    out = os.path.join(work, "out-" + name)
    p = run("fix", "--policy", policy, "--diff", "-o", out, src)
    assert p.returncode in (0, 1), p.stderr
    with open(out, encoding="utf-8") as f:
        assert f.read() == fixed, f"{name}: -o differs from --in-place"
    with open(src, encoding="utf-8") as f:
        assert f.read() == original, f"{name}: -o touched the input"
    diff = p.stdout
    assert diff.startswith(f"--- {src}\n+++ {out}\n@@ "), diff[:200]
    target = os.path.join(work, "patched-" + name)
    shutil.copyfile(src, target)
    pp = subprocess.run(["patch", "--batch", "--silent", target], input=diff, text=True,
                        capture_output=True, timeout=60)
    assert pp.returncode == 0, pp.stdout + pp.stderr
    with open(target, encoding="utf-8") as f:
        assert f.read() == fixed, f"{name}: patched copy differs"
    # Preview only: --diff alone writes nothing.
    p = run("fix", "--policy", policy, "--diff", src)
    assert p.stdout == diff.replace(f"+++ {out}\n", f"+++ {src}\n"), p.stdout
    with open(src, encoding="utf-8") as f:
        assert f.read() == original


def variants(doc):
    """The same document in other layouts people (and tools) write."""
    yield "indent1.json", json.dumps(doc, indent=1)
    yield "tabs.json", json.dumps(doc, indent="\t") + "\n"
    yield "compact.json", json.dumps(doc, separators=(",", ":"))
    yield "oneline.json", json.dumps(doc)
    yield "crlf.json", json.dumps(doc, indent=2).replace("\n", "\r\n") + "\r\n"
    yield "block2.yaml", yaml.safe_dump(doc, sort_keys=False, default_flow_style=False)
    yield "block4.yaml", yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, indent=4)
    yield "flowseq.yaml", yaml.safe_dump(doc, sort_keys=False, default_flow_style=None)


def layouts_agree(work, policy, name, fixed_doc):
    """Whatever the layout, fix yields the same data as for the sample."""
    _, orig_doc = load(os.path.join(work, "diff-" + name))
    for suffix, text in variants(orig_doc):
        path = os.path.join(work, f"var-{name}-{suffix}")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        p = run("fix", "--policy", policy, "--in-place", path)
        assert p.returncode in (0, 1), (suffix, p.stderr)
        once, doc = load(path)
        if suffix == "flowseq.yaml":
            # Flow collections are never edited; the rest is, and parses.
            assert "not applied" in p.stdout or doc == fixed_doc, (suffix, p.stdout)
        else:
            assert doc == fixed_doc, (name, suffix, once)
        run("fix", "--policy", policy, "--in-place", path)
        assert load(path)[0] == once, (name, suffix)


def bad_inputs(work, policy):
    sample = os.path.join(work, "bad-src.json")
    text = SAMPLES["train.json"]
    with open(sample, "w") as f:
        f.write(text)
    # -o into a folder that does not exist.
    p = run("fix", "--policy", policy, "-o", os.path.join(work, "nope", "out.json"), sample,
            check_rc=2)
    assert "error" in p.stderr
    assert open(sample).read() == text
    # Invalid JSON.
    broken = os.path.join(work, "broken.json")
    with open(broken, "w") as f:
        f.write('{"TrainingJobName": "x",\n  "RoleArn": \n')
    p = run("fix", "--policy", policy, "--in-place", broken, check_rc=2)
    assert "broken.json:" in p.stderr, p.stderr
    assert open(broken).read() == '{"TrainingJobName": "x",\n  "RoleArn": \n'
    # Not a SageMaker document.
    other = os.path.join(work, "other.json")
    with open(other, "w") as f:
        f.write('{"hello": "world"}\n')
    run("fix", "--policy", policy, "--in-place", other, check_rc=2)
    assert open(other).read() == '{"hello": "world"}\n'
    # Neither --in-place nor -o, or both: usage errors.
    run("fix", "--policy", policy, sample, check_rc=2)
    run("fix", "--policy", policy, "--in-place", "-o", "x.json", sample, check_rc=2)
    run("fix", "--policy", policy, "--only", "no.such-rule", "--in-place", sample, check_rc=2)
    assert open(sample).read() == text

    # --in-place in a read-only folder: the atomic write fails, nothing changes.
    ro = tempfile.mkdtemp(prefix="sg-fix-ro-")
    try:
        target = os.path.join(ro, "train.json")
        pol = os.path.join(ro, "policy.yaml")
        with open(target, "w") as f:
            f.write(text)
        shutil.copyfile(policy, pol)
        os.chmod(target, 0o644)
        os.chmod(pol, 0o644)
        os.chmod(ro, 0o555)
        cmd = [BIN, "fix", "--policy", pol, "--in-place", target]
        if os.geteuid() == 0:  # root ignores permission bits: drop to nobody
            if not shutil.which("setpriv"):
                missing("running as root needs setpriv(1) for the read-only test")
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
        assert "error" in p.stderr, p.stderr
        assert open(target).read() == text
        assert sorted(os.listdir(ro)) == ["policy.yaml", "train.json"], os.listdir(ro)
    finally:
        os.chmod(ro, 0o755)
        shutil.rmtree(ro)


def stdout_and_filters(work, policy):
    src = os.path.join(work, "filters.json")
    with open(src, "w") as f:
        f.write(SAMPLES["train.json"])
    # -o -: the document on stdout, the change lines on stderr.
    p = run("fix", "--policy", policy, "-o", "-", src)
    doc = json.loads(p.stdout)
    assert doc["ResourceConfig"]["VolumeKmsKeyId"] == VOLUME_KEY
    assert any(CHANGE_LINE.match(l) for l in p.stderr.splitlines()), p.stderr
    # --only / --skip narrow the rules.
    p = run("fix", "--policy", policy, "--only", "kms.volume,kms.output", "-o", "-", src)
    rules = {CHANGE_LINE.match(l).group("rule") for l in p.stderr.splitlines()
             if CHANGE_LINE.match(l) and CHANGE_LINE.match(l).group("file") == src}
    assert rules == {"kms.volume", "kms.output"}, p.stderr
    assert p.returncode == 1  # the rest still fails
    p = run("fix", "--policy", policy, "--skip", "tags.required", "-o", "-", src)
    doc = json.loads(p.stdout)
    assert [t["Key"] for t in doc["Tags"]] == ["Project"]
    assert doc["EnableNetworkIsolation"] is True


def remaining_is_check(work, policy_text):
    """What fix prints as left to fix is what check prints for its output.

    Over every example and every test input above, with a budget in the
    policy (so budget.max-cost prices each job, and a type without a price
    is an error in both), fix -o OUT's report must end with exactly check
    OUT's report, and both must exit alike.
    """
    policy = os.path.join(work, "budget-policy.yaml")
    with open(policy, "w") as f:
        f.write(policy_text + "limits:\n  max_job_cost_usd: 50\n")
    inputs = []
    for name, text in SAMPLES.items():
        inputs.append((name, text))
    unpriced = json.loads(SAMPLES["train.json"])
    unpriced["ResourceConfig"]["InstanceType"] = "ml.zz9.large"  # no price anywhere
    inputs.append(("unpriced.json", json.dumps(unpriced, indent=2)))
    for root, _, files in sorted(os.walk(os.path.join(SOURCE_DIR, "examples"))):
        for name in sorted(files):
            if name.endswith((".json", ".yaml", ".yml")) and name != "sageguard.yaml":
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    inputs.append((os.path.relpath(os.path.join(root, name), SOURCE_DIR)
                                   .replace(os.sep, "-"), f.read()))
    compared = 0
    for name, text in inputs:
        src = os.path.join(work, "rc-in-" + name)
        out = os.path.join(work, "rc-out-" + name)
        with open(src, "w", encoding="utf-8") as f:
            f.write(text)
        fixed = run("fix", "--policy", policy, "-o", out, src)
        checked = run("check", "--policy", policy, out)
        assert fixed.returncode == checked.returncode, (name, fixed.stdout, checked.stdout)
        if checked.returncode == 0:
            assert fixed.stdout.endswith("nothing left to fix\n"), (name, fixed.stdout)
            continue
        assert checked.stdout and fixed.stdout.endswith(checked.stdout), (
            f"{name}: fix's remaining findings differ from check's\n--- fix:\n{fixed.stdout}"
            f"\n--- check:\n{checked.stdout}")
        compared += 1
    assert compared >= len(SAMPLES), compared
    # The budget is judged in both: the unpriced job keeps its error.
    p = run("check", "--policy", policy, os.path.join(work, "rc-out-unpriced.json"))
    assert "no price for instance type 'ml.zz9.large'" in p.stdout, p.stdout


def main():
    work = tempfile.mkdtemp(prefix="sg-fix-")
    try:
        policy = os.path.join(work, "policy.yaml")
        with open(policy, "w") as f:
            f.write(POLICY)
        for name, text in SAMPLES.items():
            with open(os.path.join(work, name), "w") as f:
                f.write(text)

        results = {}
        for name in SAMPLES:
            results[name] = roundtrip(work, policy, name)
            diff_applies(work, policy, name, results[name][0], results[name][1])
            layouts_agree(work, policy, name, results[name][2])

        # What the policy supplied landed where the rules want it.
        _, _, train, rules = results["train.json"]
        assert train["ResourceConfig"]["VolumeKmsKeyId"] == VOLUME_KEY
        assert train["OutputDataConfig"]["KmsKeyId"] == OUTPUT_KEY
        assert train["VpcConfig"] == {"SecurityGroupIds": ["sg-0123abcd"],
                                      "Subnets": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]}
        assert train["EnableNetworkIsolation"] is True
        assert train["EnableManagedSpotTraining"] is True
        assert train["StoppingCondition"]["MaxWaitTimeInSeconds"] == 7200
        assert train["CheckpointConfig"]["S3Uri"] == "s3://ml-checkpoints/churn-train-1/"
        assert [t["Key"] for t in train["Tags"]] == ["Project", "Sponsor", "Project Lead",
                                                    "Project Name", "Cost Center", "Contact"]
        assert results["train.json"][1].startswith('{\n    "TrainingJobName"')  # 4-space indent kept

        _, _, nvme, rules = results["train-nvme.yaml"]
        assert "VolumeKmsKeyId" not in nvme["ResourceConfig"]
        assert "kms.volume" not in rules
        assert nvme["StoppingCondition"]["MaxWaitTimeInSeconds"] == 14400
        assert nvme["OutputDataConfig"]["KmsKeyId"] == OUTPUT_KEY

        _, _, proc, _ = results["processing.yaml"]
        assert proc["NetworkConfig"]["EnableNetworkIsolation"] is True
        assert proc["NetworkConfig"]["EnableInterContainerTrafficEncryption"] is True
        assert proc["NetworkConfig"]["VpcConfig"]["SecurityGroupIds"] == ["sg-0123abcd"]
        assert proc["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"] == VOLUME_KEY
        assert proc["ProcessingOutputConfig"]["KmsKeyId"] == OUTPUT_KEY

        _, text, ec, _ = results["endpoint-config.json"]
        assert ec["KmsKeyId"] == VOLUME_KEY
        assert ec["DataCaptureConfig"]["KmsKeyId"] == OUTPUT_KEY
        assert "AsyncInferenceConfig" not in ec
        assert not text.endswith("\n")

        # Empty keys are no keys: both are filled in place.
        _, _, described, rules = results["describe-empty-keys.json"]
        assert described["ResourceConfig"]["VolumeKmsKeyId"] == VOLUME_KEY
        assert described["OutputDataConfig"]["KmsKeyId"] == OUTPUT_KEY
        assert {"kms.volume", "kms.output"} <= rules

        # Script mode: isolation would stop the code download; not applied,
        # reported with the reason, and the finding stays.
        _, _, script, rules = results["script-mode.json"]
        assert "EnableNetworkIsolation" not in script
        assert "network.isolation" not in rules
        path = os.path.join(work, "script-mode.json")
        p = run("fix", "--policy", policy, "-o", os.path.join(work, "script-again.json"), path)
        why = [m for m in map(WITHHELD_LINE.match, p.stdout.splitlines()) if m]
        assert [m.group("rule") for m in why] == ["network.isolation"], p.stdout
        assert "sagemaker_submit_directory" in why[0].group("why"), p.stdout
        rc, after = check_json(policy, path)
        iso = [f for f in after if f["rule"] == "network.isolation"]
        assert len(iso) == 1 and iso[0]["fixable"] is False, iso

        _, text, model, _ = results["model.json"]
        assert "\n" not in text  # compact stays compact
        assert model["EnableNetworkIsolation"] is True

        # The repository's examples: fix never breaks them, and is idempotent.
        for rel in ("examples/jobs", "examples/pipelines", "examples/deploy"):
            folder = os.path.join(SOURCE_DIR, rel)
            if not os.path.isdir(folder):
                continue
            for name in sorted(os.listdir(folder)):
                if not name.endswith((".json", ".yaml", ".yml")):
                    continue
                copy = os.path.join(work, "ex-" + name)
                shutil.copyfile(os.path.join(folder, name), copy)
                p = run("fix", "--policy", policy, "--in-place", copy)
                assert p.returncode in (0, 1), (name, p.stderr)
                once = open(copy, encoding="utf-8").read()
                load(copy)  # still parses
                if once != open(os.path.join(folder, name), encoding="utf-8").read():
                    assert CHANGE_LINE.match(p.stdout.splitlines()[0]), (name, p.stdout)
                run("fix", "--policy", policy, "--in-place", copy)
                assert open(copy, encoding="utf-8").read() == once, name
                check_json(policy, copy)  # check still reads it

        bad_inputs(work, policy)
        stdout_and_filters(work, policy)
        remaining_is_check(work, POLICY)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("test_fix_roundtrip: ok")


if __name__ == "__main__":
    main()
