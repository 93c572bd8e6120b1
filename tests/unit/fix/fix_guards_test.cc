// fix on inputs as they come from real sources, and the changes it must not
// make because they could break the job: empty values filled in place,
// isolation for script-mode code fetched from S3, a VPC whose subnets may
// not reach S3, volume keys on NVMe types behind pipeline parameters,
// per-execution checkpoints in pipelines, a max wait out of the API's
// range, spot on a warm-pool job; and the re-check is check's own.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fix_test_util.h"
#include "sageguard/fix/fix.h"

namespace {

using json = nlohmann::json;
using sgtest::expect_idempotent;
using sgtest::full_policy;
using sgtest::remaining_rules;
using sgtest::run_fix;

constexpr const char* kVolumeKey =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

bool withheld(const sageguard::fix::FixOutcome& o, const std::string& rule,
              const std::string& says) {
  for (const auto& w : o.withheld) {
    if (w.rule == rule && w.what.find(says) != std::string::npos) return true;
  }
  return false;
}

// DescribeTrainingJob output and AWS's examples carry empty keys.
const char* kEmptyKeys = R"({
  "TrainingJobName": "j1",
  "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
  "RoleArn": "arn:aws:iam::111122223333:role/r",
  "OutputDataConfig": {"S3OutputPath": "s3://b/o/", "KmsKeyId": ""},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30,
                     "VolumeKmsKeyId": ""},
  "VpcConfig": {"Subnets": [""], "SecurityGroupIds": []},
  "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
  "EnableNetworkIsolation": true,
  "EnableInterContainerTrafficEncryption": true,
  "Tags": [{"Key": "Project", "Value": "p"}, {"Key": "Contact", "Value": "c@d.io"}]
}
)";

TEST(FixGuards, EmptyKeysAndIdsAreFilledInPlace) {
  auto o = run_fix(kEmptyKeys, full_policy());
  const json doc = json::parse(o.fixed);
  EXPECT_EQ(doc["ResourceConfig"]["VolumeKmsKeyId"], kVolumeKey);
  EXPECT_EQ(doc["OutputDataConfig"]["KmsKeyId"], "alias/ml-output");
  EXPECT_EQ(doc["VpcConfig"]["Subnets"], json({"subnet-0a1b2c3d", "subnet-4e5f6a7b"}));
  EXPECT_EQ(doc["VpcConfig"]["SecurityGroupIds"], json({"sg-0123abcd"}));
  // In place: the members keep their order and no second key appears.
  EXPECT_NE(o.fixed.find(R"("VolumeSizeInGB": 30,
                     "VolumeKmsKeyId": "arn:aws:kms)"),
            std::string::npos)
      << o.fixed;
  for (const char* rule : {"kms.volume", "kms.output", "vpc.required", "request.invalid"}) {
    EXPECT_EQ(remaining_rules(o).count(rule), 0u) << rule;
  }
  expect_idempotent(o, full_policy());
}

TEST(FixGuards, EmptyKeysInYamlKeepTheirQuotes) {
  const std::string in = R"(TrainingJobName: j1
AlgorithmSpecification:
  TrainingImage: img
  TrainingInputMode: File
RoleArn: arn:aws:iam::111122223333:role/r
OutputDataConfig:
  S3OutputPath: s3://b/o/
  KmsKeyId: ''
ResourceConfig:
  InstanceType: ml.m5.xlarge
  InstanceCount: 1
  VolumeSizeInGB: 30
  VolumeKmsKeyId: ""   # as described
StoppingCondition:
  MaxRuntimeInSeconds: 3600
)";
  sageguard::fix::FixOptions only;
  only.only = {"kms.volume", "kms.output"};
  auto o = run_fix(in, full_policy(), only, "in.yaml");
  EXPECT_NE(o.fixed.find("  KmsKeyId: 'alias/ml-output'\n"), std::string::npos) << o.fixed;
  EXPECT_NE(o.fixed.find(std::string("  VolumeKmsKeyId: \"") + kVolumeKey + "\"   # as described\n"),
            std::string::npos)
      << o.fixed;
  EXPECT_EQ(remaining_rules(o).count("kms.volume"), 0u);
  EXPECT_EQ(remaining_rules(o).count("kms.output"), 0u);
  expect_idempotent(o, full_policy(), "in.yaml", only);
}

std::string script_mode_job(bool isolation_member) {
  return std::string(R"({
  "TrainingJobName": "pt-1",
  "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
  "RoleArn": "arn:aws:iam::111122223333:role/r",
  "HyperParameters": {"sagemaker_program": "\"train.py\"",
                      "sagemaker_submit_directory": "\"s3://b/pt-1/source/sourcedir.tar.gz\""},
  "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
  "StoppingCondition": {"MaxRuntimeInSeconds": 3600},)") +
         (isolation_member ? "\n  \"EnableNetworkIsolation\": false," : "") + R"(
  "Tags": [{"Key": "Project", "Value": "p"}, {"Key": "Contact", "Value": "c@d.io"}]
}
)";
}

TEST(FixGuards, NoIsolationForScriptModeCodeFromS3) {
  for (bool member : {false, true}) {
    auto o = run_fix(script_mode_job(member), full_policy());
    const json doc = json::parse(o.fixed);
    EXPECT_TRUE(!doc.contains("EnableNetworkIsolation") || doc["EnableNetworkIsolation"] == false)
        << o.fixed;
    EXPECT_TRUE(withheld(o, "network.isolation", "sagemaker_submit_directory")) << member;
    EXPECT_TRUE(withheld(o, "network.isolation", "enable_network_isolation=True")) << member;
    EXPECT_EQ(remaining_rules(o).count("network.isolation"), 1u);
    // The rest is fixed as usual.
    EXPECT_EQ(doc["ResourceConfig"]["VolumeKmsKeyId"], kVolumeKey);
    expect_idempotent(o, full_policy());
  }
}

TEST(FixGuards, NoVpcUnlessThePolicySaysItsSubnetsReachS3) {
  sageguard::Policy p = full_policy();
  p.subnets_reach_s3 = false;
  auto o = run_fix(script_mode_job(false), p);
  EXPECT_FALSE(json::parse(o.fixed).contains("VpcConfig"));
  EXPECT_TRUE(withheld(o, "vpc.required", "vpc.subnets_reach_s3: true"));
  EXPECT_EQ(remaining_rules(o).count("vpc.required"), 1u);
  // A job already in the VPC gets its missing part: its reach does not change.
  const std::string half = R"({"TrainingJobName": "j",
  "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
  "RoleArn": "arn:aws:iam::111122223333:role/r",
  "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
  "VpcConfig": {"Subnets": ["subnet-0a1b2c3d"]},
  "StoppingCondition": {"MaxRuntimeInSeconds": 3600}})";
  auto h = run_fix(half, p);
  EXPECT_EQ(json::parse(h.fixed)["VpcConfig"]["SecurityGroupIds"], json({"sg-0123abcd"}));
  EXPECT_TRUE(h.withheld.empty());
}

const char* kPipeline = R"({
  "Version": "2020-12-01",
  "Parameters": [{"Name": "GpuType", "Type": "String", "DefaultValue": "ml.g5.2xlarge"},
                 {"Name": "AnyType", "Type": "String"}],
  "Steps": [
    {"Name": "TrainGpu", "Type": "Training", "Arguments": {
      "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
      "RoleArn": "arn:aws:iam::111122223333:role/r",
      "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
      "ResourceConfig": {"InstanceCount": 1, "InstanceType": {"Get": "Parameters.GpuType"}, "VolumeSizeInGB": 30},
      "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}},
    {"Name": "TrainAny", "Type": "Training", "Arguments": {
      "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
      "RoleArn": "arn:aws:iam::111122223333:role/r",
      "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
      "ResourceConfig": {"InstanceCount": 1, "InstanceType": {"Get": "Parameters.AnyType"}, "VolumeSizeInGB": 30},
      "StoppingCondition": {"MaxRuntimeInSeconds": 3600}}}
  ]
}
)";

TEST(FixGuards, NoVolumeKeyOnAnNvmeOrUnknownParameterType) {
  auto o = run_fix(kPipeline, full_policy(), {}, "pipe.json");
  const json doc = json::parse(o.fixed);
  for (int step : {0, 1}) {
    const json& args = doc["Steps"][step]["Arguments"];
    EXPECT_FALSE(args["ResourceConfig"].contains("VolumeKmsKeyId")) << step;
    // Everything else that applies is fixed; checkpoints per execution.
    EXPECT_EQ(args["OutputDataConfig"]["KmsKeyId"], "alias/ml-output");
    EXPECT_EQ(args["CheckpointConfig"]["S3Uri"]["Std:Join"]["Values"][1],
              json({{"Get", "Execution.PipelineExecutionId"}}));
    EXPECT_EQ(args["CheckpointConfig"]["S3Uri"]["Std:Join"]["Values"][2],
              step == 0 ? "TrainGpu" : "TrainAny");
  }
  EXPECT_EQ(remaining_rules(o).count("kms.volume"), 0u);
  EXPECT_EQ(remaining_rules(o).count("spot.checkpoint"), 0u);
  expect_idempotent(o, full_policy(), "pipe.json");
}

TEST(FixGuards, PlainRequestsKeepAFixedCheckpointPerJob) {
  auto o = run_fix(script_mode_job(false), full_policy());
  EXPECT_EQ(json::parse(o.fixed)["CheckpointConfig"]["S3Uri"], "s3://ml-checkpoints/pt-1/");
}

std::string job_with_runtime(const std::string& runtime, const std::string& extra = "") {
  return R"({"TrainingJobName": "j",
  "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
  "RoleArn": "arn:aws:iam::111122223333:role/r",
  "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30)" +
         extra + R"(},
  "StoppingCondition": {"MaxRuntimeInSeconds": )" + runtime + R"(}})";
}

TEST(FixGuards, MaxWaitOutOfRangeIsNotWritten) {
  // 2 x 1.5e9 leaves the API's 32-bit integers (and 1e300 x 3600 would
  // leave int64's): nothing is written, the reason is reported.
  sageguard::Policy huge = full_policy();
  huge.max_wait_factor = 1e300;
  for (const auto& [policy, runtime] :
       std::vector<std::pair<sageguard::Policy, std::string>>{{full_policy(), "1500000000"},
                                                              {huge, "3600"}}) {
    auto o = run_fix(job_with_runtime(runtime), policy);
    const json doc = json::parse(o.fixed);
    EXPECT_FALSE(doc.contains("EnableManagedSpotTraining")) << o.fixed;
    EXPECT_FALSE(doc["StoppingCondition"].contains("MaxWaitTimeInSeconds")) << o.fixed;
    EXPECT_TRUE(withheld(o, "spot.enabled", "above the largest the API accepts")) << runtime;
    EXPECT_EQ(o.fixed.find("-9223372036854775808"), std::string::npos);
  }
  // Spot already on, MaxWait missing: the same range check.
  const std::string on = R"({"TrainingJobName": "j",
  "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
  "RoleArn": "arn:aws:iam::111122223333:role/r",
  "OutputDataConfig": {"S3OutputPath": "s3://b/o/"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
  "EnableManagedSpotTraining": true,
  "StoppingCondition": {"MaxRuntimeInSeconds": 2000000000}})";
  auto o = run_fix(on, full_policy());
  EXPECT_FALSE(json::parse(o.fixed)["StoppingCondition"].contains("MaxWaitTimeInSeconds"));
  EXPECT_TRUE(withheld(o, "spot.max-wait", "set it by hand"));
  // At the edge: 2 x 1073741823 = 2147483646 still fits.
  auto edge = run_fix(job_with_runtime("1073741823"), full_policy());
  EXPECT_EQ(json::parse(edge.fixed)["StoppingCondition"]["MaxWaitTimeInSeconds"], 2147483646);
}

TEST(FixGuards, NoSpotOnAWarmPoolJob) {
  auto o = run_fix(job_with_runtime("3600", R"(, "KeepAlivePeriodInSeconds": 1800)"), full_policy());
  EXPECT_FALSE(json::parse(o.fixed).contains("EnableManagedSpotTraining"));
  EXPECT_TRUE(withheld(o, "spot.enabled", "KeepAlivePeriodInSeconds"));
}

TEST(FixGuards, PolicyRefusesMaxWaitFactorsThatMakeNoSense) {
  for (const char* f : {"0.5", "1e300", "1001", ".nan", ".inf", "-3"}) {
    auto p = sageguard::parse_policy("p.yaml", std::string("version: 1\nspot:\n  max_wait_factor: ") + f + "\n");
    ASSERT_FALSE(p.ok()) << f;
    EXPECT_EQ(p.error().line, 3u) << f;
    EXPECT_EQ(p.error().column, 20u) << f;
    EXPECT_NE(p.error().message.find("from 1 to 1000"), std::string::npos) << p.error().message;
  }
  for (const char* f : {"1", "2.5", "1000"}) {
    EXPECT_TRUE(sageguard::parse_policy("p.yaml", std::string("version: 1\nspot:\n  max_wait_factor: ") + f + "\n").ok()) << f;
  }
}

// The re-check is check's: with the estimator check uses, a job fix
// cannot price keeps budget.max-cost's "no price" error, as check says.
TEST(FixGuards, RemainingIsWhatCheckReportsOnTheOutput) {
  sageguard::Policy p = full_policy();
  p.max_job_cost_usd = 100;
  sageguard::fix::FixOptions opts;
  opts.today = "2026-01-01";
  opts.estimator = [](const sageguard::Resource&) -> std::optional<sageguard::CostEstimate> {
    sageguard::CostEstimate e;
    e.unpriced = {"ml.m5.xlarge"};
    return e;
  };
  auto o = run_fix(script_mode_job(false), p, opts);
  auto doc = sageguard::parse_document("in.json", o.fixed);
  ASSERT_TRUE(doc.ok());
  sageguard::CheckOptions co;
  co.today = opts.today;
  co.estimator = opts.estimator;
  sageguard::CheckResult check;
  check.policy = p.source;
  ASSERT_TRUE(sageguard::check_document(**doc, true, p, co, check).ok());
  ASSERT_EQ(o.remaining.findings.size(), check.findings.size());
  for (size_t i = 0; i < check.findings.size(); ++i) {
    EXPECT_EQ(o.remaining.findings[i].rule, check.findings[i].rule);
    EXPECT_EQ(o.remaining.findings[i].message, check.findings[i].message);
    EXPECT_EQ(o.remaining.findings[i].line, check.findings[i].line);
  }
  EXPECT_EQ(remaining_rules(o).count("budget.max-cost"), 1u);
}

}  // namespace
