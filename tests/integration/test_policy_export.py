#!/usr/bin/env python3
"""Policy export against real components.

Builds the IAM policy, SCPs and SageMaker SDK config from policies with the
small driver sg_policy_tool (tests/unit/policy/policy_tool_main.cc) and:
  (a) has moto's IAM (in-process, mock_aws) accept the IAM document and every
      SCP document, after checking that moto does reject a malformed one;
      then evaluates the Deny statements with a small IAM evaluator against
      request contexts built from sample SageMaker requests: compliant
      requests pass, each kind of violation is denied by the statement meant
      for it;
  (b) loads the SDK config with PyYAML and checks the key paths listed in
      docs/aws-notes.md ("SageMaker Python SDK intelligent defaults").

Environment: SG_BUILD_DIR (CTest), or SG_POLICY_TOOL pointing at the driver;
SG_SOURCE_DIR for the example policy. Runs with the pyenv python3 (moto 5.2,
boto3, PyYAML).
"""
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
for k in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(k, None)
os.environ["AWS_ACCESS_KEY_ID"] = "testing"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"

SKIP = 77


def missing(what):
    print(f"test_policy_export: {what}", file=sys.stderr)
    sys.exit(SKIP if os.environ.get("SAGEGUARD_ALLOW_SKIP") else 1)


try:
    import boto3
    import yaml
    from botocore.exceptions import ClientError
    from moto import mock_aws
except ImportError as e:  # pragma: no cover
    missing(f"needs moto, boto3 and PyYAML: {e}")

SOURCE_DIR = os.environ.get("SG_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
EXAMPLE = os.path.join(SOURCE_DIR, "examples", "sageguard.yaml")


def find_tool():
    cands = []
    if os.environ.get("SG_POLICY_TOOL"):
        cands.append(os.environ["SG_POLICY_TOOL"])
    build = os.environ.get("SG_BUILD_DIR")
    if build:
        cands += [os.path.join(build, "tests", "sg_policy_tool"), os.path.join(build, "sg_policy_tool")]
    for c in cands:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    missing(f"sg_policy_tool not found (tried {cands}); set SG_POLICY_TOOL")


TOOL = find_tool()
FAILURES = []


def check(cond, what):
    if cond:
        print(f"ok: {what}")
    else:
        print(f"FAIL: {what}")
        FAILURES.append(what)


def run_tool(*args):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"{TOOL} {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p.stdout, p.stderr


# ---------------------------------------------------------------------------
# A small IAM evaluator for Deny statements: the condition operators the
# exports use, with AWS's documented semantics for absent keys and the
# ForAnyValue / ForAllValues set operators.

def iam_like(pattern, value):
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, value, re.S) is not None


def single(op, value, policy_values):
    if op == "StringEquals":
        return value in policy_values
    if op == "StringNotEquals":
        return value not in policy_values
    if op == "StringLike":
        return any(iam_like(p, value) for p in policy_values)
    if op == "StringNotLike":
        return not any(iam_like(p, value) for p in policy_values)
    if op == "Bool":
        return str(value).lower() in [p.lower() for p in policy_values]
    raise ValueError(f"operator {op} not supported by the test evaluator")


NEGATED = {"StringNotEquals", "StringNotLike"}


def condition_true(full_op, key, policy_value, ctx):
    policy_values = policy_value if isinstance(policy_value, list) else [policy_value]
    present = key in ctx
    if full_op == "Null":
        want_absent = str(policy_values[0]).lower() == "true"
        return (not present) if want_absent else present
    set_op, _, op = full_op.rpartition(":")
    if set_op:
        values = ctx.get(key, [])
        values = values if isinstance(values, list) else [values]
        if set_op == "ForAnyValue":
            return any(single(op, v, policy_values) for v in values)
        if set_op == "ForAllValues":
            return all(single(op, v, policy_values) for v in values)
        raise ValueError(set_op)
    if not present:
        # Absent key: positive operators do not match, negated ones do.
        return op in NEGATED
    value = ctx[key]
    if isinstance(value, list):
        raise ValueError(f"{key} is multi-valued; the policy must use a set operator")
    return single(op, value, policy_values)


def denied_by(doc, action, ctx):
    """Sids of the Deny statements that apply to this request."""
    sids = []
    for st in doc["Statement"]:
        assert st["Effect"] == "Deny"
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        if not any(iam_like(a, action) for a in actions):
            continue
        cond = st.get("Condition", {})
        if all(condition_true(op, k, v, ctx) for op, kv in cond.items() for k, v in kv.items()):
            sids.append(st["Sid"])
    return sids


# Request context AWS builds from a request (docs/aws-notes.md, IAM condition
# keys): what each SageMaker key would hold for that request.

def put(ctx, key, value):
    if value is not None:
        ctx[key] = value


def tag_keys(ctx, tags):
    for t in tags or []:
        ctx["aws:RequestTag/" + t["Key"]] = t["Value"]
    if tags:
        ctx["aws:TagKeys"] = [t["Key"] for t in tags]


def context(action, req):
    ctx = {}
    tag_keys(ctx, req.get("Tags"))
    if action == "sagemaker:CreateTrainingJob":
        vpc = req.get("VpcConfig") or {}
        put(ctx, "sagemaker:VpcSubnets", vpc.get("Subnets"))
        put(ctx, "sagemaker:VpcSecurityGroupIds", vpc.get("SecurityGroupIds"))
        put(ctx, "sagemaker:VolumeKmsKeyArn", req["ResourceConfig"].get("VolumeKmsKeyId"))
        put(ctx, "sagemaker:OutputKmsKeyArn", req["OutputDataConfig"].get("KmsKeyId"))
        put(ctx, "sagemaker:InterContainerTrafficEncryption",
            req.get("EnableInterContainerTrafficEncryption"))
        put(ctx, "sagemaker:NetworkIsolation", req.get("EnableNetworkIsolation"))
        put(ctx, "sagemaker:InstanceTypes", [req["ResourceConfig"]["InstanceType"]])
    elif action == "sagemaker:CreateProcessingJob":
        net = req.get("NetworkConfig") or {}
        vpc = net.get("VpcConfig") or {}
        cluster = req["ProcessingResources"]["ClusterConfig"]
        put(ctx, "sagemaker:VpcSubnets", vpc.get("Subnets"))
        put(ctx, "sagemaker:VpcSecurityGroupIds", vpc.get("SecurityGroupIds"))
        put(ctx, "sagemaker:VolumeKmsKeyArn", cluster.get("VolumeKmsKeyId"))
        put(ctx, "sagemaker:OutputKmsKeyArn", (req.get("ProcessingOutputConfig") or {}).get("KmsKeyId"))
        put(ctx, "sagemaker:InterContainerTrafficEncryption",
            net.get("EnableInterContainerTrafficEncryption"))
        put(ctx, "sagemaker:NetworkIsolation", net.get("EnableNetworkIsolation"))
        put(ctx, "sagemaker:InstanceTypes", [cluster["InstanceType"]])
    elif action == "sagemaker:CreateModel":
        vpc = req.get("VpcConfig") or {}
        put(ctx, "sagemaker:VpcSubnets", vpc.get("Subnets"))
        put(ctx, "sagemaker:VpcSecurityGroupIds", vpc.get("SecurityGroupIds"))
        put(ctx, "sagemaker:NetworkIsolation", req.get("EnableNetworkIsolation"))
    elif action == "sagemaker:CreateEndpointConfig":
        put(ctx, "sagemaker:VolumeKmsKeyArn", req.get("KmsKeyId"))
        put(ctx, "sagemaker:InstanceTypes", [v["InstanceType"] for v in req["ProductionVariants"]])
    elif action == "sagemaker:CreateNotebookInstance":
        put(ctx, "sagemaker:VpcSubnets", [req["SubnetId"]] if "SubnetId" in req else None)
        put(ctx, "sagemaker:VpcSecurityGroupIds", req.get("SecurityGroupIds"))
        put(ctx, "sagemaker:VolumeKmsKeyArn", req.get("KmsKeyId"))
        put(ctx, "sagemaker:InstanceTypes", [req["InstanceType"]])
        put(ctx, "sagemaker:DirectInternetAccess", req.get("DirectInternetAccess"))
        put(ctx, "sagemaker:RootAccess", req.get("RootAccess"))
        imds = req.get("InstanceMetadataServiceConfiguration") or {}
        put(ctx, "sagemaker:MinimumInstanceMetadataServiceVersion",
            imds.get("MinimumInstanceMetadataServiceVersion"))
    elif action == "sagemaker:CreateDomain":
        put(ctx, "sagemaker:AppNetworkAccessType", req.get("AppNetworkAccessType"))
    elif action == "sagemaker:CreateModelPackage":
        put(ctx, "sagemaker:ModelApprovalStatus", req.get("ModelApprovalStatus"))
    return ctx


VOLUME_KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OUTPUT_KEY = "arn:aws:kms:us-east-1:111122223333:key/5678efab-34cd-56ef-78ab-0987654321fe"
TAGS = [
    {"Key": "Project", "Value": "churn"},
    {"Key": "Sponsor", "Value": "vp-data"},
    {"Key": "Project Lead", "Value": "ada"},
    {"Key": "Project Name", "Value": "Churn model"},
    {"Key": "Cost Center", "Value": "CC-100"},
    {"Key": "Contact", "Value": "ada@ourcoolcompany.ai"},
]
TRAINING = {
    "TrainingJobName": "the-cool-ml-pipe",
    "RoleArn": "arn:aws:iam::111122223333:role/ml",
    "AlgorithmSpecification": {"TrainingImage": "x", "TrainingInputMode": "File"},
    "OutputDataConfig": {"S3OutputPath": "s3://out/", "KmsKeyId": OUTPUT_KEY},
    "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30,
                       "VolumeKmsKeyId": VOLUME_KEY},
    "VpcConfig": {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0123abcd"]},
    "EnableInterContainerTrafficEncryption": True,
    "EnableNetworkIsolation": True,
    "EnableManagedSpotTraining": True,
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200},
    "Tags": TAGS,
}
PROCESSING = {
    "ProcessingJobName": "prep",
    "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.c5.xlarge", "InstanceCount": 1,
                                              "VolumeSizeInGB": 30, "VolumeKmsKeyId": VOLUME_KEY}},
    "ProcessingOutputConfig": {"Outputs": [], "KmsKeyId": OUTPUT_KEY},
    "NetworkConfig": {"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True,
                      "VpcConfig": {"Subnets": ["subnet-4e5f6a7b"], "SecurityGroupIds": ["sg-0123abcd"]}},
    "Tags": TAGS,
}
MODEL = {"ModelName": "churn", "EnableNetworkIsolation": True,
         "VpcConfig": {"Subnets": ["subnet-0a1b2c3d"], "SecurityGroupIds": ["sg-0123abcd"]},
         "Tags": TAGS}
ENDPOINT_CONFIG = {"EndpointConfigName": "churn", "KmsKeyId": VOLUME_KEY,
                   "ProductionVariants": [{"VariantName": "a", "InstanceType": "ml.m5.large"}],
                   "Tags": TAGS}


NOTEBOOK = {"NotebookInstanceName": "research", "InstanceType": "ml.t3.medium",
            "RoleArn": "arn:aws:iam::111122223333:role/ml", "SubnetId": "subnet-0a1b2c3d",
            "SecurityGroupIds": ["sg-0123abcd"], "KmsKeyId": VOLUME_KEY,
            "DirectInternetAccess": "Disabled", "RootAccess": "Disabled",
            "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
            "Tags": TAGS}
DOMAIN = {"DomainName": "studio", "AuthMode": "IAM",
          "DefaultUserSettings": {"ExecutionRole": "arn:aws:iam::111122223333:role/ml",
                                  "SecurityGroups": ["sg-0123abcd"]},
          "SubnetIds": ["subnet-0a1b2c3d"], "VpcId": "vpc-0a1b2c3d",
          "AppNetworkAccessType": "VpcOnly", "KmsKeyId": VOLUME_KEY, "Tags": TAGS}
MODEL_PACKAGE = {"ModelPackageGroupName": "churn", "ModelApprovalStatus": "PendingManualApproval",
                 "Tags": TAGS}


def variant(base, edit):
    r = copy.deepcopy(base)
    edit(r)
    return r


def set_tag(req, key, value):
    req["Tags"] = [t for t in req["Tags"] if t["Key"] != key]
    if value is not None:
        req["Tags"].append({"Key": key, "Value": value})


def moto_accepts(iam, name, document):
    try:
        iam.create_policy(PolicyName=name, PolicyDocument=document)
        return True
    except ClientError as e:
        print(f"moto rejected {name}: {e}")
        return False


def part_a():
    with tempfile.TemporaryDirectory() as tmp:
        default_path = os.path.join(tmp, "default.yaml")
        with open(default_path, "w") as f:
            f.write(run_tool("init")[0])
        iam_example, notes = run_tool("export", "iam", EXAMPLE)
        iam_default, _ = run_tool("export", "iam", default_path)
        scp_docs = run_tool("export", "scp", EXAMPLE)[0].splitlines()
        managed_docs = run_tool("export", "iam-split", EXAMPLE)[0].splitlines()

    check("tags.value: pattern" in notes and "spot.enabled:" in notes,
          "the unexpressible rules are reported")

    with mock_aws():
        iam = boto3.client("iam", region_name="us-east-1")
        # The oracle must be able to say no: a malformed operator is refused.
        broken = json.loads(iam_example)
        broken["Statement"][0]["Condition"] = {"StringNotEqualz": {"a": "b"}}
        check(not moto_accepts(iam, "broken", json.dumps(broken)), "moto rejects a malformed policy")
        check(moto_accepts(iam, "sageguard-example", iam_example), "moto accepts the example IAM policy")
        check(moto_accepts(iam, "sageguard-default", iam_default), "moto accepts the default IAM policy")
        for i, doc in enumerate(scp_docs):
            check(len(doc) <= 5120, f"SCP document {i} is within 5120 characters ({len(doc)})")
            check(moto_accepts(iam, f"sageguard-scp-{i}", doc), f"moto accepts SCP document {i}")
        for i, doc in enumerate(managed_docs):
            size = len(re.sub(r"\s", "", doc))
            check(size <= 6144, f"managed policy {i} is within 6144 characters ({size})")
            check(moto_accepts(iam, f"sageguard-managed-{i}", doc), f"moto accepts managed policy {i}")
        org = boto3.client("organizations", region_name="us-east-1")
        org.create_organization(FeatureSet="ALL")
        for i, doc in enumerate(scp_docs):
            org.create_policy(Content=doc, Description="sageguard", Name=f"sageguard-{i}",
                              Type="SERVICE_CONTROL_POLICY")
        check(len(org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]) >= len(scp_docs),
              "Organizations stored the SCPs")

    doc = json.loads(iam_example)
    scp_statements = [s for d in scp_docs for s in json.loads(d)["Statement"]]
    check(scp_statements == doc["Statement"], "the SCPs carry exactly the IAM statements")
    managed_statements = [s for d in managed_docs for s in json.loads(d)["Statement"]]
    check(managed_statements == doc["Statement"], "the split managed policies carry exactly the IAM statements")

    T, P = "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob"
    M, EC = "sagemaker:CreateModel", "sagemaker:CreateEndpointConfig"
    E, ADD = "sagemaker:CreateEndpoint", "sagemaker:AddTags"
    cases = [
        ("compliant training job", T, TRAINING, []),
        ("compliant processing job", P, PROCESSING, []),
        ("compliant model", M, MODEL, []),
        ("compliant endpoint config (no VPC keys of its own)", EC, ENDPOINT_CONFIG, []),
        ("compliant endpoint", E, {"EndpointName": "e", "EndpointConfigName": "c", "Tags": TAGS}, []),
        ("AddTags with an unrelated tag", ADD, {"Tags": [{"Key": "Stage", "Value": "dev"}]}, []),
        ("missing volume KMS key", T,
         variant(TRAINING, lambda r: r["ResourceConfig"].pop("VolumeKmsKeyId")), ["DenyMissingVolumeKmsKey"]),
        ("missing volume KMS key on an NVMe type (g5) is allowed", T,
         variant(TRAINING, lambda r: (r["ResourceConfig"].pop("VolumeKmsKeyId"),
                                      r["ResourceConfig"].update(InstanceType="ml.g5.2xlarge"))), []),
        ("missing output KMS key", P,
         variant(PROCESSING, lambda r: r["ProcessingOutputConfig"].pop("KmsKeyId")),
         ["DenyMissingOutputKmsKey"]),
        ("KMS key outside the allow-list", T,
         variant(TRAINING, lambda r: r["ResourceConfig"].update(VolumeKmsKeyId="arn:aws:kms:us-east-1:999:key/x")),
         ["DenyVolumeKmsKeyNotAllowed"]),
        ("missing tag Cost Center", T, variant(TRAINING, lambda r: set_tag(r, "Cost Center", None)),
         ["DenyMissingTagCostCenter"]),
        ("missing tag Project Lead on an endpoint", E,
         variant({"Tags": TAGS}, lambda r: set_tag(r, "Project Lead", None)), ["DenyMissingTagProjectLead"]),
        ("Cost Center outside its allowed list", T,
         variant(TRAINING, lambda r: set_tag(r, "Cost Center", "CC-999")), ["DenyTagValueNotAllowedCostCenter"]),
        ("AddTags with a bad Cost Center", ADD, {"Tags": [{"Key": "Cost Center", "Value": "CC-1"}]},
         ["DenyTagValueNotAllowedCostCenter"]),
        ("subnet outside the allow-list", T,
         variant(TRAINING, lambda r: r["VpcConfig"]["Subnets"].append("subnet-rogue")), ["DenyVpcSubnetNotAllowed"]),
        ("security group outside the allow-list", M,
         variant(MODEL, lambda r: r["VpcConfig"].update(SecurityGroupIds=["sg-open"])),
         ["DenyVpcSecurityGroupNotAllowed"]),
        ("no VPC at all", T, variant(TRAINING, lambda r: r.pop("VpcConfig")),
         ["DenyMissingVpcSubnets", "DenyMissingVpcSecurityGroups"]),
        ("network isolation off", M, variant(MODEL, lambda r: r.update(EnableNetworkIsolation=False)),
         ["DenyNetworkIsolationOff"]),
        ("network isolation omitted", T, variant(TRAINING, lambda r: r.pop("EnableNetworkIsolation")),
         ["DenyNetworkIsolationMissing"]),
        ("inter-container encryption off", P,
         variant(PROCESSING, lambda r: r["NetworkConfig"].update(EnableInterContainerTrafficEncryption=False)),
         ["DenyInterContainerEncryptionOff"]),
        ("instance type outside the allow-list", T,
         variant(TRAINING, lambda r: r["ResourceConfig"].update(InstanceType="ml.p4d.24xlarge")),
         ["DenyInstanceTypeNotAllowed"]),
    ]
    for name, action, req, expected in cases:
        got = denied_by(doc, action, context(action, req))
        check(sorted(got) == sorted(expected), f"{name}: denied by {got}, expected {expected}")

    # The rest of the estate: notebooks and Studio domains.
    NB, DOM, PKG = ("sagemaker:CreateNotebookInstance", "sagemaker:CreateDomain",
                    "sagemaker:CreateModelPackage")
    estate_cases = [
        ("compliant notebook instance", NB, NOTEBOOK, []),
        ("notebook with direct internet access", NB,
         variant(NOTEBOOK, lambda r: r.update(DirectInternetAccess="Enabled")),
         ["DenyNotebookDirectInternetAccess"]),
        ("notebook without DirectInternetAccess (defaults to Enabled)", NB,
         variant(NOTEBOOK, lambda r: r.pop("DirectInternetAccess")),
         ["DenyNotebookDirectInternetAccess"]),
        ("notebook with root access", NB, variant(NOTEBOOK, lambda r: r.update(RootAccess="Enabled")),
         ["DenyNotebookRootAccess"]),
        ("notebook accepting IMDSv1", NB,
         variant(NOTEBOOK, lambda r: r.update(
             InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "1"})),
         ["DenyNotebookImdsV1"]),
        ("notebook without an IMDS minimum (defaults to 1)", NB,
         variant(NOTEBOOK, lambda r: r.pop("InstanceMetadataServiceConfiguration")),
         ["DenyNotebookImdsV1"]),
        ("notebook outside the VPC", NB,
         variant(NOTEBOOK, lambda r: (r.pop("SubnetId"), r.pop("SecurityGroupIds"))),
         ["DenyMissingVpcSubnets", "DenyMissingVpcSecurityGroups"]),
        ("notebook in a subnet outside the allow-list", NB,
         variant(NOTEBOOK, lambda r: r.update(SubnetId="subnet-rogue")), ["DenyVpcSubnetNotAllowed"]),
        ("notebook without a volume key", NB, variant(NOTEBOOK, lambda r: r.pop("KmsKeyId")),
         ["DenyMissingVolumeKmsKey"]),
        ("notebook without tag Contact", NB, variant(NOTEBOOK, lambda r: set_tag(r, "Contact", None)),
         ["DenyMissingTagContact"]),
        ("compliant domain", DOM, DOMAIN, []),
        ("domain on the public internet", DOM,
         variant(DOMAIN, lambda r: r.update(AppNetworkAccessType="PublicInternetOnly")),
         ["DenyDomainNotVpcOnly"]),
        ("domain without AppNetworkAccessType (defaults to PublicInternetOnly)", DOM,
         variant(DOMAIN, lambda r: r.pop("AppNetworkAccessType")), ["DenyDomainNotVpcOnly"]),
        ("domain without tag Sponsor", DOM, variant(DOMAIN, lambda r: set_tag(r, "Sponsor", None)),
         ["DenyMissingTagSponsor"]),
    ]
    for name, action, req, expected in estate_cases:
        got = denied_by(doc, action, context(action, req))
        check(sorted(got) == sorted(expected), f"{name}: denied by {got}, expected {expected}")

    # The default policy (no allow-lists): still refuses what the practices forbid.
    ddoc = json.loads(iam_default)
    check(denied_by(ddoc, PKG, context(PKG, MODEL_PACKAGE)) == [],
          "default policy: a version pending manual approval passes")
    check(denied_by(ddoc, PKG, context(PKG, variant(MODEL_PACKAGE, lambda r: r.update(ModelApprovalStatus="Approved"))))
          == ["DenyModelPackageNotPendingApproval"],
          "default policy: a version registered approved is denied")
    check(denied_by(doc, PKG, context(PKG, variant(MODEL_PACKAGE, lambda r: r.update(ModelApprovalStatus="Approved"))))
          == [], "a policy without registry.manual_approval does not judge approval")
    check(denied_by(ddoc, NB, context(NB, variant(NOTEBOOK, lambda r: r.update(RootAccess="Enabled"))))
          == ["DenyNotebookRootAccess"], "default policy: root access is denied")
    check(denied_by(ddoc, T, context(T, TRAINING)) == [], "default policy: compliant job passes")
    check("DenyMissingTagContact" in denied_by(ddoc, T, context(T, variant(TRAINING, lambda r: set_tag(r, "Contact", None)))),
          "default policy: missing Contact is denied")
    check(denied_by(ddoc, T, context(T, variant(TRAINING, lambda r: r["VpcConfig"]["Subnets"].append("subnet-any")))) == [],
          "default policy: any subnet is allowed")


EXPECTED_SDK_PATHS = {
    "SchemaVersion",
    "SageMaker.TrainingJob.EnableInterContainerTrafficEncryption",
    "SageMaker.TrainingJob.EnableNetworkIsolation",
    "SageMaker.TrainingJob.OutputDataConfig.KmsKeyId",
    "SageMaker.TrainingJob.ResourceConfig.VolumeKmsKeyId",
    "SageMaker.TrainingJob.VpcConfig.Subnets",
    "SageMaker.TrainingJob.VpcConfig.SecurityGroupIds",
    "SageMaker.TrainingJob.Tags",
    "SageMaker.ProcessingJob.NetworkConfig.EnableInterContainerTrafficEncryption",
    "SageMaker.ProcessingJob.NetworkConfig.EnableNetworkIsolation",
    "SageMaker.ProcessingJob.NetworkConfig.VpcConfig.Subnets",
    "SageMaker.ProcessingJob.NetworkConfig.VpcConfig.SecurityGroupIds",
    "SageMaker.ProcessingJob.ProcessingOutputConfig.KmsKeyId",
    "SageMaker.ProcessingJob.ProcessingResources.ClusterConfig.VolumeKmsKeyId",
    "SageMaker.ProcessingJob.Tags",
    "SageMaker.Model.EnableNetworkIsolation",
    "SageMaker.Model.VpcConfig.Subnets",
    "SageMaker.Model.VpcConfig.SecurityGroupIds",
    "SageMaker.Model.Tags",
    "SageMaker.EndpointConfig.KmsKeyId",
    "SageMaker.EndpointConfig.Tags",
    "SageMaker.Endpoint.Tags",
    "SageMaker.AutoMLJob.AutoMLJobConfig.SecurityConfig.EnableInterContainerTrafficEncryption",
    "SageMaker.AutoMLJob.AutoMLJobConfig.SecurityConfig.VolumeKmsKeyId",
    "SageMaker.AutoMLJob.AutoMLJobConfig.SecurityConfig.VpcConfig.Subnets",
    "SageMaker.AutoMLJob.AutoMLJobConfig.SecurityConfig.VpcConfig.SecurityGroupIds",
    "SageMaker.AutoMLJob.OutputDataConfig.KmsKeyId",
    "SageMaker.AutoMLJob.Tags",
    "SageMaker.FeatureGroup.OfflineStoreConfig.S3StorageConfig.KmsKeyId",
    "SageMaker.FeatureGroup.OnlineStoreConfig.SecurityConfig.KmsKeyId",
    "SageMaker.FeatureGroup.Tags",
    "SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId",
    "SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId",
    "SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableInterContainerTrafficEncryption",
    "SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableNetworkIsolation",
    "SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.VpcConfig.Subnets",
    "SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.VpcConfig.SecurityGroupIds",
    "SageMaker.MonitoringSchedule.Tags",
}


def leaf_paths(node, prefix=""):
    if isinstance(node, dict):
        out = set()
        for k, v in node.items():
            out |= leaf_paths(v, f"{prefix}.{k}" if prefix else k)
        return out
    return {prefix}


def part_b():
    cfg = yaml.safe_load(run_tool("export", "sdk-config", EXAMPLE)[0])
    check(cfg["SchemaVersion"] == "1.0" and isinstance(cfg["SchemaVersion"], str),
          "SchemaVersion is the string '1.0'")
    paths = leaf_paths(cfg)
    check(paths == EXPECTED_SDK_PATHS, f"SDK config key paths: extra {sorted(paths - EXPECTED_SDK_PATHS)}, "
                                       f"missing {sorted(EXPECTED_SDK_PATHS - paths)}")
    sm = cfg["SageMaker"]
    check(sm["TrainingJob"]["EnableNetworkIsolation"] is True, "isolation is a YAML boolean true")
    check(sm["TrainingJob"]["ResourceConfig"]["VolumeKmsKeyId"] == VOLUME_KEY, "volume key carried")
    check(sm["ProcessingJob"]["ProcessingOutputConfig"]["KmsKeyId"] == OUTPUT_KEY, "output key carried")
    check(sm["Model"]["VpcConfig"] == {"Subnets": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
                                       "SecurityGroupIds": ["sg-0123abcd"]}, "VPC carried")
    for section in ("TrainingJob", "ProcessingJob", "Model", "EndpointConfig", "Endpoint"):
        check(sm[section]["Tags"] == [{"Key": "Contact", "Value": "ml-platform@ourcoolcompany.ai"}],
              f"{section}.Tags holds only the tag with a default value")

    # The built-in default policy has no account values: no VPC, keys or tags.
    with tempfile.TemporaryDirectory() as tmp:
        default_path = os.path.join(tmp, "default.yaml")
        with open(default_path, "w") as f:
            f.write(run_tool("init")[0])
        dcfg = yaml.safe_load(run_tool("export", "sdk-config", default_path)[0])
    dpaths = leaf_paths(dcfg)
    check(dpaths and dpaths <= EXPECTED_SDK_PATHS, "default SDK config uses only documented paths")
    check(not any("Kms" in p or "Vpc" in p or p.endswith("Tags") for p in dpaths),
          f"default SDK config invents no values: {sorted(dpaths)}")


def main():
    part_a()
    part_b()
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed", file=sys.stderr)
        return 1
    print("all policy export checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
