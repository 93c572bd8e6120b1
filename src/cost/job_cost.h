// Cost of SageMaker jobs and endpoints from their Describe* responses (the
// API view, `cost --jobs`): one JobRecord per resource, then aggregation into
// the same CostReport the CUR readers produce. Pure functions over JSON;
// thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <cstddef>
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
  // The billed interval in wall-clock time, epoch seconds (training: start to
  // TrainingEndTime; others: start to end, or to now when running). The
  // warm pool follows it. Used to split cost across calendar months.
  std::optional<double> interval_start, interval_end;
  // Index, in the descriptions given to job_records, of the one it came from.
  std::size_t source = 0;
  // Still running when described (InProgress, Stopping, InService,
  // Updating, ...). priced_to_now: its cost runs up to
  // JobCostOptions::now_epoch (a running processing or transform job, an
  // endpoint in service); a running training job has no billable time yet.
  bool running = false;
  bool priced_to_now = false;
  // The latest time the description states (LastModifiedTime, an end or a
  // start), epoch seconds: how old the record of a running resource is.
  std::optional<double> described_at;
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

// Recorded descriptions and the file each came from (files[i] for items[i]).
struct Describes {
  std::vector<nlohmann::json> items;
  std::vector<std::string> files;
};

// Reads recorded Describe* responses: a JSON file holding one response or an
// array of them, a JSON-lines file, or a folder of such files (*.json,
// *.jsonl, *.ndjson, recursively, sorted), as `aws sagemaker describe-...`
// prints them. Put together after reading:
//  - an endpoint gets the DescribeEndpointConfig response whose
//    EndpointConfigName it names (unless it carries one as "EndpointConfig");
//  - tags: "Tags" in a description, a ListTags response ({"Tags": [...]})
//    in a file named after the resource (NAME.json or NAME.tags.json), or
//    JSON lines of {"arn": ARN, "tags": [{"Key","Value"}] or {KEY: VALUE}}
//    (also "ResourceArn"/"Tags"); recorded tags win over those in the
//    description. A ListTags file or ARN that matches nothing is an
//    Error(input) naming it, so a typo never leaves spend untagged silently.
// Error(input/io) naming the file.
Result<Describes> load_describe_files(const std::vector<std::string>& paths);
// The same, descriptions only.
Result<std::vector<nlohmann::json>> load_describes(const std::vector<std::string>& paths);

// Offline (recorded descriptions), what `now` means must be said: the cost
// of a record priced up to now depends on when it is read. Error(usage)
// naming the files of records priced_to_now when `as_of` is not given; else
// warnings for running records described more than 30 days before as_of
// (or `now`, epoch seconds, without one): they have most likely finished
// since. `files`: Describes::files.
Result<std::vector<std::string>> check_offline_records(const std::vector<JobRecord>& records,
                                                       const std::vector<std::string>& files,
                                                       std::optional<double> as_of, double now);

// Turns descriptions into records: training jobs counted once by name (a
// tuning job's description only lends its tags and name), processing and
// transform jobs by duration, endpoints by hours in service. Unknown
// descriptions are skipped. Filtering by since/until uses the start day.
std::vector<JobRecord> job_records(const std::vector<nlohmann::json>& describes,
                                   const PriceOracle& prices, const JobCostOptions& options);

// Groups records by tag keys and the pseudo-keys "job" (tuning job name for
// its training jobs, else the job's name), "kind", "instance-type", "month",
// "account" (the account field of the resource's ARN).
// source = "jobs"; untagged = a null key; groups by cost, highest first.
// "month" (and by_month) splits each record's cost across the UTC calendar
// months of its billed interval (and of its warm pool after it), in
// proportion to the time in each; a record counts as an item in every month
// it has cost in, its unbilled/unpriced flags in its start month.
CostReport aggregate_jobs(const std::vector<JobRecord>& records, const std::vector<std::string>& group_by);

// Parses "2024-05-01T10:00:00Z", "...+00:00", fractions, or a JSON number of
// epoch seconds (the wire format). nullopt if neither.
std::optional<double> parse_time(const nlohmann::json& v);
std::string format_time(double epoch_seconds);  // "YYYY-MM-DDTHH:MM:SSZ"

}  // namespace sageguard::cost
