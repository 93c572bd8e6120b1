// `roi --format json|text`.
#include <fmt/format.h>

#include <algorithm>

#include "sageguard/report/cost_format.h"
#include "report/cost_reports.h"

namespace sageguard::report {

using nlohmann::json;

namespace {
json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json experiment_json(const cost::RoiExperiment& e) {
  return {{"name", e.name}, {"cost", e.cost}, {"metric", opt(e.metric)}, {"pareto", e.pareto},
          {"jobs", e.jobs}, {"unpriced_jobs", e.unpriced_jobs}, {"unbilled_jobs", e.unbilled_jobs},
          {"best_job", e.best_job}, {"cost_per_unit", opt(e.cost_per_unit)}, {"value", opt(e.value)},
          {"roi", opt(e.roi)}};
}
}  // namespace

json roi_json_value(const cost::RoiReport& r) {
  json exps = json::array(), incomplete = json::array();
  for (const auto& e : r.experiments) exps.push_back(experiment_json(e));
  // Listed apart: "cost" is only what is known, never a ranking figure.
  for (const auto& e : r.incomplete) incomplete.push_back(experiment_json(e));
  json out = {{"metric", r.metric},
              {"goal", cost::to_string(r.goal)},
              {"group_by", r.grouped_by},
              {"experiments", exps},
              {"incomplete", incomplete},
              {"frontier", r.frontier},
              {"marginal_cost_per_unit", opt(r.marginal_cost_per_unit)},
              {"total_cost", r.total_cost},
              {"jobs_without_group", r.jobs_without_group},
              {"warnings", r.warnings}};
  if (r.marginal_from) out["marginal_from"] = *r.marginal_from;
  if (r.marginal_to) out["marginal_to"] = *r.marginal_to;
  return out;
}

std::string roi_json(const cost::RoiReport& r) { return roi_json_value(r).dump(2) + "\n"; }

std::string roi_text(const cost::RoiReport& r) {
  std::size_t w = 10;
  for (const auto& e : r.experiments) w = std::max(w, std::min<std::size_t>(e.name.size(), 50));
  std::string out = fmt::format("{:<{}}  {:>12}  {:>14}  {:>14}  {:>8}  pareto\n", r.grouped_by, w, "cost USD",
                                r.metric + " (" + cost::to_string(r.goal) + ")", "USD/unit", "ROI");
  for (const auto& e : r.experiments) {
    std::string name = e.name.size() > w ? e.name.substr(0, w - 3) + "..." : e.name;
    out += fmt::format("{:<{}}  {:>12}  {:>14}  {:>14}  {:>8}  {}\n", name, w, cost_detail::money(e.cost),
                       e.metric ? fmt::format("{:.6g}", *e.metric) : "-",
                       e.cost_per_unit ? cost_detail::money(*e.cost_per_unit) : "-",
                       e.roi ? fmt::format("{:.2f}", *e.roi) : "-", e.pareto ? "*" : "");
  }
  out += fmt::format("total cost: {} USD over {} experiment(s)\n", cost_detail::money(r.total_cost),
                     r.experiments.size());
  if (!r.incomplete.empty()) {
    out += "not ranked, cost not known (a job without a price or without billable time):\n";
    for (const auto& e : r.incomplete) {
      out += fmt::format("  {}: {} job(s), {} unpriced, {} without billable time; known cost {} USD; {} {}\n",
                         e.name, e.jobs, e.unpriced_jobs, e.unbilled_jobs, cost_detail::money(e.cost), r.metric,
                         e.metric ? fmt::format("{:.6g}", *e.metric) : "-");
    }
  }
  if (r.marginal_cost_per_unit) {
    out += fmt::format("marginal cost of the last improvement ({} -> {}): {} USD per unit of {}\n",
                       *r.marginal_from, *r.marginal_to, cost_detail::money(*r.marginal_cost_per_unit), r.metric);
  }
  if (r.jobs_without_group > 0) {
    if (r.grouped_by == "experiment") {
      out += fmt::format("{} processing/transform job(s) have no ExperimentConfig and are in no experiment\n",
                         r.jobs_without_group);
    } else {
      out += fmt::format("{} job(s) lack the tag '{}' and are in no experiment\n", r.jobs_without_group,
                         r.grouped_by);
    }
  }
  for (const auto& w2 : r.warnings) out += "warning: " + w2 + "\n";
  return out;
}

}  // namespace sageguard::report
