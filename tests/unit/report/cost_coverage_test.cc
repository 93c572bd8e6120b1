// Savings Plans coverage in the human-facing cost reports: the text table
// and the HTML groups table get an "SP coverage" column (a percentage, "-"
// for a group without eligible usage) when some group has coverage, and
// no such column when none has (job reports, FOCUS-less data).
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "report/cost_reports.h"

namespace sageguard::report {
namespace {

cost::CostReport with_coverage() {
  cost::CostReport r;
  r.source = "cur2";
  r.group_by = {"Project"};
  cost::CostGroup a;
  a.key["Project"] = "alpha";
  a.cost = 18;
  a.items = 3;
  a.sp_coverage = 8.0 / 18.0;
  cost::CostGroup b;
  b.key["Project"] = "beta";
  b.cost = 4;
  b.items = 1;
  b.sp_coverage = 0.0;
  cost::CostGroup c;  // fees only: no eligible usage
  c.key["Project"] = std::nullopt;
  c.cost = 2;
  c.items = 1;
  r.groups = {a, b, c};
  r.total = 24;
  r.items = 5;
  return r;
}

// The line of `text` that starts with `label`.
std::string line_of(const std::string& text, const std::string& label) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(label, 0) == 0) return line;
  }
  return "";
}

std::string last_cell(const std::string& line) {
  const auto end = line.find_last_not_of(' ');
  const auto start = line.find_last_of(' ', end);
  return line.substr(start + 1, end - start);
}

TEST(CostCoverage, TextShowsCoveragePerGroup) {
  const std::string text = cost_text(with_coverage());
  EXPECT_NE(line_of(text, "Project").find("SP coverage"), std::string::npos) << text;
  EXPECT_EQ(last_cell(line_of(text, "alpha")), "44.4%") << text;
  EXPECT_EQ(last_cell(line_of(text, "beta")), "0.0%") << text;
  EXPECT_EQ(last_cell(line_of(text, "(untagged)")), "-") << text;
}

TEST(CostCoverage, TextHasNoCoverageColumnWithoutCoverage) {
  cost::CostReport r = with_coverage();
  for (auto& g : r.groups) g.sp_coverage.reset();
  const std::string text = cost_text(r);
  EXPECT_EQ(text.find("SP coverage"), std::string::npos) << text;
  EXPECT_EQ(line_of(text, "alpha").find('%'), std::string::npos) << text;
}

TEST(CostCoverage, HtmlGroupsTableShowsCoverage) {
  const std::string html = cost_html(with_coverage());
  EXPECT_NE(html.find(">SP coverage</th>"), std::string::npos);
  EXPECT_NE(html.find("<td>alpha</td><td class=\"n\">18.00</td><td class=\"n\">3</td><td class=\"n\">-</td>"
                      "<td class=\"n\">44.4%</td></tr>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("<td class=\"n\">2.00</td><td class=\"n\">1</td><td class=\"n\">-</td><td class=\"n\">-</td></tr>"),
            std::string::npos);

  cost::CostReport none = with_coverage();
  for (auto& g : none.groups) g.sp_coverage.reset();
  EXPECT_EQ(cost_html(none).find("SP coverage"), std::string::npos);
}

}  // namespace
}  // namespace sageguard::report
