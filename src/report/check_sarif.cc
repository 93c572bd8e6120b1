// SARIF 2.1.0 for code-scanning upload: one run, the rule catalogue as
// tool.driver.rules, one result per finding (waived ones as suppressed).
// Written in one pass with the streaming JsonWriter (nlohmann's dump(2)
// layout), so a report of many findings is never held whole: building the
// nlohmann tree first took ~44 times the input in memory.
#include <algorithm>
#include <string>

#include "report/json_writer.h"
#include "sageguard/report/check_report.h"
#include "sageguard/rule_catalog.h"

namespace sageguard::report {

namespace {

const char* level(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
    case Severity::off: break;
  }
  return "none";
}

void text_object(JsonWriter& w, std::string_view key, std::string_view text) {
  w.key(key);
  w.begin_object();
  w.member("text", text);
  w.end_object();
}

void write_rule(JsonWriter& w, const RuleInfo& r) {
  w.begin_object();
  w.member("id", r.id);
  w.member("name", r.id);
  text_object(w, "shortDescription", r.description);
  text_object(w, "fullDescription", r.description);
  std::string help(r.remediation);
  if (!r.sdk_parameter.empty()) help += " SageMaker Python SDK: " + std::string(r.sdk_parameter) + ".";
  if (!r.iam_condition_key.empty()) {
    help += " Enforce in IAM with " + std::string(r.iam_condition_key) + ".";
  }
  text_object(w, "help", help);
  w.key("defaultConfiguration");
  w.begin_object();
  w.member("level", level(r.default_severity));
  w.end_object();
  w.key("properties");
  w.begin_object();
  w.member("remediation", r.remediation);
  w.member("sdkParameter", r.sdk_parameter);
  w.member("iamConditionKey", r.iam_condition_key);
  w.member("fixable", r.fixable);
  w.key("tags");
  w.begin_array();
  w.value("sagemaker");
  w.value("mlops");
  w.end_array();
  w.end_object();
  w.end_object();
}

// One result; `suppression` is the waiver's justification, or null.
void write_result(JsonWriter& w, const Finding& f, const std::string* suppression) {
  w.begin_object();
  w.member("ruleId", f.rule);
  if (const int index = rule_index(f.rule); index >= 0) {
    w.member("ruleIndex", static_cast<uint64_t>(index));
  }
  w.member("level", level(f.severity));
  text_object(w, "message", f.message);
  w.key("locations");
  w.begin_array();
  w.begin_object();
  if (!f.file.empty()) {
    w.key("physicalLocation");
    w.begin_object();
    w.key("artifactLocation");
    w.begin_object();
    w.member("uri", f.file);
    w.end_object();
    w.key("region");
    w.begin_object();
    w.member("startLine", std::max<uint32_t>(f.line, 1));
    w.member("startColumn", std::max<uint32_t>(f.column, 1));
    w.end_object();
    w.end_object();
  }
  w.key("logicalLocations");
  w.begin_array();
  w.begin_object();
  w.member("name", f.resource.name);
  w.member("kind", "resource");
  w.member("fullyQualifiedName", f.resource.kind + "/" + f.resource.name + f.path);
  w.end_object();
  w.end_array();
  w.end_object();
  w.end_array();
  w.key("properties");
  w.begin_object();
  w.member("resourceKind", f.resource.kind);
  w.member("jsonPointer", f.path);
  if (!f.resource.id.empty()) w.member("resourceId", f.resource.id);
  if (!f.resource.arn.empty()) w.member("arn", f.resource.arn);
  if (!f.resource.region.empty()) w.member("region", f.resource.region);
  if (!f.resource.account.empty()) w.member("account", f.resource.account);
  w.member("fixable", f.fixable);
  w.end_object();
  if (suppression != nullptr) {
    w.key("suppressions");
    w.begin_array();
    w.begin_object();
    w.member("kind", "external");
    w.member("justification", *suppression);
    w.end_object();
    w.end_array();
  }
  w.end_object();
}

void write_sarif(JsonWriter& w, const CheckResult& r) {
  w.begin_object();
  w.member("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  w.member("version", "2.1.0");
  w.key("runs");
  w.begin_array();
  w.begin_object();
  w.key("tool");
  w.begin_object();
  w.key("driver");
  w.begin_object();
  w.member("name", "sageguard");
  w.member("version", SAGEGUARD_VERSION);
  w.member("semanticVersion", SAGEGUARD_VERSION);
  w.member("informationUri", "https://github.com/sageguard/sageguard");
  w.key("rules");
  w.begin_array();
  for (const auto& rule : rule_catalog()) write_rule(w, rule);
  w.end_array();
  w.end_object();
  w.end_object();
  w.member("columnKind", "unicodeCodePoints");
  w.key("results");
  w.begin_array();
  for (const auto& f : r.findings) write_result(w, f, nullptr);
  for (const auto& wf : r.waived) {
    const std::string why = wf.reason + " (waiver expires " + wf.expires + ")";
    write_result(w, wf.finding, &why);
  }
  w.end_array();
  w.key("properties");
  w.begin_object();
  w.member("policy", r.policy);
  w.end_object();
  w.end_object();
  w.end_array();
  w.end_object();
}

}  // namespace

std::string check_sarif(const CheckResult& r) {
  std::string out;
  JsonWriter w(out);
  write_sarif(w, r);
  out += '\n';
  return out;
}

void check_sarif(const CheckResult& r, const std::function<void(std::string_view)>& sink) {
  std::string buf;
  buf.reserve(128 * 1024);
  JsonWriter w(buf, sink);
  write_sarif(w, r);
  buf += '\n';
  sink(buf);
}

}  // namespace sageguard::report
