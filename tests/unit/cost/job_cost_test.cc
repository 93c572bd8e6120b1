// job_records / aggregate_jobs: the cost model applied to Describe* responses.
#include <gtest/gtest.h>

#include "sageguard/cost/job_cost.h"
#include "sageguard/cost/price_table.h"

namespace sc = sageguard::cost;
using nlohmann::json;

namespace {

sc::PriceTable prices() {
  sc::PriceTable t;
  t.set("us-east-1", sc::Component::training, "ml.m5.large", 0.1);
  t.set("us-east-1", sc::Component::training, "ml.p3.2xlarge", 3.6);
  t.set("us-east-1", sc::Component::hosting, "ml.m5.large", 0.2);
  t.set("us-east-1", sc::Component::processing, "ml.m5.large", 0.3);
  return t;
}

json training(const std::string& name, const std::string& type, int count, json billable, json trained, bool spot,
              json tags = json::array()) {
  json d = {{"TrainingJobName", name},
            {"TrainingJobArn", "arn:aws:sagemaker:us-east-1:1:training-job/" + name},
            {"TrainingJobStatus", "Completed"},
            {"ResourceConfig", {{"InstanceType", type}, {"InstanceCount", count}}},
            {"EnableManagedSpotTraining", spot},
            {"TrainingStartTime", "2024-05-02T10:00:00Z"},
            {"Tags", tags}};
  if (!billable.is_null()) d["BillableTimeInSeconds"] = billable;
  if (!trained.is_null()) d["TrainingTimeInSeconds"] = trained;
  return d;
}

sc::JobCostOptions opts() {
  sc::JobCostOptions o;
  o.now_epoch = 1717200000;  // 2024-06-01T00:00:00Z
  return o;
}

}  // namespace

TEST(JobCost, TrainingCostAndSpotSavings) {
  auto recs = sc::job_records({training("a", "ml.p3.2xlarge", 2, 1800, 3600, true)}, prices(), opts());
  ASSERT_EQ(recs.size(), 1u);
  // 1800 s x 2 x 3.6 / 3600 = 3.6; saved (3600-1800) x 2 x 3.6 / 3600 = 3.6; ratio 0.5.
  EXPECT_DOUBLE_EQ(*recs[0].cost_usd, 3.6);
  EXPECT_DOUBLE_EQ(*recs[0].spot_savings_usd, 3.6);
  EXPECT_DOUBLE_EQ(*recs[0].spot_savings_ratio, 0.5);
  EXPECT_EQ(recs[0].start, "2024-05-02T10:00:00Z");
}

TEST(JobCost, UnknownTypeIsUnpricedNotZero) {
  auto recs = sc::job_records({training("a", "ml.x9.huge", 1, 100, 100, false)}, prices(), opts());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_FALSE(recs[0].hourly_usd);
  EXPECT_FALSE(recs[0].cost_usd);
  auto rep = sc::aggregate_jobs(recs, {"Project"});
  EXPECT_EQ(rep.unpriced_items, 1u);
  ASSERT_EQ(rep.unknown_instance_types.size(), 1u);
  EXPECT_EQ(rep.unknown_instance_types[0], "ml.x9.huge");
  EXPECT_FALSE(rep.warnings.empty());
}

TEST(JobCost, NoBillableTimeIsUnbilled) {
  auto recs = sc::job_records({training("a", "ml.m5.large", 1, nullptr, nullptr, false)}, prices(), opts());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_FALSE(recs[0].billed_seconds);
  auto rep = sc::aggregate_jobs(recs, {});
  EXPECT_EQ(rep.unbilled_items, 1u);
  EXPECT_EQ(rep.total, 0);
}

TEST(JobCost, TuningTagsInheritedAndJobsCountedOnce) {
  json tuning = {{"HyperParameterTuningJobName", "hpo"},
                 {"Tags", json::array({{{"Key", "Project"}, {"Value", "churn"}}})}};
  json child = training("hpo-001", "ml.m5.large", 1, 3600, 3600, false);
  child["TuningJobArn"] = "arn:aws:sagemaker:us-east-1:1:hyper-parameter-tuning-job/hpo";
  auto recs = sc::job_records({tuning, child, child}, prices(), opts());
  ASSERT_EQ(recs.size(), 1u);
  auto rep = sc::aggregate_jobs(recs, {"job", "Project"});
  ASSERT_EQ(rep.groups.size(), 1u);
  EXPECT_EQ(rep.groups[0].key.at("job"), "hpo");
  EXPECT_EQ(rep.groups[0].key.at("Project"), "churn");
  EXPECT_DOUBLE_EQ(rep.total, 0.1);
}

TEST(JobCost, UntaggedIsNullGroupAndSortedByCost) {
  json tagged = training("t", "ml.p3.2xlarge", 1, 3600, 3600, false,
                         json::array({{{"Key", "Project"}, {"Value", "x"}}}));
  json blank = training("b", "ml.m5.large", 1, 3600, 3600, false,
                        json::array({{{"Key", "Project"}, {"Value", ""}}}));
  auto rep = sc::aggregate_jobs(sc::job_records({blank, tagged}, prices(), opts()), {"Project"});
  ASSERT_EQ(rep.groups.size(), 2u);
  EXPECT_EQ(rep.groups[0].key.at("Project"), "x");
  EXPECT_FALSE(rep.groups[1].key.at("Project").has_value());
  EXPECT_DOUBLE_EQ(rep.by_month.at("2024-05"), 3.7);
}

TEST(JobCost, EndpointHoursAndProcessingDuration) {
  json ep = {{"EndpointName", "e"}, {"EndpointConfigName", "c"}, {"EndpointStatus", "InService"},
             {"CreationTime", 1717113600},  // 2024-05-31T00:00:00Z: 24 h before now
             {"ProductionVariants", json::array({{{"VariantName", "v"}, {"CurrentInstanceCount", 2}}})},
             {"EndpointConfig", {{"ProductionVariants", json::array({{{"VariantName", "v"},
                                                                      {"InstanceType", "ml.m5.large"}}})}}}};
  json pj = {{"ProcessingJobName", "p"}, {"ProcessingJobStatus", "Completed"},
             {"ProcessingResources", {{"ClusterConfig", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}}}}},
             {"ProcessingStartTime", "2024-05-01T00:00:00+00:00"}, {"ProcessingEndTime", "2024-05-01T02:00:00+00:00"}};
  auto recs = sc::job_records({ep, pj}, prices(), opts());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_NEAR(*recs[0].cost_usd, 0.2 * 2 * 24, 1e-9);
  EXPECT_NEAR(*recs[1].cost_usd, 0.3 * 2, 1e-9);
}

TEST(JobCost, SinceUntilOnStartDay) {
  auto o = opts();
  o.since = "2024-05-03";
  EXPECT_TRUE(sc::job_records({training("a", "ml.m5.large", 1, 1, 1, false)}, prices(), o).empty());
  o.since = "2024-05-02";
  o.until = "2024-05-02";
  EXPECT_EQ(sc::job_records({training("a", "ml.m5.large", 1, 1, 1, false)}, prices(), o).size(), 1u);
}

TEST(JobCost, ParseTime) {
  EXPECT_EQ(sc::parse_time(json("2024-05-01T00:00:00Z")), 1714521600.0);
  EXPECT_EQ(sc::parse_time(json("2024-05-01T02:00:00+02:00")), 1714521600.0);
  EXPECT_EQ(sc::parse_time(json(1714521600)), 1714521600.0);
  EXPECT_EQ(sc::parse_time(json(1714521600000.0)), 1714521600.0);
  EXPECT_FALSE(sc::parse_time(json("yesterday")));
  EXPECT_EQ(sc::format_time(1714521600.5), "2024-05-01T00:00:00Z");
}

TEST(JobCost, WarmPoolRetainedTimeIsBilledPerInstanceAndShownApart) {
  json d = training("w", "ml.p3.2xlarge", 2, 1800, 1800, false, json::array({{{"Key", "Project"}, {"Value", "p"}}}));
  d["ResourceConfig"]["KeepAlivePeriodInSeconds"] = 3600;
  d["WarmPoolStatus"] = {{"Status", "Terminated"}, {"ResourceRetainedBillableTimeInSeconds", 900}};
  json plain = training("x", "ml.p3.2xlarge", 1, 3600, 3600, false, json::array({{{"Key", "Project"}, {"Value", "p"}}}));
  auto recs = sc::job_records({d, plain}, prices(), opts());
  ASSERT_EQ(recs.size(), 2u);
  // Training 1800 s x 2 x 3.6 / 3600 = 3.6; warm pool 900 s x 2 x 3.6 / 3600 = 1.8.
  EXPECT_DOUBLE_EQ(*recs[0].warm_pool_seconds, 900);
  EXPECT_DOUBLE_EQ(*recs[0].warm_pool_cost_usd, 1.8);
  EXPECT_DOUBLE_EQ(*recs[0].cost_usd, 3.6 + 1.8);
  EXPECT_FALSE(recs[1].warm_pool_cost_usd);
  auto rep = sc::aggregate_jobs(recs, {"Project"});
  ASSERT_EQ(rep.groups.size(), 1u);
  EXPECT_DOUBLE_EQ(rep.groups[0].cost, 3.6 + 1.8 + 3.6);
  ASSERT_TRUE(rep.groups[0].warm_pool);
  EXPECT_DOUBLE_EQ(*rep.groups[0].warm_pool, 1.8);
  EXPECT_DOUBLE_EQ(rep.warm_pool_total, 1.8);
  EXPECT_DOUBLE_EQ(rep.total, 9.0);
  // An unknown price leaves the warm pool unpriced too, never zero.
  json unknown = d;
  unknown["ResourceConfig"]["InstanceType"] = "ml.x9.huge";
  auto u = sc::job_records({unknown}, prices(), opts());
  EXPECT_TRUE(u[0].warm_pool_seconds);
  EXPECT_FALSE(u[0].warm_pool_cost_usd);
  EXPECT_FALSE(u[0].cost_usd);
}
