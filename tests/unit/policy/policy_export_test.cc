// Policy exports: IAM / SCP Deny statements, the SDK intelligent-defaults
// config and `policy show`. The integration test (test_policy_export.py)
// checks the same documents against moto's IAM and PyYAML.
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <set>

#include "policy/iam_statements.h"
#include "policy/policy_compare.h"
#include "sageguard/policy.h"
#include "sageguard/policy_export.h"
#include "test_support.h"

namespace sageguard {
namespace {

using nlohmann::json;

Policy load(const std::string& text) {
  auto r = parse_policy("t.yaml", text);
  EXPECT_TRUE(r.ok()) << r.error().describe();
  return r.ok() ? *r : Policy{};
}

Policy example() {
  auto r = load_policy_file(sgtest::source_dir() + "/examples/sageguard.yaml");
  EXPECT_TRUE(r.ok()) << r.error().describe();
  return r.ok() ? *r : Policy{};
}

const json* statement(const json& doc, const std::string& sid) {
  for (const auto& s : doc["Statement"]) {
    if (s["Sid"] == sid) return &s;
  }
  return nullptr;
}

bool has_note(const std::vector<std::string>& notes, const std::string& prefix) {
  for (const auto& n : notes) {
    if (n.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

TEST(ExportIam, ExamplePolicyStatements) {
  std::vector<std::string> notes;
  auto out = export_iam(example(), &notes);
  ASSERT_TRUE(out.ok()) << out.error().describe();
  const json doc = json::parse(*out);
  EXPECT_EQ(doc["Version"], "2012-10-17");
  std::set<std::string> sids;
  for (const auto& s : doc["Statement"]) {
    EXPECT_EQ(s["Effect"], "Deny");
    EXPECT_EQ(s["Resource"], "*");
    EXPECT_TRUE(sids.insert(s["Sid"].get<std::string>()).second) << s["Sid"];
    for (char c : s["Sid"].get<std::string>()) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
  }

  const json* tag = statement(doc, "DenyMissingTagCostCenter");
  ASSERT_NE(tag, nullptr);
  EXPECT_EQ((*tag)["Condition"], json::parse(R"({"Null": {"aws:RequestTag/Cost Center": "true"}})"));
  // The seven job and deployment Create*, notebooks and domains; not AddTags.
  EXPECT_EQ((*tag)["Action"].size(), 9u);

  const json* cc = statement(doc, "DenyTagValueNotAllowedCostCenter");
  ASSERT_NE(cc, nullptr);
  EXPECT_EQ((*cc)["Condition"]["StringNotEquals"]["aws:RequestTag/Cost Center"],
            json::parse(R"(["CC-100", "CC-200", "CC-310"])"));
  EXPECT_EQ((*cc)["Condition"]["Null"]["aws:RequestTag/Cost Center"], "false");
  EXPECT_NE(std::find((*cc)["Action"].begin(), (*cc)["Action"].end(), "sagemaker:AddTags"),
            (*cc)["Action"].end());

  const json* ice = statement(doc, "DenyInterContainerEncryptionOff");
  ASSERT_NE(ice, nullptr);
  EXPECT_EQ((*ice)["Action"], json::parse(R"(["sagemaker:CreateTrainingJob",
      "sagemaker:CreateProcessingJob", "sagemaker:CreateHyperParameterTuningJob"])"));
  const json* iso = statement(doc, "DenyNetworkIsolationMissing");
  ASSERT_NE(iso, nullptr);
  EXPECT_EQ((*iso)["Action"].size(), 4u);  // + CreateModel
  EXPECT_EQ((*iso)["Condition"]["Null"]["sagemaker:NetworkIsolation"], "true");

  const json* vol = statement(doc, "DenyMissingVolumeKmsKey");
  ASSERT_NE(vol, nullptr);
  EXPECT_EQ((*vol)["Condition"]["Null"]["sagemaker:VolumeKmsKeyArn"], "true");
  EXPECT_TRUE((*vol)["Condition"].contains("ForAllValues:StringNotLike"));

  const json* subnets = statement(doc, "DenyVpcSubnetNotAllowed");
  ASSERT_NE(subnets, nullptr);
  EXPECT_EQ((*subnets)["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:VpcSubnets"],
            json::parse(R"(["subnet-0a1b2c3d", "subnet-4e5f6a7b"])"));
  const json* types = statement(doc, "DenyInstanceTypeNotAllowed");
  ASSERT_NE(types, nullptr);
  EXPECT_EQ((*types)["Condition"]["ForAnyValue:StringNotLike"]["sagemaker:InstanceTypes"][0],
            "ml.m5.*");

  // The Contact regex and the non-IAM rules are reported, not dropped silently.
  EXPECT_TRUE(has_note(notes, "tags.value: pattern '[^@\\s]+@"));
  EXPECT_TRUE(has_note(notes, "spot.enabled:"));
  EXPECT_TRUE(has_note(notes, "spot.checkpoint:"));
  EXPECT_TRUE(has_note(notes, "runtime.max:"));
  EXPECT_TRUE(has_note(notes, "budget.max-cost:"));
  EXPECT_TRUE(has_note(notes, "network.isolation: waiver for 'legacy-*'"));
}

TEST(ExportIam, OffAndWarningRulesAreNotDenies) {
  std::vector<std::string> notes;
  Policy p = load("version: 1\nrules:\n  network.isolation: off\n  kms.output: warning\n"
                  "  tags.required: off\ntags:\n  required: [Project]\n");
  auto out = export_iam(p, &notes);
  ASSERT_TRUE(out.ok());
  const json doc = json::parse(*out);
  EXPECT_EQ(statement(doc, "DenyNetworkIsolationOff"), nullptr);
  EXPECT_EQ(statement(doc, "DenyMissingOutputKmsKey"), nullptr);
  EXPECT_EQ(statement(doc, "DenyMissingTagProject"), nullptr);
  EXPECT_NE(statement(doc, "DenyMissingVolumeKmsKey"), nullptr);
  EXPECT_TRUE(has_note(notes, "kms.output: severity warning is advisory"));
  EXPECT_FALSE(has_note(notes, "network.isolation:"));
  // Without allow-lists there is nothing to compare against.
  EXPECT_EQ(statement(doc, "DenyVpcSubnetNotAllowed"), nullptr);
  EXPECT_EQ(statement(doc, "DenyInstanceTypeNotAllowed"), nullptr);
  EXPECT_EQ(statement(doc, "DenyVolumeKmsKeyNotAllowed"), nullptr);
}

TEST(ExportIam, KmsAllowListFallsBackToConfiguredKeys) {
  Policy p = load("version: 1\nkms:\n  volume_key: arn:v\n  output_key: arn:o\n");
  auto out = export_iam(p, nullptr);
  ASSERT_TRUE(out.ok());
  const json doc = json::parse(*out);
  const json* s = statement(doc, "DenyOutputKmsKeyNotAllowed");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ((*s)["Condition"]["StringNotEquals"]["sagemaker:OutputKmsKeyArn"],
            json::parse(R"(["arn:v", "arn:o"])"));
}

TEST(ExportIam, SidsStayUniqueAndExpressiblePatternsExport) {
  Policy p = load("version: 1\ntags:\n  required: [Cost Center, CostCenter, cost-center]\n"
                  "  values:\n    Team: { pattern: 'team-.*' }\n");
  auto out = export_iam(p, nullptr);
  ASSERT_TRUE(out.ok());
  const json doc = json::parse(*out);
  EXPECT_NE(statement(doc, "DenyMissingTagCostCenter"), nullptr);
  EXPECT_NE(statement(doc, "DenyMissingTagCostCenter2"), nullptr);
  EXPECT_NE(statement(doc, "DenyMissingTagCostCenter3"), nullptr);
  const json* team = statement(doc, "DenyTagValuePatternTeam");
  ASSERT_NE(team, nullptr);
  EXPECT_EQ((*team)["Condition"]["StringNotLike"]["aws:RequestTag/Team"], "team-*");
}

TEST(ExportIam, NothingToExportIsAnError) {
  std::string text = "version: 1\nrules:\n";
  for (const char* r : {"tags.required", "vpc.required", "encryption.inter-container",
                        "network.isolation", "kms.volume", "kms.output", "network.direct-internet",
                        "notebook.root-access", "notebook.imds-v2", "network.vpc-only"}) {
    text += std::string("  ") + r + ": off\n";
  }
  auto out = export_iam(load(text), nullptr);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::policy);
}

TEST(RegexToStringLike, Conversions) {
  using policy_internal::regex_to_string_like;
  EXPECT_EQ(regex_to_string_like("CC-100"), "CC-100");
  EXPECT_EQ(regex_to_string_like("team-.*"), "team-*");
  EXPECT_EQ(regex_to_string_like("a.c"), "a?c");
  EXPECT_EQ(regex_to_string_like("x.+"), "x?*");
  EXPECT_EQ(regex_to_string_like(".*@ourcoolcompany\\.ai"), "*@ourcoolcompany.ai");
  EXPECT_EQ(regex_to_string_like("^abc$"), "abc");
  EXPECT_EQ(regex_to_string_like("a|b"), std::nullopt);
  EXPECT_EQ(regex_to_string_like("[a-z]+"), std::nullopt);
  EXPECT_EQ(regex_to_string_like("a+"), std::nullopt);
  EXPECT_EQ(regex_to_string_like("\\d{3}"), std::nullopt);
  EXPECT_EQ(regex_to_string_like("(?i)abc"), std::nullopt);
  EXPECT_EQ(regex_to_string_like("\\*"), std::nullopt);
  EXPECT_EQ(regex_to_string_like("\\$\\{x\\}"), std::nullopt);  // an IAM policy variable
}

TEST(ExportScp, SameStatementsWithinTheSizeLimit) {
  const Policy p = example();
  auto iam = export_iam(p, nullptr);
  auto scp = export_scp(p, nullptr);
  ASSERT_TRUE(iam.ok());
  ASSERT_TRUE(scp.ok()) << scp.error().describe();
  json all = json::array();
  for (const auto& doc : *scp) {
    EXPECT_LE(doc.size(), kScpMaxChars);
    EXPECT_EQ(doc.find('\n'), std::string::npos);  // minified
    const json d = json::parse(doc);
    EXPECT_EQ(d["Version"], "2012-10-17");
    for (const auto& s : d["Statement"]) all.push_back(s);
  }
  EXPECT_EQ(all, json::parse(*iam)["Statement"]);
}

TEST(ExportScp, SplitsWhenTooBigAndRefusesAHugeStatement) {
  std::string text = "version: 1\ntags:\n  required: [";
  for (int i = 0; i < 30; ++i) text += (i ? ", " : "") + std::string("Tag") + std::to_string(i);
  text += "]\n";
  auto scp = export_scp(load(text), nullptr);
  ASSERT_TRUE(scp.ok()) << scp.error().describe();
  EXPECT_GE(scp->size(), 2u);
  size_t statements = 0;
  for (const auto& doc : *scp) {
    EXPECT_LE(doc.size(), kScpMaxChars);
    statements += json::parse(doc)["Statement"].size();
  }
  EXPECT_EQ(statements, json::parse(*export_iam(load(text), nullptr))["Statement"].size());

  std::string huge = "version: 1\nvpc:\n  subnets: [";
  for (int i = 0; i < 400; ++i) huge += (i ? ", " : "") + std::string("subnet-") + std::to_string(i);
  huge += "]\n";
  auto refused = export_scp(load(huge), nullptr);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("DenyVpcSubnetNotAllowed"), std::string::npos);
}

TEST(ExportIam, ManagedPolicySizeLimit) {
  // The example policy is bigger than one managed policy: export_iam says
  // so, export_iam_documents splits it without losing a statement.
  const Policy p = example();
  std::vector<std::string> notes;
  auto iam = export_iam(p, &notes);
  ASSERT_TRUE(iam.ok());
  EXPECT_TRUE(has_note(notes, "size: the policy has "));
  auto docs = export_iam_documents(p, nullptr);
  ASSERT_TRUE(docs.ok()) << docs.error().describe();
  EXPECT_GE(docs->size(), 2u);
  json all = json::array();
  for (const auto& d : *docs) {
    EXPECT_LE(d.size(), kIamManagedPolicyMaxChars);
    const json parsed = json::parse(d);
    for (const auto& s : parsed["Statement"]) all.push_back(s);
  }
  EXPECT_EQ(all, json::parse(*iam)["Statement"]);
  // A small policy fits in one document and draws no size note.
  notes.clear();
  ASSERT_TRUE(export_iam(default_policy(), &notes).ok());
  EXPECT_FALSE(has_note(notes, "size:"));
  EXPECT_EQ(export_iam_documents(default_policy(), nullptr)->size(), 1u);
}

TEST(ExportSdkConfig, ExamplePolicyKeyPaths) {
  std::vector<std::string> notes;
  auto out = export_sdk_config(example(), &notes);
  ASSERT_TRUE(out.ok()) << out.error().describe();
  const YAML::Node doc = YAML::Load(*out);
  EXPECT_EQ(doc["SchemaVersion"].as<std::string>(), "1.0");
  const YAML::Node sm = doc["SageMaker"];
  EXPECT_TRUE(sm["TrainingJob"]["EnableNetworkIsolation"].as<bool>());
  EXPECT_TRUE(sm["TrainingJob"]["EnableInterContainerTrafficEncryption"].as<bool>());
  EXPECT_EQ(sm["TrainingJob"]["ResourceConfig"]["VolumeKmsKeyId"].as<std::string>(),
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(sm["TrainingJob"]["OutputDataConfig"]["KmsKeyId"].as<std::string>(),
            "arn:aws:kms:us-east-1:111122223333:key/5678efab-34cd-56ef-78ab-0987654321fe");
  EXPECT_EQ(sm["TrainingJob"]["VpcConfig"]["Subnets"].size(), 2u);
  EXPECT_EQ(sm["ProcessingJob"]["NetworkConfig"]["VpcConfig"]["SecurityGroupIds"][0].as<std::string>(),
            "sg-0123abcd");
  EXPECT_TRUE(sm["ProcessingJob"]["NetworkConfig"]["EnableNetworkIsolation"].as<bool>());
  EXPECT_TRUE(sm["ProcessingJob"]["ProcessingResources"]["ClusterConfig"]["VolumeKmsKeyId"]);
  EXPECT_TRUE(sm["ProcessingJob"]["ProcessingOutputConfig"]["KmsKeyId"]);
  EXPECT_TRUE(sm["Model"]["EnableNetworkIsolation"].as<bool>());
  EXPECT_FALSE(sm["Model"]["EnableInterContainerTrafficEncryption"]);  // not a Model key
  EXPECT_TRUE(sm["EndpointConfig"]["KmsKeyId"]);
  // Only tags with a value in tags.defaults: Contact. Nothing invented.
  for (const char* section : {"TrainingJob", "ProcessingJob", "Model", "EndpointConfig", "Endpoint"}) {
    const YAML::Node tags = sm[section]["Tags"];
    ASSERT_EQ(tags.size(), 1u) << section;
    EXPECT_EQ(tags[0]["Key"].as<std::string>(), "Contact");
    EXPECT_EQ(tags[0]["Value"].as<std::string>(), "ml-platform@ourcoolcompany.ai");
  }
  EXPECT_TRUE(has_note(notes, "tags: required tag 'Project' has no value"));
  EXPECT_FALSE(has_note(notes, "tags: required tag 'Contact'"));
}

TEST(ExportSdkConfig, VpcOnlyWithBothListsAndOffRulesLeftOut) {
  std::vector<std::string> notes;
  auto out = export_sdk_config(
      load("version: 1\nrules:\n  network.isolation: off\nvpc:\n  subnets: [subnet-1]\n"
           "tags:\n  defaults:\n    Version: '1.0'\n"),
      &notes);
  ASSERT_TRUE(out.ok());
  const YAML::Node sm = YAML::Load(*out)["SageMaker"];
  EXPECT_FALSE(sm["TrainingJob"]["VpcConfig"]);
  EXPECT_FALSE(sm["Model"]["VpcConfig"]);
  EXPECT_FALSE(sm["TrainingJob"]["EnableNetworkIsolation"]);
  EXPECT_FALSE(sm["Model"]["EnableNetworkIsolation"]);
  EXPECT_TRUE(sm["TrainingJob"]["EnableInterContainerTrafficEncryption"].as<bool>());
  EXPECT_FALSE(sm["TrainingJob"]["ResourceConfig"]);  // no key configured
  // A value that looks like a number stays a string.
  EXPECT_EQ(sm["Endpoint"]["Tags"][0]["Value"].Tag(), "!");
  EXPECT_TRUE(has_note(notes, "vpc: left out"));
}

TEST(ShowPolicy, RoundTripsWithOrigins) {
  const Policy p = example();
  const std::string shown = show_policy(p);
  auto back = parse_policy("shown.yaml", shown);
  ASSERT_TRUE(back.ok()) << back.error().describe() << "\n" << shown;
  testing_support::expect_same_policy(*back, p);
  EXPECT_NE(shown.find("spot.enabled: warning  # "), std::string::npos) << shown;
  EXPECT_NE(shown.find("sageguard.yaml:12"), std::string::npos) << shown;
  EXPECT_NE(shown.find("waiver.expired: warning  # built-in"), std::string::npos) << shown;
  EXPECT_NE(shown.find("nvme_instance_types: "), std::string::npos);

  const std::string def = show_policy(default_policy());
  auto def_back = parse_policy("d.yaml", def);
  ASSERT_TRUE(def_back.ok()) << def_back.error().describe() << "\n" << def;
  testing_support::expect_same_policy(*def_back, default_policy());
  EXPECT_EQ(def.find("sageguard.yaml"), std::string::npos);
}

TEST(ExamplePolicy, LoadsAndHasTheSeedPractices) {
  const Policy p = example();
  EXPECT_EQ(p.required_tags.size(), 6u);
  ASSERT_NE(p.value_rule("Contact"), nullptr);
  EXPECT_TRUE(RE2::FullMatch("ml-platform@ourcoolcompany.ai", *p.value_rule("Contact")->regex));
  EXPECT_FALSE(RE2::FullMatch("not an email", *p.value_rule("Contact")->regex));
  ASSERT_NE(p.value_rule("Cost Center"), nullptr);
  EXPECT_FALSE(p.value_rule("Cost Center")->allowed.empty());
  ASSERT_EQ(p.waivers.size(), 1u);
  EXPECT_EQ(p.waivers[0].expires, "2027-03-31");
}

}  // namespace
}  // namespace sageguard
