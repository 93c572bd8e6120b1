// estimate_files: model documents -> nlohmann requests -> estimate_request.
#include "cost/estimate_specs.h"

#include <algorithm>
#include <filesystem>

#include "sageguard/document.h"
#include "sageguard/resource.h"

#include "util/files.h"

namespace sageguard::cost {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json to_json(const Value& v) {
  switch (v.type()) {
    case ValueType::null: return nullptr;
    case ValueType::boolean: return v.as_bool();
    case ValueType::number:
      if (v.is_integral() && v.as_number() >= -9.0e15 && v.as_number() <= 9.0e15) {
        return static_cast<int64_t>(v.as_number());
      }
      return v.as_number();
    case ValueType::string: return std::string(v.as_string());
    case ValueType::array: {
      json a = json::array();
      for (const auto& x : v.items()) a.push_back(to_json(x));
      return a;
    }
    case ValueType::object: {
      json o = json::object();
      for (const auto& [k, x] : v.members()) o[k] = to_json(x);
      return o;
    }
  }
  return nullptr;
}

std::optional<RequestKind> request_kind(ResourceKind k) {
  switch (k) {
    case ResourceKind::training_job: return RequestKind::training;
    case ResourceKind::tuning_job: return RequestKind::tuning;
    case ResourceKind::processing_job: return RequestKind::processing;
    case ResourceKind::transform_job: return RequestKind::transform;
    default: return std::nullopt;
  }
}

bool spec_file(const fs::path& p) {
  auto e = p.extension().string();
  return e == ".json" || e == ".yaml" || e == ".yml";
}

Status estimate_one(const std::string& path, bool named, std::string_view region, const PriceOracle& prices,
                    EstimateRun& run) {
  SG_ASSIGN_OR_RETURN(auto doc, load_document(path));
  SG_ASSIGN_OR_RETURN(ExtractResult ex, extract_resources(*doc));
  if (!ex.recognised) {
    if (named) return Error::at(ErrorCode::input, path, 0, 0, "no SageMaker job or deployment definition found");
    return Status::success();
  }
  for (const auto& r : ex.resources) {
    auto rk = request_kind(r.kind);
    if (!rk) {
      run.skipped.push_back(path + ": " + kind_name(r.kind) + " " + r.name + " (not a job: not estimated)");
      continue;
    }
    SpecEstimate s;
    s.file = path;
    s.kind = kind_name(r.kind);
    s.name = r.in_pipeline ? r.step_name : r.name;
    s.pointer = r.pointer;
    auto e = estimate_request(to_json(*r.root), region, prices, rk);
    if (!e.ok()) {
      s.problem = e.error().message;
      if (r.in_pipeline) s.problem += " (pipeline expressions are not resolved)";
    } else {
      s.estimate = std::move(*e);
      if (!s.estimate->unknown_instance_types.empty()) {
        std::string t;
        for (const auto& x : s.estimate->unknown_instance_types) t += (t.empty() ? "" : ", ") + x;
        s.problem = "no price for " + t + " in region " + std::string(region);
      } else if (!s.estimate->worst_case_usd) {
        s.problem = "no upper bound (see notes)";
      }
    }
    if (s.priced()) {
      run.total_worst_case_usd += *s.estimate->worst_case_usd;
      if (run.budget_usd && *s.estimate->worst_case_usd > *run.budget_usd) {
        s.over_budget = true;
        ++run.over_budget;
      }
    } else {
      ++run.unpriceable;
    }
    run.specs.push_back(std::move(s));
  }
  return Status::success();
}

}  // namespace

Result<EstimateRun> estimate_files(const std::vector<std::string>& paths, std::string_view region,
                                   const PriceOracle& prices, std::optional<double> budget_usd) {
  EstimateRun run;
  run.budget_usd = budget_usd;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      SG_ASSIGN_OR_RETURN(auto files, list_files_sorted(p, [](const fs::path& f) { return spec_file(f); }));
      for (const auto& f : files) SG_TRY(estimate_one(f, false, region, prices, run));
    } else {
      SG_TRY(estimate_one(p, true, region, prices, run));
    }
  }
  return run;
}

}  // namespace sageguard::cost
