// Describe* responses -> JobRecord: the cost model of docs/aws-notes.md ("Cost data")
// applied to what the SageMaker API reports about each resource.
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <cstdio>
#include <ctime>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "cost/job_cost.h"

namespace sageguard::cost {
namespace {

using nlohmann::json;

const json* member(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string str(const json& obj, const char* name) {
  const json* v = member(obj, name);
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

std::optional<double> number(const json& obj, const char* name) {
  const json* v = member(obj, name);
  if (!v || !v->is_number()) return std::nullopt;
  return v->get<double>();
}

std::map<std::string, std::string> tags_of(const json& d) {
  std::map<std::string, std::string> out;
  const json* tags = member(d, "Tags");
  if (!tags || !tags->is_array()) return out;
  for (const auto& t : *tags) {
    std::string k = str(t, "Key");
    if (!k.empty()) out[k] = str(t, "Value");
  }
  return out;
}

// The part of an ARN after the last '/', e.g. the tuning job name.
std::string arn_name(const std::string& arn) {
  auto slash = arn.rfind('/');
  return slash == std::string::npos ? arn : arn.substr(slash + 1);
}

std::optional<double> time_of(const json& d, const char* key) {
  const json* v = member(d, key);
  return v ? parse_time(*v) : std::nullopt;
}

// The latest of the description's times: when it was recorded, at the earliest.
void note_described_at(JobRecord& r, const json& d, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (auto t = time_of(d, k); t && (!r.described_at || *t > *r.described_at)) r.described_at = t;
  }
}

bool in_progress(const std::string& status) { return status == "InProgress" || status == "Stopping"; }

struct Group {
  std::string type;
  int64_t count = 0;
};

// Prices the instance groups; fills hourly_usd and unknown_instance_types.
void price(JobRecord& r, const std::vector<Group>& groups, Component c, const PriceOracle& prices,
           const std::string& region) {
  double hourly = 0;
  bool known = true;
  std::string types;
  int64_t count = 0;
  std::set<std::string> unknown;
  for (const auto& g : groups) {
    if (!types.empty() && types.find(g.type) == std::string::npos) types += "+";
    if (types.find(g.type) == std::string::npos) types += g.type;
    count += g.count;
    auto p = prices.hourly(region, c, g.type);
    if (!p) {
      known = false;
      unknown.insert(g.type);
      continue;
    }
    hourly += *p * static_cast<double>(g.count);
  }
  r.instance_type = types;
  r.instance_count = count;
  r.unknown_instance_types.assign(unknown.begin(), unknown.end());
  if (groups.empty()) {
    known = false;
    r.notes.push_back("no instance type in the description");
  }
  if (known) r.hourly_usd = hourly;
  else if (!unknown.empty()) r.notes.push_back("no " + std::string(to_string(c)) + " price for " + *unknown.begin());
}

std::vector<Group> groups_from_resource_config(const json* rc) {
  std::vector<Group> out;
  if (!rc) return out;
  if (const json* ig = member(*rc, "InstanceGroups"); ig && ig->is_array() && !ig->empty()) {
    for (const auto& g : *ig) {
      Group x{str(g, "InstanceType"), static_cast<int64_t>(number(g, "InstanceCount").value_or(1))};
      if (!x.type.empty()) out.push_back(x);
    }
    return out;
  }
  Group x{str(*rc, "InstanceType"), static_cast<int64_t>(number(*rc, "InstanceCount").value_or(1))};
  if (!x.type.empty()) out.push_back(x);
  return out;
}

void finish_cost(JobRecord& r) {
  if (r.hourly_usd && r.billed_seconds) r.cost_usd = *r.billed_seconds * *r.hourly_usd / 3600.0;
  if (r.warm_pool_cost_usd) r.cost_usd = r.cost_usd.value_or(0.0) + *r.warm_pool_cost_usd;
}

JobRecord training(const json& d, const PriceOracle& prices, const JobCostOptions& o) {
  JobRecord r;
  r.kind = JobKind::training;
  r.name = str(d, "TrainingJobName");
  r.arn = str(d, "TrainingJobArn");
  r.status = str(d, "TrainingJobStatus");
  r.tuning_job = arn_name(str(d, "TuningJobArn"));
  r.tags = tags_of(d);
  if (const json* ec = member(d, "ExperimentConfig")) {
    r.experiment = str(*ec, "ExperimentName");
    r.trial = str(*ec, "TrialName");
  }
  if (const json* fm = member(d, "FinalMetricDataList"); fm && fm->is_array()) {
    for (const auto& m : *fm) {
      auto v = number(m, "Value");
      std::string n = str(m, "MetricName");
      if (v && !n.empty()) r.final_metrics[n] = *v;
    }
  }
  const json* spot = member(d, "EnableManagedSpotTraining");
  r.spot = spot && spot->is_boolean() && spot->get<bool>();
  std::optional<double> start = time_of(d, "TrainingStartTime");
  if (!start) start = time_of(d, "CreationTime");
  if (start) r.start = format_time(*start);
  r.running = in_progress(r.status);
  note_described_at(r, d, {"CreationTime", "TrainingStartTime", "TrainingEndTime", "LastModifiedTime"});
  price(r, groups_from_resource_config(member(d, "ResourceConfig")), Component::training, prices, o.region);
  r.billed_seconds = number(d, "BillableTimeInSeconds");
  r.training_seconds = number(d, "TrainingTimeInSeconds");
  // The billed run in wall-clock time (spot: billable time is spread over it).
  const double from = start.value_or(0);
  double to = from;
  if (auto end = time_of(d, "TrainingEndTime")) to = *end;
  else if (r.training_seconds) to = from + *r.training_seconds;
  else if (r.billed_seconds) to = from + *r.billed_seconds;
  if (start && to > from) {
    r.interval_start = from;
    r.interval_end = to;
  }
  if (!r.billed_seconds) r.notes.push_back("no BillableTimeInSeconds reported: not billed (yet)");
  // Warm pools (ResourceConfig.KeepAlivePeriodInSeconds) keep the cluster
  // after the job and bill the retained time per instance, on demand (spot
  // jobs cannot use them): seconds x InstanceCount x price.
  if (const json* wp = member(d, "WarmPoolStatus")) {
    if (auto w = number(*wp, "ResourceRetainedBillableTimeInSeconds"); w && *w > 0) {
      r.warm_pool_seconds = *w;
      if (r.hourly_usd) r.warm_pool_cost_usd = *w * *r.hourly_usd / 3600.0;
      std::string status = str(*wp, "Status");
      r.notes.push_back("warm pool" + (status.empty() ? std::string() : " (" + status + ")") + " retained " +
                        std::to_string(static_cast<int64_t>(*w)) + " billable seconds per instance, in the cost");
    }
  }
  finish_cost(r);
  if (r.spot && r.billed_seconds && r.training_seconds && *r.training_seconds > 0) {
    r.spot_savings_ratio = 1.0 - *r.billed_seconds / *r.training_seconds;
    if (r.hourly_usd) r.spot_savings_usd = (*r.training_seconds - *r.billed_seconds) * *r.hourly_usd / 3600.0;
  }
  return r;
}

// Processing and transform: end - start (now for a running job).
void duration(JobRecord& r, const json& d, const char* start_key, const char* end_key, const JobCostOptions& o) {
  auto start = member(d, start_key) ? parse_time(d[start_key]) : std::nullopt;
  auto end = member(d, end_key) ? parse_time(d[end_key]) : std::nullopt;
  auto created = member(d, "CreationTime") ? parse_time(d["CreationTime"]) : std::nullopt;
  r.running = in_progress(r.status);
  note_described_at(r, d, {"CreationTime", start_key, end_key, "LastModifiedTime"});
  if (start) r.start = format_time(*start);
  else if (created) r.start = format_time(*created);
  if (!start) {
    r.notes.push_back(std::string("no ") + start_key + ": not billed (yet)");
    return;
  }
  double stop = o.now_epoch;
  if (end) {
    stop = *end;
  } else if (r.status != "InProgress" && r.status != "Stopping") {
    r.notes.push_back(std::string("no ") + end_key + " on a finished job: not billed");
    return;
  } else {
    r.notes.push_back("running: counted up to " + format_time(o.now_epoch));
    r.priced_to_now = true;
  }
  r.billed_seconds = std::max(0.0, stop - *start);
  r.interval_start = *start;
  r.interval_end = *start + *r.billed_seconds;
}

JobRecord processing(const json& d, const PriceOracle& prices, const JobCostOptions& o) {
  JobRecord r;
  r.kind = JobKind::processing;
  r.name = str(d, "ProcessingJobName");
  r.arn = str(d, "ProcessingJobArn");
  r.status = str(d, "ProcessingJobStatus");
  r.tags = tags_of(d);
  if (const json* ec = member(d, "ExperimentConfig")) {
    r.experiment = str(*ec, "ExperimentName");
    r.trial = str(*ec, "TrialName");
  }
  const json* pr = member(d, "ProcessingResources");
  const json* cc = pr ? member(*pr, "ClusterConfig") : nullptr;
  price(r, groups_from_resource_config(cc), Component::processing, prices, o.region);
  duration(r, d, "ProcessingStartTime", "ProcessingEndTime", o);
  finish_cost(r);
  return r;
}

JobRecord transform(const json& d, const PriceOracle& prices, const JobCostOptions& o) {
  JobRecord r;
  r.kind = JobKind::transform;
  r.name = str(d, "TransformJobName");
  r.arn = str(d, "TransformJobArn");
  r.status = str(d, "TransformJobStatus");
  r.tags = tags_of(d);
  if (const json* ec = member(d, "ExperimentConfig")) {
    r.experiment = str(*ec, "ExperimentName");
    r.trial = str(*ec, "TrialName");
  }
  price(r, groups_from_resource_config(member(d, "TransformResources")), Component::batch_transform, prices,
        o.region);
  duration(r, d, "TransformStartTime", "TransformEndTime", o);
  finish_cost(r);
  return r;
}

// Endpoints: current instance count x hosting price x hours since creation
// (clipped to since/until). SageMaker does not report past scaling, so this
// is the current shape projected backwards; the notes say so.
JobRecord endpoint(const json& d, const PriceOracle& prices, const JobCostOptions& o) {
  JobRecord r;
  r.kind = JobKind::endpoint;
  r.name = str(d, "EndpointName");
  r.arn = str(d, "EndpointArn");
  r.status = str(d, "EndpointStatus");
  r.tags = tags_of(d);
  std::unordered_map<std::string, std::string> variant_type;
  if (const json* cfg = member(d, "EndpointConfig")) {
    if (const json* pv = member(*cfg, "ProductionVariants"); pv && pv->is_array()) {
      for (const auto& v : *pv) variant_type[str(v, "VariantName")] = str(v, "InstanceType");
    }
  }
  std::vector<Group> groups;
  if (const json* pv = member(d, "ProductionVariants"); pv && pv->is_array()) {
    for (const auto& v : *pv) {
      std::string type = str(v, "InstanceType");
      if (type.empty()) type = variant_type[str(v, "VariantName")];
      auto count = number(v, "CurrentInstanceCount");
      if (!count) count = number(v, "DesiredInstanceCount");
      if (type.empty()) {
        r.notes.push_back("variant " + str(v, "VariantName") + ": no instance type (serverless or config missing)");
        continue;
      }
      groups.push_back(Group{type, static_cast<int64_t>(count.value_or(0))});
    }
  }
  price(r, groups, Component::hosting, prices, o.region);
  auto created = member(d, "CreationTime") ? parse_time(d["CreationTime"]) : std::nullopt;
  if (!created) {
    r.notes.push_back("no CreationTime: hours in service unknown");
    return r;
  }
  note_described_at(r, d, {"CreationTime", "LastModifiedTime"});
  double from = *created;
  double end = o.now_epoch;
  r.running = r.status == "InService" || r.status == "Updating" || r.status == "SystemUpdating";
  r.priced_to_now = r.running;
  if (!r.running) {
    auto modified = member(d, "LastModifiedTime") ? parse_time(d["LastModifiedTime"]) : std::nullopt;
    end = modified.value_or(*created);
    r.notes.push_back("status " + r.status + ": counted up to LastModifiedTime");
  }
  // Only the hours inside --since/--until count.
  if (o.since) from = std::max(from, parse_time(json(*o.since)).value_or(from));
  if (o.until) end = std::min(end, parse_time(json(*o.until)).value_or(end) + 86400.0);
  r.start = format_time(from);
  r.billed_seconds = std::max(0.0, end - from);
  r.interval_start = from;
  r.interval_end = from + *r.billed_seconds;
  r.notes.push_back("hours in service from CreationTime with the current instance count");
  finish_cost(r);
  return r;
}

bool in_range(const JobRecord& r, const JobCostOptions& o) {
  if (!o.since && !o.until) return true;
  if (!r.start) return false;
  std::string day = r.start->substr(0, 10);
  if (o.since && day < *o.since) return false;
  if (o.until && day > *o.until) return false;
  return true;
}

}  // namespace

const char* to_string(JobKind k) {
  switch (k) {
    case JobKind::training: return "TrainingJob";
    case JobKind::processing: return "ProcessingJob";
    case JobKind::transform: return "TransformJob";
    case JobKind::endpoint: return "Endpoint";
  }
  return "TrainingJob";
}

std::vector<JobRecord> job_records(const std::vector<json>& describes, const PriceOracle& prices,
                                   const JobCostOptions& o) {
  // Tuning jobs lend their tags to the training jobs they launched.
  std::unordered_map<std::string, std::map<std::string, std::string>> tuning_tags;
  for (const auto& d : describes) {
    std::string n = str(d, "HyperParameterTuningJobName");
    if (!n.empty()) tuning_tags[n] = tags_of(d);
  }
  std::vector<JobRecord> out;
  std::unordered_set<std::string> seen;  // "kind/name": a job listed twice counts once
  for (std::size_t i = 0; i < describes.size(); ++i) {
    const json& d = describes[i];
    std::optional<JobRecord> r;
    if (member(d, "TrainingJobName") && !member(d, "HyperParameterTuningJobName")) r = training(d, prices, o);
    else if (member(d, "ProcessingJobName")) r = processing(d, prices, o);
    else if (member(d, "TransformJobName")) r = transform(d, prices, o);
    else if (member(d, "EndpointName") && member(d, "EndpointConfigName")) r = endpoint(d, prices, o);
    if (!r || r->name.empty()) continue;
    r->source = i;
    if (!seen.insert(std::string(to_string(r->kind)) + "/" + r->name).second) continue;
    if (!r->tuning_job.empty()) {
      auto it = tuning_tags.find(r->tuning_job);
      if (it != tuning_tags.end()) {
        for (const auto& [k, v] : it->second) r->tags.emplace(k, v);  // own tags win
      }
    }
    if (in_range(*r, o)) out.push_back(std::move(*r));
  }
  return out;
}

std::optional<double> parse_time(const json& v) {
  if (v.is_number()) {
    double t = v.get<double>();
    // The wire format is seconds; some recorders write milliseconds.
    return t > 1e11 ? t / 1000.0 : t;
  }
  if (!v.is_string()) return std::nullopt;
  const std::string s = v.get<std::string>();
  int y, mo, da, h = 0, mi = 0;
  double sec = 0;
  char sep = 0;
  int used = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%lf%n", &y, &mo, &da, &sep, &h, &mi, &sec, &used) < 7) {
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &y, &mo, &da, &used) < 3) return std::nullopt;
    sep = 'T';
  }
  if (sep != 'T' && sep != ' ') return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = da;
  tm.tm_hour = h;
  tm.tm_min = mi;
  double t = static_cast<double>(timegm(&tm)) + sec;
  // Zone offset: "Z", "+HH:MM", "-HH:MM" (none = UTC).
  std::string rest = s.substr(static_cast<std::size_t>(used));
  if (rest.size() >= 6 && (rest[0] == '+' || rest[0] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(rest.c_str() + 1, "%2d:%2d", &oh, &om) == 2) {
      double off = (oh * 3600 + om * 60) * (rest[0] == '+' ? 1 : -1);
      t -= off;
    }
  }
  return t;
}

std::string format_time(double epoch) {
  std::time_t t = static_cast<std::time_t>(std::floor(epoch));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace sageguard::cost
