// `sageguard deploy` as library calls: from a finished training job build
// CreateModel, CreateEndpointConfig and CreateEndpoint requests that carry
// the job's tags (plus policy defaults), gate all three, and create them only
// if all three pass. Stateless; thread-safe with a thread-safe JsonClient.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/json_client.h"
#include "launch/gate.h"
#include "sageguard/policy.h"

namespace sageguard::launch {

using TagList = std::vector<std::pair<std::string, std::string>>;

struct DeployRequest {
  std::string training_job;          // required
  std::string endpoint_name;         // empty = the training job's name
  std::string model_name;            // empty = "<job>-model" (<= 63 chars)
  std::string endpoint_config_name;  // empty = "<job>-config" (<= 63 chars)
  std::string instance_type = "ml.m5.large";
  int instance_count = 1;
  std::string image;  // empty = the job's AlgorithmSpecification.TrainingImage
  FixMode fix = FixMode::apply;
  std::string today;  // waiver expiry date; empty = today (UTC)
};

struct DeployPlan {
  std::string training_job;
  TagList tags;  // what all three resources carry
  GateResult model;            // CreateModel
  GateResult endpoint_config;  // CreateEndpointConfig
  GateResult endpoint;         // CreateEndpoint
  bool refused = false;        // any of the three has an error-level finding
  // All three checks in one result (files "<deploy>/CreateModel.json", ...).
  CheckResult combined() const;
};

struct DeployOutcome {
  DeployPlan plan;
  bool deployed = false;  // false only when refused
  std::string model_arn, endpoint_config_arn, endpoint_arn;
};

// The job's tags first (they win), then policy tag defaults whose key the
// job lacks. Keys with the reserved "aws:" prefix are dropped (AWS adds them
// itself and rejects them in a create).
TagList merge_tags(const TagList& job_tags, const Policy& policy);

// Tags from a ListTags response's "Tags" array (or a Tags array itself).
TagList tags_from_json(const nlohmann::json& tags);
nlohmann::json tags_to_json(const TagList& tags);

// The three requests from a DescribeTrainingJob response and the job's tags,
// gated. Pure: no AWS. Errors: the job has no model artifacts (not
// Completed), lacks its image or role, or an instance count below 1
// (ErrorCode::input / usage).
Result<DeployPlan> plan_deployment(const nlohmann::json& job, const TagList& job_tags,
                                   const DeployRequest& req, const Policy& policy);

// DescribeTrainingJob + ListTags, then plan_deployment. Reads only.
Result<DeployPlan> describe_and_plan(const DeployRequest& req, const Policy& policy,
                                     aws::JsonClient& client);

// describe_and_plan, then the three creates (idempotent) unless refused.
// If a later create fails, the error says which resources already exist.
Result<DeployOutcome> deploy_training_job(const DeployRequest& req, const Policy& policy,
                                          aws::JsonClient& client);

// Sends the three requests of a plan that is not refused.
Result<DeployOutcome> submit_deployment(DeployPlan plan, aws::JsonClient& client);

}  // namespace sageguard::launch
