// --wait: the status line and the end-of-job summary computed from a
// recorded DescribeTrainingJob response (moto has no billable time), and
// the polling loop against scripted responses.
#include <gtest/gtest.h>

#include "fake_sagemaker.h"
#include "sageguard/cost/price_table.h"
#include "launch/job_watch.h"
#include "test_support.h"

namespace {

using namespace sageguard;
using namespace sageguard::launch;
using nlohmann::json;

json recorded() {
  return json::parse(sgtest::read_file(sgtest::source_dir() +
                                       "/tests/unit/launch/testdata/describe_training_job_spot.json"));
}

cost::PriceTable prices() {
  cost::PriceTable t;
  t.set("us-east-1", cost::Component::training, "ml.p3.2xlarge", 3.825);
  t.set("us-east-1", cost::Component::training, "ml.m5.large", 0.115);
  return t;
}

TEST(Summary, CostAndSpotSavingsFromARecordedSpotJob) {
  TrainingSummary s = summarize_training_job(recorded(), prices(), "us-east-1");
  EXPECT_EQ(s.status, "Completed");
  ASSERT_TRUE(s.training_seconds && s.billable_seconds);
  EXPECT_EQ(*s.training_seconds, 3000);
  EXPECT_EQ(*s.billable_seconds, 1200);
  ASSERT_TRUE(s.spot_savings);
  EXPECT_NEAR(*s.spot_savings, 1.0 - 1200.0 / 3000.0, 1e-12);  // 60 %
  ASSERT_TRUE(s.cost_usd);
  // billable x instance count x price / 3600
  EXPECT_NEAR(*s.cost_usd, 1200.0 * 2 * 3.825 / 3600.0, 1e-9);  // 2.55 USD
  EXPECT_EQ(s.instance_count, 2);
  std::string text = format_summary(s);
  EXPECT_NE(text.find("spot savings:   60.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("2.55 USD"), std::string::npos) << text;
}

TEST(Summary, MissingBillableTimeOrPriceIsReportedNotZero) {
  json d = recorded();
  d.erase("BillableTimeInSeconds");
  TrainingSummary s = summarize_training_job(d, prices(), "us-east-1");
  EXPECT_FALSE(s.cost_usd.has_value());
  EXPECT_FALSE(s.spot_savings.has_value());
  EXPECT_FALSE(s.notes.empty());

  json u = recorded();
  u["ResourceConfig"]["InstanceType"] = "ml.zz.unknown";
  TrainingSummary t = summarize_training_job(u, prices(), "us-east-1");
  EXPECT_FALSE(t.cost_usd.has_value());
  EXPECT_NE(format_summary(t).find("no training price for 'ml.zz.unknown'"), std::string::npos);
}

TEST(Summary, HeterogeneousClustersSumTheirGroups) {
  json d = recorded();
  d["ResourceConfig"] = {{"InstanceGroups",
                          {{{"InstanceType", "ml.p3.2xlarge"}, {"InstanceCount", 1}, {"InstanceGroupName", "gpu"}},
                           {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 3}, {"InstanceGroupName", "cpu"}}}}};
  TrainingSummary s = summarize_training_job(d, prices(), "us-east-1");
  ASSERT_TRUE(s.cost_usd);
  EXPECT_NEAR(*s.cost_usd, 1200.0 * (3.825 + 3 * 0.115) / 3600.0, 1e-9);
}

TEST(Status, LineShowsStatusElapsedAndInterruptions) {
  TrainingJobStatus s = parse_training_job_status(recorded(), std::chrono::system_clock::now());
  EXPECT_EQ(s.interruptions, 1);
  EXPECT_TRUE(s.spot);
  EXPECT_NEAR(s.elapsed_seconds, 3000.0, 1e-6);  // start to end of a finished job
  EXPECT_EQ(format_status_line(s),
            "fraud-v7-2024-05-14-09-12-03-117  Completed / Completed  00:50:00  spot interruptions: 1");

  json running = recorded();
  running["TrainingJobStatus"] = "InProgress";
  running["SecondaryStatus"] = "Training";
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1715678041 + 61));
  TrainingJobStatus r = parse_training_job_status(running, now);
  EXPECT_NEAR(r.elapsed_seconds, 60.48, 0.01);
  EXPECT_FALSE(r.terminal());
}

TEST(Watch, PollsWithBackoffUntilTerminal) {
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  json in_progress = {{"TrainingJobName", "j"}, {"TrainingJobStatus", "InProgress"}, {"SecondaryStatus", "Training"}};
  json failed = {{"TrainingJobName", "j"}, {"TrainingJobStatus", "Failed"}, {"FailureReason", "OOM"}};
  fake->on("DescribeTrainingJob", {in_progress, in_progress, in_progress, failed});
  auto client = sgtest::fake_client(fake);
  std::vector<std::chrono::milliseconds> sleeps;
  int updates = 0;
  WatchOptions o;
  o.first_poll = std::chrono::milliseconds(1000);
  o.max_poll = std::chrono::milliseconds(2000);
  o.sleeper = [&](std::chrono::milliseconds d) { sleeps.push_back(d); };
  o.on_update = [&](const json&) { ++updates; };
  auto r = watch_training_job(*client, "j", o);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->end, WatchEnd::failed);
  EXPECT_EQ(r->last["FailureReason"], "OOM");
  EXPECT_EQ(updates, 4);
  EXPECT_EQ(sleeps, (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(1000),
                                                           std::chrono::milliseconds(1500),
                                                           std::chrono::milliseconds(2000)}));
}

TEST(Watch, InterruptStopsWatchingWithoutStoppingTheJob) {
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  fake->on("DescribeTrainingJob", {{{"TrainingJobName", "j"}, {"TrainingJobStatus", "InProgress"}}});
  auto client = sgtest::fake_client(fake);
  int polls = 0;
  WatchOptions o;
  o.sleeper = [](std::chrono::milliseconds) {};
  o.on_update = [&](const json&) { ++polls; };
  o.interrupted = [&] { return polls >= 2; };
  auto r = watch_training_job(*client, "j", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->end, WatchEnd::interrupted);
  EXPECT_EQ(fake->count("StopTrainingJob"), 0u);
  EXPECT_EQ(fake->calls.size(), 2u);
}

TEST(Watch, EndpointUntilInService) {
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  fake->on("DescribeEndpoint", {{{"EndpointStatus", "Creating"}}, {{"EndpointStatus", "InService"}}});
  auto client = sgtest::fake_client(fake);
  WatchOptions o;
  o.sleeper = [](std::chrono::milliseconds) {};
  auto r = wait_for_endpoint(*client, "ep", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->end, WatchEnd::completed);
  EXPECT_EQ(fake->calls[0].body, json({{"EndpointName", "ep"}}));
}

}  // namespace
