// The rule engine's entry point for one resource: every per-resource rule
// family, in the order their findings are listed, as raw findings (byte
// offsets, no file, no line). Pure: no files, no threads, no clock; safe to
// call from many threads at once with a thread-safe estimator.
#pragma once

#include <vector>

#include "rules/rule_context.h"
#include "sageguard/cost_estimate.h"

namespace sageguard::rules {

// Appends the findings of every per-resource rule to `raw`. `estimator`
// unset: budget.max-cost reports nothing. Rules that relate resources to
// each other (tags.propagation, rules/propagation.h) are evaluated apart.
void evaluate_resource(const Policy& policy, const Severities& severities,
                       const CostEstimator& estimator, const Resource& r,
                       std::vector<RawFinding>& raw);

}  // namespace sageguard::rules
