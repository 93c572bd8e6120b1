// SARIF 2.1.0 for code-scanning upload: one run, the rule catalogue as
// tool.driver.rules, one result per finding (waived ones as suppressed).
#include <nlohmann/json.hpp>

#include <map>

#include "sageguard/report/check_report.h"
#include "sageguard/rule_catalog.h"

namespace sageguard::report {

namespace {

using json = nlohmann::ordered_json;

const char* level(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
    case Severity::off: break;
  }
  return "none";
}

json rules_json(std::map<std::string, size_t>& index) {
  json rules = json::array();
  for (const auto& r : rule_catalog()) {
    index[std::string(r.id)] = rules.size();
    json j;
    j["id"] = r.id;
    j["name"] = r.id;
    j["shortDescription"] = {{"text", r.description}};
    j["fullDescription"] = {{"text", r.description}};
    std::string help = std::string(r.remediation);
    if (!r.sdk_parameter.empty()) help += " SageMaker Python SDK: " + std::string(r.sdk_parameter) + ".";
    if (!r.iam_condition_key.empty()) {
      help += " Enforce in IAM with " + std::string(r.iam_condition_key) + ".";
    }
    j["help"] = {{"text", help}};
    j["defaultConfiguration"] = {{"level", level(r.default_severity)}};
    json props;
    props["remediation"] = r.remediation;
    props["sdkParameter"] = r.sdk_parameter;
    props["iamConditionKey"] = r.iam_condition_key;
    props["fixable"] = r.fixable;
    props["tags"] = json::array({"sagemaker", "mlops"});
    j["properties"] = std::move(props);
    rules.push_back(std::move(j));
  }
  return rules;
}

json result_json(const Finding& f, const std::map<std::string, size_t>& index) {
  json j;
  j["ruleId"] = f.rule;
  if (auto it = index.find(f.rule); it != index.end()) j["ruleIndex"] = it->second;
  j["level"] = level(f.severity);
  j["message"] = {{"text", f.message}};
  json loc;
  if (!f.file.empty()) {
    loc["physicalLocation"] = {
        {"artifactLocation", {{"uri", f.file}}},
        {"region", {{"startLine", std::max<uint32_t>(f.line, 1)},
                    {"startColumn", std::max<uint32_t>(f.column, 1)}}}};
  }
  std::string fq = f.resource.kind + "/" + f.resource.name + f.path;
  loc["logicalLocations"] = json::array(
      {{{"name", f.resource.name}, {"kind", "resource"}, {"fullyQualifiedName", fq}}});
  j["locations"] = json::array({std::move(loc)});
  json props;
  props["resourceKind"] = f.resource.kind;
  props["jsonPointer"] = f.path;
  if (!f.resource.arn.empty()) props["arn"] = f.resource.arn;
  if (!f.resource.region.empty()) props["region"] = f.resource.region;
  props["fixable"] = f.fixable;
  j["properties"] = std::move(props);
  return j;
}

}  // namespace

std::string check_sarif(const CheckResult& r) {
  std::map<std::string, size_t> index;
  json driver;
  driver["name"] = "sageguard";
  driver["version"] = SAGEGUARD_VERSION;
  driver["semanticVersion"] = SAGEGUARD_VERSION;
  driver["informationUri"] = "https://github.com/sageguard/sageguard";
  driver["rules"] = rules_json(index);
  json results = json::array();
  for (const auto& f : r.findings) results.push_back(result_json(f, index));
  for (const auto& w : r.waived) {
    json j = result_json(w.finding, index);
    j["suppressions"] = json::array(
        {{{"kind", "external"}, {"justification", w.reason + " (waiver expires " + w.expires + ")"}}});
    results.push_back(std::move(j));
  }
  json run;
  run["tool"] = {{"driver", std::move(driver)}};
  run["columnKind"] = "unicodeCodePoints";
  run["results"] = std::move(results);
  run["properties"] = {{"policy", r.policy}};
  json out;
  out["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  out["version"] = "2.1.0";
  out["runs"] = json::array({std::move(run)});
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sageguard::report
