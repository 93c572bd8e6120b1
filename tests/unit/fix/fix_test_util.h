// Helpers for the fix tests: a policy that supplies every value, running
// fix on a string, and asking the re-check which rules remain.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "sageguard/fix/fix.h"
#include "sageguard/policy.h"

namespace sgtest {

inline constexpr const char* kFullPolicy = R"(version: 1
rules:
  spot.enabled: warning
tags:
  required: [Project, Contact]
  defaults:
    Project: churn
    Contact: ml@ourcoolcompany.ai
vpc:
  subnets: [subnet-0a1b2c3d, subnet-4e5f6a7b]
  security_groups: [sg-0123abcd]
  subnets_reach_s3: true
kms:
  volume_key: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
  output_key: alias/ml-output
spot:
  checkpoint_s3_prefix: s3://ml-checkpoints/
  max_wait_factor: 2.0
)";

inline sageguard::Policy policy_from(const std::string& yaml) {
  auto p = sageguard::parse_policy("policy.yaml", yaml);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return p.ok() ? *p : sageguard::Policy{};
}

inline sageguard::Policy full_policy() { return policy_from(kFullPolicy); }

inline sageguard::fix::FixOutcome run_fix(const std::string& text, const sageguard::Policy& p,
                                          const sageguard::fix::FixOptions& opts = {},
                                          const std::string& path = "in.json") {
  sageguard::fix::FixOptions o = opts;
  if (o.today.empty()) o.today = "2026-01-01";
  auto r = sageguard::fix::fix_text(path, text, p, o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? *r : sageguard::fix::FixOutcome{};
}

inline std::set<std::string> remaining_rules(const sageguard::fix::FixOutcome& o) {
  std::set<std::string> out;
  for (const auto& f : o.remaining.findings) out.insert(f.rule);
  return out;
}

inline std::set<std::string> changed_rules(const sageguard::fix::FixOutcome& o) {
  std::set<std::string> out;
  for (const auto& c : o.changes) out.insert(c.rule);
  return out;
}

// Rules fix repairs that the re-check still reports.
inline std::set<std::string> fixable_remaining(const sageguard::fix::FixOutcome& o) {
  std::set<std::string> out;
  for (const auto& f : o.remaining.findings) {
    const auto& fixable = sageguard::fix::fixable_rules();
    if (std::find(fixable.begin(), fixable.end(), f.rule) != fixable.end()) out.insert(f.rule);
  }
  return out;
}

// Fixing the fixed text again must change nothing, byte for byte.
inline void expect_idempotent(const sageguard::fix::FixOutcome& first, const sageguard::Policy& p,
                              const std::string& path = "in.json",
                              const sageguard::fix::FixOptions& opts = {}) {
  auto second = run_fix(first.fixed, p, opts, path);
  EXPECT_EQ(second.fixed, first.fixed);
  EXPECT_TRUE(second.changes.empty());
}

}  // namespace sgtest
