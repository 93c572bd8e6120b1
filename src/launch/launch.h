// `sageguard launch` as library calls: plan a CreateTrainingJob through the
// policy gate (no AWS), then send it with an idempotent create so a retried
// call never starts a second job. Stateless; safe to call concurrently with
// different requests (the JsonClient is itself thread-safe).
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "aws/json_client.h"
#include "cost/estimate.h"
#include "sageguard/cost/price_oracle.h"
#include "launch/gate.h"
#include "sageguard/policy.h"

namespace sageguard::launch {

enum class NameMode {
  as_given,  // TrainingJobName as written
  unique,    // TrainingJobName is a base: "<base>-<yyyy-mm-dd-HH-MM-SS-mmm>"
};

struct LaunchRequest {
  std::string spec_path;  // labels findings ("jobs/train.yaml")
  std::string spec_text;  // a CreateTrainingJob request, JSON or YAML
  FixMode fix = FixMode::apply;
  NameMode naming = NameMode::as_given;
  // For unique names; unset = the system clock.
  std::optional<std::chrono::system_clock::time_point> now;
  std::string region = "us-east-1";  // prices for budget.max-cost and the estimate
  std::shared_ptr<const cost::PriceOracle> prices;  // nullptr = the built-in table
  std::string today;  // waiver expiry date; empty = today (UTC)
};

struct LaunchPlan {
  GateResult gate;          // the checked (fixed) spec and its findings
  nlohmann::json request;   // what would be sent (unique name applied)
  std::string job_name;
  bool refused = false;     // error-level findings remain: nothing may be sent
  // Worst-case cost of `request`; nullopt with `estimate_error` set when the
  // request cannot be estimated.
  std::optional<cost::Estimate> estimate;
  std::string estimate_error;
};

struct LaunchOutcome {
  LaunchPlan plan;
  bool launched = false;     // false only when refused
  std::string job_arn;
  bool resolved_by_describe = false;  // a retry met our own earlier create
};

// Gate the spec and build the final request. No AWS call, no credentials.
// Errors: unreadable spec, wrong kind (ErrorCode::input).
Result<LaunchPlan> plan_launch(const LaunchRequest& req, const Policy& policy);

// plan_launch, then CreateTrainingJob unless refused. A refusal returns a
// LaunchOutcome with launched=false and sends nothing.
Result<LaunchOutcome> launch_training_job(const LaunchRequest& req, const Policy& policy,
                                          aws::JsonClient& client);

// Sends an already planned (not refused) request. ErrorCode::internal if
// `plan.refused`.
Result<LaunchOutcome> submit_launch(LaunchPlan plan, aws::JsonClient& client);

}  // namespace sageguard::launch
