// The measures on a small Savings Plans / reservation fixture whose totals
// are worked out by hand below from the published formulas (CUR query
// library amortized cost): covered usage, its negation, the plan's
// recurring and upfront fees, a refund, a credit, tax, and reservation
// lines (DiscountedUsage, RIFee, the RI's upfront Fee). Also Savings Plans
// coverage per group and the SQL the measures emit.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "sageguard/cost/cost_sql.h"
#include "sageguard/cost/cur_reader.h"

namespace sageguard::cost {
namespace {

const char* kFixture =
    "line_item_line_item_type,line_item_product_code,line_item_unblended_cost,"
    "savings_plan_savings_plan_effective_cost,savings_plan_total_commitment_to_date,savings_plan_used_commitment,"
    "savings_plan_offering_type,reservation_effective_cost,"
    "reservation_unused_amortized_upfront_fee_for_billing_period,reservation_unused_recurring_fee,"
    "reservation_reservation_a_r_n,line_item_usage_start_date,resource_tags\n"
    "Usage,AmazonSageMaker,10.00,,,,,,,,,2024-05-01T00:00:00Z,\"{\"\"user_project\"\":\"\"alpha\"\"}\"\n"
    "SavingsPlanCoveredUsage,AmazonSageMaker,8.00,5.00,,,SageMakerSavingsPlans,,,,,2024-05-01T01:00:00Z,"
    "\"{\"\"user_project\"\":\"\"alpha\"\"}\"\n"
    "SavingsPlanNegation,AmazonSageMaker,-8.00,,,,SageMakerSavingsPlans,,,,,2024-05-01T01:00:00Z,"
    "\"{\"\"user_project\"\":\"\"alpha\"\"}\"\n"
    "SavingsPlanRecurringFee,SageMakerSavingsPlans,6.00,,6.00,5.00,SageMakerSavingsPlans,,,,,2024-05-01T01:00:00Z,\n"
    "SavingsPlanUpfrontFee,SageMakerSavingsPlans,100.00,,,,SageMakerSavingsPlans,,,,,2024-05-01T00:00:00Z,\n"
    "Refund,AmazonSageMaker,-2.00,,,,,,,,,2024-05-02T00:00:00Z,\"{\"\"user_project\"\":\"\"beta\"\"}\"\n"
    "Credit,AmazonSageMaker,-1.00,,,,,,,,,2024-05-02T00:00:00Z,\"{\"\"user_project\"\":\"\"beta\"\"}\"\n"
    "Tax,AmazonSageMaker,0.50,,,,,,,,,2024-05-02T00:00:00Z,\"{\"\"user_project\"\":\"\"beta\"\"}\"\n"
    "Usage,AmazonSageMaker,4.00,,,,,,,,,2024-05-02T00:00:00Z,\"{\"\"user_project\"\":\"\"beta\"\"}\"\n"
    "DiscountedUsage,AmazonEC2,3.00,,,,,2.00,,,arn:aws:ec2:us-east-1:1:reserved-instances/r,"
    "2024-05-02T00:00:00Z,\n"
    "RIFee,AmazonEC2,50.00,,,,,,1.50,0.25,arn:aws:ec2:us-east-1:1:reserved-instances/r,2024-05-01T00:00:00Z,\n"
    "Fee,AmazonEC2,300.00,,,,,,,,arn:aws:ec2:us-east-1:1:reserved-instances/r,2024-05-01T00:00:00Z,\n";

CostReport run(Measure m, bool all_services) {
  CurOptions o;
  o.group_by = {"Project"};
  o.measure = m;
  o.all_services = all_services;
  o.strict = true;
  auto src = open_memory(kFixture, "sp.csv");
  auto r = read_cur_source(*src, o);
  EXPECT_TRUE(r.ok()) << r.error().describe();
  return r.ok() ? *r : CostReport{};
}

std::map<std::string, double> by_project(const CostReport& r) {
  std::map<std::string, double> out;
  for (const auto& g : r.groups) out[g.key.at("Project").value_or("")] = g.cost;
  return out;
}

TEST(CurMeasure, SageMakerTotalsPerMeasure) {
  // unblended: 10 + 8 - 8 (alpha) and -2 - 1 + 0.5 + 4 (beta); the plan's
  // fee lines are not AmazonSageMaker.
  CostReport u = run(Measure::unblended, false);
  EXPECT_DOUBLE_EQ(u.total, 11.5);
  EXPECT_EQ(by_project(u), (std::map<std::string, double>{{"alpha", 10}, {"beta", 1.5}}));
  // amortized: alpha 10 + 5 (covered at its effective cost) + 0 (negation);
  // beta as billed (refund, credit and tax count as billed); the SageMaker
  // plan's recurring fee counts its unused commitment 6 - 5 = 1 (untagged),
  // its upfront fee 0.
  CostReport a = run(Measure::amortized, false);
  EXPECT_DOUBLE_EQ(a.total, 17.5);
  EXPECT_EQ(by_project(a), (std::map<std::string, double>{{"", 1}, {"alpha", 15}, {"beta", 1.5}}));
  // effective: the usage only, no unused commitment.
  CostReport e = run(Measure::effective, false);
  EXPECT_DOUBLE_EQ(e.total, 16.5);
  EXPECT_EQ(by_project(e), (std::map<std::string, double>{{"alpha", 15}, {"beta", 1.5}}));
  // net (unchanged): covered usage at its effective cost, negation 0.
  EXPECT_DOUBLE_EQ(run(Measure::net, false).total, 16.5);
}

TEST(CurMeasure, ReservationLinesAcrossServices) {
  // unblended: every line as billed.
  EXPECT_DOUBLE_EQ(run(Measure::unblended, true).total, 11.5 + 6 + 100 + 3 + 50 + 300);
  // amortized: SageMaker 17.5, DiscountedUsage at its effective cost 2, the
  // RI fee's unused part 1.5 + 0.25, the RI's upfront Fee 0.
  EXPECT_DOUBLE_EQ(run(Measure::amortized, true).total, 17.5 + 2 + 1.75);
  // effective: fees 0.
  EXPECT_DOUBLE_EQ(run(Measure::effective, true).total, 16.5 + 2);
}

TEST(CurMeasure, SavingsPlansCoveragePerGroup) {
  CostReport r = run(Measure::unblended, false);
  std::map<std::string, std::optional<double>> cov;
  for (const auto& g : r.groups) cov[g.key.at("Project").value_or("")] = g.sp_coverage;
  // alpha: 8 of 10 + 8 on-demand usage covered; beta: none of 4.
  ASSERT_TRUE(cov["alpha"].has_value());
  EXPECT_DOUBLE_EQ(*cov["alpha"], 8.0 / 18.0);
  ASSERT_TRUE(cov["beta"].has_value());
  EXPECT_DOUBLE_EQ(*cov["beta"], 0.0);
}

TEST(CurMeasure, MissingCommitmentColumnIsMalformedNotZero) {
  CurOptions o;
  o.measure = Measure::amortized;
  o.all_services = true;
  auto src = open_memory(
      "line_item_line_item_type,line_item_product_code,line_item_unblended_cost,resource_tags\n"
      "SavingsPlanRecurringFee,SageMakerSavingsPlans,6.00,\n",
      "fee.csv");
  auto r = read_cur_source(*src, o);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->malformed_rows, 1u);
  EXPECT_DOUBLE_EQ(r->total, 0);
}

TEST(CurMeasure, EmittedSqlCarriesTheFormulas) {
  CurOptions o;
  o.group_by = {"Project"};
  o.measure = Measure::amortized;
  auto sql = emit_cost_sql(o, SqlDialect::duckdb, "cur");
  ASSERT_TRUE(sql.ok());
  EXPECT_NE(sql->find("savings_plan_total_commitment_to_date"), std::string::npos);
  EXPECT_NE(sql->find("reservation_unused_recurring_fee"), std::string::npos);
  EXPECT_NE(sql->find("SageMakerSavingsPlans"), std::string::npos);
  o.measure = Measure::effective;
  sql = emit_cost_sql(o, SqlDialect::athena, "cur");
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(sql->find("savings_plan_total_commitment_to_date"), std::string::npos);
  EXPECT_NE(sql->find("WHEN 'SavingsPlanRecurringFee' THEN 0"), std::string::npos);
}

}  // namespace
}  // namespace sageguard::cost
