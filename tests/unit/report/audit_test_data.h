// An audit result for the reporter tests, made the way the CLI makes one:
// a hand-built Inventory (two regions, tags, one unreadable resource, one
// vanished, one failed list) evaluated by the real rule engine with the
// built-in policy. Header-only: the unit-test build compiles *_test.cc only.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "audit/audit.h"
#include "sageguard/policy.h"

namespace sgtest {

inline nlohmann::json audit_tags(std::initializer_list<std::pair<std::string, std::string>> kv) {
  nlohmann::json t = nlohmann::json::array();
  for (const auto& [k, v] : kv) t.push_back({{"Key", k}, {"Value", v}});
  return t;
}

inline sageguard::audit::DescribedResource audit_training(const std::string& name,
                                                          const std::string& region,
                                                          nlohmann::json tags) {
  sageguard::audit::DescribedResource d;
  d.id = {sageguard::ResourceKind::training_job, name,
          "arn:aws:sagemaker:" + region + ":123456789012:training-job/" + name, region};
  d.described = {
      {"TrainingJobName", name},
      {"TrainingJobArn", d.id.arn},
      {"TrainingJobStatus", "Completed"},
      {"AlgorithmSpecification", {{"TrainingImage", "img:1"}, {"TrainingInputMode", "File"}}},
      {"RoleArn", "arn:aws:iam::123456789012:role/SageMakerRole"},
      {"OutputDataConfig", {{"S3OutputPath", "s3://bucket/out"}}},
      {"ResourceConfig", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}, {"VolumeSizeInGB", 30}}},
      {"StoppingCondition", {{"MaxRuntimeInSeconds", 3600}}},
  };
  d.tags = std::move(tags);
  return d;
}

// `hostile` goes into a tag value (Project, so it names a group in the
// HTML), into a Cost Center value (quoted by tags.value messages in some
// policies) and into a vanished resource's name.
inline sageguard::audit::Inventory audit_inventory(const std::string& hostile) {
  using namespace sageguard;
  audit::Inventory inv;
  inv.described.push_back(audit_training("tj-a", "eu-west-1", audit_tags({{"Project", "churn"}})));
  inv.described.push_back(audit_training(
      "tj-b", "us-east-1", audit_tags({{"Project", hostile}, {"Cost Center", hostile}})));
  inv.described.push_back(audit_training("tj-c", "us-east-1", nlohmann::json::array()));
  inv.unreadable.push_back({{ResourceKind::endpoint, "ep-1",
                             "arn:aws:sagemaker:us-east-1:123456789012:endpoint/ep-1", "us-east-1"},
                            "DescribeEndpoint: AccessDeniedException: " + hostile});
  inv.vanished.push_back({ResourceKind::model, "gone-" + hostile,
                          "arn:aws:sagemaker:us-east-1:123456789012:model/gone", "us-east-1"});
  inv.list_failures.push_back({"eu-west-1", ResourceKind::model, "ListModels: Throttling"});
  inv.stats.listed = 5;
  inv.stats.calls = 17;
  inv.stats.seconds = 1.5;
  return inv;
}

}  // namespace sgtest
