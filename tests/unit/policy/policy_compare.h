// Test helper: field-by-field comparison of two policies (provenance -
// `source` and `origins` - is ignored, because it differs by construction).
#pragma once

#include <gtest/gtest.h>

#include "sageguard/policy.h"
#include "sageguard/rule_catalog.h"

namespace sageguard::testing_support {

inline void expect_same_policy(const Policy& a, const Policy& b) {
  EXPECT_EQ(a.version, b.version);
  for (const RuleInfo& r : rule_catalog()) {
    EXPECT_EQ(a.severity_of(std::string(r.id)), b.severity_of(std::string(r.id))) << r.id;
  }
  EXPECT_EQ(a.required_tags, b.required_tags);
  ASSERT_EQ(a.tag_values.size(), b.tag_values.size());
  for (size_t i = 0; i < a.tag_values.size(); ++i) {
    EXPECT_EQ(a.tag_values[i].key, b.tag_values[i].key);
    EXPECT_EQ(a.tag_values[i].pattern, b.tag_values[i].pattern);
    EXPECT_EQ(a.tag_values[i].allowed, b.tag_values[i].allowed);
    EXPECT_EQ(static_cast<bool>(a.tag_values[i].regex), static_cast<bool>(b.tag_values[i].regex));
  }
  EXPECT_EQ(a.tag_defaults, b.tag_defaults);
  EXPECT_EQ(a.subnets, b.subnets);
  EXPECT_EQ(a.security_groups, b.security_groups);
  EXPECT_EQ(a.subnets_reach_s3, b.subnets_reach_s3);
  EXPECT_EQ(a.volume_key, b.volume_key);
  EXPECT_EQ(a.output_key, b.output_key);
  EXPECT_EQ(a.kms_allowed, b.kms_allowed);
  EXPECT_EQ(a.nvme_instance_types, b.nvme_instance_types);
  EXPECT_EQ(a.checkpoint_s3_prefix, b.checkpoint_s3_prefix);
  EXPECT_DOUBLE_EQ(a.max_wait_factor, b.max_wait_factor);
  EXPECT_EQ(a.instance_types, b.instance_types);
  EXPECT_EQ(a.max_runtime_seconds, b.max_runtime_seconds);
  EXPECT_EQ(a.max_job_cost_usd, b.max_job_cost_usd);
  EXPECT_EQ(a.min_instance_count, b.min_instance_count);
  EXPECT_EQ(a.min_notebook_platform, b.min_notebook_platform);
  EXPECT_EQ(a.production_names, b.production_names);
  EXPECT_EQ(a.production_tags, b.production_tags);
  EXPECT_EQ(a.manual_approval, b.manual_approval);
  EXPECT_EQ(a.allowed_registries, b.allowed_registries);
  ASSERT_EQ(a.waivers.size(), b.waivers.size());
  for (size_t i = 0; i < a.waivers.size(); ++i) {
    EXPECT_EQ(a.waivers[i].rule, b.waivers[i].rule);
    EXPECT_EQ(a.waivers[i].resource, b.waivers[i].resource);
    EXPECT_EQ(a.waivers[i].reason, b.waivers[i].reason);
    EXPECT_EQ(a.waivers[i].expires, b.waivers[i].expires);
  }
}

}  // namespace sageguard::testing_support
