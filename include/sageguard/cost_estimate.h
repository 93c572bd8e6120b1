// The worst-case cost of a resource, which the rule budget.max-cost compares
// with the policy's limit: the interface between the rule engine, which asks,
// and the price adapters, which answer (neither depends on the other). Plain
// types; an estimator is called from whichever thread checks the resource,
// so it must be thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sageguard/resource.h"

namespace sageguard {

// Worst-case cost of one resource, for budget.max-cost.
struct CostEstimate {
  double worst_case_usd = 0;
  std::string basis;  // e.g. "ml.p3.2xlarge x 2 x 48.0 h at 3.825 USD/h"
  std::vector<std::string> unpriced;  // instance types without a price
};
using CostEstimator = std::function<std::optional<CostEstimate>(const Resource&)>;

}  // namespace sageguard
