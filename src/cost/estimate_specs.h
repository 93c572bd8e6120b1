// `sageguard estimate` over files: reads JSON/YAML specs (single requests,
// bundles, pipeline definitions) with the model's readers and estimates
// every training, tuning, processing and transform request in them. Pure
// apart from reading the files; thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cost/estimate.h"
#include "sageguard/cost/price_oracle.h"
#include "sageguard/result.h"

namespace sageguard::cost {

struct SpecEstimate {
  std::string file;
  std::string kind;      // "TrainingJob", ...
  std::string name;      // resource name, or the pipeline step name
  std::string pointer;   // JSON Pointer of the request in the file
  std::optional<Estimate> estimate;
  std::string problem;   // why it could not be estimated (then estimate is empty)
  bool over_budget = false;  // worst case above the policy's max_job_cost_usd
  // Priced with a bound: worst_case_usd is known.
  bool priced() const { return estimate && estimate->worst_case_usd.has_value(); }
};

struct EstimateRun {
  std::vector<SpecEstimate> specs;
  std::vector<std::string> skipped;  // resources of kinds that are not estimated
  std::optional<double> budget_usd;  // the policy's limits.max_job_cost_usd
  double total_worst_case_usd = 0;   // over priced specs only
  std::size_t unpriceable = 0;       // specs without a bound (unknown price, unbounded, error)
  std::size_t over_budget = 0;
};

// Reads each path (a file, or a folder walked for *.json/*.yaml/*.yml).
// A named file that holds no recognised kind, unreadable or invalid input
// is an Error (input/io) with file:line:col. Request problems (wrong types,
// unresolved pipeline expressions) are per-spec `problem`s, not errors.
Result<EstimateRun> estimate_files(const std::vector<std::string>& paths, std::string_view region,
                                   const PriceOracle& prices, std::optional<double> budget_usd);

}  // namespace sageguard::cost
