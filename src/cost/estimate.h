// Worst-case cost of a SageMaker request before it is launched (`estimate`,
// budget.max-cost): on-demand price x instances x billed hours, where the
// billed time is bounded by MaxRuntime (all retry attempts together) and,
// with spot, also by MaxWait; times MaxNumberOfTrainingJobs for tuning.
// Private to the library (it takes nlohmann::json). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sageguard/cost/price_oracle.h"
#include "sageguard/result.h"

namespace sageguard::cost {

enum class RequestKind { training, tuning, processing, transform };
const char* to_string(RequestKind k);  // "TrainingJob", "HyperParameterTuningJob", ...

// One instance group of the request (heterogeneous clusters have several).
struct EstimateItem {
  std::string instance_type;
  Component component = Component::training;
  int64_t instance_count = 1;
  std::optional<double> hourly_usd;  // per instance; nullopt = no price known
};

struct Estimate {
  RequestKind kind = RequestKind::training;
  std::string region;
  std::vector<EstimateItem> items;
  bool spot = false;
  double max_runtime_seconds = 0;              // as used (default applied if absent)
  std::optional<double> max_wait_seconds;      // spot only
  // RetryStrategy.MaximumRetryAttempts when given. MaxRuntimeInSeconds bounds
  // all attempts together (SageMaker API reference), so it adds nothing.
  std::optional<int64_t> max_retry_attempts;
  // Billed seconds per job the bound uses: MaxRuntime, or with spot the
  // smaller of MaxRuntime and MaxWait (waiting for capacity is not billed).
  double billed_seconds_bound = 0;
  std::optional<int64_t> max_jobs;             // tuning: ResourceLimits.MaxNumberOfTrainingJobs
  // Sum of price x count over items: cost of one job per hour.
  std::optional<double> hourly_usd;
  // Bound if the job runs on demand for its whole MaxRuntime (x max_jobs).
  std::optional<double> on_demand_max_usd;
  // Spot only: the bound with spot on, at the on-demand price (a spot hour
  // never costs more): min(MaxRuntime, MaxWait). Never above on_demand_max_usd.
  std::optional<double> spot_max_usd;
  // What budget.max-cost compares: spot_max_usd if spot, else on_demand_max_usd.
  // nullopt when a price is unknown or the runtime is unbounded (see notes).
  std::optional<double> worst_case_usd;
  std::vector<std::string> unknown_instance_types;  // sorted, unique
  std::vector<std::string> notes;                   // assumptions, in words
};

// SageMaker's default MaxRuntimeInSeconds when StoppingCondition omits it.
inline constexpr double kDefaultMaxRuntimeSeconds = 86400;

// Detects the request kind from its members (HyperParameterTuningJobConfig,
// ProcessingResources, TransformResources, else ResourceConfig/
// AlgorithmSpecification -> training). Error(input) when none matches.
Result<RequestKind> detect_request_kind(const nlohmann::json& request);

// Estimates `request` (a Create*Job request body) in `region`. `kind`
// overrides detection. Missing prices are reported in unknown_instance_types
// and leave the money fields nullopt, never zero. Error(input) when the
// request lacks its instance type/count or has a wrong-typed field.
Result<Estimate> estimate_request(const nlohmann::json& request, std::string_view region,
                                  const PriceOracle& prices,
                                  std::optional<RequestKind> kind = std::nullopt);

// "ml.p3.2xlarge x 2 x 8.0 h at 3.825 USD/h" style basis of an estimate
// (defined with the budget estimator, which reports it).
std::string describe_basis(const Estimate& e);

}  // namespace sageguard::cost
