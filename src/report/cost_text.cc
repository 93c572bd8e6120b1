// `cost --format text` and `--format csv`.
#include <fmt/format.h>

#include <algorithm>

#include "sageguard/report/cost_format.h"
#include "report/cost_reports.h"

namespace sageguard::report {

using cost_detail::money;

namespace {

// Savings Plans coverage as a percentage; "-" for a group without eligible usage.
std::string coverage_text(const std::optional<double>& c) { return c ? fmt::format("{:.1f}%", *c * 100) : "-"; }

}  // namespace

std::string cost_text(const cost::CostReport& r) {
  const bool jobs = r.source == "jobs";
  std::vector<std::string> labels;
  std::size_t w = 5;
  for (const auto& g : r.groups) {
    labels.push_back(cost_detail::group_label(g, r.group_by));
    w = std::max(w, labels.back().size());
  }
  w = std::min<std::size_t>(w, 60);
  std::string head = r.group_by.empty() ? "group" : fmt::format("{}", fmt::join(r.group_by, " / "));
  w = std::max(w, std::min<std::size_t>(head.size(), 60));
  // Warm pools get a column of their own, only when some job kept one.
  const bool warm = std::any_of(r.groups.begin(), r.groups.end(), [](const auto& g) { return g.warm_pool.has_value(); });
  // Savings Plans coverage likewise, only when some group had eligible usage.
  const bool coverage =
      std::any_of(r.groups.begin(), r.groups.end(), [](const auto& g) { return g.sp_coverage.has_value(); });
  std::string out = fmt::format("{:<{}}  {:>14}  {:>8}  {:>14}", head, w, "cost " + r.currency, "items",
                                jobs ? "spot saved" : "spot savings");
  if (warm) out += fmt::format("  {:>14}", "warm pool");
  out += coverage ? fmt::format("  {:>11}\n", "SP coverage") : "\n";
  double unallocated = 0;
  for (std::size_t i = 0; i < r.groups.size(); ++i) {
    const auto& g = r.groups[i];
    std::string label = labels[i].size() > w ? labels[i].substr(0, w - 3) + "..." : labels[i];
    std::string spot = g.spot_savings ? money(*g.spot_savings) : "-";
    if (g.spot_savings_ratio) spot += fmt::format(" ({:.0f}%)", *g.spot_savings_ratio * 100);
    out += fmt::format("{:<{}}  {:>14}  {:>8}  {:>14}", label, w, money(g.cost), g.items, spot);
    if (warm) out += fmt::format("  {:>14}", g.warm_pool ? money(*g.warm_pool) : "-");
    out += coverage ? fmt::format("  {:>11}\n", coverage_text(g.sp_coverage)) : "\n";
    if (cost_detail::untagged(g, r.group_by)) unallocated += g.cost;
  }
  out += fmt::format("{:<{}}  {:>14}  {:>8}\n", "total", w, money(r.total), r.items);
  if (warm) {
    out += fmt::format("warm pool (instances kept after training, included in cost): {} {}\n",
                       money(r.warm_pool_total), r.currency);
  }
  if (std::any_of(r.group_by.begin(), r.group_by.end(),
                  [](const std::string& k) { return !cost_detail::is_pseudo_key(k); })) {
    double pct = r.total != 0 ? unallocated / r.total * 100 : 0;
    out += fmt::format("unallocated (untagged): {} {} ({:.1f}%)\n", money(unallocated), r.currency, pct);
  }
  if (r.malformed_rows > 0) {
    out += fmt::format("malformed rows skipped: {}", r.malformed_rows);
    if (!r.malformed_samples.empty()) {
      out += fmt::format(" (first at {}:{}: {})", r.malformed_samples[0].file, r.malformed_samples[0].line,
                         r.malformed_samples[0].reason);
    }
    out += "\n";
  }
  for (const auto& wmsg : r.warnings) out += "warning: " + wmsg + "\n";
  return out;
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string num(double v) { return fmt::format("{}", v); }  // shortest round-trip

}  // namespace

std::string cost_csv(const cost::CostReport& r) {
  std::string out;
  for (const auto& k : r.group_by) out += csv_field(k) + ",";
  out += "cost,items,spot_savings,spot_savings_ratio,warm_pool\r\n";
  for (const auto& g : r.groups) {
    for (const auto& k : r.group_by) {
      auto it = g.key.find(k);
      out += (it != g.key.end() && it->second ? csv_field(*it->second) : std::string()) + ",";
    }
    out += num(g.cost) + "," + std::to_string(g.items) + "," + (g.spot_savings ? num(*g.spot_savings) : "") + "," +
           (g.spot_savings_ratio ? num(*g.spot_savings_ratio) : "") + "," + (g.warm_pool ? num(*g.warm_pool) : "") +
           "\r\n";
  }
  return out;
}

}  // namespace sageguard::report
