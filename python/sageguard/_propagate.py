"""Tags that follow a model to its endpoint, for the guard's fix mode.

A CreateModel whose model data lies under a training job's output inherits
that job's tags, an endpoint config its models' and an endpoint its
config's, as `sageguard deploy` does. Tags are read with the client making
the call (DescribeTrainingJob / DescribeModel / DescribeEndpointConfig and
ListTags) and kept for the life of the process; what this process creates
through a gated client is remembered without asking. Thread-safe.
"""

import logging
import re
import threading

logger = logging.getLogger("sageguard")

# SageMaker writes a training job's model to <S3OutputPath>/<job>/output/model.tar.gz.
_ARTIFACT = re.compile(r"^s3://[^/]+/(?:.*/)?([^/]+)/output/model\.tar\.gz$")

_lock = threading.Lock()
_tags = {}  # (endpoint url, region, kind, name) -> [{"Key", "Value"}, ...]

_NAME_MEMBERS = {"CreateModel": ("Model", "ModelName"),
                 "CreateEndpointConfig": ("EndpointConfig", "EndpointConfigName"),
                 "CreateEndpoint": ("Endpoint", "EndpointName")}
OPERATIONS = tuple(_NAME_MEMBERS)


def _key(client, kind, name):
    return (client.meta.endpoint_url, client.meta.region_name, kind, name)


def _cached(client, kind, name):
    with _lock:
        return _tags.get(_key(client, kind, name))


def _store(client, kind, name, tags):
    with _lock:
        _tags[_key(client, kind, name)] = tags


def _list_tags(client, arn):
    tags, token = [], None
    while True:
        page = client.list_tags(ResourceArn=arn, **({"NextToken": token} if token else {}))
        tags.extend({"Key": t["Key"], "Value": t["Value"]} for t in page.get("Tags", []))
        token = page.get("NextToken")
        if not token:
            return tags


def _read(client, kind, name, describe):
    """Tags of `name` (cached), read with describe() -> ARN and ListTags."""
    found = _cached(client, kind, name)
    if found is not None:
        return found
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        arn = describe()
        tags = _list_tags(client, arn) if arn else None
    except (ClientError, BotoCoreError) as e:
        # Not found, or not allowed to read it: nothing to inherit.
        logger.debug("cannot read the tags of %s %s: %s", kind, name,
                     getattr(e, "response", {}).get("Error", {}).get("Code", type(e).__name__))
        return None
    if tags is not None:
        _store(client, kind, name, tags)
    return tags


def _model_data_urls(params):
    urls = []
    primary = params.get("PrimaryContainer")
    containers = [primary] if isinstance(primary, dict) else []
    containers += [c for c in params.get("Containers") or [] if isinstance(c, dict)]
    for c in containers:
        if isinstance(c.get("ModelDataUrl"), str):
            urls.append(c["ModelDataUrl"])
    return urls


def _training_job_tags(client, url):
    m = _ARTIFACT.match(url)
    if not m:
        return None
    job = m.group(1)

    def describe():
        d = client.describe_training_job(TrainingJobName=job)
        artifacts = (d.get("ModelArtifacts") or {}).get("S3ModelArtifacts")
        output = ((d.get("OutputDataConfig") or {}).get("S3OutputPath") or "").rstrip("/")
        if url != artifacts and url != f"{output}/{job}/output/model.tar.gz":
            return None  # a job of that name, but not the one the model came from
        return d.get("TrainingJobArn")

    return _read(client, "TrainingJob", job, describe)


def _model_tags(client, name):
    return _read(client, "Model", name,
                 lambda: client.describe_model(ModelName=name).get("ModelArn"))


def _config_tags(client, name):
    return _read(client, "EndpointConfig", name,
                 lambda: client.describe_endpoint_config(EndpointConfigName=name)
                 .get("EndpointConfigArn"))


def inherited_tags(client, operation, params):
    """The tags `params` (a CreateModel, CreateEndpointConfig or
    CreateEndpoint request) inherits, in order, first source first."""
    sources = []
    if operation == "CreateModel":
        sources = [_training_job_tags(client, u) for u in _model_data_urls(params)]
    elif operation == "CreateEndpointConfig":
        sources = [_model_tags(client, v["ModelName"])
                   for v in params.get("ProductionVariants") or []
                   if isinstance(v, dict) and isinstance(v.get("ModelName"), str)]
    elif operation == "CreateEndpoint" and isinstance(params.get("EndpointConfigName"), str):
        sources = [_config_tags(client, params["EndpointConfigName"])]
    out = []
    for tags in sources:
        out.extend(tags or [])
    return out


def merge(request_tags, inherited):
    """`request_tags` plus each inherited tag whose key it lacks (the
    request's own values win; keys are case-sensitive, as in AWS)."""
    tags = list(request_tags or [])
    have = {t.get("Key") for t in tags if isinstance(t, dict)}
    for t in inherited:
        if t["Key"] not in have:
            tags.append(dict(t))
            have.add(t["Key"])
    return tags


def remember(client, operation, params):
    """Record the tags a gated create is about to send, so the resources
    made from it inherit them without a ListTags."""
    kind, member = _NAME_MEMBERS[operation]
    name = params.get(member)
    tags = params.get("Tags")
    if isinstance(name, str) and isinstance(tags, list):
        _store(client, kind, name, [dict(t) for t in tags if isinstance(t, dict)])
