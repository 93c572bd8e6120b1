// `roi --format html`: cost-vs-metric scatter with the Pareto frontier.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "sageguard/report/cost_format.h"
#include "report/cost_reports.h"

namespace sageguard::report {

namespace cd = cost_detail;

namespace {

constexpr const char* kScript = R"JS(
(function () {
  var d = JSON.parse(document.getElementById('sg-data').textContent);
  function money(v) { return (Math.round(v * 100) / 100).toFixed(2); }
  function set(id, text) { var e = document.getElementById(id); if (e) e.textContent = text; }
  set('sg-total', money(d.total_cost));
  set('sg-experiments', String(d.experiments.length));
  set('sg-frontier', String(d.frontier.length));
  set('sg-marginal', d.marginal_cost_per_unit === null ? '-' : money(d.marginal_cost_per_unit));
  document.body.setAttribute('data-rendered', 'yes');
})();
)JS";

std::string scatter(const cost::RoiReport& r) {
  const double W = 640, H = 380, L = 70, B = 40, T = 20, R = 20;
  double cmin = 0, cmax = 0, mmin = 0, mmax = 0;
  bool any = false;
  for (const auto& e : r.experiments) {
    if (!e.metric) continue;
    if (!any) {
      cmin = cmax = e.cost;
      mmin = mmax = *e.metric;
      any = true;
    }
    cmin = std::min(cmin, e.cost), cmax = std::max(cmax, e.cost);
    mmin = std::min(mmin, *e.metric), mmax = std::max(mmax, *e.metric);
  }
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{}\" height=\"{}\" "
      "aria-label=\"cost versus {}\">",
      W, H, cd::html_escape(r.metric));
  if (!any) return out + "<text x=\"10\" y=\"30\">no experiment has the metric</text></svg>";
  if (cmax == cmin) cmax = cmin + 1;
  if (mmax == mmin) mmax = mmin + 1;
  auto x = [&](double c) { return L + (c - cmin) / (cmax - cmin) * (W - L - R); };
  auto y = [&](double m) { return H - B - (m - mmin) / (mmax - mmin) * (H - B - T); };
  out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#888\"/>"
                     "<line x1=\"{0}\" y1=\"{3}\" x2=\"{0}\" y2=\"{1}\" stroke=\"#888\"/>",
                     L, H - B, W - R, T);
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">cost (USD) {} .. {}</text>", (L + W - R) / 2,
                     H - 8, cd::money(cmin), cd::money(cmax));
  out += fmt::format("<text x=\"12\" y=\"{}\" transform=\"rotate(-90 12 {})\" text-anchor=\"middle\">{} "
                     "{:.4g} .. {:.4g}</text>",
                     (T + H - B) / 2, (T + H - B) / 2, cd::html_escape(r.metric), mmin, mmax);
  std::string pts;
  for (const auto& e : r.experiments) {
    if (!e.metric) continue;
    if (e.pareto) pts += fmt::format("{:.1f},{:.1f} ", x(e.cost), y(*e.metric));
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"5\" class=\"pt{}\"><title>{}: {} USD, {:.6g}"
                       "</title></circle>",
                       x(e.cost), y(*e.metric), e.pareto ? " pareto" : "", cd::html_escape(e.name),
                       cd::money(e.cost), *e.metric);
  }
  out += "<polyline id=\"sg-frontier-line\" class=\"front\" points=\"" + pts + "\"/>";
  return out + "</svg>";
}

}  // namespace

std::string roi_html(const cost::RoiReport& r) {
  std::string body = fmt::format("<h1>ROI by {}: {} ({})</h1>", cd::html_escape(r.grouped_by),
                                 cd::html_escape(r.metric), r.goal == cost::Goal::max ? "higher is better"
                                                                                      : "lower is better");
  body +=
      "<div class=\"kpi\">Total cost<b id=\"sg-total\">-</b></div>"
      "<div class=\"kpi\">Experiments<b id=\"sg-experiments\">-</b></div>"
      "<div class=\"kpi\">On the Pareto frontier<b id=\"sg-frontier\">-</b></div>"
      "<div class=\"kpi\">Marginal USD per unit<b id=\"sg-marginal\">-</b></div>";
  body += "<h2>Cost against " + cd::html_escape(r.metric) + " (Pareto frontier in red)</h2>" + scatter(r);
  body += "<h2>Experiments</h2><table><tr><th></th><th class=\"n\">cost</th><th class=\"n\">metric</th>"
          "<th class=\"n\">USD/unit</th><th class=\"n\">ROI</th><th>pareto</th></tr>";
  for (const auto& e : r.experiments) {
    body += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                        "<td class=\"n\">{}</td><td>{}</td></tr>",
                        cd::html_escape(e.name), cd::money(e.cost),
                        e.metric ? fmt::format("{:.6g}", *e.metric) : "-",
                        e.cost_per_unit ? cd::money(*e.cost_per_unit) : "-",
                        e.roi ? fmt::format("{:.2f}", *e.roi) : "-", e.pareto ? "yes" : "");
  }
  body += "</table>";
  if (!r.incomplete.empty()) {
    body += "<h2>Not ranked: cost not known</h2><table><tr><th></th><th class=\"n\">known cost</th>"
            "<th class=\"n\">metric</th><th class=\"n\">jobs</th><th class=\"n\">unpriced</th>"
            "<th class=\"n\">no billable time</th></tr>";
    for (const auto& e : r.incomplete) {
      body += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
                          "<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                          cd::html_escape(e.name), cd::money(e.cost),
                          e.metric ? fmt::format("{:.6g}", *e.metric) : "-", e.jobs, e.unpriced_jobs,
                          e.unbilled_jobs);
    }
    body += "</table>";
  }
  for (const auto& w : r.warnings) body += "<p class=\"warn-text\">" + cd::html_escape(w) + "</p>";
  return cd::html_page("sageguard roi", body, roi_json_value(r).dump(), kScript);
}

}  // namespace sageguard::report
