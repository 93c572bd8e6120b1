// audit_html: one self-contained page (no URL that would reach the network,
// a CSP that forbids it anyway), hostile text escaped everywhere it is
// shown, and an embedded data block whose totals match the result.
#include "report/audit_html.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "audit_test_data.h"

namespace sageguard::report {
namespace {

using nlohmann::json;

const std::string kHostile = "<script>alert(\"pwned\")</script>&'x'";

struct Page {
  audit::Inventory inv = sgtest::audit_inventory(kHostile);
  audit::AuditResult result;
  std::string html;

  Page() {
    auto r = audit::evaluate_inventory(inv, default_policy(), {});
    EXPECT_TRUE(r.ok());
    result = std::move(r).value();
    html = audit_html(result);
  }
};

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

// The text between <table id="ID"> and its </table>.
std::string table(const std::string& html, const std::string& id) {
  const std::string open = "<table id=\"" + id + "\">";
  const size_t b = html.find(open);
  if (b == std::string::npos) return "";
  const size_t e = html.find("</table>", b);
  return html.substr(b, e - b);
}

TEST(AuditHtml, SelfContainedNothingFromTheNetwork) {
  Page p;
  std::string page = p.html;
  // The one URL allowed is the SVG namespace name, which is never fetched.
  const std::string svg_ns = "xmlns=\"http://www.w3.org/2000/svg\"";
  for (size_t at = page.find(svg_ns); at != std::string::npos; at = page.find(svg_ns)) {
    page.erase(at, svg_ns.size());
  }
  EXPECT_EQ(page.find("http:"), std::string::npos);
  EXPECT_EQ(page.find("https:"), std::string::npos);
  EXPECT_EQ(page.find("//"), std::string::npos);  // no protocol-relative URL either
  EXPECT_FALSE(std::regex_search(page, std::regex(R"(\b(src|href)\s*=)", std::regex::icase)));
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("url("), std::string::npos);
  EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none';"), std::string::npos);
}

TEST(AuditHtml, HostileTextIsEscapedEverywhere) {
  Page p;
  EXPECT_EQ(p.html.find(kHostile), std::string::npos);
  EXPECT_EQ(p.html.find("<script>alert"), std::string::npos);
  // Exactly the page's own two script elements open and close.
  EXPECT_EQ(count(p.html, "<script"), 2u);
  EXPECT_EQ(count(p.html, "</script"), 2u);
  const std::string escaped = "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&amp;&#39;x&#39;";
  // The Project tag names a row of the by-project table; the vanished
  // resource's name and the unreadable resource's error are shown too.
  EXPECT_NE(table(p.html, "by-project").find("<td>" + escaped + "</td>"), std::string::npos);
  EXPECT_NE(p.html.find("gone-" + escaped), std::string::npos);
  EXPECT_NE(table(p.html, "findings").find("AccessDeniedException: " + escaped), std::string::npos);
}

TEST(AuditHtml, DataBlockTotalsMatchTheResult) {
  Page p;
  const std::string open = "<script type=\"application/json\" id=\"sg-data\">";
  const size_t b = p.html.find(open);
  ASSERT_NE(b, std::string::npos);
  const size_t e = p.html.find("</script>", b);
  const json data = json::parse(p.html.substr(b + open.size(), e - b - open.size()));
  EXPECT_EQ(data.at("resources"), p.inv.described.size());
  EXPECT_EQ(data.at("vanished"), 1);
  EXPECT_EQ(data.at("unreadable"), 1);
  ASSERT_EQ(data.at("findings").size(), p.result.check.findings.size());
  std::map<std::string, int> by_severity;
  for (const auto& f : p.result.check.findings) by_severity[to_string(f.severity)] += 1;
  std::map<std::string, int> in_page;
  for (const auto& f : data.at("findings")) in_page[f.at("severity").get<std::string>()] += 1;
  EXPECT_EQ(in_page, by_severity);
}

TEST(AuditHtml, EveryFindingHasARowAndEveryProjectAGroup) {
  Page p;
  // Header row + one row per finding.
  EXPECT_EQ(count(table(p.html, "findings"), "<tr>"), p.result.check.findings.size() + 1);
  const std::string projects = table(p.html, "by-project");
  EXPECT_NE(projects.find("<td>churn</td><td>1</td>"), std::string::npos) << projects;
  EXPECT_NE(projects.find("<td>(no Project tag)</td><td>1</td>"), std::string::npos) << projects;
  // Rules in the by-rule table are the rules of the findings, each once.
  const std::string rules = table(p.html, "by-rule");
  std::map<std::string, int> want;
  for (const auto& f : p.result.check.findings) want[f.rule] = 1;
  for (const auto& [rule, _] : want) {
    EXPECT_EQ(count(rules, "<td><code>" + rule + "</code></td>"), 1u) << rule;
  }
}

TEST(AuditHtml, EmptyAuditStillRenders) {
  audit::Inventory inv;
  auto r = audit::evaluate_inventory(inv, default_policy(), {});
  ASSERT_TRUE(r.ok());
  const std::string html = audit_html(*r);
  EXPECT_NE(html.find("<p>No findings.</p>"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

}  // namespace
}  // namespace sageguard::report
