// An audit as a library call: evaluate what collect_inventory found with the
// same rule engine as `check` (one bundle document per region, so
// tags.propagation links models, endpoint configs and endpoints to the
// training jobs their artifacts came from), and the result reporters use.
// Pure functions of their inputs; thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "audit/collector.h"
#include "sageguard/check.h"
#include "sageguard/finding.h"
#include "sageguard/policy.h"

namespace sageguard::audit {

// The rule id of a resource (or a whole List*, or a whole account) that
// could not be read.
inline constexpr const char* kUnreadableRule = "audit.unreadable";

struct AuditedResource {
  ResourceId id;
  std::vector<std::pair<std::string, std::string>> tags;  // key, value in ListTags order
};

struct AuditResult {
  // Findings carry arn, region (and account, when the inventory names
  // accounts) and no file; unreadable resources, failed lists and accounts
  // that could not be audited are findings of rule audit.unreadable.
  CheckResult check;
  std::vector<AuditedResource> resources;  // every described resource
  std::vector<ResourceId> vanished;        // deleted between list and describe
  int unreadable = 0;                      // resources
  int list_failures = 0;                   // List* calls
  int account_failures = 0;                // accounts not audited at all
  CollectStats stats;
  std::vector<std::string> regions;  // audited (asked, or holding a result), sorted
  // The accounts named in the inventory (targets, results, failures),
  // sorted; empty for an audit of one unnamed account.
  std::vector<std::string> accounts;
  std::map<std::string, std::string> account_names;  // id -> name, where known
  // Some resource, list or account could not be read: the audit is
  // incomplete (exit 3).
  bool incomplete() const { return unreadable > 0 || list_failures > 0 || account_failures > 0; }
};

// One account's share of an audit of several, for the reports' sections.
struct AccountTotals {
  std::string account;
  std::string name;      // may be empty
  int resources = 0;     // described
  int unreadable = 0;    // audit.unreadable findings (resources, lists, the account)
  int error = 0, warning = 0, note = 0;  // active findings, audit.unreadable included
};

// Per account of r.accounts, in that order (empty for a one-account audit).
std::vector<AccountTotals> account_totals(const AuditResult& r);

// The documents the rule engine checks, in inventory order (described_view
// of each described resource, plus an `account` member holding the 12-digit
// id when the inventory names accounts). For --save.
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
