// Cost of SageMaker jobs and endpoints from their Describe* responses (the
// API view, `cost --jobs`): one JobRecord per resource, then aggregation into
// the same CostReport the CUR readers produce. Pure functions over JSON;
// thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sageguard/cost/cost_report.h"
#include "sageguard/cost/price_oracle.h"
#include "sageguard/result.h"

namespace sageguard::cost {

enum class JobKind { training, processing, transform, endpoint };
const char* to_string(JobKind k);  // "TrainingJob", "ProcessingJob", "TransformJob", "Endpoint"

// One billed resource as derived from its description.
struct JobRecord {
  JobKind kind = JobKind::training;
  std::string name;
  std::string arn;
  std::string status;
  std::string instance_type;  // "a+b" for heterogeneous clusters
  int64_t instance_count = 0;
  std::optional<std::string> start;  // ISO-8601 UTC start of the billed interval
  std::string tuning_job;            // parent tuning job, if any
  std::string experiment;            // ExperimentConfig.ExperimentName
  std::string trial;                 // ExperimentConfig.TrialName
  std::map<std::string, std::string> tags;      // own tags over the tuning job's
  std::map<std::string, double> final_metrics;  // FinalMetricDataList
  // Billed seconds per instance (training: BillableTimeInSeconds; others:
  // end - start). nullopt = the service reports no billable time (unbilled).
  std::optional<double> billed_seconds;
  std::optional<double> training_seconds;  // TrainingTimeInSeconds
  bool spot = false;
  // Sum of price x count over the instance groups; nullopt = unknown price.
  std::optional<double> hourly_usd;
  // Training only: WarmPoolStatus.ResourceRetainedBillableTimeInSeconds, the
  // wall-clock seconds the cluster was kept warm after the job (billed per
  // instance, at the on-demand price), and its cost = seconds x hourly_usd /
  // 3600. The cost is part of cost_usd, and shown on its own by the reports.
  std::optional<double> warm_pool_seconds;
  std::optional<double> warm_pool_cost_usd;
  // Billed seconds x hourly_usd / 3600, plus the warm pool cost; nullopt
  // when unpriced or when nothing billable is reported.
  std::optional<double> cost_usd;
  // Spot only, when both times are known: 1 - billable / training, and the
  // money that is versus running on demand for TrainingTimeInSeconds.
  std::optional<double> spot_savings_ratio;
  std::optional<double> spot_savings_usd;
  std::vector<std::string> unknown_instance_types;
  std::vector<std::string> notes;
};

struct JobCostOptions {
  std::string region = "us-east-1";
  // "now" for running resources (endpoints InService, jobs without an end),
  // seconds since the epoch. Tests pin it.
  double now_epoch = 0;
  std::optional<std::string> since;  // YYYY-MM-DD inclusive, on the start day
  std::optional<std::string> until;  // YYYY-MM-DD inclusive
};

// Reads recorded Describe* responses: a JSON file holding one response or an
// array of them, a JSON-lines file, or a folder of such files (*.json,
// *.jsonl, recursively, sorted). Tags from ListTags go in "Tags" as
// [{"Key","Value"}]; an endpoint may carry its DescribeEndpointConfig
// response as "EndpointConfig". Error(input/io) naming the file.
Result<std::vector<nlohmann::json>> load_describes(const std::vector<std::string>& paths);

// Turns descriptions into records: training jobs counted once by name (a
// tuning job's description only lends its tags and name), processing and
// transform jobs by duration, endpoints by hours in service. Unknown
// descriptions are skipped. Filtering by since/until uses the start day.
std::vector<JobRecord> job_records(const std::vector<nlohmann::json>& describes,
                                   const PriceOracle& prices, const JobCostOptions& options);

// Groups records by tag keys and the pseudo-keys "job" (tuning job name for
// its training jobs, else the job's name), "kind", "instance-type", "month".
// source = "jobs"; untagged = a null key; groups by cost, highest first.
CostReport aggregate_jobs(const std::vector<JobRecord>& records, const std::vector<std::string>& group_by);

// Parses "2024-05-01T10:00:00Z", "...+00:00", fractions, or a JSON number of
// epoch seconds (the wire format). nullopt if neither.
std::optional<double> parse_time(const nlohmann::json& v);
std::string format_time(double epoch_seconds);  // "YYYY-MM-DDTHH:MM:SSZ"

}  // namespace sageguard::cost
