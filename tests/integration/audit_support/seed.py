"""Seeding moto with SageMaker resources of every kind that `sageguard audit`
reads, compliant and not, deterministically (a fixed random seed)."""
import random

ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/algo:1"
GOOD_SUBNETS = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
GOOD_SGS = ["sg-0123abcd"]
KMS = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

POLICY = """version: 1
tags:
  required: [Project, "Cost Center"]
  values:
    "Cost Center": { allowed: [CC-100, CC-200] }
vpc:
  subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
  security_groups: [sg-0123abcd]
limits:
  instance_types: ["ml.m5.*", "ml.c5.*", "ml.g5.*"]
  max_runtime_seconds: 86400
"""
INSTANCE_GLOBS = ["ml.m5.*", "ml.c5.*", "ml.g5.*"]
MAX_RUNTIME = 86400
REQUIRED_TAGS = ["Project", "Cost Center"]
ALLOWED_VALUES = {"Cost Center": ["CC-100", "CC-200"]}


def tags_variant(rng, project):
    """A tag list that is compliant or breaks the tag rules in one of several ways."""
    v = rng.randrange(7)
    if v <= 2:
        return [{"Key": "Project", "Value": project}, {"Key": "Cost Center", "Value": "CC-100"}]
    if v == 3:
        return [{"Key": "Project", "Value": project}]
    if v == 4:
        return [{"Key": "Project", "Value": project}, {"Key": "Cost Center", "Value": "CC-999"}]
    if v == 5:
        return [{"Key": "project", "Value": project}, {"Key": "Cost Center", "Value": "CC-200"},
                {"Key": "team!", "Value": "ml"}]
    return []


def vpc_variant(rng):
    v = rng.randrange(4)
    if v == 0:
        return None
    if v == 1:
        return {"Subnets": ["subnet-99999999"], "SecurityGroupIds": GOOD_SGS}
    return {"Subnets": GOOD_SUBNETS[: rng.randrange(1, 3)], "SecurityGroupIds": GOOD_SGS}


def maybe(rng, p=0.5):
    return rng.random() < p


def training_definition(rng, name=None):
    d = {
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"S3OutputPath": "s3://ml-bucket/output/"},
        "ResourceConfig": {"InstanceType": rng.choice(["ml.m5.large", "ml.c5.xlarge", "ml.p3.2xlarge",
                                                       "ml.g5.xlarge"]),
                           "InstanceCount": 1, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": rng.choice([3600, 7200, 172800])},
    }
    if name:
        d["TrainingJobName"] = name
    if maybe(rng, 0.6):
        d["ResourceConfig"]["VolumeKmsKeyId"] = KMS
    if maybe(rng, 0.6):
        d["OutputDataConfig"]["KmsKeyId"] = KMS
    vpc = vpc_variant(rng)
    if vpc:
        d["VpcConfig"] = vpc
    iso = rng.randrange(3)
    if iso < 2:
        d["EnableNetworkIsolation"] = iso == 1
    enc = rng.randrange(3)
    if enc < 2:
        d["EnableInterContainerTrafficEncryption"] = enc == 1
    spot = rng.randrange(4)
    run = d["StoppingCondition"]["MaxRuntimeInSeconds"]
    if spot == 1:
        d["EnableManagedSpotTraining"] = True
        d["StoppingCondition"]["MaxWaitTimeInSeconds"] = run * 2
        d["CheckpointConfig"] = {"S3Uri": "s3://ml-checkpoints/x/"}
    elif spot == 2:
        d["EnableManagedSpotTraining"] = True
        d["StoppingCondition"]["MaxWaitTimeInSeconds"] = run * 2
    elif spot == 3:
        d["StoppingCondition"]["MaxWaitTimeInSeconds"] = run * 2
    return d


def seed_region(sm, rng, prefix, counts):
    """Creates resources; returns {kind: [names]} and the training jobs' tags."""
    made = {k: [] for k in ("TrainingJob", "HyperParameterTuningJob", "ProcessingJob",
                            "TransformJob", "Model", "EndpointConfig", "Endpoint")}
    projects = ["churn", "fraud", "recsys"]
    training = []
    for i in range(counts["TrainingJob"]):
        name = f"{prefix}train-{i:03d}"
        req = training_definition(rng, name)
        tags = tags_variant(rng, rng.choice(projects))
        req["Tags"] = tags  # [] too: see below
        sm.create_training_job(**req)
        made["TrainingJob"].append(name)
        training.append((name, tags))
    for i in range(counts["HyperParameterTuningJob"]):
        name = f"{prefix}tune-{i:03d}"
        req = {"HyperParameterTuningJobName": name,
               "HyperParameterTuningJobConfig": {"Strategy": "Bayesian", "ResourceLimits": {
                   "MaxNumberOfTrainingJobs": 4, "MaxParallelTrainingJobs": 2}},
               "TrainingJobDefinition": training_definition(rng)}
        tags = tags_variant(rng, rng.choice(projects))
        req["Tags"] = tags  # [] too: see below
        sm.create_hyper_parameter_tuning_job(**req)
        made["HyperParameterTuningJob"].append(name)
    for i in range(counts["ProcessingJob"]):
        name = f"{prefix}proc-{i:03d}"
        req = {"ProcessingJobName": name, "RoleArn": ROLE,
               "AppSpecification": {"ImageUri": IMAGE},
               "ProcessingResources": {"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge",
                                                         "VolumeSizeInGB": 20}},
               "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}
        net = {}
        if maybe(rng):
            net["EnableNetworkIsolation"] = maybe(rng)
        if maybe(rng):
            net["EnableInterContainerTrafficEncryption"] = maybe(rng)
        vpc = vpc_variant(rng)
        if vpc:
            net["VpcConfig"] = vpc
        if net:
            req["NetworkConfig"] = net
        tags = tags_variant(rng, rng.choice(projects))
        req["Tags"] = tags  # [] too: see below
        sm.create_processing_job(**req)
        made["ProcessingJob"].append(name)
    models = []
    for i in range(counts["Model"]):
        name = f"{prefix}model-{i:03d}"
        req = {"ModelName": name, "ExecutionRoleArn": ROLE, "PrimaryContainer": {"Image": IMAGE}}
        tags = tags_variant(rng, rng.choice(projects))
        if training and maybe(rng, 0.7):
            src_name, src_tags = rng.choice(training)
            req["PrimaryContainer"]["ModelDataUrl"] = f"s3://ml-bucket/output/{src_name}/output/model.tar.gz"
            # Usually the deploy step copied the job's tags; sometimes not.
            if src_tags and maybe(rng, 0.6):
                tags = [dict(t) for t in src_tags]
        vpc = vpc_variant(rng)
        if vpc:
            req["VpcConfig"] = vpc
        req["Tags"] = tags  # [] too: see below
        sm.create_model(**req)
        made["Model"].append(name)
        models.append((name, tags))
    for i in range(counts["TransformJob"]):
        name = f"{prefix}xform-{i:03d}"
        req = {"TransformJobName": name, "ModelName": rng.choice(models)[0] if models else "m",
               "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                                   "S3Uri": "s3://ml-bucket/in"}}},
               "TransformOutput": {"S3OutputPath": "s3://ml-bucket/xform"},
               "TransformResources": {"InstanceType": rng.choice(["ml.m5.large", "ml.p3.2xlarge"]),
                                      "InstanceCount": 1}}
        if maybe(rng):
            req["TransformOutput"]["KmsKeyId"] = KMS
        if maybe(rng):
            req["TransformResources"]["VolumeKmsKeyId"] = KMS
        # Tags is always sent, [] when none: moto 5.2 keeps None otherwise
        # and its ListTags then fails with HTTP 500 for that resource.
        req["Tags"] = tags_variant(rng, rng.choice(projects))
        sm.create_transform_job(**req)
        made["TransformJob"].append(name)
    configs = []
    for i in range(counts["EndpointConfig"]):
        name = f"{prefix}epc-{i:03d}"
        model_name, model_tags = rng.choice(models)
        req = {"EndpointConfigName": name, "ProductionVariants": [{
            "VariantName": "main", "ModelName": model_name, "InitialInstanceCount": 1,
            "InstanceType": rng.choice(["ml.m5.large", "ml.c5.xlarge", "ml.p3.2xlarge"])}]}
        if maybe(rng):
            req["KmsKeyId"] = KMS
        if maybe(rng, 0.3):
            req["DataCaptureConfig"] = {"EnableCapture": True, "InitialSamplingPercentage": 10,
                                        "DestinationS3Uri": "s3://ml-bucket/capture",
                                        "CaptureOptions": [{"CaptureMode": "Input"}]}
            if maybe(rng):
                req["DataCaptureConfig"]["KmsKeyId"] = KMS
        tags = [dict(t) for t in model_tags] if model_tags and maybe(rng, 0.6) else tags_variant(
            rng, rng.choice(projects))
        req["Tags"] = tags  # [] too: see below
        sm.create_endpoint_config(**req)
        made["EndpointConfig"].append(name)
        configs.append((name, tags))
    for i in range(counts["Endpoint"]):
        name = f"{prefix}ep-{i:03d}"
        config_name, config_tags = configs[i % len(configs)]
        req = {"EndpointName": name, "EndpointConfigName": config_name}
        tags = [dict(t) for t in config_tags] if config_tags and maybe(rng, 0.6) else tags_variant(
            rng, rng.choice(projects))
        req["Tags"] = tags  # [] too: see below
        sm.create_endpoint(**req)
        made["Endpoint"].append(name)
    return made
