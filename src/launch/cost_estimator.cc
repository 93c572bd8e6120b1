// budget.max-cost's price source: Resource -> JSON request -> cost estimate.
#include "sageguard/launch/cost_estimator.h"

#include <fmt/format.h>

#include <mutex>
#include <span>
#include <string_view>

#include "sageguard/cost/estimate.h"
#include "sageguard/cost/price_table.h"
#include "launch/value_json.h"

namespace sageguard::launch {

namespace {

std::optional<cost::RequestKind> request_kind(ResourceKind k) {
  switch (k) {
    case ResourceKind::training_job: return cost::RequestKind::training;
    case ResourceKind::tuning_job: return cost::RequestKind::tuning;
    case ResourceKind::processing_job: return cost::RequestKind::processing;
    case ResourceKind::transform_job: return cost::RequestKind::transform;
    default: return std::nullopt;
  }
}

// The top-level members cost::estimate_request reads for each kind (see
// cost/estimate.cc). A request outside a pipeline is converted to JSON only
// as far as these: for an SDK-style request that skips most of it (input
// channels, hyperparameters, tags, environment), and the conversion was
// the larger part of pricing one. Pipeline steps are converted whole: the
// basis lists the parameter defaults used anywhere in the step.
std::span<const std::string_view> priced_members(cost::RequestKind k) {
  static constexpr std::string_view training[] = {"ResourceConfig", "StoppingCondition",
                                                  "EnableManagedSpotTraining", "RetryStrategy",
                                                  "HyperParameterTuningResourceConfig"};
  static constexpr std::string_view tuning[] = {"HyperParameterTuningJobConfig",
                                                "TrainingJobDefinition", "TrainingJobDefinitions"};
  static constexpr std::string_view processing[] = {"ProcessingResources", "StoppingCondition"};
  static constexpr std::string_view transform[] = {"TransformResources"};
  switch (k) {
    case cost::RequestKind::training: return training;
    case cost::RequestKind::tuning: return tuning;
    case cost::RequestKind::processing: return processing;
    case cost::RequestKind::transform: return transform;
  }
  return {};
}

nlohmann::json priced_part(const Resource& r, cost::RequestKind kind,
                           std::vector<std::string>& defaults) {
  if (r.in_pipeline || !r.root->is_object()) return to_json_with_defaults(*r.root, r, defaults);
  nlohmann::json out = nlohmann::json::object();
  for (std::string_view name : priced_members(kind)) {
    if (const Value* v = r.root->find(name)) out[std::string(name)] = to_json(*v);
  }
  return out;
}

}  // namespace

std::string describe_basis(const cost::Estimate& e) {
  const double seconds = e.billed_seconds_bound;
  std::string parts;
  for (const auto& item : e.items) {
    if (!parts.empty()) parts += " + ";
    if (item.hourly_usd) {
      parts += fmt::format("{} x {} at {:.3f} USD/h", item.instance_type, item.instance_count,
                           *item.hourly_usd);
    } else {
      parts += fmt::format("{} x {} (no price)", item.instance_type, item.instance_count);
    }
  }
  std::string s = fmt::format("{} x {:.1f} h ({})", parts, seconds / 3600.0,
                              e.spot ? "spot, MaxRuntime: MaxWait is not billed" : "MaxRuntime");
  if (e.max_jobs) s += fmt::format(" x {} training jobs", *e.max_jobs);
  return s;
}

CostEstimator make_cost_estimator(std::shared_ptr<const cost::PriceOracle> prices,
                                  std::string region) {
  return [prices = std::move(prices),
          region = std::move(region)](const Resource& r) -> std::optional<CostEstimate> {
    auto kind = request_kind(r.kind);
    if (!kind || !prices || r.root == nullptr) return std::nullopt;
    // A pipeline step's parameters are priced at their declared defaults
    // (and the basis says so); one without a default stays unresolved, and
    // the estimate then has nothing to compare.
    std::vector<std::string> defaults;
    auto est = cost::estimate_request(priced_part(r, *kind, defaults), region,
                                      *prices, kind);
    if (!est.ok()) return std::nullopt;  // request.invalid reports malformed fields
    CostEstimate out;
    out.unpriced = est->unknown_instance_types;
    if (!out.unpriced.empty()) return out;
    if (!est->worst_case_usd) return std::nullopt;  // unbounded: nothing to compare
    out.worst_case_usd = *est->worst_case_usd;
    out.basis = describe_basis(*est);
    if (!defaults.empty()) {
      std::string list;
      for (const auto& d : defaults) list += (list.empty() ? "" : ", ") + d;
      out.basis += fmt::format(" (with the parameters' defaults {})", list);
    }
    return out;
  };
}

Result<std::shared_ptr<const cost::PriceOracle>> builtin_prices() {
  static std::once_flag once;
  static std::shared_ptr<const cost::PriceOracle> table;
  static std::optional<Error> failure;
  std::call_once(once, [] {
    auto t = cost::PriceTable::builtin();
    if (t.ok()) {
      table = std::make_shared<const cost::PriceTable>(std::move(t).value());
    } else {
      failure = t.error();
    }
  });
  if (failure) return *failure;
  return table;
}

}  // namespace sageguard::launch
