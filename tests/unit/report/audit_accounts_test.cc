// An audit across accounts, evaluated and reported: the same name in two
// accounts stays two resources, findings and failures name their account,
// the reports group by it; a one-account audit names none.
#include <gtest/gtest.h>

#include "audit/audit.h"
#include "report/audit_report.h"
#include "sageguard/report/check_report.h"

namespace sageguard::audit {
namespace {

ResourceId job(const std::string& account, const std::string& region, const std::string& name) {
  return {ResourceKind::training_job, name,
          "arn:aws:sagemaker:" + region + ":" + account + ":training-job/" + name, region, account};
}

DescribedResource described(const ResourceId& id) {
  nlohmann::json d = {{"TrainingJobName", id.name},
                      {"TrainingJobArn", id.arn},
                      {"AlgorithmSpecification", {{"TrainingImage", "img"}, {"TrainingInputMode", "File"}}},
                      {"RoleArn", "arn:aws:iam::" + id.account + ":role/R"},
                      {"OutputDataConfig", {{"S3OutputPath", "s3://b/o"}}},
                      {"ResourceConfig", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}, {"VolumeSizeInGB", 30}}},
                      {"StoppingCondition", {{"MaxRuntimeInSeconds", 3600}}}};
  return {id, d, nlohmann::json::array()};
}

TEST(AuditAcrossAccounts, FindingsAndFailuresNameTheirAccount) {
  Inventory inv;
  inv.regions = {"us-east-1"};
  inv.accounts = {"111111111111", "222222222222"};
  inv.described = {described(job("111111111111", "us-east-1", "same")),
                   described(job("222222222222", "us-east-1", "same"))};
  inv.list_failures = {{"us-east-1", ResourceKind::model, "ListModels: AccessDeniedException: no", "222222222222"}};
  inv.account_failures = {{"333333333333", "broken", "AssumeRole: AccessDenied: no"}};
  inv.account_names = {{"111111111111", "research"}};
  auto r = evaluate_inventory(inv, default_policy(), CheckOptions{});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->incomplete());
  EXPECT_EQ(r->account_failures, 1);
  EXPECT_EQ(r->accounts, (std::vector<std::string>{"111111111111", "222222222222", "333333333333"}));
  ASSERT_FALSE(r->check.findings.empty());
  std::string last;
  int per[3] = {0, 0, 0};
  for (const auto& f : r->check.findings) {
    ASSERT_EQ(f.resource.account.size(), 12u) << f.rule << " " << f.message;
    EXPECT_GE(f.resource.account, last) << "findings are grouped by account";
    last = f.resource.account;
    per[f.resource.account[0] - '1'] += 1;
    if (f.resource.account == "333333333333") {
      EXPECT_EQ(f.rule, kUnreadableRule);
      EXPECT_EQ(f.resource.kind, "Account");
    }
  }
  // The same job in two accounts is judged twice, alike.
  EXPECT_EQ(per[0] + 1, per[1]);  // 222... also has the failed ListModels
  EXPECT_EQ(per[2], 1);
  auto totals = account_totals(*r);
  ASSERT_EQ(totals.size(), 3u);
  EXPECT_EQ(totals[0].name, "research");
  EXPECT_EQ(totals[0].resources, 1);
  EXPECT_EQ(totals[1].unreadable, 1);
  EXPECT_EQ(totals[2].unreadable, 1);

  const std::string json = report::audit_json(*r);
  EXPECT_NE(json.find("\"account\": \"333333333333\""), std::string::npos);
  const std::string text = report::audit_text(*r);
  EXPECT_NE(text.find("== account 111111111111 (research) =="), std::string::npos) << text;
  EXPECT_NE(text.find("account 222222222222: 1 resource:"), std::string::npos) << text;
  EXPECT_NE(text.find("of 3 account(s)"), std::string::npos) << text;
  EXPECT_NE(text.find("1 account(s) not audited"), std::string::npos) << text;
  const std::string sarif = report::check_sarif(r->check);
  EXPECT_NE(sarif.find("\"account\": \"222222222222\""), std::string::npos);
}

TEST(AuditAcrossAccounts, OneUnnamedAccountNamesNone) {
  Inventory inv;
  inv.regions = {"us-east-1"};
  inv.described = {described(job("", "us-east-1", "solo"))};
  auto r = evaluate_inventory(inv, default_policy(), CheckOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->accounts.empty());
  EXPECT_EQ(report::audit_json(*r).find("\"account\""), std::string::npos);
  EXPECT_EQ(report::audit_text(*r).find("== account"), std::string::npos);
}

}  // namespace
}  // namespace sageguard::audit
