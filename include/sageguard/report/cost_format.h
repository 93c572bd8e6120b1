// Small formatting helpers shared by the cost/roi/estimate reporters (money,
// group labels, HTML escaping, SVG bar charts). Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sageguard/cost/cost_report.h"

namespace sageguard::report::cost_detail {

// "1234.50" (fixed, 2 decimals; "-0.00" is printed as "0.00").
std::string money(double v);
// "Project=churn, Cost Center=(untagged)" in group_by order; control
// characters in tag values are shown escaped ("\n") so one group is one line.
std::string group_label(const cost::CostGroup& g, const std::vector<std::string>& group_by);
// Unallocated spend: some tag key of the group is null (pseudo-keys such as
// month or instance-type do not count).
bool untagged(const cost::CostGroup& g, const std::vector<std::string>& group_by);
bool is_pseudo_key(const std::string& key);
std::string html_escape(const std::string& s);
// JSON text safe inside <script>: "</" and U+2028/9 escaped.
std::string script_json(const std::string& json_text);

struct Bar {
  std::string label;
  double value = 0;
  bool highlight = false;  // drawn in the warning colour
};
// Horizontal bar chart as an inline <svg> with a title and value labels.
std::string svg_bars(const std::string& title, const std::vector<Bar>& bars);

// The page skeleton: <!doctype html>, inline CSS, `body`, the data as
// <script type="application/json" id="sg-data">, and `script` inline.
std::string html_page(const std::string& title, const std::string& body, const std::string& data_json,
                      const std::string& script);

}  // namespace sageguard::report::cost_detail
