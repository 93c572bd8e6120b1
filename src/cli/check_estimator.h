// The budget.max-cost estimator `check` uses, shared by every command that
// reports check's findings (check itself, and fix's re-check of its output),
// so they price a job the same way. Stateless.
#pragma once

#include <optional>
#include <string>

#include "sageguard/check.h"
#include "sageguard/policy.h"

namespace sageguard::cli {

// Unset when the policy has no budget and no price list is named;
// otherwise prices from `price_list` (an AWS offer file) or the bundled
// table, for the region the environment names (us-east-1 if none).
Result<CostEstimator> check_estimator(const Policy& policy,
                                      const std::optional<std::string>& price_list);

}  // namespace sageguard::cli
