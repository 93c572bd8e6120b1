// Reporters for `cost`, `roi` and `estimate`: pure functions from the cost
// module's result structs to bytes (text table, JSON, CSV, self-contained
// HTML with inline SVG). Thread-safe; no I/O.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sageguard/cost/cost_report.h"
#include "cost/estimate_specs.h"
#include "cost/roi.h"

namespace sageguard::report {

// the cost JSON contract: currency, source, measure, group_by,
// groups[{key, cost, items, spot_savings}], total, malformed_rows, plus
// extras (format, by_month, unallocated = groups missing a tag key,
// malformed_samples, files, warnings, unbilled/unpriced).
nlohmann::json cost_json_value(const cost::CostReport& r);
std::string cost_json(const cost::CostReport& r);
// One row per group, widest key first; money with 2 decimals; a total line.
std::string cost_text(const cost::CostReport& r);
// RFC 4180: CRLF line ends, fields with , " CR LF quoted, quotes doubled.
// Columns: each group-by key, cost, items, spot_savings, spot_savings_ratio.
std::string cost_csv(const cost::CostReport& r);
// One page, no network: cost by group (bar chart, untagged in red), spot
// savings, cost by month; data embedded as JSON, totals filled by a script.
std::string cost_html(const cost::CostReport& r);

nlohmann::json roi_json_value(const cost::RoiReport& r);
std::string roi_json(const cost::RoiReport& r);
std::string roi_text(const cost::RoiReport& r);
// Cost-vs-metric scatter with the Pareto frontier drawn as a line.
std::string roi_html(const cost::RoiReport& r);

struct PriceInfo {
  std::string source;
  std::string date;
  std::string region;
};
nlohmann::json estimate_json_value(const cost::EstimateRun& r, const PriceInfo& p);
std::string estimate_json(const cost::EstimateRun& r, const PriceInfo& p);
std::string estimate_text(const cost::EstimateRun& r, const PriceInfo& p);

}  // namespace sageguard::report
