// An audit as a library call: evaluate what collect_inventory found with the
// same rule engine as `check` (one bundle document per region, so
// tags.propagation links models, endpoint configs and endpoints to the
// training jobs their artifacts came from), and the result reporters use.
// Pure functions of their inputs; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sageguard/audit/collector.h"
#include "sageguard/check.h"
#include "sageguard/finding.h"
#include "sageguard/policy.h"

namespace sageguard::audit {

// The rule id of a resource (or a whole List*) that could not be read.
inline constexpr const char* kUnreadableRule = "audit.unreadable";

struct AuditedResource {
  ResourceId id;
  std::vector<std::pair<std::string, std::string>> tags;  // key, value in ListTags order
};

struct AuditResult {
  // Findings carry arn and region and no file; unreadable resources and
  // failed lists are findings of rule audit.unreadable (severity error).
  CheckResult check;
  std::vector<AuditedResource> resources;  // every described resource
  std::vector<ResourceId> vanished;        // deleted between list and describe
  int unreadable = 0;                      // resources
  int list_failures = 0;                   // List* calls
  CollectStats stats;
  std::vector<std::string> regions;  // audited (asked, or holding a result), sorted
  // Some resource or list could not be read: the audit is incomplete (exit 3).
  bool incomplete() const { return unreadable > 0 || list_failures > 0; }
};

// The documents the rule engine checks, in inventory order (described_view
// of each described resource). For --save.
std::vector<nlohmann::json> audit_documents(const Inventory& inv);

// budget.max-cost prices a resource in the region it runs in: the CLI
// supplies one CostEstimator per region (the rule engine knows no prices).
using RegionEstimators = std::function<CostEstimator(const std::string& region)>;

// Evaluates the inventory. Fails only on an internal error (a described
// document the engine cannot read). With `estimators` set, each region's
// bundle is checked with estimators(region) as CheckOptions::estimator
// (replacing opts.estimator); unset, opts.estimator is used as given.
Result<AuditResult> evaluate_inventory(const Inventory& inv, const Policy& policy,
                                       const CheckOptions& opts,
                                       const RegionEstimators& estimators = {});

}  // namespace sageguard::audit
