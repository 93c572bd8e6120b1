#include <nlohmann/json.hpp>

#include "sageguard/report/check_report.h"

namespace sageguard::report {

namespace {

nlohmann::ordered_json resource_json(const ResourceRef& r) {
  nlohmann::ordered_json j;
  j["kind"] = r.kind;
  j["name"] = r.name;
  if (!r.arn.empty()) j["arn"] = r.arn;
  if (!r.region.empty()) j["region"] = r.region;
  return j;
}

}  // namespace

std::string check_json(const CheckResult& r) {
  using json = nlohmann::ordered_json;
  json out;
  out["tool"] = {{"name", "sageguard"}, {"version", SAGEGUARD_VERSION}};
  out["policy"] = r.policy;
  json findings = json::array();
  for (const auto& f : r.findings) {
    json j;
    j["rule"] = f.rule;
    j["severity"] = to_string(f.severity);
    if (!f.file.empty()) {
      j["file"] = f.file;
      j["line"] = f.line;
      j["column"] = f.column;
    }
    j["resource"] = resource_json(f.resource);
    j["path"] = f.path;
    j["message"] = f.message;
    j["fixable"] = f.fixable;
    findings.push_back(std::move(j));
  }
  out["findings"] = std::move(findings);
  json waived = json::array();
  for (const auto& w : r.waived) {
    json j;
    j["rule"] = w.finding.rule;
    j["resource"] = resource_json(w.finding.resource);
    if (!w.finding.file.empty()) {
      j["file"] = w.finding.file;
      j["line"] = w.finding.line;
      j["column"] = w.finding.column;
    }
    j["path"] = w.finding.path;
    j["message"] = w.finding.message;
    j["reason"] = w.reason;
    j["expires"] = w.expires;
    waived.push_back(std::move(j));
  }
  out["waived"] = std::move(waived);
  out["summary"] = {{"files", r.summary.files},     {"resources", r.summary.resources},
                    {"skipped", r.summary.skipped}, {"error", r.summary.error},
                    {"warning", r.summary.warning}, {"note", r.summary.note},
                    {"waived", r.waived.size()}};
  // Replace invalid UTF-8 rather than throw: findings quote user text.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sageguard::report
