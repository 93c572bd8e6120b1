// Helpers shared by the cost reporters.
#include "sageguard/report/cost_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sageguard::report::cost_detail {

std::string money(double v) {
  std::string s = fmt::format("{:.2f}", v);
  return s == "-0.00" ? "0.00" : s;
}

std::string group_label(const cost::CostGroup& g, const std::vector<std::string>& group_by) {
  if (group_by.empty()) return "(all)";
  std::string out;
  for (const auto& k : group_by) {
    auto it = g.key.find(k);
    std::string v;
    if (it == g.key.end() || !it->second) {
      v = "(untagged)";
    } else {
      for (char c : *it->second) {
        if (c == '\n') v += "\\n";
        else if (c == '\r') v += "\\r";
        else if (c == '\t') v += "\\t";
        else if (static_cast<unsigned char>(c) < 0x20) v += '?';
        else v += c;
      }
    }
    if (!out.empty()) out += ", ";
    out += group_by.size() == 1 ? v : k + "=" + v;
  }
  return out;
}

bool is_pseudo_key(const std::string& k) {
  return k == "month" || k == "instance-type" || k == "resource" || k == "job" || k == "kind" ||
         k == "experiment";
}

bool untagged(const cost::CostGroup& g, const std::vector<std::string>& group_by) {
  for (const auto& k : group_by) {
    if (is_pseudo_key(k)) continue;
    auto it = g.key.find(k);
    if (it == g.key.end() || !it->second) return true;
  }
  return false;
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string script_json(const std::string& j) {
  std::string out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (j[i] == '<') out += "\\u003c";
    else if (j[i] == '>') out += "\\u003e";
    else if (j[i] == '&') out += "\\u0026";
    else if (j.compare(i, 3, "\xE2\x80\xA8") == 0) { out += "\\u2028"; i += 2; }
    else if (j.compare(i, 3, "\xE2\x80\xA9") == 0) { out += "\\u2029"; i += 2; }
    else out += j[i];
  }
  return out;
}

std::string svg_bars(const std::string& title, const std::vector<Bar>& bars) {
  const int row = 24, label_w = 260, chart_w = 420, value_w = 110;
  const int h = 30 + row * static_cast<int>(std::max<std::size_t>(bars.size(), 1));
  double max = 0;
  for (const auto& b : bars) max = std::max(max, std::abs(b.value));
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{}\" height=\"{}\" "
      "aria-label=\"{}\"><text x=\"0\" y=\"16\" class=\"t\">{}</text>",
      label_w + chart_w + value_w, h, html_escape(title), html_escape(title));
  if (bars.empty()) out += "<text x=\"0\" y=\"44\">no data</text>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    int y = 28 + row * static_cast<int>(i);
    double w = max > 0 ? std::abs(b.value) / max * chart_w : 0;
    std::string label = b.label.size() > 40 ? b.label.substr(0, 37) + "..." : b.label;
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
        "<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" class=\"{}\"><title>{}: {}</title></rect>"
        "<text x=\"{:.1f}\" y=\"{}\">{}</text>",
        label_w - 6, y + 15, html_escape(label), label_w, y + 3, w, row - 6, b.highlight ? "bar warn" : "bar",
        html_escape(b.label), money(b.value), label_w + w + 4, y + 15, money(b.value));
  }
  return out + "</svg>";
}

std::string html_page(const std::string& title, const std::string& body, const std::string& data_json,
                      const std::string& script) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
         "<title>" + html_escape(title) + "</title><style>"
         "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}"
         "h1{font-size:20px}h2{font-size:16px;margin-top:28px}"
         "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}"
         "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
         ".bar{fill:#3b6fb6}.bar.warn{fill:#c0392b}.t{font-weight:bold}svg text{font-size:12px}"
         ".kpi{display:inline-block;margin-right:28px}.kpi b{display:block;font-size:22px}"
         ".warn-text{color:#c0392b}.front{fill:none;stroke:#c0392b;stroke-width:2}"
         ".pt{fill:#3b6fb6}.pt.pareto{fill:#c0392b}"
         "</style></head><body>\n" +
         body + "\n<script type=\"application/json\" id=\"sg-data\">" + script_json(data_json) +
         "</script>\n<script>" + script + "</script>\n</body></html>\n";
}

}  // namespace sageguard::report::cost_detail
