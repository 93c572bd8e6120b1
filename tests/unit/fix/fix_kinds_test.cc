// fix on the other kinds: processing NetworkConfig (one object for three
// fixes), endpoint configs (output keys only where the config exists),
// transform jobs, pipelines (expressions untouched, step name for the
// checkpoint), bundles; and writing: fix never writes, a failed write
// leaves the original intact.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "fix_test_util.h"
#include "sageguard/fix/fix.h"
#include "test_support.h"
#include "util/files.h"

namespace {

using sgtest::changed_rules;
using sgtest::expect_idempotent;
using sgtest::full_policy;
using sgtest::remaining_rules;
using sgtest::run_fix;

TEST(FixKinds, ProcessingNetworkConfigIsOneObject) {
  const std::string in = R"({
  "ProcessingJobName": "features-1",
  "ProcessingResources": {
    "ClusterConfig": {
      "InstanceCount": 1,
      "InstanceType": "ml.m5.xlarge",
      "VolumeSizeInGB": 30
    }
  },
  "ProcessingOutputConfig": {
    "Outputs": []
  },
  "AppSpecification": {"ImageUri": "683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1"},
  "RoleArn": "arn:aws:iam::111122223333:role/r",
  "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
  "Tags": [{"Key": "Project", "Value": "p"}, {"Key": "Contact", "Value": "c@d.io"}]
}
)";
  auto o = run_fix(in, full_policy());
  EXPECT_EQ(o.fixed, R"({
  "ProcessingJobName": "features-1",
  "ProcessingResources": {
    "ClusterConfig": {
      "InstanceCount": 1,
      "InstanceType": "ml.m5.xlarge",
      "VolumeSizeInGB": 30,
      "VolumeKmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    }
  },
  "ProcessingOutputConfig": {
    "Outputs": [],
    "KmsKeyId": "alias/ml-output"
  },
  "AppSpecification": {"ImageUri": "683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1"},
  "RoleArn": "arn:aws:iam::111122223333:role/r",
  "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
  "Tags": [{"Key": "Project", "Value": "p"}, {"Key": "Contact", "Value": "c@d.io"}],
  "NetworkConfig": {
    "VpcConfig": {
      "SecurityGroupIds": [
        "sg-0123abcd"
      ],
      "Subnets": [
        "subnet-0a1b2c3d",
        "subnet-4e5f6a7b"
      ]
    },
    "EnableNetworkIsolation": true,
    "EnableInterContainerTrafficEncryption": true
  }
}
)");
  EXPECT_EQ(o.changes.size(), 5u);
  EXPECT_FALSE(changed_rules(o).count("spot.enabled"));  // not a processing practice
  EXPECT_TRUE(o.remaining.findings.empty()) << o.remaining.findings[0].message;
  expect_idempotent(o, full_policy());
}

TEST(FixKinds, EndpointConfigOutputKeysOnlyWhereConfigsExist) {
  const std::string in = R"({
  "EndpointConfigName": "ec1",
  "ProductionVariants": [
    {"VariantName": "v1", "ModelName": "m1", "InstanceType": "ml.m5.xlarge", "InitialInstanceCount": 1}
  ],
  "DataCaptureConfig": {
    "InitialSamplingPercentage": 10,
    "DestinationS3Uri": "s3://cap/",
    "CaptureOptions": [{"CaptureMode": "Input"}]
  },
  "Tags": [{"Key": "Project", "Value": "p"}, {"Key": "Contact", "Value": "c@d.io"}]
}
)";
  auto o = run_fix(in, full_policy());
  EXPECT_EQ(o.fixed, R"({
  "EndpointConfigName": "ec1",
  "ProductionVariants": [
    {"VariantName": "v1", "ModelName": "m1", "InstanceType": "ml.m5.xlarge", "InitialInstanceCount": 1}
  ],
  "DataCaptureConfig": {
    "InitialSamplingPercentage": 10,
    "DestinationS3Uri": "s3://cap/",
    "CaptureOptions": [{"CaptureMode": "Input"}],
    "KmsKeyId": "alias/ml-output"
  },
  "Tags": [{"Key": "Project", "Value": "p"}, {"Key": "Contact", "Value": "c@d.io"}],
  "KmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}
)");
  EXPECT_EQ(o.fixed.find("AsyncInferenceConfig"), std::string::npos);
  EXPECT_TRUE(o.remaining.findings.empty()) << o.remaining.findings[0].message;
  expect_idempotent(o, full_policy());
}

TEST(FixKinds, TransformJobYaml) {
  const std::string in = R"(TransformJobName: t1
ModelName: m1
TransformInput:
  DataSource:
    S3DataSource:
      S3DataType: S3Prefix
      S3Uri: s3://in/
TransformOutput:
  S3OutputPath: s3://out/
TransformResources:
  InstanceType: ml.m5.xlarge
  InstanceCount: 1
Tags:
  - {Key: Project, Value: p}
  - {Key: Contact, Value: c@d.io}
)";
  auto o = run_fix(in, full_policy(), {}, "t.yaml");
  EXPECT_EQ(o.fixed, R"(TransformJobName: t1
ModelName: m1
TransformInput:
  DataSource:
    S3DataSource:
      S3DataType: S3Prefix
      S3Uri: s3://in/
TransformOutput:
  S3OutputPath: s3://out/
  KmsKeyId: alias/ml-output
TransformResources:
  InstanceType: ml.m5.xlarge
  InstanceCount: 1
  VolumeKmsKeyId: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
Tags:
  - {Key: Project, Value: p}
  - {Key: Contact, Value: c@d.io}
)");
  EXPECT_TRUE(o.remaining.findings.empty()) << o.remaining.findings[0].message;
  expect_idempotent(o, full_policy(), "t.yaml");
}

const char* kPipeline = R"({
  "Version": "2020-12-01",
  "Parameters": [{"Name": "Type", "Type": "String", "DefaultValue": "ml.m5.xlarge"}],
  "Steps": [
    {
      "Name": "Train",
      "Type": "Training",
      "Arguments": {
        "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1", "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::111122223333:role/r",
        "OutputDataConfig": {"S3OutputPath": {"Get": "Parameters.Out"}},
        "ResourceConfig": {"InstanceCount": 1, "InstanceType": {"Get": "Parameters.Type"}, "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "EnableNetworkIsolation": {"Get": "Parameters.Isolate"},
        "Tags": [{"Key": "Project", "Value": "p"}, {"Key": "Contact", "Value": "c@d.io"}]
      }
    },
    {
      "Name": "TrainGet",
      "Type": "Training",
      "Arguments": {
        "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1", "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::111122223333:role/r",
        "OutputDataConfig": {"Get": "Parameters.Output"},
        "ResourceConfig": {"Get": "Parameters.Resources"},
        "StoppingCondition": {"MaxRuntimeInSeconds": {"Get": "Parameters.Runtime"}},
        "Tags": [{"Key": "Project", "Value": "p"}, {"Key": "Contact", "Value": "c@d.io"}]
      }
    }
  ]
}
)";

TEST(FixKinds, PipelineStepsLeaveExpressionsAlone) {
  auto o = run_fix(kPipeline, full_policy(), {}, "pipe.json");
  const std::string& f = o.fixed;
  // Expressions are byte-identical and never replaced or filled in.
  for (const char* expr : {R"("EnableNetworkIsolation": {"Get": "Parameters.Isolate"})",
                           R"("OutputDataConfig": {"Get": "Parameters.Output"})",
                           R"("ResourceConfig": {"Get": "Parameters.Resources"})",
                           R"("MaxRuntimeInSeconds": {"Get": "Parameters.Runtime"}})"}) {
    EXPECT_NE(f.find(expr), std::string::npos) << expr;
  }
  EXPECT_EQ(f.find("\"EnableNetworkIsolation\": true"),
            f.rfind("\"EnableNetworkIsolation\": true"));
  // Step 1: resolved runtime, so spot, with a checkpoint prefix per
  // execution (every run of the step would share a fixed one).
  const auto doc = nlohmann::json::parse(f);
  EXPECT_EQ(doc["Steps"][0]["Arguments"]["CheckpointConfig"]["S3Uri"],
            nlohmann::json::parse(R"({"Std:Join": {"On": "/", "Values": ["s3://ml-checkpoints",
              {"Get": "Execution.PipelineExecutionId"}, "Train"]}})"));
  EXPECT_NE(f.find(R"("MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200})"),
            std::string::npos);
  EXPECT_NE(
      f.find(
          R"("OutputDataConfig": {"S3OutputPath": {"Get": "Parameters.Out"}, "KmsKeyId": "alias/ml-output"})"),
      std::string::npos);
  // Step 2: runtime unresolved, so spot stays off (and stays a finding).
  EXPECT_EQ(f.find("TrainGet/"), std::string::npos);
  bool spot_left_on_step2 = false;
  for (const auto& finding : o.remaining.findings) {
    if (finding.rule == "spot.enabled" && finding.resource.name == "TrainGet")
      spot_left_on_step2 = true;
    EXPECT_NE(finding.rule, "kms.volume");
    EXPECT_NE(finding.rule, "network.isolation");
  }
  EXPECT_TRUE(spot_left_on_step2);
  for (const auto& c : o.changes) {
    EXPECT_TRUE(c.resource.name == "Train" || c.resource.name == "TrainGet");
  }
  expect_idempotent(o, full_policy(), "pipe.json");
}

TEST(FixKinds, BundleFixesEachItem) {
  const std::string in = R"([
  {"EndpointName": "e1", "EndpointConfigName": "c1"},
  {"EndpointName": "e2", "EndpointConfigName": "c2", "Tags": [{"Key": "Contact", "Value": "x@y.io"}]}
]
)";
  auto o = run_fix(in, full_policy());
  EXPECT_EQ(o.fixed, R"([
  {"EndpointName": "e1", "EndpointConfigName": "c1", "Tags": [{"Key": "Project", "Value": "churn"}, {"Key": "Contact", "Value": "ml@ourcoolcompany.ai"}]},
  {"EndpointName": "e2", "EndpointConfigName": "c2", "Tags": [{"Key": "Contact", "Value": "x@y.io"}, {"Key": "Project", "Value": "churn"}]}
]
)");
  EXPECT_TRUE(o.remaining.findings.empty());
}

TEST(FixKinds, NothingToFixMeansIdenticalText) {
  const std::string in =
      "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c1\", \"Tags\": "
      "[{\"Key\": \"Project\", \"Value\": \"p\"}, {\"Key\": \"Contact\", "
      "\"Value\": \"c@d.io\"}]}";
  auto o = run_fix(in, full_policy());
  EXPECT_EQ(o.fixed, in);
  EXPECT_TRUE(o.changes.empty());
}

TEST(FixKinds, FailedWriteLeavesTheOriginalIntact) {
  sgtest::TempDir dir;
  const auto in = dir / "job.json";
  const std::string text = "{\"EndpointName\": \"e1\", \"EndpointConfigName\": \"c1\"}\n";
  sgtest::write_file(in, text);
  auto o = sageguard::fix::fix_file(in.string(), full_policy(), {});
  ASSERT_TRUE(o.ok());
  ASSERT_NE(o->fixed, text);
  EXPECT_EQ(sgtest::read_file(in), text);  // fix_file itself never writes
  // A target whose folder is a regular file cannot be written.
  const auto bad = dir / "job.json" / "out.json";
  EXPECT_FALSE(sageguard::write_file_atomic(bad.string(), o->fixed).ok());
  EXPECT_EQ(sgtest::read_file(in), text);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);  // no temp file left behind
}

TEST(UnifiedDiff, Format) {
  using sageguard::fix::unified_diff;
  EXPECT_EQ(unified_diff("a\n", "a\n", "f", "f"), "");
  EXPECT_EQ(unified_diff("a\nb\nc\n", "a\nb\nX\nc\n", "f", "g"),
            "--- f\n+++ g\n@@ -1,3 +1,4 @@\n a\n b\n+X\n c\n");
  EXPECT_EQ(unified_diff("a\nb", "a\nc", "f", "f"),
            "--- f\n+++ f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n"
            "\\ No newline at end of file\n");
  EXPECT_EQ(unified_diff("", "x\n", "f", "f"), "--- f\n+++ f\n@@ -0,0 +1,1 @@\n+x\n");
  // Two changes far apart make two hunks.
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 ? std::string("two\n") : std::to_string(i) + "\n");
    if (i == 18) b += "18b\n";
  }
  EXPECT_EQ(unified_diff(a, b, "f", "f"),
            "--- f\n+++ f\n@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
            "@@ -16,5 +16,6 @@\n 16\n 17\n 18\n+18b\n 19\n 20\n");
}

}  // namespace
