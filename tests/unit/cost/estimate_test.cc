#include "sageguard/cost/estimate.h"

#include <gtest/gtest.h>

#include "sageguard/cost/price_table.h"

namespace sageguard::cost {
namespace {

using nlohmann::json;

PriceTable prices() {
  PriceTable t;
  t.set("us-east-1", Component::training, "ml.p3.2xlarge", 3.825);
  t.set("us-east-1", Component::training, "ml.m5.large", 0.115);
  t.set("us-east-1", Component::processing, "ml.m5.xlarge", 0.23);
  t.set("us-east-1", Component::batch_transform, "ml.c5.xlarge", 0.204);
  return t;
}

json training(bool spot) {
  json r = {{"TrainingJobName", "j"},
            {"AlgorithmSpecification", {{"TrainingImage", "img"}, {"TrainingInputMode", "File"}}},
            {"ResourceConfig", {{"InstanceType", "ml.p3.2xlarge"}, {"InstanceCount", 2}, {"VolumeSizeInGB", 50}}},
            {"StoppingCondition", {{"MaxRuntimeInSeconds", 7200}}}};
  if (spot) {
    r["EnableManagedSpotTraining"] = true;
    r["StoppingCondition"]["MaxWaitTimeInSeconds"] = 14400;
  }
  return r;
}

TEST(Estimate, OnDemandTrainingUsesMaxRuntime) {
  auto e = estimate_request(training(false), "us-east-1", prices());
  ASSERT_TRUE(e.ok()) << e.error().describe();
  EXPECT_EQ(e->kind, RequestKind::training);
  EXPECT_FALSE(e->spot);
  EXPECT_DOUBLE_EQ(*e->hourly_usd, 3.825 * 2);
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, 3.825 * 2 * 7200 / 3600);
  EXPECT_DOUBLE_EQ(*e->on_demand_max_usd, *e->worst_case_usd);
  EXPECT_FALSE(e->spot_max_usd.has_value());
  EXPECT_TRUE(e->unknown_instance_types.empty());
}

TEST(Estimate, SpotTrainingUsesMaxWait) {
  auto e = estimate_request(training(true), "us-east-1", prices());
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->spot);
  EXPECT_DOUBLE_EQ(*e->spot_max_usd, 3.825 * 2 * 14400 / 3600);
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, *e->spot_max_usd);
  EXPECT_DOUBLE_EQ(*e->on_demand_max_usd, 3.825 * 2 * 7200 / 3600);
}

TEST(Estimate, TuningMultipliesByMaxNumberOfTrainingJobs) {
  json def = training(true);
  def.erase("TrainingJobName");
  json r = {{"HyperParameterTuningJobName", "t"},
            {"HyperParameterTuningJobConfig",
             {{"Strategy", "Bayesian"},
              {"ResourceLimits", {{"MaxNumberOfTrainingJobs", 20}, {"MaxParallelTrainingJobs", 2}}}}},
            {"TrainingJobDefinition", def}};
  auto e = estimate_request(r, "us-east-1", prices());
  ASSERT_TRUE(e.ok()) << e.error().describe();
  EXPECT_EQ(e->kind, RequestKind::tuning);
  EXPECT_EQ(*e->max_jobs, 20);
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, 3.825 * 2 * 14400 / 3600 * 20);
  // Without a job limit the bound does not exist.
  r["HyperParameterTuningJobConfig"]["ResourceLimits"].erase("MaxNumberOfTrainingJobs");
  auto u = estimate_request(r, "us-east-1", prices());
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->worst_case_usd.has_value());
  EXPECT_TRUE(u->hourly_usd.has_value());
  EXPECT_FALSE(u->notes.empty());
}

TEST(Estimate, TuningWithSeveralDefinitionsTakesTheWorst) {
  json cheap = {{"ResourceConfig", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}}},
                {"StoppingCondition", {{"MaxRuntimeInSeconds", 3600}}}};
  json dear = {{"ResourceConfig", {{"InstanceType", "ml.p3.2xlarge"}, {"InstanceCount", 1}}},
               {"StoppingCondition", {{"MaxRuntimeInSeconds", 1800}}}};
  json r = {{"HyperParameterTuningJobConfig", {{"ResourceLimits", {{"MaxNumberOfTrainingJobs", 4}}}}},
            {"TrainingJobDefinitions", {cheap, dear}}};
  auto e = estimate_request(r, "us-east-1", prices());
  ASSERT_TRUE(e.ok()) << e.error().describe();
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, 3.825 * 0.5 * 4);
}

TEST(Estimate, HeterogeneousClusterSumsGroups) {
  json r = training(false);
  r["ResourceConfig"] = {{"InstanceGroups",
                          {{{"InstanceType", "ml.p3.2xlarge"}, {"InstanceCount", 1}, {"InstanceGroupName", "g"}},
                           {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 3}, {"InstanceGroupName", "c"}}}}};
  auto e = estimate_request(r, "us-east-1", prices());
  ASSERT_TRUE(e.ok()) << e.error().describe();
  EXPECT_EQ(e->items.size(), 2u);
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, (3.825 + 3 * 0.115) * 2);
}

TEST(Estimate, UnknownInstanceTypeIsReportedNeverZero) {
  json r = training(false);
  r["ResourceConfig"]["InstanceType"] = "ml.x9.huge";
  auto e = estimate_request(r, "us-east-1", prices());
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->unknown_instance_types, std::vector<std::string>{"ml.x9.huge"});
  EXPECT_FALSE(e->worst_case_usd.has_value());
  EXPECT_FALSE(e->hourly_usd.has_value());
  EXPECT_FALSE(e->items[0].hourly_usd.has_value());
  // A known type in another region is unknown there too.
  auto other = estimate_request(training(false), "eu-west-3", prices());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->unknown_instance_types.size(), 1u);
}

TEST(Estimate, ProcessingAndTransform) {
  json p = {{"ProcessingJobName", "p"},
            {"ProcessingResources",
             {{"ClusterConfig", {{"InstanceType", "ml.m5.xlarge"}, {"InstanceCount", 3}, {"VolumeSizeInGB", 30}}}}},
            {"StoppingCondition", {{"MaxRuntimeInSeconds", 1800}}}};
  auto e = estimate_request(p, "us-east-1", prices());
  ASSERT_TRUE(e.ok()) << e.error().describe();
  EXPECT_EQ(e->kind, RequestKind::processing);
  EXPECT_EQ(e->items[0].component, Component::processing);
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, 0.23 * 3 * 0.5);

  json t = {{"TransformJobName", "t"},
            {"TransformResources", {{"InstanceType", "ml.c5.xlarge"}, {"InstanceCount", 2}}}};
  auto te = estimate_request(t, "us-east-1", prices());
  ASSERT_TRUE(te.ok()) << te.error().describe();
  EXPECT_EQ(te->kind, RequestKind::transform);
  EXPECT_DOUBLE_EQ(*te->hourly_usd, 0.408);
  EXPECT_FALSE(te->worst_case_usd.has_value());
}

TEST(Estimate, DefaultRuntimeIsAssumedAndNoted) {
  json r = training(false);
  r.erase("StoppingCondition");
  auto e = estimate_request(r, "us-east-1", prices());
  ASSERT_TRUE(e.ok());
  EXPECT_DOUBLE_EQ(e->max_runtime_seconds, 86400);
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, 3.825 * 2 * 24);
  ASSERT_EQ(e->notes.size(), 1u);
}

TEST(Estimate, BadRequestsAreInputErrors) {
  json r = training(false);
  r["ResourceConfig"]["InstanceCount"] = "two";
  auto e = estimate_request(r, "us-east-1", prices());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, ErrorCode::input);
  EXPECT_FALSE(estimate_request(json{{"Foo", 1}}, "us-east-1", prices()).ok());
  EXPECT_FALSE(estimate_request(json::array(), "us-east-1", prices()).ok());
  r = training(false);
  r["ResourceConfig"].erase("InstanceType");
  EXPECT_FALSE(estimate_request(r, "us-east-1", prices()).ok());
}

TEST(Estimate, PriceTableIsAPriceOracle) {
  PriceTable t = prices();
  const PriceOracle& oracle = t;
  EXPECT_DOUBLE_EQ(oracle.hourly("us-east-1", Component::training, "ml.m5.large").value(), 0.115);
}

}  // namespace
}  // namespace sageguard::cost
