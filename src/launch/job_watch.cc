// Status and summary of a training job from DescribeTrainingJob, and the
// polling loops behind --wait.
#include "launch/job_watch.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <thread>

#include "sageguard/aws/credentials_chain.h"

namespace sageguard::launch {

namespace {

using nlohmann::json;
using Clock = std::chrono::system_clock;

const json* member(const json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string str(const json& obj, const char* key) {
  const json* v = member(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

std::optional<double> num(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

// JSON 1.1 sends timestamps as epoch seconds; accept ISO 8601 text as well
// (recorded responses, other tools).
std::optional<Clock::time_point> timestamp(const json& obj, const char* key) {
  const json* v = member(obj, key);
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) {
    auto ms = std::chrono::milliseconds(static_cast<int64_t>(std::llround(v->get<double>() * 1000)));
    return Clock::time_point(std::chrono::duration_cast<Clock::duration>(ms));
  }
  if (v->is_string()) return aws::parse_iso8601(v->get<std::string>());
  return std::nullopt;
}

std::string hms(double seconds) {
  const auto s = static_cast<int64_t>(std::max(0.0, seconds));
  return fmt::format("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

bool is_spot(const json& d) {
  const json* v = member(d, "EnableManagedSpotTraining");
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

void sleep_for(const WatchOptions& o, std::chrono::milliseconds d) {
  if (o.sleeper) return o.sleeper(d);
  // Short slices so Ctrl-C is honoured within a fraction of a second.
  const auto slice = std::chrono::milliseconds(100);
  auto left = d;
  while (left.count() > 0) {
    if (o.interrupted && o.interrupted()) return;
    auto step = std::min(left, slice);
    std::this_thread::sleep_for(step);
    left -= step;
  }
}

// One polling loop for both resources: `end_of` maps a description to its
// terminal state, or nullopt while it is still changing.
Result<WatchResult> poll(aws::JsonClient& client, const std::string& operation, const json& key,
                         const WatchOptions& o,
                         const std::function<std::optional<WatchEnd>(const json&)>& end_of) {
  WatchResult r;
  auto delay = o.first_poll;
  while (true) {
    if (o.interrupted && o.interrupted()) return r;
    SG_ASSIGN_OR_RETURN(json d, client.call(operation, key));
    r.last = std::move(d);
    if (o.on_update) o.on_update(r.last);
    if (auto end = end_of(r.last)) {
      r.end = *end;
      return r;
    }
    sleep_for(o, delay);
    delay = std::min(o.max_poll, std::chrono::milliseconds(static_cast<int64_t>(
                                     static_cast<double>(delay.count()) * o.backoff)));
  }
}

}  // namespace

bool TrainingJobStatus::terminal() const {
  return status == "Completed" || status == "Failed" || status == "Stopped";
}

TrainingJobStatus parse_training_job_status(const json& d, Clock::time_point now) {
  TrainingJobStatus s;
  s.name = str(d, "TrainingJobName");
  s.status = str(d, "TrainingJobStatus");
  s.secondary_status = str(d, "SecondaryStatus");
  s.failure_reason = str(d, "FailureReason");
  s.spot = is_spot(d);
  auto start = timestamp(d, "TrainingStartTime");
  if (!start) start = timestamp(d, "CreationTime");
  auto end = timestamp(d, "TrainingEndTime");
  if (start) {
    const auto until = end && s.terminal() ? *end : now;
    s.elapsed_seconds = std::chrono::duration<double>(until - *start).count();
  }
  if (const json* tr = member(d, "SecondaryStatusTransitions"); tr && tr->is_array()) {
    for (const auto& t : *tr) {
      if (str(t, "Status") == "Interrupted") ++s.interruptions;
    }
  }
  return s;
}

std::string format_status_line(const TrainingJobStatus& s) {
  std::string line = fmt::format("{}  {}", s.name, s.status.empty() ? "?" : s.status);
  if (!s.secondary_status.empty()) line += " / " + s.secondary_status;
  line += "  " + hms(s.elapsed_seconds);
  if (s.spot) line += fmt::format("  spot interruptions: {}", s.interruptions);
  return line;
}

TrainingSummary summarize_training_job(const json& d, const cost::PriceOracle& prices,
                                       std::string_view region) {
  TrainingSummary s;
  s.name = str(d, "TrainingJobName");
  s.status = str(d, "TrainingJobStatus");
  s.failure_reason = str(d, "FailureReason");
  s.spot = is_spot(d);
  s.training_seconds = num(d, "TrainingTimeInSeconds");
  s.billable_seconds = num(d, "BillableTimeInSeconds");

  // Instance groups (heterogeneous clusters) or the single type.
  std::vector<std::pair<std::string, int64_t>> groups;
  if (const json* rc = member(d, "ResourceConfig")) {
    const json* ig = member(*rc, "InstanceGroups");
    if (ig != nullptr && ig->is_array() && !ig->empty()) {
      for (const auto& g : *ig) {
        auto c = num(g, "InstanceCount");
        groups.emplace_back(str(g, "InstanceType"), c ? static_cast<int64_t>(*c) : 1);
      }
    } else {
      auto c = num(*rc, "InstanceCount");
      groups.emplace_back(str(*rc, "InstanceType"), c ? static_cast<int64_t>(*c) : 1);
    }
  }
  double hourly = 0;
  bool priced = !groups.empty();
  for (const auto& [type, count] : groups) {
    if (!s.instance_type.empty()) s.instance_type += "+";
    s.instance_type += type;
    s.instance_count += count;
    auto p = type.empty() ? std::nullopt : prices.hourly(region, cost::Component::training, type);
    if (!p) {
      priced = false;
      s.notes.push_back(fmt::format("no training price for '{}' in {}", type.empty() ? "?" : type,
                                    region));
    } else {
      hourly += *p * static_cast<double>(count);
    }
  }
  if (groups.empty()) s.notes.push_back("the description has no ResourceConfig");
  if (priced) s.hourly_usd = hourly;

  if (!s.billable_seconds) {
    s.notes.push_back("BillableTimeInSeconds not reported (yet): cost unknown");
  } else if (s.hourly_usd) {
    s.cost_usd = *s.billable_seconds * *s.hourly_usd / 3600.0;
  }
  if (s.training_seconds && s.billable_seconds && *s.training_seconds > 0) {
    s.spot_savings = 1.0 - *s.billable_seconds / *s.training_seconds;
  }
  return s;
}

std::string format_summary(const TrainingSummary& s) {
  std::string out = fmt::format("training job {}: {}\n", s.name, s.status);
  if (!s.failure_reason.empty()) out += fmt::format("  failure reason: {}\n", s.failure_reason);
  if (s.training_seconds) {
    out += fmt::format("  training time:  {} ({:.0f} s)\n", hms(*s.training_seconds),
                       *s.training_seconds);
  }
  if (s.billable_seconds) {
    out += fmt::format("  billable time:  {} ({:.0f} s) x {} instance(s)\n", hms(*s.billable_seconds),
                       *s.billable_seconds, s.instance_count);
  }
  if (s.spot && s.spot_savings) {
    out += fmt::format("  spot savings:   {:.1f}%\n", *s.spot_savings * 100.0);
  } else if (!s.spot) {
    out += "  spot savings:   none (on-demand)\n";
  }
  if (s.cost_usd) {
    out += fmt::format("  cost:           {:.2f} USD ({} at {:.3f} USD/h)\n", *s.cost_usd,
                       s.instance_type, *s.hourly_usd);
  }
  for (const auto& n : s.notes) out += "  note: " + n + "\n";
  return out;
}

Result<WatchResult> watch_training_job(aws::JsonClient& client, const std::string& name,
                                       const WatchOptions& opts) {
  return poll(client, "DescribeTrainingJob", {{"TrainingJobName", name}}, opts,
              [](const json& d) -> std::optional<WatchEnd> {
                const std::string st = str(d, "TrainingJobStatus");
                if (st == "Completed") return WatchEnd::completed;
                if (st == "Failed") return WatchEnd::failed;
                if (st == "Stopped") return WatchEnd::stopped;
                return std::nullopt;
              });
}

Result<WatchResult> wait_for_endpoint(aws::JsonClient& client, const std::string& name,
                                      const WatchOptions& opts) {
  return poll(client, "DescribeEndpoint", {{"EndpointName", name}}, opts,
              [](const json& d) -> std::optional<WatchEnd> {
                const std::string st = str(d, "EndpointStatus");
                if (st == "InService") return WatchEnd::completed;
                if (st == "Failed") return WatchEnd::failed;
                return std::nullopt;
              });
}

}  // namespace sageguard::launch
