"""An independent oracle for `sageguard audit`: reads what moto holds through
boto3 (Describe* and ListTags) and applies the policy's rules, as docs/rules.md
section 4 states them, in Python. Returns a Counter of (kind, name, region,
rule) so the test can compare the audit's findings exactly."""
import collections
import fnmatch

from . import seed

KINDS = [
    # kind, list op, list key, name key, arn key, describe op
    ("TrainingJob", "list_training_jobs", "TrainingJobSummaries", "TrainingJobName", "TrainingJobArn",
     "describe_training_job"),
    ("HyperParameterTuningJob", "list_hyper_parameter_tuning_jobs", "HyperParameterTuningJobSummaries",
     "HyperParameterTuningJobName", "HyperParameterTuningJobArn", "describe_hyper_parameter_tuning_job"),
    ("ProcessingJob", "list_processing_jobs", "ProcessingJobSummaries", "ProcessingJobName",
     "ProcessingJobArn", "describe_processing_job"),
    ("TransformJob", "list_transform_jobs", "TransformJobSummaries", "TransformJobName", "TransformJobArn",
     "describe_transform_job"),
    ("Model", "list_models", "Models", "ModelName", "ModelArn", "describe_model"),
    ("EndpointConfig", "list_endpoint_configs", "EndpointConfigs", "EndpointConfigName",
     "EndpointConfigArn", "describe_endpoint_config"),
    ("Endpoint", "list_endpoints", "Endpoints", "EndpointName", "EndpointArn", "describe_endpoint"),
]

# Instance families with local NVMe storage (no volume key): names with a 'd'
# after the generation digit, and g5/g6/p5/trn1 (docs/aws-notes.md).
def is_nvme(t):
    fam = t.split(".")[1] if t.count(".") >= 2 else t
    return fam in ("g5", "g6", "p5", "trn1") or (len(fam) >= 3 and "d" in fam[2:])


def drop_empty(v):
    """A Describe* answer's null members and empty objects mean 'not set'."""
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            x = drop_empty(x)
            if x is None or (isinstance(x, dict) and not x):
                continue
            out[k] = x
        return out
    if isinstance(v, list):
        return [drop_empty(x) for x in v]
    return v


def get(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def read_inventory(sm, region):
    """Every resource through boto3's paginators, described, with its tags."""
    out = []
    for kind, list_op, list_key, name_key, arn_key, describe_op in KINDS:
        names = []
        token = None
        while True:
            kw = {"MaxResults": 100}
            if token:
                kw["NextToken"] = token
            page = getattr(sm, list_op)(**kw)
            names += [(s[name_key], s[arn_key]) for s in page.get(list_key, [])]
            token = page.get("NextToken")
            if not token:
                break
        for name, arn in names:
            d = getattr(sm, describe_op)(**{name_key: name})
            d.pop("ResponseMetadata", None)
            tags = sm.list_tags(ResourceArn=arn).get("Tags", [])
            if kind == "Endpoint":
                d = {k: d[k] for k in ("EndpointName", "EndpointArn", "EndpointConfigName",
                                       "DeploymentConfig") if k in d}
            d = drop_empty(d)
            d["Tags"] = tags
            out.append({"kind": kind, "name": name, "arn": arn, "region": region, "doc": d})
    return out


LAYOUT = {
    "TrainingJob": dict(vpc="VpcConfig", iso="EnableNetworkIsolation",
                        enc="EnableInterContainerTrafficEncryption",
                        vol="ResourceConfig.VolumeKmsKeyId", out=["OutputDataConfig.KmsKeyId"],
                        types=["ResourceConfig.InstanceType"],
                        runtime="StoppingCondition.MaxRuntimeInSeconds", spot=True),
    "ProcessingJob": dict(vpc="NetworkConfig.VpcConfig", iso="NetworkConfig.EnableNetworkIsolation",
                          enc="NetworkConfig.EnableInterContainerTrafficEncryption",
                          vol="ProcessingResources.ClusterConfig.VolumeKmsKeyId",
                          out=["ProcessingOutputConfig.KmsKeyId"],
                          types=["ProcessingResources.ClusterConfig.InstanceType"],
                          runtime="StoppingCondition.MaxRuntimeInSeconds", spot=False),
    "TransformJob": dict(vol="TransformResources.VolumeKmsKeyId", out=["TransformOutput.KmsKeyId"],
                         types=["TransformResources.InstanceType"]),
    "Model": dict(vpc="VpcConfig", iso="EnableNetworkIsolation"),
    "EndpointConfig": dict(vol="KmsKeyId", out=["AsyncInferenceConfig.OutputConfig.KmsKeyId",
                                                "DataCaptureConfig.KmsKeyId"],
                           types=["ProductionVariants[].InstanceType"]),
    "Endpoint": dict(),
}
LAYOUT["HyperParameterTuningJob"] = LAYOUT["TrainingJob"]


def instance_types(scope, paths):
    out = []
    for p in paths:
        if p.startswith("ProductionVariants[]."):
            for v in scope.get("ProductionVariants", []) or []:
                if isinstance(v.get("InstanceType"), str):
                    out.append(v["InstanceType"])
        elif isinstance(get(scope, p), str):
            out.append(get(scope, p))
    return out


def scope_rules(kind, scope, emit):
    L = LAYOUT[kind]
    if "vpc" in L:
        vpc = get(scope, L["vpc"])
        if vpc is None:
            emit("vpc.required")
        else:
            for member, allowed in (("Subnets", seed.GOOD_SUBNETS), ("SecurityGroupIds", seed.GOOD_SGS)):
                ids = vpc.get(member)
                if not ids:
                    emit("vpc.required")
                    continue
                for i in ids:
                    if i not in allowed:
                        emit("vpc.allowed")
    for key, rule in (("enc", "encryption.inter-container"), ("iso", "network.isolation")):
        if key in L and get(scope, L[key]) is not True:
            emit(rule)
    types = instance_types(scope, L.get("types", []))
    if "vol" in L and get(scope, L["vol"]) is None:
        exempt = any(is_nvme(t) for t in types) or (kind == "EndpointConfig" and not types)
        if not exempt:
            emit("kms.volume")
    for p in L.get("out", []):
        parent = p.rsplit(".", 1)[0]
        if get(scope, parent) is not None and get(scope, p) is None:
            emit("kms.output")
    for t in types:
        if not any(fnmatch.fnmatchcase(t, g) for g in seed.INSTANCE_GLOBS):
            emit("instance.allowed")
    if "runtime" in L:
        run = get(scope, L["runtime"])
        if run is None or run > seed.MAX_RUNTIME:
            emit("runtime.max")
    if L.get("spot"):
        on = scope.get("EnableManagedSpotTraining") is True
        wait = get(scope, "StoppingCondition.MaxWaitTimeInSeconds")
        run = get(scope, "StoppingCondition.MaxRuntimeInSeconds")
        if not on:
            emit("spot.enabled")
            if wait is not None:
                emit("spot.max-wait")
        else:
            if wait is None or (run is not None and wait < run):
                emit("spot.max-wait")
            if get(scope, "CheckpointConfig.S3Uri") is None:
                emit("spot.checkpoint")


def tag_rules(tags, emit):
    keys = [t["Key"] for t in tags]
    for want in seed.REQUIRED_TAGS:
        if want not in keys:
            emit("tags.required")
    ok_chars = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _.:/=+-@")
    seen = set()
    for t in tags:
        k, v = t["Key"], t.get("Value", "")
        if k in seed.REQUIRED_TAGS or k in seed.ALLOWED_VALUES:
            if not v.strip(" \t"):
                emit("tags.value")
            elif k in seed.ALLOWED_VALUES and v not in seed.ALLOWED_VALUES[k]:
                emit("tags.value")
        if not 1 <= len(k) <= 128 or not set(k) <= ok_chars or k[:4].lower() == "aws:":
            emit("tags.invalid")
        if k in seen:
            emit("tags.invalid")
        seen.add(k)
        if len(v) > 256 or not set(v) <= ok_chars:
            emit("tags.invalid")
    if len(tags) > 50:
        emit("tags.invalid")


def propagation(resources, emit_for):
    """tags.propagation within one region: model <- training job (artifact
    URL), endpoint config <- model, endpoint <- endpoint config."""
    by_artifact = {}
    for r in resources:
        if r["kind"] == "TrainingJob":
            out = (get(r["doc"], "OutputDataConfig.S3OutputPath") or "").rstrip("/")
            if out:
                by_artifact[f"{out}/{r['name']}/output/model.tar.gz"] = r
    source = {}
    models, configs = {}, {}
    for r in resources:
        if r["kind"] != "Model":
            continue
        urls = [get(r["doc"], "PrimaryContainer.ModelDataUrl")]
        urls += [c.get("ModelDataUrl") for c in r["doc"].get("Containers", []) or []]
        for u in urls:
            if u in by_artifact:
                source[id(r)] = by_artifact[u]
        models[r["name"]] = r
    for r in resources:
        if r["kind"] != "EndpointConfig":
            continue
        for v in r["doc"].get("ProductionVariants", []) or []:
            m = models.get(v.get("ModelName"))
            if m is not None and id(m) in source:
                source[id(r)] = source[id(m)]
        configs[r["name"]] = r
    for r in resources:
        if r["kind"] == "Endpoint":
            c = configs.get(r["doc"].get("EndpointConfigName"))
            if c is not None and id(c) in source:
                source[id(r)] = source[id(c)]
    for r in resources:
        src = source.get(id(r))
        if src is None:
            continue
        have = {t["Key"]: t.get("Value") for t in r["doc"]["Tags"]}
        for t in src["doc"]["Tags"]:
            if t["Key"] not in have or have[t["Key"]] != t.get("Value"):
                emit_for(r, "tags.propagation")


CREATE_OPERATION = {"TrainingJob": "CreateTrainingJob",
                    "HyperParameterTuningJob": "CreateHyperParameterTuningJob",
                    "ProcessingJob": "CreateProcessingJob", "TransformJob": "CreateTransformJob",
                    "Model": "CreateModel", "EndpointConfig": "CreateEndpointConfig",
                    "Endpoint": "CreateEndpoint"}
TAG_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _.:/=+-@")


def request_invalid(kind, doc, emit):
    """The part of request.invalid this seed can trigger, from botocore's model
    of the Create* input: required members missing (at every depth of the
    structures present; output-only members of a Describe* answer are not
    judged) and tag keys/values outside the Tag pattern (ASCII seeds, so the
    character class [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@] is its ASCII part here)."""
    import botocore.session
    model = botocore.session.get_session().get_service_model("sagemaker")

    def walk(shape, value):
        if shape.type_name == "structure" and isinstance(value, dict):
            for m in shape.required_members:
                if m not in value:
                    emit("request.invalid")
            for m, v in value.items():
                if m in shape.members:
                    walk(shape.members[m], v)
        elif shape.type_name == "list" and isinstance(value, list):
            for v in value:
                walk(shape.member, v)

    walk(model.operation_model(CREATE_OPERATION[kind]).input_shape, doc)
    for t in doc.get("Tags", []):
        for part in ("Key", "Value"):
            if not set(t.get(part, "")) <= TAG_CHARS:
                emit("request.invalid")


def expected(resources):
    """Counter of (kind, name, region, rule) for every finding the policy implies."""
    c = collections.Counter()
    for r in resources:
        def emit(rule, r=r):
            c[(r["kind"], r["name"], r["region"], rule)] += 1
        doc = r["doc"]
        if r["kind"] == "HyperParameterTuningJob":
            scopes = [doc["TrainingJobDefinition"]] if "TrainingJobDefinition" in doc else []
            scopes += doc.get("TrainingJobDefinitions", []) or []
        else:
            scopes = [doc]
        for s in scopes:
            scope_rules(r["kind"], s, emit)
        tag_rules(doc["Tags"], emit)
        request_invalid(r["kind"], doc, emit)
    by_region = collections.defaultdict(list)
    for r in resources:
        by_region[r["region"]].append(r)
    for rs in by_region.values():
        propagation(rs, lambda r, rule: c.update([(r["kind"], r["name"], r["region"], rule)]))
    return c
