// check_sarif is written by the streaming JsonWriter; before, it built an
// nlohmann tree (memory grew ~44x the input for a large check). The report
// must not change: the former tree-building writer is the oracle here, on
// findings with hostile text, audit fields, waivers and parse errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <map>
#include <random>

#include "sageguard/report/check_report.h"
#include "sageguard/rule_catalog.h"

namespace sageguard::report {
namespace {

using json = nlohmann::ordered_json;

// The former implementation, kept as the oracle.
const char* oracle_level(Severity s) {
  switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
    case Severity::off: break;
  }
  return "none";
}

json oracle_rules(std::map<std::string, size_t>& index) {
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
    j["defaultConfiguration"] = {{"level", oracle_level(r.default_severity)}};
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

json oracle_result(const Finding& f, const std::map<std::string, size_t>& index) {
  json j;
  j["ruleId"] = f.rule;
  if (auto it = index.find(f.rule); it != index.end()) j["ruleIndex"] = it->second;
  j["level"] = oracle_level(f.severity);
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

std::string oracle_sarif(const CheckResult& r) {
  std::map<std::string, size_t> index;
  json driver;
  driver["name"] = "sageguard";
  driver["version"] = SAGEGUARD_VERSION;
  driver["semanticVersion"] = SAGEGUARD_VERSION;
  driver["informationUri"] = "https://github.com/sageguard/sageguard";
  driver["rules"] = oracle_rules(index);
  json results = json::array();
  for (const auto& f : r.findings) results.push_back(oracle_result(f, index));
  for (const auto& w : r.waived) {
    json j = oracle_result(w.finding, index);
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

std::string text(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {
      "a", "Z", " ", "\"", "\\", "/", "\n", "\t", std::string(1, '\0'), "\x1b[31m", "\x7f",
      "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\x80", "\xC3", "\xE2\x82", "\xFF",
      std::string(70, 'p')};
  std::uniform_int_distribution<size_t> len(0, 6), pick(0, pieces.size() - 1);
  std::string s;
  for (size_t n = len(rng); n > 0; --n) s += pieces[pick(rng)];
  return s;
}

Finding finding(std::mt19937& rng) {
  const auto rules = rule_catalog();
  Finding f;
  // Mostly catalogue ids (with a ruleIndex), sometimes not.
  f.rule = rng() % 8 == 0 ? "no.such-rule" : std::string(rules[rng() % rules.size()].id);
  f.severity = static_cast<Severity>(rng() % 4);
  f.file = rng() % 5 == 0 ? "" : "jobs/" + text(rng) + ".json";
  f.line = static_cast<uint32_t>(rng() % 3 == 0 ? 0 : rng() % 100000);
  f.column = static_cast<uint32_t>(rng() % 3 == 0 ? 0 : rng() % 300);
  f.resource.kind = rng() % 2 ? "TrainingJob" : text(rng);
  f.resource.name = text(rng);
  if (rng() % 3 == 0) f.resource.arn = "arn:aws:sagemaker:us-east-1:1:" + text(rng);
  if (rng() % 3 == 0) f.resource.region = text(rng);
  f.path = rng() % 2 ? "/Tags" : "/" + text(rng);
  f.message = text(rng);
  f.fixable = rng() % 2 == 0;
  return f;
}

CheckResult random_result(std::mt19937& rng, size_t findings, size_t waived) {
  CheckResult r;
  r.policy = text(rng);
  for (size_t i = 0; i < findings; ++i) r.findings.push_back(finding(rng));
  for (size_t i = 0; i < waived; ++i) {
    r.waived.push_back({finding(rng), text(rng), "2027-0" + std::to_string(1 + rng() % 9) + "-01"});
  }
  return r;
}

TEST(CheckSarif, SameBytesAsTheTreeBuildingWriter) {
  std::mt19937 rng(20261207);
  for (int round = 0; round < 300; ++round) {
    const CheckResult r = random_result(rng, round % 7 == 0 ? 0 : rng() % 20, rng() % 4);
    const std::string want = oracle_sarif(r);
    ASSERT_EQ(check_sarif(r), want) << "round " << round;
  }
}

TEST(CheckSarif, StreamedInPiecesSameBytes) {
  std::mt19937 rng(7);
  // Enough findings for many 64 KiB pieces.
  const CheckResult r = random_result(rng, 3000, 50);
  std::string streamed;
  size_t pieces = 0;
  size_t largest = 0;
  check_sarif(r, [&](std::string_view piece) {
    streamed.append(piece);
    largest = std::max(largest, piece.size());
    ++pieces;
  });
  EXPECT_EQ(streamed, oracle_sarif(r));
  EXPECT_GT(pieces, 10u);
  // The report was never held whole: each piece is about the flush size.
  EXPECT_LT(largest, size_t{256} << 10);
}

TEST(CheckSarif, ParseErrorIsACatalogueRule) {
  const RuleInfo* r = find_rule("parse.error");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->default_severity, Severity::error);
  EXPECT_FALSE(r->description.empty());
  EXPECT_FALSE(r->remediation.empty());
  CheckResult res;
  Finding f;
  f.rule = "parse.error";
  f.file = "jobs/bad.json";
  f.line = 3;
  f.column = 7;
  f.resource.kind = "File";
  f.resource.name = "jobs/bad.json";
  f.message = "expected ',' or '}'";
  res.findings.push_back(f);
  const auto sarif = nlohmann::json::parse(check_sarif(res));
  const auto& run = sarif["runs"][0];
  bool listed = false;
  for (const auto& rule : run["tool"]["driver"]["rules"]) listed |= rule["id"] == "parse.error";
  EXPECT_TRUE(listed);
  const auto& result = run["results"][0];
  EXPECT_EQ(result["ruleId"], "parse.error");
  EXPECT_EQ(run["tool"]["driver"]["rules"][result["ruleIndex"].get<size_t>()]["id"], "parse.error");
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["region"]["startLine"], 3);
}

}  // namespace
}  // namespace sageguard::report
