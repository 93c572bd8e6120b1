// Following a training job or endpoint until it settles (launch/deploy
// --wait): DescribeTrainingJob polling with backoff, a one-line status, and
// the end-of-job summary (billable time, spot savings, cost). The parsing and
// formatting functions are pure; a watch runs on the caller's thread.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "aws/json_client.h"
#include "sageguard/cost/price_oracle.h"

namespace sageguard::launch {

struct TrainingJobStatus {
  std::string name;
  std::string status;            // InProgress | Completed | Failed | Stopping | Stopped
  std::string secondary_status;  // Starting, Downloading, Training, Interrupted, ...
  std::string failure_reason;
  double elapsed_seconds = 0;    // since TrainingStartTime (else CreationTime)
  bool spot = false;
  int interruptions = 0;         // "Interrupted" entries in SecondaryStatusTransitions
  bool terminal() const;
};

// From a DescribeTrainingJob response; `now` bounds the elapsed time of a
// running job (a finished one uses its end time).
TrainingJobStatus parse_training_job_status(const nlohmann::json& describe,
                                            std::chrono::system_clock::time_point now);

// "fraud-v7  InProgress / Training  00:12:41  spot interruptions: 1".
std::string format_status_line(const TrainingJobStatus& s);

struct TrainingSummary {
  std::string name;
  std::string status;
  std::string failure_reason;
  std::optional<double> training_seconds;   // TrainingTimeInSeconds
  std::optional<double> billable_seconds;   // BillableTimeInSeconds
  bool spot = false;
  std::optional<double> spot_savings;       // 1 - billable / training (0..1)
  std::string instance_type;                // "ml.m5.xlarge" or "ml.m5.xlarge+ml.c5.xlarge"
  int64_t instance_count = 0;
  std::optional<double> hourly_usd;         // sum of price x count over instance groups
  std::optional<double> cost_usd;           // billable x hourly / 3600
  std::vector<std::string> notes;           // why a figure is missing
};

// docs/aws-notes.md, "Cost data": cost = billable x count x price / 3600, savings =
// 1 - billable / training. Missing inputs leave a figure unset with a note,
// never a zero.
TrainingSummary summarize_training_job(const nlohmann::json& describe,
                                       const cost::PriceOracle& prices, std::string_view region);

// Several lines: status, times, savings, cost.
std::string format_summary(const TrainingSummary& s);

enum class WatchEnd { completed, failed, stopped, interrupted };

struct WatchOptions {
  std::chrono::milliseconds first_poll{2000};
  std::chrono::milliseconds max_poll{30000};
  double backoff = 1.5;
  // Checked between polls and while sleeping; true = stop watching (the job
  // keeps running). Empty = never.
  std::function<bool()> interrupted;
  // Empty = really sleep (in short slices, checking `interrupted`).
  std::function<void(std::chrono::milliseconds)> sleeper;
  aws::Clock clock;  // empty = system_clock::now
  // Called after every successful describe.
  std::function<void(const nlohmann::json& describe)> on_update;
};

struct WatchResult {
  WatchEnd end = WatchEnd::interrupted;
  nlohmann::json last;  // the last Describe* response (null if none)
};

// Polls DescribeTrainingJob until Completed, Failed or Stopped.
Result<WatchResult> watch_training_job(aws::JsonClient& client, const std::string& name,
                                       const WatchOptions& opts);

// Polls DescribeEndpoint until InService (completed) or Failed.
Result<WatchResult> wait_for_endpoint(aws::JsonClient& client, const std::string& name,
                                      const WatchOptions& opts);

}  // namespace sageguard::launch
