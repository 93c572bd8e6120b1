// `estimate --format text|json`.
#include <fmt/format.h>

#include <string_view>

#include "sageguard/report/cost_format.h"
#include "report/cost_reports.h"

namespace sageguard::report {

using nlohmann::json;

namespace {
json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

// `text` on lines of at most `width` bytes, broken between words (a word
// longer than a line stays whole), the first line after `first`, the others
// after `rest`.
std::string wrap_words(std::string_view text, std::string_view first, std::string_view rest, std::size_t width) {
  std::string out, line(first);
  bool empty = true;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    std::size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    if (j == i) break;
    std::string_view word = text.substr(i, j - i);
    if (!empty && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.assign(rest);
      empty = true;
    }
    if (!empty) line += ' ';
    line += word;
    empty = false;
    i = j;
  }
  if (!empty) out += line + "\n";
  return out;
}
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
      o["max_retry_attempts"] = e.max_retry_attempts ? json(*e.max_retry_attempts) : json(nullptr);
      o["billed_seconds_bound"] = e.billed_seconds_bound;
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
      std::string runtime = fmt::format("MaxRuntime {:.0f} s", e.max_runtime_seconds);
      if (e.max_jobs) runtime += fmt::format(", x {} jobs", *e.max_jobs);
      // Side by side: the bound on demand and the bound with spot on. Spot
      // bills the run (at most the on-demand price), never the wait for
      // capacity, so the spot bound is never the higher one.
      if (e.on_demand_max_usd) {
        std::string line = fmt::format("  on demand: {} USD ({})", money(*e.on_demand_max_usd), runtime);
        if (e.spot_max_usd) {
          line += fmt::format("   with spot: {} USD (run billed up to {:.0f} s; MaxWait {:.0f} s is not billed)",
                              money(*e.spot_max_usd), e.billed_seconds_bound, e.max_wait_seconds.value_or(0));
        }
        out += line + "\n";
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
  out += fmt::format("\nprices: {}, region {}\n", p.date.empty() ? std::string("undated") : p.date, p.region);
  out += wrap_words(p.source, "  source: ", "          ", 100);
  for (const auto& s : r.skipped) out += "skipped: " + s + "\n";
  return out;
}

}  // namespace sageguard::report
