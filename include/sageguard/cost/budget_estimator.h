// The price adapter behind the rule budget.max-cost: a CostEstimator
// (cost_estimate.h) built from a PriceOracle, and the one `check`, `fix`,
// `audit` and the embedding API build from a policy and an optional price
// list. The returned functions are thread-safe if the oracle is (a PriceTable
// is immutable once loaded).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "sageguard/aws/env.h"
#include "sageguard/cost/price_oracle.h"
#include "sageguard/cost_estimate.h"
#include "sageguard/policy.h"

namespace sageguard::cost {

// Estimates training, tuning, processing and transform resources in
// `region` with estimate_request. Returns nullopt (nothing to judge) for
// other kinds, for requests whose instance fields are missing or not plain
// values (request.invalid reports those) and for unbounded runtimes;
// unknown instance types come back in CostEstimate::unpriced, never as 0.
// The estimator keeps `prices` alive.
CostEstimator make_cost_estimator(std::shared_ptr<const PriceOracle> prices, std::string region);

// The built-in price table (data/prices_us_east_1.json), loaded once.
// Error only if the embedded table is broken (a build problem).
Result<std::shared_ptr<const PriceOracle>> builtin_prices();

// The prices budget.max-cost needs under `policy`: null when the policy sets
// no limits.max_job_cost_usd and no price list is named (nothing to price);
// else the offer file or price table at `price_list`, or the bundled table.
Result<std::shared_ptr<const PriceOracle>> budget_prices(
    const Policy& policy, const std::optional<std::string>& price_list);

// The estimator `check` (and `fix`'s re-check of its output) uses: unset
// when budget_prices has nothing to price; otherwise its prices in the region
// `env` and the shared config it points at name (us-east-1 if none; no AWS
// call).
Result<CostEstimator> budget_estimator(const Policy& policy,
                                       const std::optional<std::string>& price_list,
                                       const aws::Env& env = aws::process_env());

}  // namespace sageguard::cost
