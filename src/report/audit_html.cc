// The audit page. Everything is inline (CSS, SVG, one small script) so the
// file can be mailed or archived and opened offline. The script only sums
// the embedded data into the totals: a page that renders those proves the
// data block and the markup agree.
#include "report/audit_html.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

#include "sageguard/report/cost_format.h"
#include "sageguard/rule_catalog.h"

namespace sageguard::report {
namespace {

// One HTML escaper for every report page.
std::string esc(std::string_view s) { return cost_detail::html_escape(std::string(s)); }

// JSON inside <script>: "</" would end the element early.
std::string script_safe(std::string json) {
  std::string out;
  out.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<') {
      out += "\\u003c";
    } else {
      out += json[i];
    }
  }
  return out;
}

constexpr const char* kNoProject = "(no Project tag)";

struct Counts {
  int error = 0, warning = 0, note = 0;
  int total() const { return error + warning + note; }
  void add(Severity s) {
    if (s == Severity::error) ++error;
    if (s == Severity::warning) ++warning;
    if (s == Severity::note) ++note;
  }
};

constexpr const char* kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2733;background:#fff}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d7dde4;padding-bottom:.2rem}
.meta{color:#5b6875;font-size:.9rem}
.totals{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{border:1px solid #d7dde4;border-radius:6px;padding:.6rem 1rem;min-width:7rem}
.card .n{font-size:1.6rem;font-weight:600;display:block}
.card.error .n{color:#b42318}.card.warning .n{color:#b54708}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eef1f4;vertical-align:top}
th{background:#f5f7f9}
.sev-error{color:#b42318;font-weight:600}.sev-warning{color:#b54708;font-weight:600}.sev-note{color:#175cd3}
code{font-size:.85em;background:#f5f7f9;padding:0 .2em;border-radius:3px}
.rem{color:#344054}
svg text{font-family:inherit;font-size:12px}
)css";

std::string bar_chart(const std::vector<std::pair<std::string, Counts>>& rows) {
  const int bar_h = 20, gap = 6, label_w = 210, chart_w = 420;
  int max = 1;
  for (const auto& [_, c] : rows) max = std::max(max, c.total());
  const int h = static_cast<int>(rows.size()) * (bar_h + gap) + gap;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" "
      "aria-label=\"Findings by rule\">\n",
      label_w + chart_w + 60, h);
  int y = gap;
  for (const auto& [rule, c] : rows) {
    svg += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", label_w - 6,
                       y + bar_h - 6, esc(rule));
    int x = label_w;
    for (auto [n, colour] : {std::pair{c.error, "#d92d20"}, std::pair{c.warning, "#f79009"},
                             std::pair{c.note, "#2e90fa"}}) {
      if (n == 0) continue;
      const int w = std::max(1, n * chart_w / max);
      svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n", x, y,
                         w, bar_h, colour);
      x += w;
    }
    svg += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", x + 4, y + bar_h - 6, c.total());
    y += bar_h + gap;
  }
  svg += "</svg>\n";
  return svg;
}

std::string project_of(const audit::AuditedResource* r) {
  if (!r) return kNoProject;
  for (const auto& [k, v] : r->tags) {
    if (k == "Project") return v.empty() ? kNoProject : v;
  }
  return kNoProject;
}

}  // namespace

std::string audit_html(const audit::AuditResult& r) {
  const auto& findings = r.check.findings;
  std::map<std::string, const audit::AuditedResource*> by_arn;
  for (const auto& res : r.resources) by_arn[res.id.arn] = &res;
  auto resource_of = [&](const Finding& f) -> const audit::AuditedResource* {
    auto it = by_arn.find(f.resource.arn);
    return it == by_arn.end() ? nullptr : it->second;
  };

  std::map<std::string, Counts> by_rule;
  std::map<std::string, std::pair<int, Counts>> by_project;  // resources, findings
  for (const auto& res : r.resources) by_project[project_of(&res)].first += 1;
  struct Offender {
    const Finding* first;
    Counts counts;
  };
  std::map<std::string, Offender> offenders;  // by arn, or kind/name
  for (const auto& f : findings) {
    by_rule[f.rule].add(f.severity);
    by_project[project_of(resource_of(f))].second.add(f.severity);
    std::string key = f.resource.arn.empty() ? f.resource.kind + "/" + f.resource.name
                                             : f.resource.arn;
    auto [it, _] = offenders.try_emplace(key, Offender{&f, {}});
    it->second.counts.add(f.severity);
  }
  std::vector<std::pair<std::string, Counts>> rule_rows(by_rule.begin(), by_rule.end());
  std::stable_sort(rule_rows.begin(), rule_rows.end(),
                   [](const auto& a, const auto& b) { return a.second.total() > b.second.total(); });
  std::vector<Offender> worst;
  for (auto& [_, o] : offenders) worst.push_back(o);
  std::stable_sort(worst.begin(), worst.end(), [](const Offender& a, const Offender& b) {
    if (a.counts.error != b.counts.error) return a.counts.error > b.counts.error;
    return a.counts.total() > b.counts.total();
  });
  if (worst.size() > 10) worst.resize(10);

  // The data the totals script reads.
  nlohmann::json data;
  data["resources"] = r.resources.size();
  data["vanished"] = r.vanished.size();
  data["unreadable"] = r.unreadable;
  nlohmann::json fs = nlohmann::json::array();
  for (const auto& f : findings) {
    fs.push_back({{"rule", f.rule}, {"severity", to_string(f.severity)}, {"arn", f.resource.arn}});
  }
  data["findings"] = std::move(fs);

  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
       "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n";
  h += "<title>sageguard audit</title>\n<style>";
  h += kStyle;
  h += "</style>\n</head>\n<body>\n<h1>sageguard audit</h1>\n";
  std::string regions;
  for (const auto& reg : r.regions) regions += (regions.empty() ? "" : ", ") + reg;
  h += fmt::format("<p class=\"meta\">Policy <code>{}</code> &middot; regions {} &middot; {} "
                   "listed, {} API calls in {:.1f} s</p>\n",
                   esc(r.check.policy), esc(regions.empty() ? "-" : regions), r.stats.listed,
                   r.stats.calls, r.stats.seconds);
  h += "<div class=\"totals\">\n";
  for (auto [id, label, cls] :
       {std::tuple{"total-resources", "resources audited", ""},
        std::tuple{"total-findings", "findings", ""}, std::tuple{"total-error", "errors", "error"},
        std::tuple{"total-warning", "warnings", "warning"},
        std::tuple{"total-note", "notes", ""}, std::tuple{"total-vanished", "vanished", ""},
        std::tuple{"total-unreadable", "unreadable", "error"}}) {
    h += fmt::format("<div class=\"card {}\"><span class=\"n\" id=\"{}\">&hellip;</span>{}</div>\n",
                     cls, id, label);
  }
  h += "</div>\n";

  h += "<h2>Findings by rule</h2>\n";
  if (rule_rows.empty()) {
    h += "<p>No findings.</p>\n";
  } else {
    h += bar_chart(rule_rows);
    h += "<table id=\"by-rule\"><tr><th>rule</th><th>errors</th><th>warnings</th><th>notes</th>"
         "<th>what it asks</th></tr>\n";
    for (const auto& [rule, c] : rule_rows) {
      const RuleInfo* info = find_rule(rule);
      h += fmt::format("<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                       "</tr>\n",
                       esc(rule), c.error, c.warning, c.note,
                       esc(info ? info->description : std::string_view()));
    }
    h += "</table>\n";
  }

  h += "<h2>By Project tag</h2>\n<table id=\"by-project\"><tr><th>Project</th><th>resources</th>"
       "<th>findings</th><th>errors</th><th>warnings</th></tr>\n";
  for (const auto& [project, rc] : by_project) {
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     esc(project), rc.first, rc.second.total(), rc.second.error,
                     rc.second.warning);
  }
  h += "</table>\n";

  h += "<h2>Worst offenders</h2>\n<table id=\"worst\"><tr><th>resource</th><th>region</th>"
       "<th>errors</th><th>findings</th></tr>\n";
  for (const auto& o : worst) {
    const ResourceRef& ref = o.first->resource;
    h += fmt::format("<tr><td>{} <code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     esc(ref.kind), esc(ref.name), esc(ref.region), o.counts.error,
                     o.counts.total());
  }
  h += "</table>\n";

  auto findings_table = [&](const char* id, auto begin, auto end) {
    h += fmt::format("<table id=\"{}\"><tr><th>resource</th><th>severity</th>"
                     "<th>rule</th><th>where</th><th>message</th><th>remediation</th></tr>\n",
                     id);
    for (auto it = begin; it != end; ++it) {
      const Finding& f = *it;
      const RuleInfo* info = find_rule(f.rule);
      const char* sev = to_string(f.severity);
      h += fmt::format(
          "<tr><td>{} <code>{}</code><br><small>{}</small></td><td class=\"sev-{}\">{}</td>"
          "<td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td class=\"rem\">{}</td>"
          "</tr>\n",
          esc(f.resource.kind), esc(f.resource.name),
          esc(f.resource.arn.empty() ? f.resource.region : f.resource.arn), sev, sev, esc(f.rule),
          esc(f.path), esc(f.message), esc(info ? info->remediation : std::string_view()));
    }
    h += "</table>\n";
  };
  if (r.accounts.empty()) {
    h += "<h2>Every finding</h2>\n";
    findings_table("findings", findings.begin(), findings.end());
  } else {
    // A section per account, with its totals and its findings (which
    // evaluate_inventory sorted by account).
    h += "<h2>By account</h2>\n";
    auto own_end = std::find_if(findings.begin(), findings.end(),
                                [](const Finding& f) { return !f.resource.account.empty(); });
    if (own_end != findings.begin()) findings_table("findings-policy", findings.begin(), own_end);
    for (const auto& t : audit::account_totals(r)) {
      h += fmt::format("<section class=\"account\" id=\"account-{}\">\n<h3>Account <code>{}</code>{}</h3>\n",
                       esc(t.account), esc(t.account), t.name.empty() ? "" : " " + esc(t.name));
      h += fmt::format("<p class=\"meta account-totals\">{} resources &middot; {} errors &middot; {} "
                       "warnings &middot; {} notes &middot; {} unreadable</p>\n",
                       t.resources, t.error, t.warning, t.note, t.unreadable);
      auto lo = std::find_if(findings.begin(), findings.end(),
                             [&](const Finding& f) { return f.resource.account == t.account; });
      auto hi = std::find_if(lo, findings.end(), [&](const Finding& f) { return f.resource.account != t.account; });
      if (lo != hi) findings_table(("findings-" + t.account).c_str(), lo, hi);
      h += "</section>\n";
    }
  }

  if (!r.vanished.empty()) {
    h += "<h2>Vanished between list and describe</h2>\n<ul id=\"vanished\">\n";
    for (const auto& v : r.vanished) {
      h += fmt::format("<li>{} <code>{}</code> ({})</li>\n", kind_name(v.kind), esc(v.name),
                       esc(v.region));
    }
    h += "</ul>\n";
  }

  h += "<script type=\"application/json\" id=\"sg-data\">";
  h += script_safe(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  h += "</script>\n";
  h += R"js(<script>
(function () {
  var d = JSON.parse(document.getElementById("sg-data").textContent);
  var t = {error: 0, warning: 0, note: 0};
  d.findings.forEach(function (f) { if (f.severity in t) t[f.severity] += 1; });
  function put(id, n) { document.getElementById(id).textContent = String(n); }
  put("total-resources", d.resources);
  put("total-findings", d.findings.length);
  put("total-error", t.error);
  put("total-warning", t.warning);
  put("total-note", t.note);
  put("total-vanished", d.vanished);
  put("total-unreadable", d.unreadable);
})();
</script>
)js";
  h += "</body>\n</html>\n";
  return h;
}

}  // namespace sageguard::report
