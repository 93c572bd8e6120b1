// `cost --emit-sql`: the aggregation read_cur performs, written as SQL over
// the CUR 2.0 table, for data that outgrows one machine. Pure functions;
// thread-safe.
#pragma once

#include <string>

#include "sageguard/cost/cur_reader.h"
#include "sageguard/result.h"

namespace sageguard::cost {

enum class SqlDialect { athena, duckdb };

// `table` is the CUR 2.0 table (Athena: database.table created by the Data
// Exports CloudFormation/Glue crawler, resource_tags a map<varchar,varchar>;
// DuckDB: a table or view over the CSV/Parquet export, resource_tags JSON
// text or a MAP). Same semantics as read_cur: SageMaker only unless
// all_services, since/until inclusive on the usage start day, empty tag ->
// NULL group. Error(usage) on an invalid table name or option.
Result<std::string> emit_cost_sql(const CurOptions& options, SqlDialect dialect,
                                  const std::string& table = "cur2");

}  // namespace sageguard::cost
