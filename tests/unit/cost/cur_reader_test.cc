#include "sageguard/cost/cur_reader.h"

#include <gtest/gtest.h>

#include <map>

#include "cost_test_util.h"
#include "test_support.h"

namespace sageguard::cost {
namespace {

using Key = std::map<std::string, std::optional<std::string>>;

const char* kLegacy =
    "identity/LineItemId,lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,"
    "lineItem/LineItemType,lineItem/ResourceId,lineItem/UnblendedCost,pricing/publicOnDemandCost,"
    "savingsPlan/SavingsPlanEffectiveCost,resourceTags/user:Project,resourceTags/user:Cost Center\r\n"
    "1,2024-05-01T00:00:00Z,AmazonSageMaker,USE1-Train:ml.p3.2xlarge,Usage,arn:job/a,10.5,10.5,,\"alpha, \"\"a\"\"\",CC-100\r\n"
    "2,2024-05-02T00:00:00Z,AmazonSageMaker,USE1-Host:ml.m5.large,SavingsPlanCoveredUsage,arn:ep/e,2.0,2.5,1.2,\"alpha, \"\"a\"\"\",\r\n"
    "3,2024-05-02T00:00:00Z,AmazonEC2,BoxUsage:m5.large,Usage,i-1,100,100,,alpha,CC-100\r\n"
    "4,2024-06-01T00:00:00Z,AmazonSageMaker,USE1-Train:ml.m5.large,Usage,,1.25,1.25,,,\r\n"
    "5,2024-06-03T00:00:00Z,AmazonSageMaker,USE1-Train:ml.m5.large,Credit,,-3,,,,\r\n"
    "6,2024-05-02T00:00:00Z,AmazonSageMaker,USE1-Host:ml.m5.large,SavingsPlanNegation,arn:ep/e,-2.0,,,\"alpha, \"\"a\"\"\",\r\n"
    "7,2024-05-03T00:00:00Z,AmazonSageMaker,USE1-Train:ml.m5.large,Usage,,abc,1,,beta,\r\n"
    "8,2024-05-03T00:00:00Z,AmazonSageMaker,too,few\r\n"
    "9,2024-05-04T00:00:00Z,AmazonSageMaker,USE1-Train-Spot:ml.g5.xlarge,Usage,arn:job/s,0.6,2.0,,beta,CC-200\r\n";

Result<CostReport> run(const std::string& text, CurOptions o) {
  auto src = open_memory(text, "cur.csv");
  return read_cur_source(*src, o);
}

const CostGroup* find(const CostReport& r, const Key& k) {
  for (const auto& g : r.groups) {
    if (g.key == k) return &g;
  }
  return nullptr;
}

TEST(CurReader, LegacyUnblendedByProjectWithUntaggedGroup) {
  CurOptions o;
  o.group_by = {"Project"};
  auto r = run(kLegacy, o);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->source, "cur");
  EXPECT_EQ(r->rows_read, 9u);
  ASSERT_EQ(r->groups.size(), 3u);
  const CostGroup* alpha = find(*r, {{"Project", "alpha, \"a\""}});
  ASSERT_NE(alpha, nullptr);
  EXPECT_DOUBLE_EQ(alpha->cost, 10.5 + 2.0 - 2.0);
  EXPECT_EQ(alpha->items, 3u);
  const CostGroup* untagged = find(*r, {{"Project", std::nullopt}});
  ASSERT_NE(untagged, nullptr);
  EXPECT_DOUBLE_EQ(untagged->cost, 1.25 - 3);
  const CostGroup* beta = find(*r, {{"Project", "beta"}});
  ASSERT_NE(beta, nullptr);
  EXPECT_DOUBLE_EQ(beta->cost, 0.6);
  ASSERT_TRUE(beta->spot_savings.has_value());
  EXPECT_DOUBLE_EQ(*beta->spot_savings, 1.4);
  EXPECT_FALSE(alpha->spot_savings.has_value());
  EXPECT_DOUBLE_EQ(r->total, 10.5 + 1.25 - 3 + 0.6);
  // Row 7 (non-numeric cost) and row 8 (wrong column count) are counted, with lines.
  EXPECT_EQ(r->malformed_rows, 2u);
  ASSERT_EQ(r->malformed_samples.size(), 2u);
  EXPECT_EQ(r->malformed_samples[0].line, 8u);
  EXPECT_NE(r->malformed_samples[0].reason.find("abc"), std::string::npos);
  EXPECT_EQ(r->malformed_samples[1].line, 9u);
  EXPECT_EQ(r->malformed_samples[1].file, "cur.csv");
}

TEST(CurReader, StrictMakesMalformedRowsFatal) {
  CurOptions o;
  o.strict = true;
  auto r = run(kLegacy, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, "cur.csv");
  EXPECT_EQ(r.error().line, 8u);
}

TEST(CurReader, NetAndPublicMeasures) {
  CurOptions o;
  o.measure = Measure::net;
  auto net = run(kLegacy, o);
  ASSERT_TRUE(net.ok());
  // SP-covered row at its effective cost, negation as 0.
  EXPECT_DOUBLE_EQ(net->total, 10.5 + 1.2 + 0 + 1.25 - 3 + 0.6);
  o.measure = Measure::public_on_demand;
  auto pub = run(kLegacy, o);
  ASSERT_TRUE(pub.ok());
  // Row 7 has a numeric public cost, so only row 8 is malformed here.
  EXPECT_DOUBLE_EQ(pub->total, 10.5 + 2.5 + 1.25 + 0 + 0 + 1 + 2.0);
  EXPECT_EQ(pub->malformed_rows, 1u);
}

TEST(CurReader, AllServicesDatesAndPseudoKeys) {
  CurOptions o;
  o.all_services = true;
  o.group_by = {"month", "instance-type", "Cost Center"};
  o.since = "2024-05-02";
  o.until = "2024-05-31";
  auto r = run(kLegacy, o);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  const CostGroup* ec2 = find(*r, {{"month", "2024-05"}, {"instance-type", "m5.large"}, {"Cost Center", "CC-100"}});
  ASSERT_NE(ec2, nullptr);
  EXPECT_DOUBLE_EQ(ec2->cost, 100);
  const CostGroup* host = find(*r, {{"month", "2024-05"}, {"instance-type", "ml.m5.large"}, {"Cost Center", std::nullopt}});
  ASSERT_NE(host, nullptr);
  EXPECT_DOUBLE_EQ(host->cost, 0);  // +2.0 covered usage, -2.0 negation
  EXPECT_EQ(host->items, 2u);
  EXPECT_DOUBLE_EQ(r->total, 2.0 + 100 - 2.0 + 0.6);  // rows 1 (May 1), 4, 5 (June) excluded
}

TEST(CurReader, MissingTagColumnIsUntaggedWithWarning) {
  CurOptions o;
  o.group_by = {"Owner"};
  auto r = run(kLegacy, o);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->groups.size(), 1u);
  EXPECT_EQ(r->groups[0].key.at("Owner"), std::nullopt);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("resourceTags/user:Owner"), std::string::npos);
}

TEST(CurReader, LegacyTagColumnCaseInsensitiveFallback) {
  CurOptions o;
  o.group_by = {"project"};
  auto r = run(kLegacy, o);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(find(*r, {{"project", "beta"}}), nullptr);
}

TEST(CurReader, Cur2ResourceTagsMap) {
  std::string text =
      "line_item_usage_start_date,line_item_product_code,line_item_usage_type,line_item_line_item_type,"
      "line_item_resource_id,line_item_unblended_cost,pricing_public_on_demand_cost,"
      "savings_plan_savings_plan_effective_cost,resource_tags\n"
      "2024-05-01 00:00:00.000,AmazonSageMaker,USE1-Train:ml.p3.2xlarge,Usage,arn:a,4.0,4.0,,"
      "\"{\"\"user_project\"\":\"\"alpha\"\",\"\"user_cost_center\"\":\"\"CC-1\"\"}\"\n"
      "2024-05-01 00:00:00.000,AmazonSageMaker,USE1-Train:ml.p3.2xlarge,Usage,arn:a,1.5,1.5,,"
      "\"{\"\"user_project\"\":\"\"\"\"}\"\n"
      "2024-05-01 00:00:00.000,AmazonSageMaker,USE1-Train:ml.p3.2xlarge,Usage,arn:a,2.5,2.5,,\n"
      "2024-05-01 00:00:00.000,AmazonSageMaker,USE1-Train:ml.p3.2xlarge,Usage,arn:a,7,7,,\"{}\"\n"
      "2024-05-01 00:00:00.000,AmazonSageMaker,USE1-Train:ml.p3.2xlarge,Usage,arn:a,9,9,,not json\n";
  CurOptions o;
  o.group_by = {"Project", "Cost Center"};
  auto r = run(text, o);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->source, "cur2");
  const CostGroup* a = find(*r, {{"Project", "alpha"}, {"Cost Center", "CC-1"}});
  ASSERT_NE(a, nullptr);
  EXPECT_DOUBLE_EQ(a->cost, 4.0);
  const CostGroup* none = find(*r, {{"Project", std::nullopt}, {"Cost Center", std::nullopt}});
  ASSERT_NE(none, nullptr);
  EXPECT_DOUBLE_EQ(none->cost, 1.5 + 2.5 + 7);
  EXPECT_EQ(r->malformed_rows, 1u);
  EXPECT_EQ(r->malformed_samples[0].line, 6u);
}

TEST(CurReader, FocusTagsAndCosts) {
  std::string text =
      "BilledCost,EffectiveCost,ListCost,ResourceId,ServiceName,ChargePeriodStart,PricingCategory,x_UsageType,"
      "BillingCurrency,Tags\n"
      "3.0,2.0,4.0,r1,Amazon SageMaker,2024-05-01T00:00:00Z,Standard,USE1-Train:ml.g5.xlarge,USD,"
      "\"{\"\"user:Project\"\":\"\"alpha\"\"}\"\n"
      "1.0,1.0,3.0,r2,Amazon SageMaker,2024-05-01T00:00:00Z,Dynamic,USE1-Train:ml.g5.xlarge,USD,"
      "\"{\"\"Project\"\":\"\"alpha\"\"}\"\n"
      "5.0,5.0,5.0,r3,Amazon Elastic Compute Cloud,2024-05-01T00:00:00Z,Standard,BoxUsage,USD,{}\n"
      "0.5,0.5,0.5,,Amazon SageMaker,2024-06-01T00:00:00Z,Standard,,USD,\n";
  CurOptions o;
  o.group_by = {"Project", "resource"};
  auto r = run(text, o);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->source, "focus");
  EXPECT_DOUBLE_EQ(find(*r, {{"Project", "alpha"}, {"resource", "r1"}})->cost, 3.0);
  const CostGroup* spot = find(*r, {{"Project", "alpha"}, {"resource", "r2"}});
  ASSERT_NE(spot, nullptr);
  EXPECT_DOUBLE_EQ(*spot->spot_savings, 2.0);
  EXPECT_DOUBLE_EQ(find(*r, {{"Project", std::nullopt}, {"resource", std::nullopt}})->cost, 0.5);
  EXPECT_DOUBLE_EQ(r->total, 4.5);
  o.measure = Measure::net;
  EXPECT_DOUBLE_EQ(run(text, o)->total, 3.5);
  o.measure = Measure::public_on_demand;
  EXPECT_DOUBLE_EQ(run(text, o)->total, 7.5);
}

TEST(CurReader, UnknownHeaderAndBadOptionsAreErrors) {
  auto r = run("a,b,c\n1,2,3\n", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::input);
  EXPECT_EQ(r.error().line, 1u);
  CurOptions o;
  o.since = "May 1st";
  auto bad = run(kLegacy, o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::usage);
  // FOCUS has no Savings Plan columns; the public measure needs ListCost.
  CurOptions pub;
  pub.measure = Measure::public_on_demand;
  auto missing = run("BilledCost,ServiceName\n1,Amazon SageMaker\n", pub);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("ListCost"), std::string::npos);
}

TEST(CurReader, ReadCurOverSeveralGzipFilesOnTwoThreadsMatchesOneThread) {
  sgtest::TempDir dir;
  std::string header =
      "lineItem/UsageStartDate,lineItem/ProductCode,lineItem/UsageType,lineItem/UnblendedCost,"
      "resourceTags/user:Project\n";
  double expected = 0;
  for (int f = 0; f < 6; ++f) {
    std::string body = header;
    for (int i = 0; i < 2000; ++i) {
      double cost = (f * 2000 + i) % 97 * 0.01;
      expected += cost;
      body += "2024-05-01T00:00:00Z,AmazonSageMaker,USE1-Train:ml.m5.large," + std::to_string(cost) + ",p" +
              std::to_string(i % 5) + "\n";
    }
    std::string name = "part-" + std::to_string(f) + ".csv.gz";
    sgtest::write_file(dir / name, costtest::gzip(body));
  }
  CurOptions o;
  o.group_by = {"Project"};
  o.threads = 2;
  auto two = read_cur({dir.path().string()}, o);
  ASSERT_TRUE(two.ok()) << two.error().describe();
  o.threads = 1;
  auto one = read_cur({dir.path().string()}, o);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(two->files.size(), 6u);
  EXPECT_EQ(two->items, 12000u);
  EXPECT_NEAR(two->total, expected, 1e-6);
  ASSERT_EQ(two->groups.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(two->groups[i].key, one->groups[i].key);
    EXPECT_NEAR(two->groups[i].cost, one->groups[i].cost, 1e-9);
  }
}

TEST(CurReader, TruncatedGzipFileFailsWithItsName) {
  sgtest::TempDir dir;
  std::string body = "lineItem/UnblendedCost,lineItem/ProductCode\n";
  for (int i = 0; i < 30000; ++i) body += std::to_string(i) + ".25,AmazonSageMaker\n";
  std::string z = costtest::gzip(body);
  sgtest::write_file(dir / "ok.csv", "lineItem/UnblendedCost,lineItem/ProductCode\n1,AmazonSageMaker\n");
  sgtest::write_file(dir / "zz.csv.gz", z.substr(0, z.size() - 100));
  auto r = read_cur({dir.path().string()}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, (dir / "zz.csv.gz").string());
  EXPECT_NE(r.error().message.find("truncated"), std::string::npos);
}

}  // namespace
}  // namespace sageguard::cost
