// Return on investment per experiment (`sageguard roi`): each experiment's
// cost (from JobRecords) against its best final metric, the Pareto frontier
// of cost vs metric, cost per unit and the marginal cost of the last
// improvement. Pure function; thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cost/job_cost.h"
#include "sageguard/result.h"

namespace sageguard::cost {

enum class Goal { max, min };

struct RoiOptions {
  std::string metric;                    // FinalMetricDataList MetricName (exact)
  Goal goal = Goal::max;
  std::optional<std::string> group_by;   // a tag key; default: experiment (see roi_report)
  std::optional<double> value_per_unit;  // USD per unit of metric (goal max only)
};

struct RoiExperiment {
  std::string name;
  double cost = 0;                 // all priced jobs of the experiment
  uint64_t jobs = 0;
  uint64_t unpriced_jobs = 0;      // instance price unknown: not in cost
  uint64_t unbilled_jobs = 0;      // no billable time reported (running, not started)
  std::optional<double> metric;    // best final value among its jobs
  std::string best_job;            // the job that reached it
  bool pareto = false;
  std::optional<double> cost_per_unit;  // cost / metric (goal max, metric > 0)
  std::optional<double> value;          // metric x value_per_unit
  std::optional<double> roi;            // (value - cost) / cost
};

struct RoiReport {
  std::string metric;
  Goal goal = Goal::max;
  std::string grouped_by;  // the tag key, or "experiment"
  // Experiments whose every job is priced and billed, by cost, cheapest
  // first: only these are ranked and plotted.
  std::vector<RoiExperiment> experiments;
  // Experiments with a job of unknown price or without billable time: their
  // cost is not known, so they are listed apart, never ranked, plotted or on
  // the frontier (a partial cost would look cheap). By name.
  std::vector<RoiExperiment> incomplete;
  // Frontier names, cheapest first: no other experiment is at most as
  // expensive and at least as good with one of the two strictly.
  std::vector<std::string> frontier;
  // USD per unit of metric gained by the last frontier step (the most
  // expensive frontier point vs the one before it); nullopt with < 2 points.
  std::optional<double> marginal_cost_per_unit;
  std::optional<std::string> marginal_from, marginal_to;
  double total_cost = 0;  // of the ranked experiments
  uint64_t jobs_without_group = 0;  // jobs that fell in no experiment
  std::vector<std::string> warnings;
};

// Experiments are, in order of preference: the --group-by tag value; else
// ExperimentConfig.ExperimentName; else (training jobs only) the tuning job,
// else the job name. Endpoints are never part of an experiment; jobs in no
// experiment (tag missing, processing without ExperimentConfig) are counted
// in jobs_without_group.
// Error(usage) on an empty metric or value_per_unit with goal min, and when
// no job reports the metric (the message lists the metrics jobs do report).
Result<RoiReport> roi_report(const std::vector<JobRecord>& records, const RoiOptions& options);

const char* to_string(Goal g);  // "max", "min"

}  // namespace sageguard::cost
