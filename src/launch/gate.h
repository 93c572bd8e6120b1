// The policy gate every create goes through (launch, deploy, Estimator):
// parse -> fix in memory -> check (with budget.max-cost prices) -> refuse if
// an error-level finding remains. No I/O, no AWS; stateless and thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sageguard/check.h"
#include "sageguard/fix/fix.h"
#include "sageguard/policy.h"
#include "sageguard/resource.h"

namespace sageguard::launch {

enum class FixMode { apply, skip };

struct GateOptions {
  FixMode fix = FixMode::apply;
  CostEstimator estimator;  // unset: budget.max-cost stays silent
  std::string today;        // YYYY-MM-DD for waivers; empty = today (UTC)
  ReadOptions read;
};

struct GateResult {
  std::string text;              // the checked text (fixed, when fix applied)
  nlohmann::json request;        // `text` as a request body
  std::string name;              // the resource's name member
  std::vector<fix::FixChange> changes;      // what fix applied in memory
  std::vector<fix::FixChange> not_applied;  // what fix could not write
  CheckResult check;             // findings after fix and waivers
  bool refused = false;          // an error-level finding remains
};

// Gate one document that must hold exactly one `kind` request at its top
// level (not a bundle, not a Describe* response). `path` labels findings.
// Errors: unparsable text, another kind, or a fix failure (ErrorCode::input
// or internal); a policy refusal is not an error but `refused`.
Result<GateResult> gate_document(const std::string& path, const std::string& text,
                                 ResourceKind kind, const Policy& policy,
                                 const GateOptions& opts);

// gate_document on `request` rendered as indented JSON.
Result<GateResult> gate_request(const std::string& label, const nlohmann::json& request,
                                ResourceKind kind, const Policy& policy, const GateOptions& opts);

// "rule: message" for each error-level finding, for one-line refusals.
std::vector<std::string> refusal_reasons(const CheckResult& r);

}  // namespace sageguard::launch
