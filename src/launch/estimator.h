// sageguard::Estimator: the SageMaker Python SDK's Estimator for C++ —
// same option names, same CreateTrainingJob request — except that fit() and
// deploy() go through the policy gate (check, fix, refuse) before anything
// is sent. Not thread-safe: one Estimator per thread (like the SDK's).
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aws/json_client.h"
#include "sageguard/finding.h"
#include "sageguard/fix/fix.h"
#include "launch/job_watch.h"
#include "sageguard/policy.h"

namespace sageguard {

// Field names and defaults follow sagemaker.estimator.Estimator; the
// sageguard-only settings come last so designated initialisers can list the
// SDK ones in the SDK's order.
struct EstimatorOptions {
  std::string image_uri;
  std::string role;
  int instance_count = 1;
  std::string instance_type;
  std::string base_job_name;  // empty = the image's repository name
  std::map<std::string, std::string> hyperparameters;
  bool use_spot_instances = false;
  int64_t max_run = 24 * 60 * 60;  // seconds (the SDK default)
  std::optional<int64_t> max_wait;  // seconds; spot only
  std::string checkpoint_s3_uri;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::string> subnets;             // VpcConfig only when both are set
  std::vector<std::string> security_group_ids;
  bool encrypt_inter_container_traffic = false;
  bool enable_network_isolation = false;
  std::string volume_kms_key;
  std::string output_kms_key;
  std::string output_path;  // required: the SDK's default bucket needs STS
  int volume_size = 30;     // GB
  std::string input_mode = "File";

  // --- sageguard ---
  std::optional<std::string> policy_path;  // unset: $SAGEGUARD_POLICY, ./sageguard.yaml, built-in
  std::shared_ptr<const Policy> policy;    // wins over policy_path when set
  bool apply_fix = true;                   // fill policy defaults in memory before checking
  aws::SageMakerClientOptions aws;         // region, profile, endpoint, test seams
  std::shared_ptr<aws::JsonClient> client; // wins over `aws` when set
  std::shared_ptr<const cost::PriceOracle> prices;  // nullptr = the built-in table
};

struct TrainingJobInfo {
  std::string name;
  std::string arn;
  nlohmann::json request;                 // what was sent
  std::vector<fix::FixChange> changes;    // what the gate's fix added
  CheckResult check;                      // findings below error that remain
  std::optional<launch::TrainingSummary> summary;  // when waited for
};

struct EndpointInfo {
  std::string endpoint_name;
  std::string endpoint_arn;
  std::string model_name;
  std::string endpoint_config_name;
  CheckResult check;
};

enum class Wait { no, yes };

class Estimator {
 public:
  explicit Estimator(EstimatorOptions options);

  // The CreateTrainingJob request the SDK would send for `inputs`
  // (channel -> S3 URI prefix) with job name `job_name`. No policy, no AWS.
  // Error(usage) when image_uri, role, instance_type or output_path is empty.
  Result<nlohmann::json> training_request(const std::map<std::string, std::string>& inputs,
                                          const std::string& job_name) const;

  // Builds the request (name from base_job_name + timestamp), gates it and
  // sends it. A refusal is an Error(input) listing the error findings; the
  // full findings are in last_check(). With Wait::yes, follows the job and
  // fails (Error(aws)) unless it Completed.
  Result<TrainingJobInfo> fit(const std::map<std::string, std::string>& inputs,
                              Wait wait = Wait::no);

  // Deploys the last fitted job (it must be Completed) through the deploy
  // gate. endpoint_name empty = the job's name.
  Result<EndpointInfo> deploy(int initial_instance_count, const std::string& instance_type,
                              const std::string& endpoint_name = "", Wait wait = Wait::no);

  const std::string& latest_training_job() const { return latest_job_; }
  // Findings of the last fit() or deploy() gate (refused or not).
  const CheckResult& last_check() const { return last_check_; }

 private:
  Result<const Policy*> policy();
  Result<aws::JsonClient*> client();

  EstimatorOptions o_;
  std::optional<Policy> loaded_policy_;
  std::string latest_job_;
  CheckResult last_check_;
};

}  // namespace sageguard
