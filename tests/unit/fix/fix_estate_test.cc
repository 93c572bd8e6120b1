// fix on the rest of the estate: what the policy (or the practice's one good
// value) supplies is written into notebook instances, Studio domains,
// AutoML jobs, monitoring schedules, feature groups, model packages and
// production endpoint configs; what could break the resource is withheld.
// The requests are the rule table's (tests/unit/rules/estate/cases.json).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fix_test_util.h"
#include "test_support.h"

namespace {

using Json = nlohmann::json;
using sgtest::changed_rules;
using sgtest::expect_idempotent;
using sgtest::remaining_rules;
using sgtest::run_fix;

const Json& cases() {
  static const Json kCases = Json::parse(
      sgtest::read_file(sgtest::source_dir() + "/tests/unit/rules/estate/cases.json"));
  return kCases;
}

Json base(const char* name) { return cases()["bases"][name]["request"]; }

// The rule table's policy; its subnets are not said to reach S3.
sageguard::Policy policy() { return sgtest::policy_from(cases()["policy"].get<std::string>()); }

sageguard::Policy policy_reaching_s3() {
  std::string yaml = cases()["policy"].get<std::string>();
  const std::string anchor = "  security_groups: [sg-0123abcd]\n";
  yaml.replace(yaml.find(anchor), anchor.size(), anchor + "  subnets_reach_s3: true\n");
  return sgtest::policy_from(yaml);
}

TEST(FixEstate, NotebookSettingsAreSetFromThePolicy) {
  Json nb = base("notebook");
  nb["DirectInternetAccess"] = "Enabled";
  nb["RootAccess"] = "Enabled";
  nb.erase("PlatformIdentifier");
  nb.erase("KmsKeyId");
  nb["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"] = "1";
  const auto p = policy();
  auto o = run_fix(nb.dump(2), p);
  EXPECT_EQ(changed_rules(o), (std::set<std::string>{"network.direct-internet",
                                                    "notebook.root-access", "notebook.imds-v2",
                                                    "notebook.platform", "kms.volume"}));
  EXPECT_TRUE(remaining_rules(o).empty()) << o.fixed;
  const Json fixed = Json::parse(o.fixed);
  EXPECT_EQ(fixed["DirectInternetAccess"], "Disabled");
  EXPECT_EQ(fixed["RootAccess"], "Disabled");
  EXPECT_EQ(fixed["PlatformIdentifier"], "notebook-al2-v3");
  EXPECT_EQ(fixed["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"],
            "2");
  EXPECT_EQ(fixed["KmsKeyId"], base("notebook")["KmsKeyId"]);
  expect_idempotent(o, p);
}

// A lifecycle configuration's scripts may call the metadata service without a
// token; requiring IMDSv2 could break them, so the fix says why and waits.
TEST(FixEstate, ImdsV2IsWithheldFromANotebookWithALifecycleConfiguration) {
  Json nb = base("notebook");
  nb.erase("InstanceMetadataServiceConfiguration");
  const auto p = policy();
  auto added = run_fix(nb.dump(2), p);
  EXPECT_EQ(changed_rules(added), (std::set<std::string>{"notebook.imds-v2"}));
  EXPECT_EQ(Json::parse(added.fixed)["InstanceMetadataServiceConfiguration"],
            (Json{{"MinimumInstanceMetadataServiceVersion", "2"}}));

  nb["LifecycleConfigName"] = "install-extensions";
  auto held = run_fix(nb.dump(2), p);
  EXPECT_TRUE(held.changes.empty()) << held.fixed;
  ASSERT_EQ(held.withheld.size(), 1u);
  EXPECT_EQ(held.withheld[0].rule, "notebook.imds-v2");
  EXPECT_EQ(held.fixed, nb.dump(2));
  EXPECT_EQ(remaining_rules(held), (std::set<std::string>{"notebook.imds-v2"}));
}

TEST(FixEstate, NotebookOutsideTheVpcIsMovedOnlyWhenTheSubnetsReachS3) {
  Json nb = base("notebook");
  nb.erase("SubnetId");
  nb.erase("SecurityGroupIds");
  nb["DirectInternetAccess"] = "Enabled";
  // Without subnets_reach_s3: no subnet, so DirectInternetAccess stays too
  // (the API refuses Disabled without a subnet).
  auto held = run_fix(nb.dump(2), policy());
  EXPECT_TRUE(held.changes.empty()) << held.fixed;
  std::set<std::string> withheld;
  for (const auto& w : held.withheld) withheld.insert(w.rule);
  EXPECT_EQ(withheld, (std::set<std::string>{"vpc.required", "network.direct-internet"}));
  EXPECT_EQ(held.fixed, nb.dump(2));

  const auto p = policy_reaching_s3();
  auto o = run_fix(nb.dump(2), p);
  EXPECT_TRUE(remaining_rules(o).empty()) << o.fixed;
  const Json fixed = Json::parse(o.fixed);
  EXPECT_EQ(fixed["SubnetId"], "subnet-0a1b2c3d");
  EXPECT_EQ(fixed["SecurityGroupIds"], Json::array({"sg-0123abcd"}));
  EXPECT_EQ(fixed["DirectInternetAccess"], "Disabled");
  expect_idempotent(o, p);
}

TEST(FixEstate, DomainBecomesVpcOnlyWhenItHasSubnetsAndSecurityGroups) {
  Json dom = base("domain");
  dom["AppNetworkAccessType"] = "PublicInternetOnly";
  const auto p = policy();
  auto o = run_fix(dom.dump(2), p);
  EXPECT_EQ(Json::parse(o.fixed)["AppNetworkAccessType"], "VpcOnly");
  EXPECT_TRUE(remaining_rules(o).empty());
  expect_idempotent(o, p);

  dom["DefaultUserSettings"].erase("SecurityGroups");
  auto held = run_fix(dom.dump(2), p);
  EXPECT_TRUE(held.changes.empty());
  ASSERT_EQ(held.withheld.size(), 1u);
  EXPECT_EQ(held.withheld[0].rule, "network.vpc-only");
}

TEST(FixEstate, LayoutFixesReachTheNewKinds) {
  const auto p = policy();
  // AutoML without a security config gets one (volume key, encryption).
  Json automl = base("automl-v2");
  automl.erase("SecurityConfig");
  auto o = run_fix(automl.dump(2), p);
  const Json fixed = Json::parse(o.fixed);
  EXPECT_EQ(fixed["SecurityConfig"]["EnableInterContainerTrafficEncryption"], true);
  EXPECT_EQ(fixed["SecurityConfig"]["VolumeKmsKeyId"], base("automl-v2")["SecurityConfig"]["VolumeKmsKeyId"]);
  // No VPC without subnets_reach_s3.
  EXPECT_EQ(remaining_rules(o), (std::set<std::string>{"vpc.required"}));
  expect_idempotent(o, p);

  // A monitoring schedule's inline definition.
  Json sched = base("schedule");
  auto& def = sched["MonitoringScheduleConfig"]["MonitoringJobDefinition"];
  def["NetworkConfig"]["EnableNetworkIsolation"] = false;
  def["MonitoringOutputConfig"].erase("KmsKeyId");
  o = run_fix(sched.dump(2), p);
  EXPECT_TRUE(remaining_rules(o).empty()) << o.fixed;
  expect_idempotent(o, p);

  // A feature group's online store key, offline store key.
  Json fg = base("feature-group");
  fg["OnlineStoreConfig"].erase("SecurityConfig");
  fg["OfflineStoreConfig"]["S3StorageConfig"].erase("KmsKeyId");
  o = run_fix(fg.dump(2), p);
  EXPECT_EQ(changed_rules(o), (std::set<std::string>{"kms.volume", "kms.output"}));
  EXPECT_TRUE(remaining_rules(o).empty()) << o.fixed;
  expect_idempotent(o, p);
}

TEST(FixEstate, ModelPackageVersionWaitsForApproval) {
  Json pkg = base("package");
  pkg["ModelApprovalStatus"] = "Approved";
  const auto p = policy();
  auto o = run_fix(pkg.dump(2), p);
  EXPECT_EQ(Json::parse(o.fixed)["ModelApprovalStatus"], "PendingManualApproval");
  EXPECT_TRUE(remaining_rules(o).empty());
  pkg.erase("ModelApprovalStatus");
  o = run_fix(pkg.dump(2), p);
  EXPECT_EQ(Json::parse(o.fixed)["ModelApprovalStatus"], "PendingManualApproval");
  expect_idempotent(o, p);
  // An image from a public registry is reported, never rewritten.
  pkg = base("package");
  pkg["InferenceSpecification"]["Containers"][0]["Image"] = "public.ecr.aws/x/y:1";
  o = run_fix(pkg.dump(2), p);
  EXPECT_TRUE(o.changes.empty());
  EXPECT_EQ(remaining_rules(o), (std::set<std::string>{"image.registry"}));
}

TEST(FixEstate, ProductionEndpointConfigGetsTheMinimumCount) {
  Json ec = base("endpoint-config");
  ec["ProductionVariants"][0]["InitialInstanceCount"] = 1;
  const auto p = policy();
  auto o = run_fix(ec.dump(2), p);
  EXPECT_EQ(Json::parse(o.fixed)["ProductionVariants"][0]["InitialInstanceCount"], 2);
  EXPECT_TRUE(remaining_rules(o).empty());
  expect_idempotent(o, p);
}

}  // namespace
