// --kinds for the rest of the estate: without it (and with "all") every
// auditable kind, the estate's included; automl-job lists both AutoML
// versions through one listing; what audit cannot list is refused by name.
#include <gtest/gtest.h>

#include <algorithm>

#include "sageguard/audit/audit_kinds.h"

namespace sageguard::audit {
namespace {

bool has(const std::vector<ResourceKind>& v, ResourceKind k) {
  return std::find(v.begin(), v.end(), k) != v.end();
}

TEST(EstateKinds, DefaultAllAndNames) {
  std::vector<std::string> bad;
  const auto def = parse_kinds("", bad);
  const auto all = parse_kinds("all", bad);
  EXPECT_EQ(def, all);
  EXPECT_EQ(all.size(), audit_kinds().size());
  EXPECT_EQ(all.size(), 20u);
  for (ResourceKind k : {ResourceKind::training_job, ResourceKind::endpoint,
                         ResourceKind::notebook_instance, ResourceKind::domain,
                         ResourceKind::user_profile, ResourceKind::space,
                         ResourceKind::automl_job_v2, ResourceKind::monitoring_schedule,
                         ResourceKind::feature_group, ResourceKind::model_package,
                         ResourceKind::model_package_group,
                         ResourceKind::model_explainability_job_definition}) {
    EXPECT_TRUE(has(all, k)) << kind_flag(k);
  }
  EXPECT_TRUE(bad.empty());

  EXPECT_EQ(parse_kinds("automl-job", bad), std::vector<ResourceKind>{ResourceKind::automl_job_v2});
  EXPECT_EQ(parse_kinds("automl-job,automl-job-v2", bad).size(), 1u);
  EXPECT_TRUE(bad.empty());
  EXPECT_EQ(parse_kinds("space,user-profile", bad),
            (std::vector<ResourceKind>{ResourceKind::user_profile, ResourceKind::space}));
  EXPECT_TRUE(bad.empty());
  // A pipeline is not listed by audit; an unknown name is refused.
  parse_kinds("pipeline,notebook", bad);
  EXPECT_EQ(bad, (std::vector<std::string>{"pipeline", "notebook"}));
}

TEST(EstateKinds, EveryEntryNamesItsOperations) {
  for (const auto& k : audit_kinds()) {
    EXPECT_TRUE(k.list_operation.starts_with("List")) << k.flag;
    EXPECT_TRUE(k.describe_operation.starts_with("Describe")) << k.flag;
    EXPECT_FALSE(k.list_key.empty()) << k.flag;
    EXPECT_FALSE(k.arn_key.empty()) << k.flag;
    std::vector<std::string> bad;
    const auto parsed = parse_kinds(k.flag, bad);
    ASSERT_EQ(parsed.size(), 1u) << k.flag;
    EXPECT_EQ(parsed[0], k.kind) << k.flag;
    EXPECT_EQ(audit_kind(k.kind), &k);
  }
}

}  // namespace
}  // namespace sageguard::audit
