// SQL text for the CUR 2.0 aggregation. Identifiers are double-quoted and
// literals single-quoted with doubling, so tag keys cannot inject SQL.
#include "sageguard/cost/cost_sql.h"

#include <cctype>

namespace sageguard::cost {
namespace {

std::string quote_ident(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\"\"";
    else out += c;
  }
  return out + "\"";
}

std::string quote_literal(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

// Mirrors json_tag_match for CUR 2.0: user_<key>, lower-case, spaces as '_'.
std::string cur2_tag_key(const std::string& key) {
  std::string out = "user_";
  for (char c : key) out += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_table(const std::string& t) {
  if (t.empty()) return false;
  for (char c : t) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  }
  return t.front() != '.' && t.back() != '.';
}

}  // namespace

Result<std::string> emit_cost_sql(const CurOptions& o, SqlDialect d, const std::string& table) {
  if (!valid_table(table)) return Error::make(ErrorCode::usage, "invalid table name '" + table + "'");
  const bool athena = d == SqlDialect::athena;
  // Day of the usage start as text YYYY-MM-DD; the column is a timestamp in
  // Athena and may be text in DuckDB, so cast explicitly in both.
  const std::string start = athena ? "CAST(line_item_usage_start_date AS timestamp)"
                                   : "CAST(line_item_usage_start_date AS TIMESTAMP)";
  const std::string day = athena ? "date_format(" + start + ", '%Y-%m-%d')" : "strftime(" + start + ", '%Y-%m-%d')";
  const std::string month = athena ? "date_format(" + start + ", '%Y-%m')" : "strftime(" + start + ", '%Y-%m')";
  auto num = [&](const std::string& col) {
    return "COALESCE(TRY_CAST(" + col + " AS DOUBLE), 0)";
  };

  std::string measure;
  switch (o.measure) {
    case Measure::unblended: measure = num("line_item_unblended_cost"); break;
    case Measure::public_on_demand: measure = num("pricing_public_on_demand_cost"); break;
    case Measure::net:
      measure = "CASE line_item_line_item_type"
                " WHEN 'SavingsPlanCoveredUsage' THEN " + num("savings_plan_savings_plan_effective_cost") +
                " WHEN 'DiscountedUsage' THEN " + num("reservation_effective_cost") +
                " WHEN 'SavingsPlanNegation' THEN 0"
                " ELSE " + num("line_item_unblended_cost") + " END";
      break;
    case Measure::amortized:
    case Measure::effective: {
      // The CUR query library's amortized cost; effective drops the unused
      // commitment (the recurring and RI fee lines) as well.
      const bool am = o.measure == Measure::amortized;
      measure = "CASE line_item_line_item_type"
                " WHEN 'SavingsPlanCoveredUsage' THEN " + num("savings_plan_savings_plan_effective_cost") +
                " WHEN 'SavingsPlanRecurringFee' THEN " +
                (am ? "(" + num("savings_plan_total_commitment_to_date") + " - " +
                          num("savings_plan_used_commitment") + ")"
                    : std::string("0")) +
                " WHEN 'SavingsPlanNegation' THEN 0"
                " WHEN 'SavingsPlanUpfrontFee' THEN 0"
                " WHEN 'DiscountedUsage' THEN " + num("reservation_effective_cost") +
                " WHEN 'RIFee' THEN " +
                (am ? "(" + num("reservation_unused_amortized_upfront_fee_for_billing_period") + " + " +
                          num("reservation_unused_recurring_fee") + ")"
                    : std::string("0")) +
                " ELSE CASE WHEN line_item_line_item_type = 'Fee' AND"
                " COALESCE(reservation_reservation_a_r_n, '') <> '' THEN 0 ELSE " +
                num("line_item_unblended_cost") + " END END";
      break;
    }
  }

  std::string select, group;
  for (std::size_t i = 0; i < o.group_by.size(); ++i) {
    const std::string& k = o.group_by[i];
    std::string expr;
    if (k == "month") {
      expr = month;
    } else if (k == "instance-type") {
      expr = "NULLIF(split_part(line_item_usage_type, ':', 2), '')";
    } else if (k == "resource") {
      expr = "NULLIF(line_item_resource_id, '')";
    } else if (k == "account") {
      // The account that used the resource, as `--cur --group-by account`.
      expr = "NULLIF(line_item_usage_account_id, '')";
    } else if (athena) {
      expr = "NULLIF(element_at(resource_tags, " + quote_literal(cur2_tag_key(k)) + "), '')";
    } else {
      expr = "NULLIF(json_extract_string(TRY_CAST(resource_tags AS JSON), " +
             quote_literal("$." + quote_ident(cur2_tag_key(k))) + "), '')";
    }
    select += "  " + expr + " AS " + quote_ident(k) + ",\n";
    group += (i ? ", " : "") + std::to_string(i + 1);
  }

  std::string where;
  auto add_where = [&](const std::string& c) { where += (where.empty() ? "WHERE " : "\n  AND ") + c; };
  if (!o.all_services) {
    // Under amortized, a SageMaker Savings Plan's own fee lines are SageMaker spend.
    add_where(o.measure == Measure::amortized
                  ? "(line_item_product_code = 'AmazonSageMaker' OR savings_plan_offering_type = 'SageMakerSavingsPlans')"
                  : "line_item_product_code = 'AmazonSageMaker'");
  }
  if (o.since) add_where(day + " >= " + quote_literal(*o.since));
  if (o.until) add_where(day + " <= " + quote_literal(*o.until));

  std::string sql = "-- sageguard cost: " + std::string(to_string(o.measure)) + " cost of " +
                    (o.all_services ? "all services" : "SageMaker") + " line items (CUR 2.0)\n";
  sql += "SELECT\n" + select;
  sql += "  SUM(" + measure + ") AS cost,\n";
  sql += "  COUNT(*) AS items\n";
  sql += "FROM " + table + "\n";
  if (!where.empty()) sql += where + "\n";
  if (!group.empty()) sql += "GROUP BY " + group + "\n";
  sql += "ORDER BY cost DESC;\n";
  return sql;
}

}  // namespace sageguard::cost
