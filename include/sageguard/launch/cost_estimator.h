// The adapter that lets the rule engine's budget.max-cost ask the cost
// module for a worst-case price: a CostEstimator (check.h) built from any
// PriceOracle. The returned function is thread-safe if the oracle is (the
// bundled PriceTable is immutable).
#pragma once

#include <memory>
#include <string>

#include "sageguard/check.h"
#include "sageguard/cost/estimate.h"
#include "sageguard/cost/price_oracle.h"

namespace sageguard::launch {

// Estimates training, tuning, processing and transform resources in
// `region` with cost::estimate_request. Returns nullopt (nothing to judge)
// for other kinds, for requests whose instance fields are missing or not
// plain values (request.invalid reports those) and for unbounded runtimes;
// unknown instance types come back in CostEstimate::unpriced, never as 0.
// The estimator keeps `prices` alive.
CostEstimator make_cost_estimator(std::shared_ptr<const cost::PriceOracle> prices,
                                  std::string region);

// The built-in price table (data/prices_us_east_1.json), loaded once.
// Error only if the embedded table is broken (a build problem).
Result<std::shared_ptr<const cost::PriceOracle>> builtin_prices();

// "ml.p3.2xlarge x 2 x 8.0 h at 3.825 USD/h" style basis of an estimate.
std::string describe_basis(const cost::Estimate& e);

}  // namespace sageguard::launch
