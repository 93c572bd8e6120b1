// The rest of the estate's kinds (notebooks, Studio, AutoML, monitoring,
// feature store, model registry) and the additions to the endpoint config
// and model kinds, table-driven from tests/unit/rules/estate/cases.json:
// each case patches a compliant request and names the exact rule ids that
// fire. test_estate_requests.py validates the same requests with botocore.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "sageguard/check.h"
#include "test_support.h"

namespace sageguard {
namespace {

using Json = nlohmann::json;

const Json& cases() {
  static const Json kCases =
      Json::parse(sgtest::read_file(sgtest::source_dir() + "/tests/unit/rules/estate/cases.json"));
  return kCases;
}

Policy policy_from(const std::string& yaml) {
  auto p = parse_policy("p.yaml", yaml);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return p.ok() ? std::move(p).value() : Policy{};
}

CheckResult check_text(const std::string& text, const Policy& policy) {
  auto doc = parse_document("doc.json", text);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().describe());
  CheckResult r;
  if (!doc.ok()) return r;
  CheckOptions o;
  o.today = "2026-11-27";
  EXPECT_TRUE(check_document(**doc, true, policy, o, r).ok());
  return r;
}

std::set<std::string> rule_ids(const CheckResult& r) {
  std::set<std::string> out;
  for (const auto& f : r.findings) out.insert(f.rule);
  return out;
}

std::string request_of(const Json& c) {
  Json req = cases()["bases"][c["base"].get<std::string>()]["request"];
  req.merge_patch(c["patch"]);
  return req.dump(1);
}

TEST(EstateRules, EveryCaseFiresExactlyItsRules) {
  const Policy policy = policy_from(cases()["policy"].get<std::string>());
  size_t firing = 0;
  for (const Json& c : cases()["cases"]) {
    const std::string text = request_of(c);
    const CheckResult r = check_text(text, policy);
    std::set<std::string> want;
    for (const Json& id : c["fires"]) want.insert(id.get<std::string>());
    firing += want.empty() ? 0 : 1;
    std::string got;
    for (const auto& f : r.findings) got += "\n  " + f.rule + ": " + f.message;
    EXPECT_EQ(rule_ids(r), want) << c["base"] << ": " << c["why"] << got;
  }
  EXPECT_GT(firing, 50u);  // the table is not all compliant cases
}

TEST(EstateRules, DetectsEachKindAndItsName) {
  const std::pair<const char*, const char*> kinds[] = {
      {"notebook", "NotebookInstance"},
      {"domain", "Domain"},
      {"user-profile", "UserProfile"},
      {"space", "Space"},
      {"automl", "AutoMLJob"},
      {"automl-v2", "AutoMLJobV2"},
      {"data-quality", "DataQualityJobDefinition"},
      {"model-quality", "ModelQualityJobDefinition"},
      {"model-bias", "ModelBiasJobDefinition"},
      {"model-explainability", "ModelExplainabilityJobDefinition"},
      {"schedule", "MonitoringSchedule"},
      {"feature-group", "FeatureGroup"},
      {"package-group", "ModelPackageGroup"},
      {"package", "ModelPackage"},
  };
  for (const auto& [base, kind] : kinds) {
    const Json& b = cases()["bases"][base];
    auto doc = parse_document("doc.json", b["request"].dump());
    ASSERT_TRUE(doc.ok());
    auto ex = extract_resources(**doc);
    ASSERT_TRUE(ex.ok());
    ASSERT_EQ(ex->resources.size(), 1u) << base;
    const Resource& r = ex->resources[0];
    EXPECT_STREQ(kind_name(r.kind), kind) << base;
    EXPECT_EQ(std::string(create_operation(r.kind)), b["operation"].get<std::string>()) << base;
    // The flag names the kind both ways.
    EXPECT_EQ(parse_kind_flag(kind_flag(r.kind)), r.kind) << base;
    EXPECT_FALSE(r.name.empty()) << base;
  }
  // A versioned model package is named by its group.
  auto doc = parse_document("doc.json", cases()["bases"]["package"]["request"].dump());
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(extract_resources(**doc)->resources[0].name, "churn-models");
}

TEST(EstateRules, KindFlagsInTheAuditStyle) {
  for (const char* flag :
       {"notebook-instance", "domain", "user-profile", "space", "automl-job", "automl-job-v2",
        "data-quality-job-definition", "model-quality-job-definition", "model-bias-job-definition",
        "model-explainability-job-definition", "monitoring-schedule", "feature-group",
        "model-package", "model-package-group"}) {
    const auto k = parse_kind_flag(flag);
    ASSERT_TRUE(k.has_value()) << flag;
    EXPECT_STREQ(kind_flag(*k), flag);
  }
}

// A version 1 policy written before the estate's sections keeps its
// meaning: no production endpoints, no registry or image rules.
TEST(EstateRules, PolicyWithoutTheNewSectionsKeepsItsMeaning) {
  const Policy old = policy_from("version: 1\ntags:\n  required: [Project]\n");
  for (const char* base : {"endpoint-config", "package", "model"}) {
    Json req = cases()["bases"][base]["request"];
    if (std::string(base) == "endpoint-config") req["ProductionVariants"][0]["InitialInstanceCount"] = 1;
    if (std::string(base) == "package") req["ModelApprovalStatus"] = "Approved";
    if (std::string(base) == "model") req["PrimaryContainer"]["Image"] = "docker.io/library/nginx:1";
    const auto ids = rule_ids(check_text(req.dump(), old));
    EXPECT_EQ(ids.count("instance.min-count"), 0u) << base;
    EXPECT_EQ(ids.count("registry.manual-approval"), 0u) << base;
    EXPECT_EQ(ids.count("image.registry"), 0u) << base;
  }
}

// The built-in policy: production endpoints are tagged Environment
// prod/production and need two instances; versions wait for approval.
TEST(EstateRules, BuiltInPolicyOnTheNewPractices) {
  const Policy& p = default_policy();
  Json ec = cases()["bases"]["endpoint-config"]["request"];
  ec["EndpointConfigName"] = "churn";
  ec["ProductionVariants"][0]["InitialInstanceCount"] = 1;
  EXPECT_EQ(rule_ids(check_text(ec.dump(), p)).count("instance.min-count"), 0u);
  ec["Tags"].push_back({{"Key", "Environment"}, {"Value", "prod"}});
  EXPECT_EQ(rule_ids(check_text(ec.dump(), p)).count("instance.min-count"), 1u);
  Json pkg = cases()["bases"]["package"]["request"];
  pkg["ModelApprovalStatus"] = "Approved";
  EXPECT_EQ(rule_ids(check_text(pkg.dump(), p)).count("registry.manual-approval"), 1u);
  Json nb = cases()["bases"]["notebook"]["request"];
  nb["DirectInternetAccess"] = "Enabled";
  nb["RootAccess"] = "Enabled";
  const auto ids = rule_ids(check_text(nb.dump(), p));
  EXPECT_EQ(ids.count("network.direct-internet"), 1u);
  EXPECT_EQ(ids.count("notebook.root-access"), 1u);
}

// Findings point at the member, with its JSON Pointer.
TEST(EstateRules, FindingsPointIntoTheRequest) {
  const Policy policy = policy_from(cases()["policy"].get<std::string>());
  Json sched = cases()["bases"]["schedule"]["request"];
  sched["MonitoringScheduleConfig"]["MonitoringJobDefinition"]["NetworkConfig"]
       ["EnableNetworkIsolation"] = false;
  const CheckResult r = check_text(sched.dump(1), policy);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].rule, "network.isolation");
  EXPECT_EQ(r.findings[0].path,
            "/MonitoringScheduleConfig/MonitoringJobDefinition/NetworkConfig/EnableNetworkIsolation");
  Json nb = cases()["bases"]["notebook"]["request"];
  nb["SecurityGroupIds"] = {"sg-0123abcd", "sg-99999999"};
  const CheckResult n = check_text(nb.dump(1), policy);
  ASSERT_EQ(n.findings.size(), 1u);
  EXPECT_EQ(n.findings[0].path, "/SecurityGroupIds/1");
}

// DescribeNotebookInstance names the security groups SecurityGroups.
TEST(EstateRules, DescribeNotebookInstanceResponse) {
  const Policy policy = policy_from(cases()["policy"].get<std::string>());
  Json d = cases()["bases"]["notebook"]["request"];
  d.erase("SecurityGroupIds");
  d.erase("Tags");
  d["SecurityGroups"] = {"sg-99999999"};
  d["NotebookInstanceArn"] = "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb-research";
  d["NotebookInstanceStatus"] = "InService";
  const auto ids = rule_ids(check_text(d.dump(), policy));
  EXPECT_EQ(ids, (std::set<std::string>{"vpc.allowed", "tags.required"}));
}

}  // namespace
}  // namespace sageguard
