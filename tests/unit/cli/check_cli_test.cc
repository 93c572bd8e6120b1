// The check command end to end, in-process: golden text output for the
// bundled examples, the JSON and SARIF shapes, exit codes and error format.
// Regenerate goldens with SG_UPDATE_GOLDEN=1 after an intended change.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/cli.h"
#include "sageguard/rule_catalog.h"
#include "test_support.h"

namespace {

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "sageguard");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  int code = sageguard::cli::run(static_cast<int>(argv.size()), argv.data(), out, err, false);
  return {code, out.str(), err.str()};
}

// Paths in output are relative to the source dir: run from there.
class CheckCli : public ::testing::Test {
 protected:
  void SetUp() override {
    old_ = std::filesystem::current_path();
    std::filesystem::current_path(sgtest::source_dir());
    unsetenv("SAGEGUARD_POLICY");
  }
  void TearDown() override { std::filesystem::current_path(old_); }
  std::filesystem::path old_;
};

void expect_golden(const std::string& name, const std::string& actual) {
  const auto path = sgtest::source_dir() + "/tests/golden/" + name;
  if (std::getenv("SG_UPDATE_GOLDEN")) sgtest::write_file(path, actual);
  EXPECT_EQ(actual, sgtest::read_file(path)) << "golden " << name;
}

TEST_F(CheckCli, ExamplesTextGolden) {
  CliRun r = run_cli({"check", "examples/"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "");
  expect_golden("check_examples.txt", r.out);
}

TEST_F(CheckCli, ExamplesWithExamplePolicyGolden) {
  CliRun r = run_cli({"check", "--policy", "examples/sageguard.yaml", "examples/jobs",
                   "examples/pipelines"});
  EXPECT_EQ(r.code, 1);
  expect_golden("check_examples_policy.txt", r.out);
}

TEST_F(CheckCli, CompliantFileExitsZeroAndFailOnWarning) {
  CliRun ok = run_cli({"check", "--policy", "examples/sageguard.yaml",
                    "examples/jobs/train-compliant.json"});
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_NE(ok.out.find("0 errors, 0 warnings"), std::string::npos) << ok.out;
  // The SDK-style spot job lacks a checkpoint (a warning) among errors; with
  // only warnings selected by --kind filtering we still see the threshold work.
  CliRun warn = run_cli({"check", "--fail-on", "warning", "--format", "json",
                      "examples/jobs/tuning-forecast.yaml"});
  EXPECT_EQ(warn.code, 1);
}

TEST_F(CheckCli, JsonShape) {
  CliRun r = run_cli({"check", "--format", "json", "examples/jobs/train-sdk-spot.json"});
  ASSERT_EQ(r.code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["tool"]["name"], "sageguard");
  EXPECT_EQ(j["policy"], "<built-in>");
  ASSERT_FALSE(j["findings"].empty());
  for (const auto& f : j["findings"]) {
    for (const char* k : {"rule", "severity", "file", "line", "column", "resource", "path",
                          "message", "fixable"}) {
      EXPECT_TRUE(f.contains(k)) << k;
    }
    EXPECT_EQ(f["resource"]["kind"], "TrainingJob");
    EXPECT_EQ(f["resource"]["name"], "churn-xgb-2026-11-27-09-15-02-118");
    EXPECT_EQ(f["file"], "examples/jobs/train-sdk-spot.json");
  }
  const auto& first = j["findings"][0];
  EXPECT_EQ(first["rule"], "tags.required");
  EXPECT_EQ(first["path"], "/Tags");
  EXPECT_EQ(first["line"], 41);
  EXPECT_EQ(first["column"], 11);
  EXPECT_EQ(j["summary"]["files"], 1);
  EXPECT_EQ(j["summary"]["resources"], 1);
  EXPECT_EQ(j["summary"]["error"], 8);
  EXPECT_EQ(j["summary"]["warning"], 1);
}

TEST_F(CheckCli, SarifShape) {
  CliRun r = run_cli({"check", "--format", "sarif", "examples/"});
  ASSERT_EQ(r.code, 1);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["version"], "2.1.0");
  ASSERT_EQ(j["runs"].size(), 1u);
  const auto& driver = j["runs"][0]["tool"]["driver"];
  EXPECT_EQ(driver["name"], "sageguard");
  std::set<std::string> ids;
  for (const auto& rule : driver["rules"]) {
    ids.insert(rule["id"]);
    EXPECT_FALSE(rule["shortDescription"]["text"].get<std::string>().empty());
    EXPECT_TRUE(rule["properties"].contains("remediation"));
    EXPECT_TRUE(rule["properties"].contains("sdkParameter"));
    EXPECT_TRUE(rule["properties"].contains("iamConditionKey"));
  }
  for (const auto& info : sageguard::rule_catalog()) EXPECT_TRUE(ids.count(std::string(info.id)));
  const auto& results = j["runs"][0]["results"];
  ASSERT_FALSE(results.empty());
  for (const auto& res : results) {
    const std::string level = res["level"];
    EXPECT_TRUE(level == "error" || level == "warning" || level == "note");
    EXPECT_EQ(driver["rules"][res["ruleIndex"].get<size_t>()]["id"], res["ruleId"]);
    const auto& region = res["locations"][0]["physicalLocation"]["region"];
    EXPECT_GE(region["startLine"].get<int>(), 1);
    EXPECT_GE(region["startColumn"].get<int>(), 1);
  }
}

TEST_F(CheckCli, ErrorsAreExit2WithLocationAndCaret) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "bad.json", "{\n  \"TrainingJobName\": \"x\",\n  \"Tags\": [,]\n}\n");
  CliRun r = run_cli({"check", (dir / "bad.json").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "sageguard: error: " + (dir / "bad.json").string() +
                       ":3:12: expected a value, found ','\n    \"Tags\": [,]\n             ^\n");

  sgtest::write_file(dir / "other.json", "{\"hello\": 1}");
  CliRun u = run_cli({"check", (dir / "other.json").string()});
  EXPECT_EQ(u.code, 2);
  EXPECT_NE(u.err.find("other.json:1:1: not a recognised SageMaker document"), std::string::npos);

  CliRun missing = run_cli({"check", (dir / "nope.json").string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos);

  CliRun size = run_cli({"check", "--max-file-size", "10", "examples/jobs/train-compliant.json"});
  EXPECT_EQ(size.code, 2);
  EXPECT_NE(size.err.find("over the limit of 10 bytes"), std::string::npos);

  CliRun usage = run_cli({"chek", "x"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_NE(usage.err.find("did you mean 'check'"), std::string::npos) << usage.err;
}

TEST_F(CheckCli, OutputFileIsWrittenAtomicallyAndOnlyOnSuccess) {
  sgtest::TempDir dir;
  const auto out = (dir / "report.json").string();
  CliRun r = run_cli({"check", "--format", "json", "-o", out, "examples/jobs/train-compliant.json"});
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(std::filesystem::exists(out));
  auto j = nlohmann::json::parse(sgtest::read_file(out));
  EXPECT_EQ(j["summary"]["files"], 1);

  const auto out2 = (dir / "report2.json").string();
  sgtest::write_file(dir / "bad.json", "{");
  CliRun bad = run_cli({"check", "--format", "json", "-o", out2, (dir / "bad.json").string()});
  EXPECT_EQ(bad.code, 2);
  EXPECT_FALSE(std::filesystem::exists(out2));
  // No temp files left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".sageguard-"), std::string::npos);
  }
}

}  // namespace
