#!/usr/bin/env python3
"""Regenerates the bundled cost samples (deterministic; committed outputs):

  cur/sample-cur-2024-05.csv.gz   legacy CUR, ~3,000 line items, May 2024
  describes/*.json                 DescribeTrainingJob / DescribeHyperParameterTuningJob /
                                   DescribeProcessingJob / DescribeTransformJob / DescribeEndpoint
                                   responses in the shape boto3 returns them (times ISO-8601),
                                   with ListTags merged as "Tags" and the endpoint's
                                   DescribeEndpointConfig as "EndpointConfig".

The data is synthetic: account 111122223333, made-up jobs. Run from anywhere:
  python3 examples/cost/make_examples.py"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
from cost_support import cur_gen  # noqa: E402

ACCOUNT = "111122223333"
REGION = "us-east-1"


def arn(kind, name):
    return "arn:aws:sagemaker:%s:%s:%s/%s" % (REGION, ACCOUNT, kind, name)


def tags(project, center, **extra):
    t = [{"Key": "Project", "Value": project}, {"Key": "Cost Center", "Value": center}]
    t += [{"Key": k, "Value": v} for k, v in extra.items()]
    return t


def training(name, itype, count, start, train_s, billable_s, spot, metrics, experiment=None, trial=None,
             project="churn", center="CC-100", tuning=None, status="Completed", extra_tags=None):
    d = {
        "TrainingJobName": name,
        "TrainingJobArn": arn("training-job", name),
        "TrainingJobStatus": status,
        "SecondaryStatus": status,
        "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/"
                                   "sagemaker-xgboost:1.7-1", "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::%s:role/SageMakerRole" % ACCOUNT,
        "ResourceConfig": {"InstanceType": itype, "InstanceCount": count, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 7200, **({"MaxWaitTimeInSeconds": 14400} if spot else {})},
        "EnableManagedSpotTraining": spot,
        "CreationTime": start,
        "TrainingStartTime": start,
        "Tags": (tags(project, center, **(extra_tags or {})) if project else []),
    }
    if status == "Completed":
        d["TrainingTimeInSeconds"] = train_s
        d["BillableTimeInSeconds"] = billable_s
        d["FinalMetricDataList"] = [{"MetricName": k, "Value": v, "Timestamp": start} for k, v in metrics.items()]
    if experiment:
        d["ExperimentConfig"] = {"ExperimentName": experiment, "TrialName": trial or name}
    if tuning:
        d["TuningJobArn"] = arn("hyper-parameter-tuning-job", tuning)
        d["Tags"] = []  # SageMaker copies the tuning job's tags; recorded without them to show inheritance
    return d


def describes():
    out = []
    # Experiment churn-baseline: one on-demand job.
    out.append(training("churn-xgb-baseline", "ml.m5.xlarge", 1, "2024-05-02T09:00:00+00:00", 1800, 1800, False,
                        {"validation:auc": 0.81}, "churn-baseline"))
    # Experiment churn-features: two spot jobs.
    out.append(training("churn-xgb-features-1", "ml.m5.2xlarge", 2, "2024-05-06T10:00:00+00:00", 3000, 1100, True,
                        {"validation:auc": 0.86}, "churn-features"))
    out.append(training("churn-xgb-features-2", "ml.m5.2xlarge", 2, "2024-05-07T10:00:00+00:00", 3200, 1250, True,
                        {"validation:auc": 0.872}, "churn-features"))
    # Experiment churn-gpu: an expensive GPU run that is barely better.
    out.append(training("churn-dnn-gpu", "ml.p3.2xlarge", 1, "2024-05-10T08:00:00+00:00", 7000, 7000, False,
                        {"validation:auc": 0.875}, "churn-gpu"))
    # Experiment churn-tuning: a tuning job and its three spot training jobs.
    out.append({
        "HyperParameterTuningJobName": "churn-hpo",
        "HyperParameterTuningJobArn": arn("hyper-parameter-tuning-job", "churn-hpo"),
        "HyperParameterTuningJobStatus": "Completed",
        "HyperParameterTuningJobConfig": {"Strategy": "Bayesian",
                                          "ResourceLimits": {"MaxNumberOfTrainingJobs": 3,
                                                             "MaxParallelTrainingJobs": 3}},
        "CreationTime": "2024-05-14T07:00:00+00:00",
        "Tags": tags("churn", "CC-100", Experiment="churn-tuning"),
    })
    for i, (b, auc) in enumerate(((900, 0.861), (950, 0.869), (1020, 0.874)), start=1):
        out.append(training("churn-hpo-00%d-abc" % i, "ml.g5.xlarge", 1, "2024-05-14T07:0%d:00+00:00" % i, 2400, b,
                            True, {"validation:auc": auc}, tuning="churn-hpo"))
    # Fraud project (other cost center), one job still running (no billable time yet).
    out.append(training("fraud-lgbm-1", "ml.c5.2xlarge", 1, "2024-05-20T12:00:00+00:00", 3600, 3600, False,
                        {"validation:f1": 0.71}, "fraud-lgbm", project="fraud", center="CC-200"))
    out.append(training("fraud-lgbm-2", "ml.c5.2xlarge", 1, "2024-05-31T23:00:00+00:00", 0, 0, False, {},
                        "fraud-lgbm", project="fraud", center="CC-200", status="InProgress"))
    # An untagged job on an instance type the bundled price table lacks.
    out.append(training("scratch-test", "ml.trn1.2xlarge", 1, "2024-05-21T15:00:00+00:00", 600, 600, False,
                        {}, project=None))
    # Processing and transform for churn.
    out.append({
        "ProcessingJobName": "churn-features-prep",
        "ProcessingJobArn": arn("processing-job", "churn-features-prep"),
        "ProcessingJobStatus": "Completed",
        "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2,
                                                  "VolumeSizeInGB": 30}},
        "CreationTime": "2024-05-05T08:55:00+00:00",
        "ProcessingStartTime": "2024-05-05T09:00:00+00:00",
        "ProcessingEndTime": "2024-05-05T09:45:00+00:00",
        "Tags": tags("churn", "CC-100"),
    })
    out.append({
        "TransformJobName": "churn-batch-score",
        "TransformJobArn": arn("transform-job", "churn-batch-score"),
        "TransformJobStatus": "Completed",
        "ModelName": "churn-xgb-features-2",
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
        "CreationTime": "2024-05-25T06:00:00+00:00",
        "TransformStartTime": "2024-05-25T06:02:00+00:00",
        "TransformEndTime": "2024-05-25T06:32:00+00:00",
        "Tags": tags("churn", "CC-100"),
    })
    # An endpoint serving churn, two instances, deleted (OutOfService) after 10 days.
    out.append({
        "EndpointName": "churn-live",
        "EndpointArn": arn("endpoint", "churn-live"),
        "EndpointConfigName": "churn-live-config",
        "EndpointStatus": "OutOfService",
        "ProductionVariants": [{"VariantName": "AllTraffic", "CurrentWeight": 1.0,
                                "CurrentInstanceCount": 2, "DesiredInstanceCount": 2}],
        "CreationTime": "2024-05-20T00:00:00+00:00",
        "LastModifiedTime": "2024-05-30T00:00:00+00:00",
        "Tags": tags("churn", "CC-100"),
        "EndpointConfig": {"EndpointConfigName": "churn-live-config",
                           "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": "churn-xgb-features-2",
                                                   "InitialInstanceCount": 2, "InstanceType": "ml.m5.large"}]},
    })
    return out


def main():
    d = os.path.join(HERE, "describes")
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):
        os.remove(os.path.join(d, old))
    for doc in describes():
        name = doc.get("TrainingJobName") or doc.get("HyperParameterTuningJobName") or \
            doc.get("ProcessingJobName") or doc.get("TransformJobName") or doc.get("EndpointName")
        with open(os.path.join(d, name + ".json"), "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    c = os.path.join(HERE, "cur")
    os.makedirs(c, exist_ok=True)
    rows = cur_gen.make_rows(2024, 3000, "2024-05")
    text, _ = cur_gen.render(cur_gen.LEGACY_COLUMNS, [cur_gen.legacy_record(r) for r in rows])
    cur_gen.write(os.path.join(c, "sample-cur-2024-05.csv.gz"), text, gz=True)


if __name__ == "__main__":
    main()
