// budget.max-cost's price source: Resource -> JSON request -> cost estimate.
#include "sageguard/launch/cost_estimator.h"

#include <fmt/format.h>

#include <mutex>

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
    auto est = cost::estimate_request(to_json_with_defaults(*r.root, r, defaults), region,
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
