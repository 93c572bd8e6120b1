// ROI per experiment: cost and best metric, Pareto frontier, marginal cost.
#include "cost/roi.h"

#include <algorithm>
#include <map>
#include <set>

namespace sageguard::cost {
namespace {

// Endpoints serve, they are not experiments: never counted. Processing and
// transform jobs join an experiment by tag or ExperimentConfig only.
std::optional<std::string> experiment_of(const JobRecord& r, const RoiOptions& o) {
  if (r.kind == JobKind::endpoint) return std::nullopt;
  if (o.group_by) {
    auto it = r.tags.find(*o.group_by);
    if (it == r.tags.end() || it->second.empty()) return std::nullopt;
    return it->second;
  }
  if (!r.experiment.empty()) return r.experiment;
  if (r.kind != JobKind::training) return std::nullopt;
  if (!r.tuning_job.empty()) return r.tuning_job;
  return r.name;
}

// a is better than b under the goal.
bool better(double a, double b, Goal g) { return g == Goal::max ? a > b : a < b; }

}  // namespace

const char* to_string(Goal g) { return g == Goal::max ? "max" : "min"; }

Result<RoiReport> roi_report(const std::vector<JobRecord>& records, const RoiOptions& o) {
  if (o.metric.empty()) return Error::make(ErrorCode::usage, "--metric is required");
  if (o.value_per_unit && o.goal == Goal::min) {
    return Error::make(ErrorCode::usage, "--value-per-unit needs --goal max (value grows with the metric)");
  }
  RoiReport rep;
  rep.metric = o.metric;
  rep.goal = o.goal;
  rep.grouped_by = o.group_by.value_or("experiment");
  std::map<std::string, RoiExperiment> by_name;
  std::set<std::string> metrics_found;
  for (const auto& r : records) {
    for (const auto& [m, v] : r.final_metrics) metrics_found.insert(m);
    auto name = experiment_of(r, o);
    if (r.kind == JobKind::endpoint) continue;
    if (!name) {
      ++rep.jobs_without_group;
      continue;
    }
    RoiExperiment& e = by_name[*name];
    e.name = *name;
    ++e.jobs;
    if (r.cost_usd) e.cost += *r.cost_usd;
    if (!r.hourly_usd) ++e.unpriced_jobs;
    else if (!r.billed_seconds || *r.billed_seconds <= 0) ++e.unbilled_jobs;
    auto m = r.final_metrics.find(o.metric);
    if (m != r.final_metrics.end() && (!e.metric || better(m->second, *e.metric, o.goal))) {
      e.metric = m->second;
      e.best_job = r.name;
    }
  }
  if (!metrics_found.count(o.metric)) {
    std::string found;
    for (const auto& m : metrics_found) found += (found.empty() ? "" : ", ") + m;
    return Error::make(ErrorCode::usage, "no job reports the metric '" + o.metric + "' (FinalMetricDataList); " +
                                             (found.empty() ? std::string("no job reports any final metric")
                                                            : "metrics found: " + found));
  }
  for (auto& [n, e] : by_name) {
    if (!e.metric) rep.warnings.push_back(n + ": no final value for metric '" + o.metric + "'");
    if (e.unpriced_jobs > 0 || e.unbilled_jobs > 0) {
      // Its cost is not known: listed apart, never ranked at a partial cost.
      std::string why;
      if (e.unpriced_jobs > 0) why = std::to_string(e.unpriced_jobs) + " job(s) without a known price";
      if (e.unbilled_jobs > 0) {
        why += (why.empty() ? "" : ", ") + std::to_string(e.unbilled_jobs) + " job(s) without billable time";
      }
      rep.warnings.push_back(n + ": cost not known (" + why + "): listed apart, not ranked");
      rep.incomplete.push_back(std::move(e));
      continue;
    }
    if (o.goal == Goal::max && e.metric && *e.metric > 0) e.cost_per_unit = e.cost / *e.metric;
    if (o.value_per_unit && e.metric) {
      e.value = *e.metric * *o.value_per_unit;
      if (e.cost > 0) e.roi = (*e.value - e.cost) / e.cost;
    }
    rep.total_cost += e.cost;
    rep.experiments.push_back(std::move(e));
  }
  std::sort(rep.experiments.begin(), rep.experiments.end(), [&](const RoiExperiment& a, const RoiExperiment& b) {
    if (a.cost != b.cost) return a.cost < b.cost;
    if (a.metric && b.metric && *a.metric != *b.metric) return better(*a.metric, *b.metric, o.goal);
    return a.name < b.name;
  });
  // Walking from cheapest up, a point is on the frontier when it beats every
  // cheaper-or-equal point; equal cost is resolved by the sort (best first).
  std::optional<double> best;
  const RoiExperiment* prev = nullptr;
  const RoiExperiment* last = nullptr;
  for (auto& e : rep.experiments) {
    if (!e.metric) continue;
    if (!best || better(*e.metric, *best, o.goal)) {
      e.pareto = true;
      best = e.metric;
      rep.frontier.push_back(e.name);
      prev = last;
      last = &e;
    }
  }
  if (prev && last) {
    double gain = std::abs(*last->metric - *prev->metric);
    if (gain > 0) {
      rep.marginal_cost_per_unit = (last->cost - prev->cost) / gain;
      rep.marginal_from = prev->name;
      rep.marginal_to = last->name;
    }
  }
  return rep;
}

}  // namespace sageguard::cost
