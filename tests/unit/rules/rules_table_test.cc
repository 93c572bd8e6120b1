// Table-driven rule tests: start from a compliant request of each kind
// (fixtures/compliant.json, under fixtures/policy.yaml), apply one mutation,
// and assert the exact set of (rule, pointer) findings — so each row proves
// both that its rule fires and that nothing else does.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "sageguard/check.h"
#include "test_support.h"

namespace {

using json = nlohmann::json;
using sageguard::CheckOptions;
using sageguard::CheckResult;
using sageguard::Policy;

struct Mutation {
  enum Op { remove, set } op;
  std::string pointer;
  json value;
};

struct Row {
  std::string kind;
  std::vector<Mutation> mutations;
  std::set<std::pair<std::string, std::string>> expected;  // (rule, pointer)
};

json fixture() {
  json all = json::parse(sgtest::read_file(sgtest::source_dir() +
                                           "/tests/unit/rules/fixtures/compliant.json"));
  // Expand the "$tags" / "$key" placeholders.
  std::function<void(json&)> expand = [&](json& j) {
    if (j.is_string() && j == "$tags") j = all["tags"];
    else if (j.is_string() && j == "$key") j = all["key"];
    else if (j.is_structured()) for (auto& c : j) expand(c);
  };
  for (auto& [k, v] : all.items()) {
    if (k != "tags" && k != "key") expand(v);
  }
  return all;
}

const Policy& test_policy() {
  static const Policy p = [] {
    auto r = sageguard::parse_policy(
        "policy.yaml",
        sgtest::read_file(sgtest::source_dir() + "/tests/unit/rules/fixtures/policy.yaml"));
    if (!r.ok()) throw std::runtime_error(r.error().describe());
    return std::move(r).value();
  }();
  return p;
}

std::set<std::pair<std::string, std::string>> run(const json& doc) {
  auto parsed = sageguard::parse_document("t.json", doc.dump(2));
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().describe());
  CheckResult r;
  CheckOptions opts;
  opts.today = "2026-11-27";
  sageguard::Status s = sageguard::check_document(**parsed, true, test_policy(), opts, r);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().describe());
  std::set<std::pair<std::string, std::string>> got;
  for (const auto& f : r.findings) got.insert({f.rule, f.path});
  return got;
}

TEST(RulesTable, CompliantFixturesHaveNoFindings) {
  json all = fixture();
  for (const char* kind : {"TrainingJob", "HyperParameterTuningJob", "ProcessingJob",
                           "TransformJob", "Model", "EndpointConfig", "Endpoint"}) {
    EXPECT_EQ(run(all[kind]), (std::set<std::pair<std::string, std::string>>{})) << kind;
  }
}

void PrintTo(const Row& row, std::ostream* os) {
  *os << row.kind;
  for (const auto& m : row.mutations) {
    *os << (m.op == Mutation::remove ? " -" : " =") << m.pointer;
  }
}

class RulesTableTest : public ::testing::TestWithParam<Row> {};

TEST_P(RulesTableTest, ExactFindings) {
  const Row& row = GetParam();
  json doc = fixture()[row.kind];
  for (const auto& m : row.mutations) {
    json::json_pointer p(m.pointer);
    if (m.op == Mutation::remove) {
      ASSERT_TRUE(doc.contains(p)) << m.pointer;
      json& parent = doc[p.parent_pointer()];
      if (parent.is_array()) {
        parent.erase(static_cast<size_t>(std::stoul(p.back())));
      } else {
        parent.erase(p.back());
      }
    } else {
      doc[p] = m.value;
    }
  }
  EXPECT_EQ(run(doc), row.expected);
}

Mutation del(std::string p) { return {Mutation::remove, std::move(p), {}}; }
Mutation put(std::string p, json v) { return {Mutation::set, std::move(p), std::move(v)}; }

const Row kRows[] = {
    // tags.required / tags.value / tags.invalid, on several kinds
    {"TrainingJob", {del("/Tags/4")}, {{"tags.required", "/Tags"}}},
    {"Endpoint", {del("/Tags")}, {{"tags.required", "/Tags"}}},
    {"Model", {put("/Tags/0/Key", "project")}, {{"tags.required", "/Tags"}}},
    {"TransformJob", {put("/Tags/5/Value", "not-an-email")}, {{"tags.value", "/Tags/5/Value"}}},
    {"ProcessingJob", {put("/Tags/4/Value", "CC-999")}, {{"tags.value", "/Tags/4/Value"}}},
    {"EndpointConfig", {put("/Tags/1/Value", "")}, {{"tags.value", "/Tags/1/Value"}}},
    {"TrainingJob",
     {put("/Tags/6", {{"Key", "aws:owner"}, {"Value", "x"}})},
     {{"tags.invalid", "/Tags/6/Key"}}},
    {"TrainingJob",
     {put("/Tags/6", {{"Key", "Project"}, {"Value", "dup"}})},
     {{"tags.invalid", "/Tags/6/Key"}}},
    {"HyperParameterTuningJob",
     {put("/Tags/6", {{"Key", "bad<char>"}, {"Value", "x"}})},
     {{"tags.invalid", "/Tags/6/Key"}, {"request.invalid", "/Tags/6/Key"}}},
    // vpc.required / vpc.allowed
    {"TrainingJob", {del("/VpcConfig")}, {{"vpc.required", "/VpcConfig"}}},
    {"Model", {del("/VpcConfig")}, {{"vpc.required", "/VpcConfig"}}},
    {"ProcessingJob", {del("/NetworkConfig/VpcConfig")}, {{"vpc.required", "/NetworkConfig/VpcConfig"}}},
    {"TrainingJob",
     {put("/VpcConfig/Subnets/0", "subnet-99999999")},
     {{"vpc.allowed", "/VpcConfig/Subnets/0"}}},
    {"HyperParameterTuningJob",
     {put("/TrainingJobDefinition/VpcConfig/SecurityGroupIds/0", "sg-ffff")},
     {{"vpc.allowed", "/TrainingJobDefinition/VpcConfig/SecurityGroupIds/0"}}},
    // encryption / isolation
    {"TrainingJob", {put("/EnableInterContainerTrafficEncryption", false)},
     {{"encryption.inter-container", "/EnableInterContainerTrafficEncryption"}}},
    {"ProcessingJob", {del("/NetworkConfig/EnableInterContainerTrafficEncryption")},
     {{"encryption.inter-container", "/NetworkConfig/EnableInterContainerTrafficEncryption"}}},
    {"HyperParameterTuningJob", {del("/TrainingJobDefinition/EnableNetworkIsolation")},
     {{"network.isolation", "/TrainingJobDefinition/EnableNetworkIsolation"}}},
    {"Model", {put("/EnableNetworkIsolation", false)}, {{"network.isolation", "/EnableNetworkIsolation"}}},
    // kms.volume / kms.output / kms.allowed
    {"TrainingJob", {del("/ResourceConfig/VolumeKmsKeyId")}, {{"kms.volume", "/ResourceConfig/VolumeKmsKeyId"}}},
    {"TransformJob", {del("/TransformResources/VolumeKmsKeyId")},
     {{"kms.volume", "/TransformResources/VolumeKmsKeyId"}}},
    {"EndpointConfig", {del("/KmsKeyId")}, {{"kms.volume", "/KmsKeyId"}}},
    {"ProcessingJob", {del("/ProcessingOutputConfig/KmsKeyId")},
     {{"kms.output", "/ProcessingOutputConfig/KmsKeyId"}}},
    {"EndpointConfig", {del("/DataCaptureConfig/KmsKeyId")}, {{"kms.output", "/DataCaptureConfig/KmsKeyId"}}},
    {"EndpointConfig", {del("/DataCaptureConfig"), del("/KmsKeyId")}, {{"kms.volume", "/KmsKeyId"}}},
    {"TrainingJob", {put("/OutputDataConfig/KmsKeyId", "alias/other")},
     {{"kms.allowed", "/OutputDataConfig/KmsKeyId"}}},
    // An empty string sets nothing: the key is missing, and it is not a key
    // outside kms.allowed (the test policy has an allow-list).
    {"TrainingJob", {put("/ResourceConfig/VolumeKmsKeyId", "")},
     {{"kms.volume", "/ResourceConfig/VolumeKmsKeyId"}}},
    {"TrainingJob", {put("/OutputDataConfig/KmsKeyId", "")},
     {{"kms.output", "/OutputDataConfig/KmsKeyId"}}},
    {"TrainingJob", {put("/ResourceConfig/VolumeKmsKeyId", ""), put("/OutputDataConfig/KmsKeyId", "")},
     {{"kms.volume", "/ResourceConfig/VolumeKmsKeyId"}, {"kms.output", "/OutputDataConfig/KmsKeyId"}}},
    {"EndpointConfig", {put("/KmsKeyId", "")}, {{"kms.volume", "/KmsKeyId"}}},
    {"EndpointConfig", {put("/DataCaptureConfig/KmsKeyId", "")},
     {{"kms.output", "/DataCaptureConfig/KmsKeyId"}}},
    {"ProcessingJob", {put("/ProcessingOutputConfig/KmsKeyId", "")},
     {{"kms.output", "/ProcessingOutputConfig/KmsKeyId"}}},
    {"TransformJob", {put("/TransformResources/VolumeKmsKeyId", "")},
     {{"kms.volume", "/TransformResources/VolumeKmsKeyId"}}},
    // "" is no subnet / security group (and no id AWS accepts).
    {"TrainingJob", {put("/VpcConfig/Subnets", json::array({""}))},
     {{"vpc.required", "/VpcConfig/Subnets"}, {"request.invalid", "/VpcConfig/Subnets/0"}}},
    {"ProcessingJob", {put("/NetworkConfig/VpcConfig/SecurityGroupIds", json::array({"", ""}))},
     {{"vpc.required", "/NetworkConfig/VpcConfig/SecurityGroupIds"},
      {"request.invalid", "/NetworkConfig/VpcConfig/SecurityGroupIds/0"},
      {"request.invalid", "/NetworkConfig/VpcConfig/SecurityGroupIds/1"}}},
    {"TrainingJob", {put("/VpcConfig/Subnets/1", "")},
     {{"request.invalid", "/VpcConfig/Subnets/1"}}},
    {"HyperParameterTuningJob", {put("/TrainingJobDefinition/CheckpointConfig/S3Uri", "")},
     {{"spot.checkpoint", "/TrainingJobDefinition/CheckpointConfig/S3Uri"},
      {"request.invalid", "/TrainingJobDefinition/CheckpointConfig/S3Uri"}}},
    // NVMe exception: g4dn has local NVMe storage; not allowed by the test policy though.
    {"TrainingJob",
     {put("/ResourceConfig/InstanceType", "ml.g5.2xlarge"), del("/ResourceConfig/VolumeKmsKeyId")},
     {}},
    {"TrainingJob",
     {put("/ResourceConfig/InstanceType", "ml.g4dn.xlarge"), del("/ResourceConfig/VolumeKmsKeyId")},
     {{"instance.allowed", "/ResourceConfig/InstanceType"}}},
    // spot
    {"TrainingJob", {put("/EnableManagedSpotTraining", false)},
     {{"spot.enabled", "/EnableManagedSpotTraining"},
      {"spot.max-wait", "/StoppingCondition/MaxWaitTimeInSeconds"}}},
    {"TrainingJob", {del("/EnableManagedSpotTraining"), del("/StoppingCondition/MaxWaitTimeInSeconds"),
                     del("/CheckpointConfig")},
     {{"spot.enabled", "/EnableManagedSpotTraining"}}},
    {"TrainingJob", {del("/StoppingCondition/MaxWaitTimeInSeconds")},
     {{"spot.max-wait", "/StoppingCondition/MaxWaitTimeInSeconds"}}},
    {"TrainingJob", {put("/StoppingCondition/MaxWaitTimeInSeconds", 1800)},
     {{"spot.max-wait", "/StoppingCondition/MaxWaitTimeInSeconds"}}},
    {"HyperParameterTuningJob", {del("/TrainingJobDefinition/CheckpointConfig")},
     {{"spot.checkpoint", "/TrainingJobDefinition/CheckpointConfig/S3Uri"}}},
    // limits
    {"ProcessingJob", {put("/ProcessingResources/ClusterConfig/InstanceType", "ml.r5.large")},
     {{"instance.allowed", "/ProcessingResources/ClusterConfig/InstanceType"}}},
    {"EndpointConfig", {put("/ProductionVariants/0/InstanceType", "ml.t2.medium")},
     {{"instance.allowed", "/ProductionVariants/0/InstanceType"}}},
    {"TrainingJob", {put("/StoppingCondition/MaxRuntimeInSeconds", 100000),
                     put("/StoppingCondition/MaxWaitTimeInSeconds", 200000)},
     {{"runtime.max", "/StoppingCondition/MaxRuntimeInSeconds"}}},
    {"ProcessingJob", {del("/StoppingCondition")},
     {{"runtime.max", "/StoppingCondition/MaxRuntimeInSeconds"}}},
    // request.invalid
    {"TrainingJob", {put("/TrainingJobName", "bad_name")}, {{"request.invalid", "/TrainingJobName"}}},
    {"TrainingJob", {del("/RoleArn")}, {{"request.invalid", "/RoleArn"}}},
    {"Endpoint", {put("/EndpointConfigName", 42)}, {{"request.invalid", "/EndpointConfigName"}}},
    {"TrainingJob", {put("/StoppingCondition/MaxRuntimeInSeconds", "3600")},
     {{"request.invalid", "/StoppingCondition/MaxRuntimeInSeconds"}}},
};

INSTANTIATE_TEST_SUITE_P(Rows, RulesTableTest, ::testing::ValuesIn(kRows));

}  // namespace
