// job_records / aggregate_jobs: the cost model applied to Describe* responses.
#include <gtest/gtest.h>

#include "cost/job_cost.h"
#include "sageguard/cost/price_table.h"
#include "test_support.h"

namespace sc = sageguard::cost;
using nlohmann::json;

namespace {

sc::PriceTable prices() {
  sc::PriceTable t;
  t.set("us-east-1", sc::Component::training, "ml.m5.large", 0.1);
  t.set("us-east-1", sc::Component::training, "ml.p3.2xlarge", 3.6);
  t.set("us-east-1", sc::Component::hosting, "ml.m5.large", 0.2);
  t.set("us-east-1", sc::Component::processing, "ml.m5.large", 0.3);
  t.set("us-east-1", sc::Component::batch_transform, "ml.m5.large", 0.4);
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

// An endpoint in service from 2024-04-30T12:00Z to now (2024-06-01T00:00Z)
// used to land wholly in April.
TEST(JobCost, MonthsSplitTimeBasedCostAcrossCalendarMonths) {
  json ep = {{"EndpointName", "e"}, {"EndpointConfigName", "c"}, {"EndpointStatus", "InService"},
             {"CreationTime", "2024-04-30T12:00:00Z"},
             {"ProductionVariants", json::array({{{"VariantName", "v"}, {"CurrentInstanceCount", 1}}})},
             {"EndpointConfig", {{"ProductionVariants", json::array({{{"VariantName", "v"},
                                                                      {"InstanceType", "ml.m5.large"}}})}}}};
  // A training job over midnight of 05-31, with a warm pool after it into June.
  json tj = training("t", "ml.m5.large", 2, 7200, 7200, false);
  tj["TrainingStartTime"] = "2024-05-31T23:00:00Z";
  tj["TrainingEndTime"] = "2024-06-01T01:00:00Z";
  tj["WarmPoolStatus"] = {{"Status", "Terminated"}, {"ResourceRetainedBillableTimeInSeconds", 3600}};
  auto recs = sc::job_records({ep, tj}, prices(), opts());
  ASSERT_EQ(recs.size(), 2u);
  auto rep = sc::aggregate_jobs(recs, {"month"});
  std::map<std::string, double> got;
  for (const auto& g : rep.groups) got[*g.key.at("month")] = g.cost;
  // Endpoint: 12 h in April, 31 x 24 h in May at 0.2/h; training: 1 h each
  // side of midnight x 2 instances at 0.1/h; warm pool 1 h x 2 in June.
  EXPECT_NEAR(got["2024-04"], 12 * 0.2, 1e-9);
  EXPECT_NEAR(got["2024-05"], 744 * 0.2 + 1 * 2 * 0.1, 1e-9);
  EXPECT_NEAR(got["2024-06"], 1 * 2 * 0.1 + 1 * 2 * 0.1, 1e-9);
  EXPECT_EQ(got.size(), 3u);
  EXPECT_NEAR(rep.total, *recs[0].cost_usd + *recs[1].cost_usd, 1e-9);
  EXPECT_NEAR(rep.by_month.at("2024-04"), got["2024-04"], 1e-9);
  EXPECT_NEAR(rep.by_month.at("2024-06"), got["2024-06"], 1e-9);
  EXPECT_EQ(rep.items, 2u);
  // Not grouped by month: one group, the same total, each record once.
  auto flat = sc::aggregate_jobs(recs, {"kind"});
  EXPECT_EQ(flat.groups.size(), 2u);
  EXPECT_NEAR(flat.total, rep.total, 1e-9);
  EXPECT_NEAR(flat.by_month.at("2024-05"), got["2024-05"], 1e-9);
}

TEST(JobCost, OfflineRunningRecordsNeedAsOfAndOldOnesAreFlagged) {
  json tr = {{"TransformJobName", "old-transform"}, {"TransformJobStatus", "InProgress"},
             {"TransformResources", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}}},
             {"CreationTime", "2022-03-01T00:00:00Z"}, {"TransformStartTime", "2022-03-01T00:00:00Z"}};
  json done = training("done", "ml.m5.large", 1, 60, 60, false);
  std::vector<std::string> files = {"rec/old-transform.json", "rec/done.json"};
  auto o = opts();
  auto recs = sc::job_records({tr, done}, prices(), o);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_TRUE(recs[0].running && recs[0].priced_to_now);
  EXPECT_EQ(recs[0].source, 0u);
  EXPECT_FALSE(recs[1].running);
  auto need = sc::check_offline_records(recs, files, std::nullopt, o.now_epoch);
  ASSERT_FALSE(need.ok());
  EXPECT_EQ(need.error().code, sageguard::ErrorCode::usage);
  EXPECT_NE(need.error().message.find("rec/old-transform.json"), std::string::npos) << need.error().message;
  EXPECT_NE(need.error().message.find("--as-of"), std::string::npos);
  // With --as-of it is priced up to then, and flagged as more than a month old.
  o.now_epoch = *sc::parse_time(json("2022-03-02T00:00:00Z"));
  recs = sc::job_records({tr, done}, prices(), o);
  EXPECT_NEAR(*recs[0].cost_usd, 24 * 0.4, 1e-9);
  auto ok = sc::check_offline_records(recs, files, o.now_epoch, 0);
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->empty());  // recorded a day before --as-of: fine
  auto late = sc::check_offline_records(recs, files, *sc::parse_time(json("2022-05-01T00:00:00Z")), 0);
  ASSERT_TRUE(late.ok());
  ASSERT_EQ(late->size(), 1u);
  EXPECT_NE((*late)[0].find("rec/old-transform.json"), std::string::npos) << (*late)[0];
  EXPECT_NE((*late)[0].find("more than a month"), std::string::npos) << (*late)[0];
}

// What `aws sagemaker describe-endpoint`, `describe-endpoint-config` and
// `list-tags` print, recorded into files: paired by name, tags merged.
TEST(JobCost, PlainRecordedDescribeOutputIsPairedAndTagged) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "ep.json", R"({"EndpointName": "live", "EndpointArn": "arn:aws:sagemaker:us-east-1:1:endpoint/live",
    "EndpointConfigName": "live-cfg", "EndpointStatus": "OutOfService",
    "ProductionVariants": [{"VariantName": "AllTraffic", "CurrentInstanceCount": 2}],
    "CreationTime": "2024-05-01T00:00:00Z", "LastModifiedTime": "2024-05-02T00:00:00Z"})");
  sgtest::write_file(dir / "ep-config.json", R"({"EndpointConfigName": "live-cfg",
    "ProductionVariants": [{"VariantName": "AllTraffic", "InstanceType": "ml.m5.large", "InitialInstanceCount": 2}]})");
  sgtest::write_file(dir / "job.json", R"({"TrainingJobName": "job-1", "TrainingJobStatus": "Completed",
    "TrainingJobArn": "arn:aws:sagemaker:us-east-1:1:training-job/job-1",
    "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    "TrainingStartTime": "2024-05-02T00:00:00Z", "BillableTimeInSeconds": 3600})");
  sgtest::write_file(dir / "tags/live.tags.json", R"({"Tags": [{"Key": "Project", "Value": "web"}]})");
  sgtest::write_file(dir / "tags/all.jsonl",
                     "{\"arn\": \"arn:aws:sagemaker:us-east-1:1:training-job/job-1\", \"tags\": {\"Project\": \"ml\"}}\n");
  auto d = sc::load_describe_files({dir.path().string()});
  ASSERT_TRUE(d.ok()) << d.error().describe();
  ASSERT_EQ(d->items.size(), d->files.size());
  auto recs = sc::job_records(d->items, prices(), opts());
  auto rep = sc::aggregate_jobs(recs, {"Project"});
  std::map<std::string, double> got;
  for (const auto& g : rep.groups) got[g.key.at("Project").value_or("(untagged)")] = g.cost;
  EXPECT_NEAR(got["web"], 24 * 2 * 0.2, 1e-9);  // priced from the config's instance type
  EXPECT_NEAR(got["ml"], 0.1, 1e-9);
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(rep.unpriced_items, 0u);
  // Tags for a resource that is not recorded: an error naming the file.
  sgtest::write_file(dir / "tags/typo.tags.json", R"({"Tags": []})");
  auto bad = sc::load_describe_files({dir.path().string()});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().file.find("typo.tags.json"), std::string::npos) << bad.error().describe();
}
