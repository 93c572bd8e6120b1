// Worst-case estimate of a Create*Job request from its instance groups and
// stopping condition (docs/aws-notes.md, "Cost data").
#include "cost/estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace sageguard::cost {
namespace {

using nlohmann::json;

// One way a job can run: tuning with several definitions or instance configs
// gives alternatives, and the worst of them bounds each training job.
struct Spec {
  std::vector<EstimateItem> items;
  bool spot = false;
  double runtime = kDefaultMaxRuntimeSeconds;
  std::optional<double> wait;
  // Billed time is the run, never the wait for capacity, and MaxRuntime
  // bounds every retry attempt together; MaxWait (>= MaxRuntime when valid)
  // bounds the spot run as well.
  double billed() const { return spot && wait ? std::min(runtime, *wait) : runtime; }
  bool unbounded = false;  // no runtime limit exists (transform)
};

Error bad(const std::string& what) { return Error::make(ErrorCode::input, what); }

const json* member(const json& obj, const char* name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<int64_t> positive_int(const json& v, const std::string& path) {
  if (!v.is_number_integer() && !(v.is_number_float() && v.get<double>() == static_cast<int64_t>(v.get<double>()))) {
    return bad(path + " must be an integer");
  }
  int64_t n = v.is_number_integer() ? v.get<int64_t>() : static_cast<int64_t>(v.get<double>());
  if (n < 1) return bad(path + " must be at least 1");
  return n;
}

Result<EstimateItem> item_from(const json& obj, const std::string& path, Component c, bool count_required) {
  EstimateItem item;
  item.component = c;
  const json* type = member(obj, "InstanceType");
  if (!type) return bad(path + ".InstanceType is missing");
  if (!type->is_string()) return bad(path + ".InstanceType must be a string");
  item.instance_type = type->get<std::string>();
  if (const json* count = member(obj, "InstanceCount")) {
    SG_ASSIGN_OR_RETURN(item.instance_count, positive_int(*count, path + ".InstanceCount"));
  } else if (count_required) {
    return bad(path + ".InstanceCount is missing");
  }
  return item;
}

// StoppingCondition + EnableManagedSpotTraining of a training job or of a
// tuning job's training definition.
Status read_stopping(const json& def, Spec& spec, Estimate& est) {
  std::vector<std::string>& notes = est.notes;
  if (const json* spot = member(def, "EnableManagedSpotTraining")) {
    if (!spot->is_boolean()) return bad("EnableManagedSpotTraining must be a boolean");
    spec.spot = spot->get<bool>();
  }
  const json* sc = member(def, "StoppingCondition");
  const json* rt = sc ? member(*sc, "MaxRuntimeInSeconds") : nullptr;
  if (rt) {
    SG_ASSIGN_OR_RETURN(int64_t r, positive_int(*rt, "StoppingCondition.MaxRuntimeInSeconds"));
    spec.runtime = static_cast<double>(r);
  } else {
    notes.push_back("StoppingCondition.MaxRuntimeInSeconds absent: assumed the SageMaker default of 86400 s");
  }
  if (spec.spot) {
    const json* mw = sc ? member(*sc, "MaxWaitTimeInSeconds") : nullptr;
    if (mw) {
      SG_ASSIGN_OR_RETURN(int64_t w, positive_int(*mw, "StoppingCondition.MaxWaitTimeInSeconds"));
      spec.wait = static_cast<double>(w);
    } else {
      // SageMaker rejects spot without MaxWait; bound by runtime meanwhile.
      notes.push_back("spot without StoppingCondition.MaxWaitTimeInSeconds: bounded by MaxRuntime");
      spec.wait = spec.runtime;
    }
  }
  const json* rs = member(def, "RetryStrategy");
  if (const json* n = rs ? member(*rs, "MaximumRetryAttempts") : nullptr) {
    SG_ASSIGN_OR_RETURN(int64_t attempts, positive_int(*n, "RetryStrategy.MaximumRetryAttempts"));
    est.max_retry_attempts = std::max(est.max_retry_attempts.value_or(0), attempts);
    notes.push_back(fmt::format("RetryStrategy allows {} retries: MaxRuntimeInSeconds bounds all attempts "
                                "together, so retries do not raise the bound",
                                attempts));
  }
  return Status::success();
}

Result<std::vector<Spec>> training_specs(const json& def, const std::string& path, Estimate& est) {
  Spec base;
  SG_TRY(read_stopping(def, base, est));
  std::vector<Spec> out;
  if (const json* hrc = member(def, "HyperParameterTuningResourceConfig")) {
    if (const json* cfgs = member(*hrc, "InstanceConfigs"); cfgs && cfgs->is_array()) {
      for (size_t i = 0; i < cfgs->size(); ++i) {
        Spec s = base;
        SG_ASSIGN_OR_RETURN(auto item, item_from((*cfgs)[i], path + ".HyperParameterTuningResourceConfig.InstanceConfigs[" +
                                                                 std::to_string(i) + "]",
                                                 Component::training, true));
        s.items.push_back(std::move(item));
        out.push_back(std::move(s));
      }
      if (!out.empty()) return out;
    }
  }
  const json* rc = member(def, "ResourceConfig");
  if (!rc) return bad(path + ".ResourceConfig is missing");
  if (const json* groups = member(*rc, "InstanceGroups"); groups && groups->is_array() && !groups->empty()) {
    for (size_t i = 0; i < groups->size(); ++i) {
      SG_ASSIGN_OR_RETURN(auto item, item_from((*groups)[i], path + ".ResourceConfig.InstanceGroups[" + std::to_string(i) + "]",
                                               Component::training, true));
      base.items.push_back(std::move(item));
    }
  } else {
    SG_ASSIGN_OR_RETURN(auto item, item_from(*rc, path + ".ResourceConfig", Component::training, true));
    base.items.push_back(std::move(item));
  }
  out.push_back(std::move(base));
  return out;
}

}  // namespace

const char* to_string(RequestKind k) {
  switch (k) {
    case RequestKind::training: return "TrainingJob";
    case RequestKind::tuning: return "HyperParameterTuningJob";
    case RequestKind::processing: return "ProcessingJob";
    case RequestKind::transform: return "TransformJob";
  }
  return "TrainingJob";
}

Result<RequestKind> detect_request_kind(const json& r) {
  if (!r.is_object()) return bad("request must be a JSON object");
  if (r.contains("HyperParameterTuningJobConfig")) return RequestKind::tuning;
  if (r.contains("ProcessingResources")) return RequestKind::processing;
  if (r.contains("TransformResources")) return RequestKind::transform;
  if (r.contains("ResourceConfig") || r.contains("AlgorithmSpecification")) return RequestKind::training;
  return bad("cannot tell the request kind: no ResourceConfig, HyperParameterTuningJobConfig, "
             "ProcessingResources or TransformResources");
}

Result<Estimate> estimate_request(const json& r, std::string_view region, const PriceOracle& prices,
                                  std::optional<RequestKind> kind) {
  Estimate est;
  est.region = std::string(region);
  if (kind) {
    est.kind = *kind;
  } else {
    SG_ASSIGN_OR_RETURN(est.kind, detect_request_kind(r));
  }
  std::vector<Spec> specs;
  int64_t jobs = 1;
  switch (est.kind) {
    case RequestKind::training: {
      SG_ASSIGN_OR_RETURN(specs, training_specs(r, "", est));
      break;
    }
    case RequestKind::tuning: {
      const json* cfg = member(r, "HyperParameterTuningJobConfig");
      const json* limits = cfg ? member(*cfg, "ResourceLimits") : nullptr;
      const json* max_jobs = limits ? member(*limits, "MaxNumberOfTrainingJobs") : nullptr;
      if (max_jobs) {
        SG_ASSIGN_OR_RETURN(jobs, positive_int(*max_jobs, "ResourceLimits.MaxNumberOfTrainingJobs"));
        est.max_jobs = jobs;
      } else {
        est.notes.push_back("ResourceLimits.MaxNumberOfTrainingJobs absent: the number of training jobs is unbounded");
      }
      std::vector<const json*> defs;
      if (const json* d = member(r, "TrainingJobDefinition")) defs.push_back(d);
      if (const json* ds = member(r, "TrainingJobDefinitions"); ds && ds->is_array()) {
        for (const auto& d : *ds) defs.push_back(&d);
      }
      if (defs.empty()) return bad("tuning job has no TrainingJobDefinition(s)");
      for (size_t i = 0; i < defs.size(); ++i) {
        SG_ASSIGN_OR_RETURN(auto s, training_specs(*defs[i], "TrainingJobDefinition", est));
        for (auto& x : s) specs.push_back(std::move(x));
      }
      break;
    }
    case RequestKind::processing: {
      const json* pr = member(r, "ProcessingResources");
      const json* cc = pr ? member(*pr, "ClusterConfig") : nullptr;
      if (!cc) return bad("ProcessingResources.ClusterConfig is missing");
      Spec s;
      SG_ASSIGN_OR_RETURN(auto item, item_from(*cc, "ProcessingResources.ClusterConfig", Component::processing, true));
      s.items.push_back(std::move(item));
      const json* sc = member(r, "StoppingCondition");
      if (const json* rt = sc ? member(*sc, "MaxRuntimeInSeconds") : nullptr) {
        SG_ASSIGN_OR_RETURN(int64_t v, positive_int(*rt, "StoppingCondition.MaxRuntimeInSeconds"));
        s.runtime = static_cast<double>(v);
      } else {
        est.notes.push_back("StoppingCondition.MaxRuntimeInSeconds absent: assumed the SageMaker default of 86400 s");
      }
      specs.push_back(std::move(s));
      break;
    }
    case RequestKind::transform: {
      const json* tr = member(r, "TransformResources");
      if (!tr) return bad("TransformResources is missing");
      Spec s;
      SG_ASSIGN_OR_RETURN(auto item, item_from(*tr, "TransformResources", Component::batch_transform, true));
      s.items.push_back(std::move(item));
      s.unbounded = true;
      est.notes.push_back("transform jobs have no maximum runtime: only the hourly cost is known");
      specs.push_back(std::move(s));
      break;
    }
  }

  std::set<std::string> unknown;
  for (auto& s : specs) {
    for (auto& item : s.items) {
      item.hourly_usd = prices.hourly(region, item.component, item.instance_type);
      if (!item.hourly_usd) unknown.insert(item.instance_type);
      est.items.push_back(item);
    }
  }
  est.unknown_instance_types.assign(unknown.begin(), unknown.end());

  double max_hourly = 0, max_od = 0, max_spot = 0, max_worst = 0;
  bool any_spot = false, priced = unknown.empty(), unbounded = !est.max_jobs && est.kind == RequestKind::tuning;
  for (const auto& s : specs) {
    est.spot = est.spot || s.spot;
    est.max_runtime_seconds = std::max(est.max_runtime_seconds, s.runtime);
    est.billed_seconds_bound = std::max(est.billed_seconds_bound, s.billed());
    if (s.wait) est.max_wait_seconds = std::max(est.max_wait_seconds.value_or(0), *s.wait);
    unbounded = unbounded || s.unbounded;
    if (!priced) continue;
    double hourly = 0;
    for (const auto& item : s.items) hourly += *item.hourly_usd * static_cast<double>(item.instance_count);
    double od = hourly * s.runtime / 3600.0;
    max_hourly = std::max(max_hourly, hourly);
    max_od = std::max(max_od, od);
    if (s.spot) {
      any_spot = true;
      double sp = hourly * s.billed() / 3600.0;
      max_spot = std::max(max_spot, sp);
      max_worst = std::max(max_worst, sp);
    } else {
      max_worst = std::max(max_worst, od);
    }
  }
  if (!priced) return est;
  est.hourly_usd = max_hourly;
  if (unbounded) return est;
  double n = static_cast<double>(jobs);
  est.on_demand_max_usd = max_od * n;
  if (any_spot) est.spot_max_usd = max_spot * n;
  est.worst_case_usd = max_worst * n;
  return est;
}

}  // namespace sageguard::cost
