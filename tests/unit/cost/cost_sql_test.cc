#include "sageguard/cost/cost_sql.h"

#include <gtest/gtest.h>

namespace sageguard::cost {
namespace {

int balance(const std::string& s) {
  int depth = 0;
  bool in_str = false, in_ident = false;
  for (char c : s) {
    if (c == '\'' && !in_ident) in_str = !in_str;
    if (c == '"' && !in_str) in_ident = !in_ident;
    if (in_str || in_ident) continue;
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return -1;
  }
  return in_str || in_ident ? -2 : depth;
}

TEST(CostSql, AthenaUsesMapElementAndFilters) {
  CurOptions o;
  o.group_by = {"Project", "month", "instance-type"};
  o.since = "2024-05-01";
  o.until = "2024-05-31";
  auto sql = emit_cost_sql(o, SqlDialect::athena, "cur_db.cur2");
  ASSERT_TRUE(sql.ok());
  const std::string& s = *sql;
  EXPECT_NE(s.find("element_at(resource_tags, 'user_project')"), std::string::npos) << s;
  EXPECT_NE(s.find("AS \"Project\""), std::string::npos);
  EXPECT_NE(s.find("line_item_product_code = 'AmazonSageMaker'"), std::string::npos);
  EXPECT_NE(s.find(">= '2024-05-01'"), std::string::npos);
  EXPECT_NE(s.find("<= '2024-05-31'"), std::string::npos);
  EXPECT_NE(s.find("FROM cur_db.cur2"), std::string::npos);
  EXPECT_NE(s.find("GROUP BY 1, 2, 3"), std::string::npos);
  EXPECT_EQ(balance(s), 0) << s;
}

TEST(CostSql, DuckdbUsesJsonAndQuotesHostileKeys) {
  CurOptions o;
  o.group_by = {"Cost Center", "x'); DROP TABLE t; --"};
  o.all_services = true;
  o.measure = Measure::net;
  auto sql = emit_cost_sql(o, SqlDialect::duckdb);
  ASSERT_TRUE(sql.ok());
  const std::string& s = *sql;
  EXPECT_NE(s.find("json_extract_string"), std::string::npos);
  EXPECT_NE(s.find("user_cost_center"), std::string::npos);
  EXPECT_EQ(s.find("WHERE"), std::string::npos);  // all services, no dates
  EXPECT_NE(s.find("SavingsPlanCoveredUsage"), std::string::npos);
  EXPECT_NE(s.find("'$.\"user_x'');_drop_table_t;_--\"'"), std::string::npos) << s;
  EXPECT_EQ(balance(s), 0) << s;
}

// account is the usage account's column in both dialects, not a tag.
TEST(CostSql, AccountIsTheUsageAccountColumn) {
  CurOptions o;
  o.group_by = {"account"};
  for (SqlDialect d : {SqlDialect::athena, SqlDialect::duckdb}) {
    auto sql = emit_cost_sql(o, d);
    ASSERT_TRUE(sql.ok());
    EXPECT_NE(sql->find("NULLIF(line_item_usage_account_id, '') AS \"account\""),
              std::string::npos)
        << *sql;
    EXPECT_EQ(sql->find("user_account"), std::string::npos) << *sql;
    EXPECT_EQ(balance(*sql), 0) << *sql;
  }
}

TEST(CostSql, RejectsBadTableName) {
  EXPECT_FALSE(emit_cost_sql({}, SqlDialect::athena, "t; DROP").ok());
  EXPECT_FALSE(emit_cost_sql({}, SqlDialect::athena, "").ok());
}

}  // namespace
}  // namespace sageguard::cost
