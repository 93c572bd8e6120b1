// roi_report: experiments, Pareto frontier, marginal cost, ROI.
#include <gtest/gtest.h>

#include "cost/roi.h"

namespace sc = sageguard::cost;

namespace {

sc::JobRecord job(const std::string& name, const std::string& exp, double cost, std::optional<double> auc) {
  sc::JobRecord r;
  r.name = name;
  r.experiment = exp;
  r.hourly_usd = 1;
  r.billed_seconds = cost * 3600;
  r.cost_usd = cost;
  if (auc) r.final_metrics["auc"] = *auc;
  return r;
}

}  // namespace

TEST(Roi, FrontierAndMarginal) {
  std::vector<sc::JobRecord> jobs = {job("a", "cheap", 1, 0.80), job("b", "mid", 4, 0.85),
                                     job("c", "worse", 5, 0.84), job("d", "best", 10, 0.86),
                                     job("d2", "best", 2, 0.70)};
  sc::RoiOptions o;
  o.metric = "auc";
  o.value_per_unit = 100;
  auto r = sc::roi_report(jobs, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->experiments.size(), 4u);
  EXPECT_EQ(r->frontier, (std::vector<std::string>{"cheap", "mid", "best"}));
  const auto& best = r->experiments.back();
  EXPECT_EQ(best.name, "best");
  EXPECT_DOUBLE_EQ(best.cost, 12);
  EXPECT_DOUBLE_EQ(*best.metric, 0.86);
  EXPECT_EQ(best.best_job, "d");
  EXPECT_NEAR(*r->marginal_cost_per_unit, (12 - 4) / (0.86 - 0.85), 1e-6);
  EXPECT_NEAR(*best.roi, (86.0 - 12) / 12, 1e-12);
}

TEST(Roi, GoalMinAndMissingMetric) {
  std::vector<sc::JobRecord> jobs = {job("a", "x", 1, 0.5), job("b", "y", 2, 0.3), job("c", "z", 3, std::nullopt)};
  sc::RoiOptions o;
  o.metric = "auc";
  o.goal = sc::Goal::min;
  auto r = sc::roi_report(jobs, o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->frontier, (std::vector<std::string>{"x", "y"}));
  EXPECT_FALSE(r->experiments[2].metric);
  EXPECT_FALSE(r->experiments[2].pareto);
  o.value_per_unit = 1;
  EXPECT_FALSE(sc::roi_report(jobs, o).ok());
}

TEST(Roi, GroupByTagSkipsUntaggedAndEndpoints) {
  auto a = job("a", "", 1, 0.5);
  a.tags["Project"] = "p";
  auto b = job("b", "", 1, 0.6);
  auto e = job("e", "", 5, std::nullopt);
  e.kind = sc::JobKind::endpoint;
  e.tags["Project"] = "p";
  sc::RoiOptions o;
  o.metric = "auc";
  o.group_by = "Project";
  auto r = sc::roi_report({a, b, e}, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->experiments.size(), 1u);
  EXPECT_DOUBLE_EQ(r->experiments[0].cost, 1);
  EXPECT_EQ(r->jobs_without_group, 1u);
}

// An unpriced job used to make its experiment cost 0.00 USD and put it first
// on the frontier; one with no billable time likewise.
TEST(Roi, UnpricedAndUnbilledExperimentsAreListedApartNeverRanked) {
  auto priced = job("a", "priced", 3, 0.80);
  auto unpriced = job("u", "unpriced", 0, 0.95);
  unpriced.hourly_usd.reset();
  unpriced.cost_usd.reset();
  auto running = job("r", "running", 0, 0.90);
  running.billed_seconds.reset();
  running.cost_usd.reset();
  auto zero = job("z", "zero", 0, 0.99);  // BillableTimeInSeconds: 0
  auto partial_a = job("p1", "partial", 1, 0.70);
  auto partial_b = job("p2", "partial", 0, 0.97);
  partial_b.billed_seconds.reset();
  partial_b.cost_usd.reset();
  sc::RoiOptions o;
  o.metric = "auc";
  auto r = sc::roi_report({priced, unpriced, running, zero, partial_a, partial_b}, o);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  ASSERT_EQ(r->experiments.size(), 1u);
  EXPECT_EQ(r->experiments[0].name, "priced");
  EXPECT_EQ(r->frontier, (std::vector<std::string>{"priced"}));
  EXPECT_DOUBLE_EQ(r->total_cost, 3);
  std::vector<std::string> apart;
  for (const auto& e : r->incomplete) {
    apart.push_back(e.name);
    EXPECT_FALSE(e.pareto) << e.name;
  }
  EXPECT_EQ(apart, (std::vector<std::string>{"partial", "running", "unpriced", "zero"}));
  EXPECT_EQ(r->incomplete[0].unbilled_jobs, 1u);
  EXPECT_EQ(r->incomplete[2].unpriced_jobs, 1u);
}

TEST(Roi, AMetricNoJobReportsIsAnErrorListingTheFoundOnes) {
  auto a = job("a", "x", 1, 0.5);
  a.final_metrics["validation:rmse"] = 2;
  sc::RoiOptions o;
  o.metric = "validation:auc";
  auto r = sc::roi_report({a, job("b", "y", 1, std::nullopt)}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sageguard::ErrorCode::usage);
  EXPECT_NE(r.error().message.find("metrics found: auc, validation:rmse"), std::string::npos) << r.error().message;
  auto none = sc::roi_report({job("b", "y", 1, std::nullopt)}, o);
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no job reports any final metric"), std::string::npos);
}
