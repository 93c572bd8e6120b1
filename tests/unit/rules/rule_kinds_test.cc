// The kinds the rule catalogue (and so docs/rules.md) says each rule looks
// at agree with where the rules look (kind_layout): a kind gets a rule
// exactly when its layout has the field the rule reads.
#include <gtest/gtest.h>

#include <string>

#include "rules/kind_layout.h"
#include "sageguard/rule_catalog.h"

namespace {

using sageguard::ResourceKind;

// The catalogue's kind list holds `name` as a whole item.
bool lists(std::string_view kinds, std::string_view name) {
  size_t at = 0;
  while ((at = kinds.find(name, at)) != std::string_view::npos) {
    const size_t end = at + name.size();
    const bool starts = at == 0 || kinds[at - 1] == ' ';
    const bool ends = end == kinds.size() || kinds[end] == ',';
    if (starts && ends) return true;
    at = end;
  }
  return false;
}

TEST(RuleKinds, CatalogueMatchesTheLayouts) {
  using sageguard::rules::KindLayout;
  const std::pair<const char*, bool (*)(const KindLayout&)> fields[] = {
      {"vpc.required",
       [](const KindLayout& l) {
         return !l.vpc.empty() || l.flat_vpc_required != KindLayout::FlatVpcRequired::none;
       }},
      {"vpc.allowed",
       [](const KindLayout& l) {
         return !l.vpc.empty() || !l.subnets.empty() || !l.security_groups.empty();
       }},
      {"network.isolation", [](const KindLayout& l) { return !l.isolation.empty(); }},
      {"encryption.inter-container", [](const KindLayout& l) { return !l.inter_container.empty(); }},
      {"kms.volume", [](const KindLayout& l) { return !l.volume_kms.empty(); }},
      {"kms.output", [](const KindLayout& l) { return !l.output_kms.empty(); }},
      {"instance.allowed", [](const KindLayout& l) { return !l.instance_types.empty(); }},
      {"runtime.max", [](const KindLayout& l) { return !l.max_runtime.empty(); }},
      {"spot.enabled", [](const KindLayout& l) { return l.spot; }},
      {"spot.max-wait", [](const KindLayout& l) { return l.spot; }},
      {"spot.checkpoint", [](const KindLayout& l) { return l.spot; }},
  };
  const ResourceKind kinds[] = {ResourceKind::training_job,
                                ResourceKind::tuning_job,
                                ResourceKind::processing_job,
                                ResourceKind::transform_job,
                                ResourceKind::model,
                                ResourceKind::endpoint_config,
                                ResourceKind::endpoint,
                                ResourceKind::notebook_instance,
                                ResourceKind::domain,
                                ResourceKind::user_profile,
                                ResourceKind::space,
                                ResourceKind::automl_job,
                                ResourceKind::automl_job_v2,
                                ResourceKind::data_quality_job_definition,
                                ResourceKind::model_quality_job_definition,
                                ResourceKind::model_bias_job_definition,
                                ResourceKind::model_explainability_job_definition,
                                ResourceKind::monitoring_schedule,
                                ResourceKind::feature_group,
                                ResourceKind::model_package_group,
                                ResourceKind::model_package};
  for (const auto& [id, has] : fields) {
    const auto* rule = sageguard::find_rule(id);
    ASSERT_NE(rule, nullptr) << id;
    for (ResourceKind k : kinds) {
      EXPECT_EQ(lists(rule->kinds, sageguard::kind_name(k)), has(sageguard::rules::layout_of(k)))
          << id << " on " << sageguard::kind_name(k) << " (catalogue: " << rule->kinds << ")";
    }
  }
}

}  // namespace
