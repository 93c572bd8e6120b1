// evaluate_inventory: the audit's findings come from the same rule engine
// as `check`, carry ARN and region instead of a file, and tags.propagation
// links described models to the training jobs whose artifacts they serve.
#include "audit/audit.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace sageguard::audit {
namespace {

using nlohmann::json;

const char* kRole = "arn:aws:iam::123456789012:role/SageMakerRole";

json tags_of(std::initializer_list<std::pair<const char*, const char*>> kv) {
  json t = json::array();
  for (auto [k, v] : kv) t.push_back({{"Key", k}, {"Value", v}});
  return t;
}

DescribedResource training(const std::string& name, const std::string& region, json tags) {
  DescribedResource d;
  d.id = {ResourceKind::training_job, name,
          "arn:aws:sagemaker:" + region + ":123456789012:training-job/" + name, region};
  d.described = {
      {"TrainingJobName", name},
      {"TrainingJobArn", d.id.arn},
      {"TrainingJobStatus", "Completed"},
      {"AlgorithmSpecification", {{"TrainingImage", "img:1"}, {"TrainingInputMode", "File"}}},
      {"RoleArn", kRole},
      {"OutputDataConfig", {{"S3OutputPath", "s3://bucket/out"}}},
      {"ModelArtifacts", {{"S3ModelArtifacts", "s3://bucket/out/" + name + "/output/model.tar.gz"}}},
      {"ResourceConfig", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}, {"VolumeSizeInGB", 30}}},
      {"StoppingCondition", {{"MaxRuntimeInSeconds", 3600}}},
      {"VpcConfig", json::object()},
  };
  d.tags = std::move(tags);
  return d;
}

DescribedResource model(const std::string& name, const std::string& region,
                        const std::string& artifacts, json tags) {
  DescribedResource d;
  d.id = {ResourceKind::model, name, "arn:aws:sagemaker:" + region + ":123456789012:model/" + name,
          region};
  d.described = {{"ModelName", name},
                 {"ModelArn", d.id.arn},
                 {"ExecutionRoleArn", kRole},
                 {"PrimaryContainer", {{"Image", "img:1"}, {"ModelDataUrl", artifacts}}}};
  d.tags = std::move(tags);
  return d;
}

std::vector<const Finding*> of(const AuditResult& r, const std::string& name,
                               const std::string& rule) {
  std::vector<const Finding*> out;
  for (const auto& f : r.check.findings) {
    if (f.resource.name == name && f.rule == rule) out.push_back(&f);
  }
  return out;
}

TEST(Evaluate, FindingsCarryArnAndRegionNotFile) {
  Inventory inv;
  inv.described.push_back(training("tj-1", "us-east-1", tags_of({{"Project", "churn"}})));
  auto r = evaluate_inventory(inv, default_policy(), {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_FALSE(r->check.findings.empty());
  for (const auto& f : r->check.findings) {
    EXPECT_TRUE(f.file.empty());
    EXPECT_EQ(f.line, 0u);
    EXPECT_EQ(f.resource.arn, inv.described[0].id.arn);
    EXPECT_EQ(f.resource.region, "us-east-1");
    EXPECT_EQ(f.resource.kind, "TrainingJob");
  }
  // The empty VpcConfig the service answered is "no VpcConfig", not a
  // request.invalid about missing Subnets.
  EXPECT_EQ(of(*r, "tj-1", "vpc.required").size(), 1u);
  EXPECT_TRUE(of(*r, "tj-1", "request.invalid").empty());
  // Project is present; the five other seed tags are not.
  EXPECT_EQ(of(*r, "tj-1", "tags.required").size(), 5u);
  EXPECT_EQ(r->check.summary.resources, 1);
  EXPECT_FALSE(r->incomplete());
  ASSERT_EQ(r->resources.size(), 1u);
  EXPECT_EQ(r->resources[0].tags, (std::vector<std::pair<std::string, std::string>>{
                                      {"Project", "churn"}}));
}

// --save: a many-account audit's lines name the account; a one-account
// audit's lines are the described views alone.
TEST(Evaluate, SavedDocumentsNameTheirAccount) {
  Inventory inv;
  inv.described.push_back(training("tj-a", "us-east-1", tags_of({})));
  inv.described.back().id.account = "111111111111";
  inv.described.push_back(training("tj-b", "us-west-2", tags_of({})));
  inv.described.back().id.account = "222222222222";
  auto docs = audit_documents(inv);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].value("account", ""), "111111111111");
  EXPECT_EQ(docs[0].value("TrainingJobName", ""), "tj-a");
  EXPECT_EQ(docs[1].value("account", ""), "222222222222");

  Inventory single;
  single.described.push_back(training("tj-1", "us-east-1", tags_of({})));
  auto one = audit_documents(single);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_FALSE(one[0].contains("account"));
}

TEST(Evaluate, PropagationFollowsArtifactsWithinARegion) {
  Inventory inv;
  inv.described.push_back(training("tj-1", "eu-west-1", tags_of({{"Project", "churn"}})));
  inv.described.push_back(model("m-bad", "eu-west-1", "s3://bucket/out/tj-1/output/model.tar.gz",
                                tags_of({{"Project", "other"}})));
  inv.described.push_back(model("m-good", "eu-west-1",
                                "s3://bucket/out/tj-1/output/model.tar.gz",
                                tags_of({{"Project", "churn"}})));
  // A model whose artifacts come from no audited job: nothing to compare.
  inv.described.push_back(training("tj-2", "us-east-1", tags_of({{"Project", "x"}})));
  inv.described.push_back(model("m-none", "us-east-1", "s3://elsewhere/model.tar.gz", json::array()));
  auto r = evaluate_inventory(inv, default_policy(), {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  auto bad = of(*r, "m-bad", "tags.propagation");
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(bad[0]->message.find("'Project'"), std::string::npos) << bad[0]->message;
  EXPECT_EQ(bad[0]->resource.arn, inv.described[1].id.arn);
  EXPECT_TRUE(of(*r, "m-good", "tags.propagation").empty());
  EXPECT_TRUE(of(*r, "m-none", "tags.propagation").empty());
  EXPECT_EQ(r->regions, (std::vector<std::string>{"eu-west-1", "us-east-1"}));
  for (const auto& f : r->check.findings) {
    const auto it = std::find_if(inv.described.begin(), inv.described.end(),
                                 [&](const auto& d) { return d.id.arn == f.resource.arn; });
    ASSERT_NE(it, inv.described.end()) << f.rule << " " << f.message;
    EXPECT_EQ(it->id.name, f.resource.name);
    EXPECT_EQ(it->id.region, f.resource.region);
  }
}

TEST(Evaluate, UnreadableAndFailedListsAreErrorFindings) {
  Inventory inv;
  inv.unreadable.push_back({{ResourceKind::endpoint, "e-1", "arn:e-1", "us-east-1"},
                            "DescribeEndpoint: AccessDeniedException: nope"});
  inv.list_failures.push_back({"us-east-1", ResourceKind::model, "ListModels: Throttling"});
  inv.vanished.push_back({ResourceKind::model, "gone", "arn:gone", "us-east-1"});
  auto r = evaluate_inventory(inv, default_policy(), {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->check.findings.size(), 2u);
  for (const auto& f : r->check.findings) {
    EXPECT_EQ(f.rule, kUnreadableRule);
    EXPECT_EQ(f.severity, Severity::error);
  }
  EXPECT_EQ(r->check.findings[0].resource.arn, "arn:e-1");
  EXPECT_NE(r->check.findings[0].message.find("AccessDeniedException"), std::string::npos);
  EXPECT_TRUE(r->incomplete());
  EXPECT_EQ(r->vanished.size(), 1u);
  EXPECT_EQ(r->check.summary.error, 2);
  EXPECT_EQ(r->check.summary.resources, 1);  // the unreadable one; vanished do not count
}

TEST(Evaluate, WaiversApplyToAuditedResources) {
  Policy p = default_policy();
  p.waivers.push_back({"vpc.required", "tj-*", "legacy", "2999-12-31", {}});
  Inventory inv;
  inv.described.push_back(training("tj-1", "us-east-1", json::array()));
  auto r = evaluate_inventory(inv, p, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(of(*r, "tj-1", "vpc.required").empty());
  ASSERT_EQ(r->check.waived.size(), 1u);
  EXPECT_EQ(r->check.waived[0].finding.resource.arn, inv.described[0].id.arn);
  EXPECT_TRUE(r->check.waived[0].finding.file.empty());
}

// budget.max-cost: each region's bundle is priced by that region's
// estimator, and the finding lands on the right resource.
TEST(Evaluate, BudgetPricesEachResourceInItsOwnRegion) {
  Policy p = default_policy();
  p.max_job_cost_usd = 100;
  Inventory inv;
  inv.described.push_back(training("tj-eu", "eu-west-1", json::array()));
  inv.described.push_back(training("tj-us", "us-east-1", json::array()));
  inv.described.push_back(model("m-us", "us-east-1", "s3://x/model.tar.gz", json::array()));
  std::vector<std::string> asked;
  std::vector<std::string> estimated;  // names the estimators saw
  RegionEstimators estimators = [&](const std::string& region) -> CostEstimator {
    asked.push_back(region);
    return [&estimated, region](const Resource& r) -> std::optional<CostEstimate> {
      estimated.push_back(r.name);
      if (r.kind != ResourceKind::training_job) return std::nullopt;
      CostEstimate e;
      e.worst_case_usd = region == "us-east-1" ? 250 : 40;
      e.basis = "fake prices of " + region;
      return e;
    };
  };
  auto r = evaluate_inventory(inv, p, {}, estimators);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(asked, (std::vector<std::string>{"eu-west-1", "us-east-1"}));
  std::sort(estimated.begin(), estimated.end());
  EXPECT_EQ(estimated, (std::vector<std::string>{"m-us", "tj-eu", "tj-us"}));
  EXPECT_TRUE(of(*r, "tj-eu", "budget.max-cost").empty());
  EXPECT_TRUE(of(*r, "m-us", "budget.max-cost").empty());
  auto over = of(*r, "tj-us", "budget.max-cost");
  ASSERT_EQ(over.size(), 1u);
  EXPECT_EQ(over[0]->resource.arn, inv.described[1].id.arn);
  EXPECT_EQ(over[0]->resource.region, "us-east-1");
  EXPECT_NE(over[0]->message.find("250.00 USD (fake prices of us-east-1)"), std::string::npos)
      << over[0]->message;

  // Without estimators (no prices), the rule stays silent, as in check.
  auto silent = evaluate_inventory(inv, p, {});
  ASSERT_TRUE(silent.ok());
  for (const auto& f : silent->check.findings) EXPECT_NE(f.rule, "budget.max-cost");
}

}  // namespace
}  // namespace sageguard::audit
