// `cost --format html`: one self-contained page (inline CSS, inline SVG, a
// tiny inline script that renders the totals from the embedded JSON).
#include <fmt/format.h>

#include <algorithm>

#include "sageguard/report/cost_format.h"
#include "report/cost_reports.h"

namespace sageguard::report {

namespace cd = cost_detail;

namespace {

constexpr std::size_t kMaxBars = 25;

// Savings Plans coverage as a percentage; "-" for a group without eligible usage.
std::string coverage_text(const std::optional<double>& c) { return c ? fmt::format("{:.1f}%", *c * 100) : "-"; }

// Fills the KPI elements from the embedded data, so what the page shows is
// exactly what the JSON says (the Chromium test compares them).
constexpr const char* kScript = R"JS(
(function () {
  var d = JSON.parse(document.getElementById('sg-data').textContent);
  function money(v) { return (Math.round(v * 100) / 100).toFixed(2); }
  function set(id, text) { var e = document.getElementById(id); if (e) e.textContent = text; }
  set('sg-total', money(d.total));
  set('sg-unallocated', money(d.unallocated));
  set('sg-groups', String(d.groups.length));
  set('sg-items', String(d.items));
  if (d.warm_pool !== undefined) set('sg-warm', money(d.warm_pool));
  if (d.spot_savings !== undefined) set('sg-spot', money(d.spot_savings));
  else set('sg-spot', money(d.groups.reduce(function (a, g) { return a + (g.spot_savings || 0); }, 0)));
  document.body.setAttribute('data-rendered', 'yes');
})();
)JS";

}  // namespace

std::string cost_html(const cost::CostReport& r) {
  nlohmann::json data = cost_json_value(r);
  const bool warm = std::any_of(r.groups.begin(), r.groups.end(), [](const auto& g) { return g.warm_pool.has_value(); });
  double unallocated = data["unallocated"].get<double>();
  std::string body = fmt::format("<h1>SageMaker cost by {}</h1>",
                                 cd::html_escape(r.group_by.empty() ? std::string("total")
                                                                    : fmt::format("{}", fmt::join(r.group_by, ", "))));
  body += fmt::format(
      "<p>Source: {} ({}), measure {}, currency {}.</p>"
      "<div class=\"kpi\">Total<b id=\"sg-total\">{}</b></div>"
      "<div class=\"kpi\">Unallocated (untagged)<b id=\"sg-unallocated\" class=\"warn-text\">{}</b></div>"
      "<div class=\"kpi\">Spot savings<b id=\"sg-spot\">-</b></div>"
      "<div class=\"kpi\">Groups<b id=\"sg-groups\">-</b></div>"
      "<div class=\"kpi\">Items<b id=\"sg-items\">-</b></div>"
      "{}",
      cd::html_escape(data["source"].get<std::string>()), cd::html_escape(r.source),
      cd::html_escape(data["measure"].get<std::string>()), cd::html_escape(r.currency), "-", "-",
      warm ? "<div class=\"kpi\">Warm pool (in total)<b id=\"sg-warm\">-</b></div>" : "");
  if (unallocated > 0) {
    double pct = r.total != 0 ? unallocated / r.total * 100 : 0;
    body += fmt::format("<p class=\"warn-text\">{:.1f}% of spend carries none of the group-by tags.</p>", pct);
  }

  std::vector<cd::Bar> bars, spot;
  for (std::size_t i = 0; i < r.groups.size() && i < kMaxBars; ++i) {
    const auto& g = r.groups[i];
    bars.push_back({cd::group_label(g, r.group_by), g.cost, cd::untagged(g, r.group_by)});
    if (g.spot_savings) spot.push_back({cd::group_label(g, r.group_by), *g.spot_savings, false});
  }
  std::string more = r.groups.size() > kMaxBars ? fmt::format(" (top {} of {})", kMaxBars, r.groups.size()) : "";
  body += "<h2>Cost by group" + more + "</h2>" + cd::svg_bars("Cost (" + r.currency + ")", bars);
  body += "<h2>Spot savings</h2>" + cd::svg_bars("Saved versus on-demand (" + r.currency + ")", spot);
  std::vector<cd::Bar> months;
  for (const auto& [m, c] : r.by_month) months.push_back({m, c, false});
  body += "<h2>Cost over time</h2>" + cd::svg_bars("Cost by month (" + r.currency + ")", months);

  const bool coverage =
      std::any_of(r.groups.begin(), r.groups.end(), [](const auto& g) { return g.sp_coverage.has_value(); });
  body += "<h2>Groups</h2><table><tr>";
  for (const auto& k : r.group_by) body += "<th>" + cd::html_escape(k) + "</th>";
  body += "<th class=\"n\">cost</th><th class=\"n\">items</th><th class=\"n\">spot savings</th>";
  if (warm) body += "<th class=\"n\">warm pool</th>";
  body += coverage ? "<th class=\"n\" title=\"share of the group's usage, at on-demand cost, that a Savings Plan "
                     "covered\">SP coverage</th></tr>"
                   : "</tr>";
  for (const auto& g : r.groups) {
    body += cd::untagged(g, r.group_by) ? "<tr class=\"warn-text\">" : "<tr>";
    for (const auto& k : r.group_by) {
      auto it = g.key.find(k);
      body += "<td>" + (it != g.key.end() && it->second ? cd::html_escape(*it->second) : "<i>(untagged)</i>") +
              "</td>";
    }
    body += fmt::format("<td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>", cd::money(g.cost),
                        g.items, g.spot_savings ? cd::money(*g.spot_savings) : "-");
    if (warm) body += fmt::format("<td class=\"n\">{}</td>", g.warm_pool ? cd::money(*g.warm_pool) : "-");
    if (coverage) body += "<td class=\"n\">" + coverage_text(g.sp_coverage) + "</td>";
    body += "</tr>";
  }
  body += "</table>";
  if (r.malformed_rows > 0) {
    body += fmt::format("<p class=\"warn-text\">{} malformed row(s) skipped.</p>", r.malformed_rows);
  }
  for (const auto& w : r.warnings) body += "<p class=\"warn-text\">" + cd::html_escape(w) + "</p>";
  return cd::html_page("sageguard cost", body, data.dump(), kScript);
}

}  // namespace sageguard::report
