// Rules on inputs as they come from real sources: pipeline definitions whose
// instance types are pipeline parameters, and SDK script-mode jobs whose
// code is fetched from S3 (network isolation would cut that off).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "sageguard/check.h"

namespace sageguard {
namespace {

Policy policy_from(const std::string& yaml) {
  auto p = parse_policy("p.yaml", yaml);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return p.ok() ? std::move(p).value() : Policy{};
}

CheckResult check_text(const std::string& text, const Policy& policy) {
  auto doc = parse_document("doc.json", text);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().describe());
  CheckResult r;
  CheckOptions o;
  o.today = "2026-11-27";
  if (doc.ok()) {
    Status s = check_document(**doc, true, policy, o, r);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().describe());
  }
  return r;
}

const Finding* find(const CheckResult& r, const std::string& rule) {
  for (const auto& f : r.findings) {
    if (f.rule == rule) return &f;
  }
  return nullptr;
}

// A pipeline with one training step whose instance type is the parameter
// `TrainType`; `parameters` is the Parameters array's JSON.
std::string pipeline(const std::string& parameters) {
  return R"({"Version": "2020-12-01", "Parameters": )" + parameters + R"(,
  "Steps": [{"Name": "Train", "Type": "Training", "Arguments": {
    "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::111122223333:role/R",
    "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
    "ResourceConfig": {"InstanceCount": 1, "VolumeSizeInGB": 30,
                       "InstanceType": {"Get": "Parameters.TrainType"}},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}}]})";
}

const char* kLimits = R"(version: 1
rules: {tags.required: off, vpc.required: off, network.isolation: off, kms.output: off,
        encryption.inter-container: off, spot.enabled: off, request.invalid: off}
limits:
  instance_types: ["ml.m5.*", "ml.g5.*"]
)";

TEST(PipelineParameters, NvmeDefaultNeedsNoVolumeKey) {
  const Policy p = policy_from(kLimits);
  const auto r = check_text(
      pipeline(R"([{"Name": "TrainType", "Type": "String", "DefaultValue": "ml.g5.2xlarge"}])"), p);
  EXPECT_EQ(find(r, "kms.volume"), nullptr);
  EXPECT_EQ(find(r, "instance.allowed"), nullptr);
}

TEST(PipelineParameters, DefaultDecidesAndTheMessageSaysSo) {
  const Policy p = policy_from(kLimits);
  const std::string text =
      pipeline(R"([{"Name": "Other", "Type": "String"},
                   {"Name": "TrainType", "Type": "String", "DefaultValue": "ml.r5.large"}])");
  const auto r = check_text(text, p);
  const Finding* vol = find(r, "kms.volume");
  ASSERT_NE(vol, nullptr);
  EXPECT_NE(vol->message.find("with the parameter's default ml.r5.large for Parameters.TrainType"),
            std::string::npos)
      << vol->message;
  const Finding* allowed = find(r, "instance.allowed");
  ASSERT_NE(allowed, nullptr);
  EXPECT_EQ(allowed->path, "/ResourceConfig/InstanceType");
  EXPECT_NE(allowed->message.find("'ml.r5.large' (with the parameter's default ml.r5.large"),
            std::string::npos)
      << allowed->message;
  // At the {"Get": ...} expression.
  const std::string before = text.substr(0, text.find(R"({"Get": "Parameters.TrainType"})"));
  EXPECT_EQ(allowed->line,
            static_cast<uint32_t>(1 + std::count(before.begin(), before.end(), '\n')));
}

TEST(PipelineParameters, NoDefaultStaysUnresolved) {
  const Policy p = policy_from(kLimits);
  for (const char* params : {R"([{"Name": "TrainType", "Type": "String"}])",
                             R"([{"Name": "TrainType", "Type": "String", "DefaultValue": null}])",
                             R"([])"}) {
    const auto r = check_text(pipeline(params), p);
    EXPECT_EQ(find(r, "kms.volume"), nullptr) << params;
    EXPECT_EQ(find(r, "instance.allowed"), nullptr) << params;
  }
}

// A CreateTrainingJob as the SDK's framework estimators send it in script
// mode: the code is uploaded to S3 and its URI passed JSON-encoded.
std::string script_mode_job(const std::string& submit_dir) {
  return R"({"TrainingJobName": "j1",
  "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
  "RoleArn": "arn:aws:iam::111122223333:role/R",
  "HyperParameters": {"sagemaker_program": "\"train.py\"",
                      "sagemaker_submit_directory": )" + submit_dir + R"(},
  "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
  "StoppingCondition": {"MaxRuntimeInSeconds": 3600}})";
}

TEST(ScriptMode, IsolationFindingIsNotFixableAndSaysWhatToDo) {
  const Policy& p = default_policy();
  for (const char* dir : {R"("\"s3://b/code/sourcedir.tar.gz\"")", R"("s3://b/code/src.tar.gz")"}) {
    const auto r = check_text(script_mode_job(dir), p);
    const Finding* f = find(r, "network.isolation");
    ASSERT_NE(f, nullptr) << dir;
    EXPECT_FALSE(f->fixable) << dir;
    EXPECT_NE(f->message.find("sagemaker_submit_directory"), std::string::npos) << f->message;
    EXPECT_NE(f->message.find("enable_network_isolation=True"), std::string::npos) << f->message;
    // Other findings stay fixable.
    ASSERT_NE(find(r, "kms.volume"), nullptr);
    EXPECT_TRUE(find(r, "kms.volume")->fixable);
  }
  // Code already in the container (or in a channel): isolation is safe.
  const auto local = check_text(script_mode_job(R"("\"/opt/ml/input/data/code\"")"), p);
  ASSERT_NE(find(local, "network.isolation"), nullptr);
  EXPECT_TRUE(find(local, "network.isolation")->fixable);
}

TEST(ScriptMode, ModelServingCodeFromS3) {
  const auto r = check_text(R"({"ModelName": "m", "ExecutionRoleArn": "arn:aws:iam::111122223333:role/R",
    "PrimaryContainer": {"Image": "img", "ModelDataUrl": "s3://b/model.tar.gz",
      "Environment": {"SAGEMAKER_PROGRAM": "inference.py",
                      "SAGEMAKER_SUBMIT_DIRECTORY": "s3://b/code/sourcedir.tar.gz"}}})",
                            default_policy());
  const Finding* f = find(r, "network.isolation");
  ASSERT_NE(f, nullptr);
  EXPECT_FALSE(f->fixable);
  EXPECT_NE(f->message.find("SAGEMAKER_SUBMIT_DIRECTORY"), std::string::npos) << f->message;
}

}  // namespace
}  // namespace sageguard
