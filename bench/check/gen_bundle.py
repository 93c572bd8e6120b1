#!/usr/bin/env python3
"""Generate a benchmark bundle of CreateTrainingJob requests.

Writes one JSON list of N (default 20,000) realistic CreateTrainingJob
requests, one request per line (about 28 MB for the default N). Names, tags, instance types, channels and
hyper-parameters vary; roughly half the jobs satisfy the built-in policy and
the rest break one or more rules, so the rule engine produces findings as it
would on a real monorepo. Output is fully determined by --seed.

Every request is valid against the SageMaker API model (botocore's
validate_parameters accepts it), so the botocore timing in run.sh measures
validation of the same documents, not early exits on errors.

usage: gen_bundle.py [-n N] [--seed S] [-o bundle.json]
"""
import argparse
import json
import random
import sys

INSTANCE_TYPES = [
    "ml.m5.large", "ml.m5.xlarge", "ml.m5.2xlarge", "ml.m5.4xlarge", "ml.c5.xlarge",
    "ml.c5.2xlarge", "ml.c5.4xlarge", "ml.g5.xlarge", "ml.g5.2xlarge", "ml.g5.12xlarge",
    "ml.p3.2xlarge", "ml.p3.8xlarge", "ml.p4d.24xlarge", "ml.g4dn.xlarge", "ml.trn1.2xlarge",
]
TEAMS = ["search", "ranking", "fraud", "vision", "nlp", "forecast", "ads", "recsys", "speech"]
PROJECTS = ["churn", "ltv", "ctr", "embeddings", "ocr", "asr", "demand", "pricing", "qa-bot"]
PEOPLE = ["ada", "grace", "alan", "barbara", "ken", "dennis", "margaret", "edsger", "donald"]
FRAMEWORKS = [
    ("pytorch-training", "2.1.0-gpu-py310-cu121-ubuntu20.04-sagemaker"),
    ("tensorflow-training", "2.14.1-gpu-py310-cu118-ubuntu20.04-sagemaker"),
    ("huggingface-pytorch-training", "2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04"),
    ("xgboost", "1.7-1"),
    ("sklearn", "1.2-1-cpu-py3"),
]
HYPER = {
    "epochs": lambda r: str(r.randint(1, 200)),
    "learning_rate": lambda r: f"{r.choice([1, 2, 3, 5])}e-{r.randint(2, 6)}",
    "batch_size": lambda r: str(r.choice([16, 32, 64, 128, 256, 512])),
    "optimizer": lambda r: r.choice(["adam", "adamw", "sgd", "lamb"]),
    "weight_decay": lambda r: f"{r.random() / 10:.4f}",
    "dropout": lambda r: f"{r.random() / 2:.3f}",
    "warmup_steps": lambda r: str(r.randint(0, 5000)),
    "max_seq_length": lambda r: str(r.choice([128, 256, 512, 1024])),
    "model_name_or_path": lambda r: r.choice(["bert-base-uncased", "roberta-large", "t5-small"]),
    "gradient_accumulation_steps": lambda r: str(r.choice([1, 2, 4, 8])),
    "seed": lambda r: str(r.randint(0, 2**31)),
    "sagemaker_program": lambda r: r.choice(["train.py", "entry.py", "main.py"]),
    "sagemaker_submit_directory": lambda r: f"s3://ml-code-{r.randint(100, 999)}/src/sourcedir.tar.gz",
}
ACCOUNT = "111122223333"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def tags_for(r, team, project, compliant):
    tags = [
        {"Key": "Project", "Value": project},
        {"Key": "Sponsor", "Value": r.choice(PEOPLE)},
        {"Key": "Project Lead", "Value": r.choice(PEOPLE)},
        {"Key": "Project Name", "Value": f"{team} {project}"},
        {"Key": "Cost Center", "Value": f"CC-{r.choice([100, 200, 300])}"},
        {"Key": "Contact", "Value": f"{team}@ourcoolcompany.ai"},
        {"Key": "team", "Value": team},
    ]
    if not compliant:
        # The usual ways tagging goes wrong: a missing tag, a lower-case key.
        drop = r.randrange(6)
        if r.random() < 0.5:
            tags[drop]["Key"] = tags[drop]["Key"].lower()
        else:
            del tags[drop]
    for i in range(r.choice([0, 0, 0, 1, 2])):
        tags.append({"Key": f"experiment:{i}", "Value": f"run-{r.randint(1, 99999)}"})
    return tags


def training_job(r, i):
    team, project = r.choice(TEAMS), r.choice(PROJECTS)
    name = f"{team}-{project}-{i:06d}-{r.randint(0, 16**6):06x}"
    repo, version = r.choice(FRAMEWORKS)
    instance = r.choice(INSTANCE_TYPES)
    runtime = r.choice([3600, 7200, 14400, 28800, 86400, 172800])
    # About half satisfy every rule of the built-in policy; each of the rest
    # misses one or more practices.
    compliant = r.random() < 0.5
    flaws = set() if compliant else set(r.sample(
        ["tags", "vpc", "isolation", "encryption", "kms", "spot", "wait"], r.randint(1, 3)))
    channels = []
    for ch in r.sample(["train", "validation", "test"], r.choice([1, 1, 2, 2, 3])):
        channels.append({
            "ChannelName": ch,
            "DataSource": {"S3DataSource": {
                "S3DataType": "S3Prefix",
                "S3Uri": f"s3://ml-data-{team}/{project}/{ch}/v{r.randint(1, 40)}/",
            }},
        })
        if r.random() < 0.3:
            channels[-1]["ContentType"] = r.choice(["application/x-parquet", "text/csv"])
        if r.random() < 0.2:
            channels[-1]["InputMode"] = r.choice(["File", "FastFile", "Pipe"])
    hyper_keys = r.sample(sorted(HYPER), r.randint(2, 6))
    job = {
        "TrainingJobName": name,
        "HyperParameters": {k: HYPER[k](r) for k in hyper_keys},
        "AlgorithmSpecification": {
            "TrainingImage": f"763104351884.dkr.ecr.us-east-1.amazonaws.com/{repo}:{version}",
            "TrainingInputMode": "File",
        },
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/SageMaker-{team}-ExecutionRole",
        "InputDataConfig": channels,
        "OutputDataConfig": {"S3OutputPath": f"s3://ml-artifacts-{team}/{project}/output/"},
        "ResourceConfig": {
            "InstanceType": instance,
            "InstanceCount": r.choice([1, 1, 1, 2, 4, 8]),
            "VolumeSizeInGB": r.choice([30, 50, 100, 200, 500]),
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": runtime},
        "Tags": tags_for(r, team, project, "tags" not in flaws),
    }
    if r.random() < 0.3:
        job["AlgorithmSpecification"]["MetricDefinitions"] = [
            {"Name": m, "Regex": f"{m}=([0-9\\.]+)"}
            for m in r.sample(["train:loss", "validation:loss", "validation:f1"], r.randint(1, 2))]
    if r.random() < 0.3:
        job["Environment"] = {"TEAM": team, "LOG_LEVEL": r.choice(["INFO", "DEBUG", "WARN"])}
    if r.random() < 0.3:
        job["RetryStrategy"] = {"MaximumRetryAttempts": r.randint(1, 3)}
    key = KEY if r.random() < 0.3 else f"alias/ml-{team}"
    if "kms" not in flaws:
        job["OutputDataConfig"]["KmsKeyId"] = key
        if instance not in ("ml.p4d.24xlarge", "ml.g5.xlarge", "ml.g5.2xlarge", "ml.g5.12xlarge",
                            "ml.g4dn.xlarge", "ml.trn1.2xlarge"):
            job["ResourceConfig"]["VolumeKmsKeyId"] = key
    if "vpc" not in flaws:
        job["VpcConfig"] = {
            "SecurityGroupIds": [f"sg-{r.randint(0, 16**8):08x}"],
            "Subnets": [f"subnet-{r.randint(0, 16**8):08x}" for _ in range(r.randint(1, 3))],
        }
    job["EnableNetworkIsolation"] = "isolation" not in flaws
    job["EnableInterContainerTrafficEncryption"] = "encryption" not in flaws
    if "spot" not in flaws:
        job["EnableManagedSpotTraining"] = True
        job["CheckpointConfig"] = {"S3Uri": f"s3://ml-checkpoints/{name}/",
                                   "LocalPath": "/opt/ml/checkpoints"}
        wait = runtime * (1 if "wait" in flaws else 2)
        job["StoppingCondition"]["MaxWaitTimeInSeconds"] = min(wait, 2419200)
    return job


def generate(n, seed):
    r = random.Random(seed)
    return [training_job(r, i) for i in range(n)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--one-line", action="store_true",
                    help="the whole bundle on one line, as json.dump writes it")
    args = ap.parse_args()
    # One request per line, as bundles exported by scripts usually are; or
    # all on one line.
    jobs = generate(args.n, args.seed)
    if args.one_line:
        text = json.dumps(jobs) + "\n"
    else:
        text = "[\n" + ",\n".join(json.dumps(job) for job in jobs) + "\n]\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
