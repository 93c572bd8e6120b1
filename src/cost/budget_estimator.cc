// budget.max-cost's price source: Resource -> JSON request -> cost estimate.
#include "sageguard/cost/budget_estimator.h"

#include <fmt/format.h>

#include <mutex>
#include <span>
#include <string_view>

#include "cost/estimate.h"
#include "cost/value_json.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/cost/price_table.h"

namespace sageguard::cost {

namespace {

std::optional<RequestKind> request_kind(ResourceKind k) {
  switch (k) {
    case ResourceKind::training_job: return RequestKind::training;
    case ResourceKind::tuning_job: return RequestKind::tuning;
    case ResourceKind::processing_job: return RequestKind::processing;
    case ResourceKind::transform_job: return RequestKind::transform;
    default: return std::nullopt;
  }
}

// The top-level members estimate_request reads for each kind (see
// cost/estimate.cc). A request outside a pipeline is converted to JSON only
// as far as these: for an SDK-style request that skips most of it (input
// channels, hyperparameters, tags, environment), and the conversion was
// the larger part of pricing one. Pipeline steps are converted whole: the
// basis lists the parameter defaults used anywhere in the step.
std::span<const std::string_view> priced_members(RequestKind k) {
  static constexpr std::string_view training[] = {"ResourceConfig", "StoppingCondition",
                                                  "EnableManagedSpotTraining", "RetryStrategy",
                                                  "HyperParameterTuningResourceConfig"};
  static constexpr std::string_view tuning[] = {"HyperParameterTuningJobConfig",
                                                "TrainingJobDefinition", "TrainingJobDefinitions"};
  static constexpr std::string_view processing[] = {"ProcessingResources", "StoppingCondition"};
  static constexpr std::string_view transform[] = {"TransformResources"};
  switch (k) {
    case RequestKind::training: return training;
    case RequestKind::tuning: return tuning;
    case RequestKind::processing: return processing;
    case RequestKind::transform: return transform;
  }
  return {};
}

nlohmann::json priced_part(const Resource& r, RequestKind kind,
                           std::vector<std::string>& defaults) {
  if (r.in_pipeline || !r.root->is_object()) return to_json_with_defaults(*r.root, r, defaults);
  nlohmann::json out = nlohmann::json::object();
  for (std::string_view name : priced_members(kind)) {
    if (const Value* v = r.root->find(name)) out[std::string(name)] = to_json(*v);
  }
  return out;
}

}  // namespace

std::string describe_basis(const Estimate& e) {
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

CostEstimator make_cost_estimator(std::shared_ptr<const PriceOracle> prices,
                                  std::string region) {
  return [prices = std::move(prices),
          region = std::move(region)](const Resource& r) -> std::optional<CostEstimate> {
    auto kind = request_kind(r.kind);
    if (!kind || !prices || r.root == nullptr) return std::nullopt;
    // A pipeline step's parameters are priced at their declared defaults
    // (and the basis says so); one without a default stays unresolved, and
    // the estimate then has nothing to compare.
    std::vector<std::string> defaults;
    auto est = estimate_request(priced_part(r, *kind, defaults), region,
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

Result<std::shared_ptr<const PriceOracle>> builtin_prices() {
  static std::once_flag once;
  static std::shared_ptr<const PriceOracle> table;
  static std::optional<Error> failure;
  std::call_once(once, [] {
    auto t = PriceTable::builtin();
    if (t.ok()) {
      table = std::make_shared<const PriceTable>(std::move(t).value());
    } else {
      failure = t.error();
    }
  });
  if (failure) return *failure;
  return table;
}

Result<std::shared_ptr<const PriceOracle>> budget_prices(
    const Policy& policy, const std::optional<std::string>& price_list) {
  if (!policy.max_job_cost_usd && !price_list) return std::shared_ptr<const PriceOracle>();
  if (!price_list) return builtin_prices();
  SG_ASSIGN_OR_RETURN(PriceTable table, PriceTable::load_file(*price_list));
  return std::shared_ptr<const PriceOracle>(std::make_shared<const PriceTable>(std::move(table)));
}

Result<CostEstimator> budget_estimator(const Policy& policy,
                                       const std::optional<std::string>& price_list,
                                       const aws::Env& env) {
  SG_ASSIGN_OR_RETURN(auto prices, budget_prices(policy, price_list));
  if (!prices) return CostEstimator{};
  // The region only picks the prices: reading it makes no AWS call.
  auto region = aws::resolve_region(env, "", "");
  return make_cost_estimator(std::move(prices), region.ok() ? *region : "us-east-1");
}

}  // namespace sageguard::cost
