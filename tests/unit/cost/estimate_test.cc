#include "cost/estimate.h"

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

TEST(Estimate, SpotIsBilledForTheRunNotTheWait) {
  // MaxWait = waiting for spot capacity + the run; only the run (at most
  // MaxRuntime) is billed, so spot never raises the bound.
  auto e = estimate_request(training(true), "us-east-1", prices());
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->spot);
  EXPECT_DOUBLE_EQ(*e->spot_max_usd, 3.825 * 2 * 7200 / 3600);
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, *e->spot_max_usd);
  EXPECT_DOUBLE_EQ(*e->on_demand_max_usd, 3.825 * 2 * 7200 / 3600);
  EXPECT_DOUBLE_EQ(e->billed_seconds_bound, 7200);
}

TEST(Estimate, TurningSpotOnNeverRaisesTheWorstCase) {
  // The case: 4 x ml.p3.2xlarge within a budget on demand; fix sets
  // MaxWait = 2 x MaxRuntime when it turns spot on.
  json od = training(false);
  od["ResourceConfig"]["InstanceCount"] = 4;
  od["StoppingCondition"]["MaxRuntimeInSeconds"] = 36000;
  json spot = od;
  spot["EnableManagedSpotTraining"] = true;
  for (int wait : {36000, 72000, 2419200}) {
    spot["StoppingCondition"]["MaxWaitTimeInSeconds"] = wait;
    auto a = estimate_request(od, "us-east-1", prices());
    auto b = estimate_request(spot, "us-east-1", prices());
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_LE(*b->worst_case_usd, *a->worst_case_usd) << "MaxWait " << wait;
    EXPECT_DOUBLE_EQ(*b->worst_case_usd, 3.825 * 4 * 10);
  }
  // A MaxWait below MaxRuntime (which the API rejects) caps the run.
  spot["StoppingCondition"]["MaxWaitTimeInSeconds"] = 3600;
  auto c = estimate_request(spot, "us-east-1", prices());
  ASSERT_TRUE(c.ok());
  EXPECT_DOUBLE_EQ(*c->worst_case_usd, 3.825 * 4 * 1);
}

TEST(Estimate, RetriesShareMaxRuntime) {
  // StoppingCondition: with a RetryStrategy, MaxRuntimeInSeconds (and
  // MaxWaitTimeInSeconds) bound all attempts in total.
  json r = training(true);
  r["RetryStrategy"] = {{"MaximumRetryAttempts", 3}};
  auto e = estimate_request(r, "us-east-1", prices());
  ASSERT_TRUE(e.ok()) << e.error().describe();
  EXPECT_EQ(e->max_retry_attempts, 3);
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, 3.825 * 2 * 7200 / 3600);
  bool noted = false;
  for (const auto& n : e->notes) noted |= n.find("all attempts") != std::string::npos;
  EXPECT_TRUE(noted);
  r["RetryStrategy"]["MaximumRetryAttempts"] = "three";
  EXPECT_FALSE(estimate_request(r, "us-east-1", prices()).ok());
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
  EXPECT_DOUBLE_EQ(*e->worst_case_usd, 3.825 * 2 * 7200 / 3600 * 20);  // MaxRuntime, not MaxWait
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
