// `estimate --format text|json`.
#include <fmt/format.h>

#include "sageguard/report/cost_format.h"
#include "sageguard/report/cost_reports.h"

namespace sageguard::report {

using nlohmann::json;

namespace {
json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }
}  // namespace

json estimate_json_value(const cost::EstimateRun& r, const PriceInfo& p) {
  json specs = json::array();
  for (const auto& s : r.specs) {
    json o = {{"file", s.file}, {"kind", s.kind}, {"name", s.name}, {"pointer", s.pointer},
              {"priced", s.priced()}, {"over_budget", s.over_budget}};
    if (!s.problem.empty()) o["problem"] = s.problem;
    if (s.estimate) {
      const auto& e = *s.estimate;
      json items = json::array();
      for (const auto& it : e.items) {
        items.push_back({{"instance_type", it.instance_type}, {"component", cost::to_string(it.component)},
                         {"instance_count", it.instance_count}, {"hourly_usd", opt(it.hourly_usd)}});
      }
      o["items"] = items;
      o["spot"] = e.spot;
      o["max_runtime_seconds"] = e.max_runtime_seconds;
      o["max_wait_seconds"] = opt(e.max_wait_seconds);
      o["max_jobs"] = e.max_jobs ? json(*e.max_jobs) : json(nullptr);
      o["hourly_usd"] = opt(e.hourly_usd);
      o["on_demand_max_usd"] = opt(e.on_demand_max_usd);
      o["spot_max_usd"] = opt(e.spot_max_usd);
      o["worst_case_usd"] = opt(e.worst_case_usd);
      o["unknown_instance_types"] = e.unknown_instance_types;
      o["notes"] = e.notes;
    } else {
      o["worst_case_usd"] = nullptr;
    }
    specs.push_back(std::move(o));
  }
  return {{"currency", "USD"},
          {"region", p.region},
          {"prices", {{"source", p.source}, {"date", p.date}}},
          {"budget_usd", opt(r.budget_usd)},
          {"specs", specs},
          {"total_worst_case_usd", r.total_worst_case_usd},
          {"unpriceable", r.unpriceable},
          {"over_budget", r.over_budget},
          {"skipped", r.skipped}};
}

std::string estimate_json(const cost::EstimateRun& r, const PriceInfo& p) {
  return estimate_json_value(r, p).dump(2) + "\n";
}

std::string estimate_text(const cost::EstimateRun& r, const PriceInfo& p) {
  using cost_detail::money;
  std::string out;
  for (const auto& s : r.specs) {
    out += fmt::format("{} {} ({})\n", s.kind, s.name.empty() ? "(unnamed)" : s.name, s.file);
    if (s.estimate) {
      const auto& e = *s.estimate;
      for (const auto& it : e.items) {
        out += fmt::format("  {} x {} ({}): {}\n", it.instance_count, it.instance_type,
                           cost::to_string(it.component),
                           it.hourly_usd ? fmt::format("{:.3f}", *it.hourly_usd) + " USD/h each" : "NO PRICE");
      }
      if (e.hourly_usd) out += fmt::format("  per hour: {} USD\n", money(*e.hourly_usd));
      std::string runtime = fmt::format("{:.0f} s", e.max_runtime_seconds);
      if (e.max_jobs) runtime += fmt::format(", x {} jobs", *e.max_jobs);
      if (e.on_demand_max_usd) out += fmt::format("  on-demand bound (MaxRuntime {}): {} USD\n", runtime, money(*e.on_demand_max_usd));
      if (e.spot_max_usd) {
        out += fmt::format("  spot bound (MaxWait {:.0f} s): {} USD\n", e.max_wait_seconds.value_or(0),
                           money(*e.spot_max_usd));
      }
      if (e.worst_case_usd) out += fmt::format("  worst case: {} USD\n", money(*e.worst_case_usd));
      for (const auto& n : e.notes) out += "  note: " + n + "\n";
    }
    if (!s.problem.empty()) out += "  NOT PRICED: " + s.problem + "\n";
    if (s.over_budget) out += fmt::format("  OVER BUDGET: limit {} USD\n", money(*r.budget_usd));
  }
  out += fmt::format("{} spec(s), worst case total {} USD (priced specs)", r.specs.size(),
                     money(r.total_worst_case_usd));
  if (r.unpriceable > 0) out += fmt::format(", {} not priced", r.unpriceable);
  if (r.over_budget > 0) out += fmt::format(", {} over budget", r.over_budget);
  out += fmt::format("\nprices: {} ({}), region {}\n", p.source.substr(0, 120), p.date, p.region);
  for (const auto& s : r.skipped) out += "skipped: " + s + "\n";
  return out;
}

}  // namespace sageguard::report
