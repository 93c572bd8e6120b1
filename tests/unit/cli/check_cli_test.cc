// The check command end to end, in-process: golden text output for the
// bundled examples, the JSON and SARIF shapes, exit codes and error format.
// Regenerate goldens with SG_UPDATE_GOLDEN=1 after an intended change.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "sageguard/rule_catalog.h"
#include "test_support.h"

namespace {

using sgtest::CliRun;
using sgtest::run_cli;

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

// Errors quote the input: control characters are shown escaped, in the
// message and in the source line, and the caret still points at the column.
TEST_F(CheckCli, ErrorsAreTerminalSafeAndTheCaretFollows) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "esc.yaml", "TrainingJobName: a\n\t\"\x1b[2J\": 1\n\"\\e[2J\": 2\n");
  CliRun r = run_cli({"check", (dir / "esc.yaml").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  const std::string bad = (dir / "bad\x1b]0;x\x07.json").string();
  // U+009B (CSI, a C1 control) is valid in a JSON string; the tab is kept.
  sgtest::write_file(bad, "{\"\xc2\x9b\":\t1,, }\n");
  CliRun c = run_cli({"check", bad});
  EXPECT_EQ(c.code, 2);
  const std::string shown = (dir / "bad\\x1b]0;x\\x07.json").string();
  EXPECT_EQ(c.err.substr(0, 18 + shown.size()), "sageguard: error: " + shown) << c.err;
  // The line shows \u009b (six columns) where the character was, and the
  // caret is still under the second comma.
  EXPECT_NE(c.err.find(":1:9: "), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("\n  {\"\\u009b\":\t1,, }\n            \t  ^\n"), std::string::npos)
      << c.err;
  EXPECT_EQ(c.err.find("\xc2\x9b"), std::string::npos);
  // Command-line mistakes quote the argument: escaped too.
  for (auto args : {std::vector<std::string>{"check", "--bogus\x1b[2J", "x.json"},
                    std::vector<std::string>{"chek\x1b]0;t\x07"}}) {
    CliRun u = run_cli(args);
    EXPECT_EQ(u.code, 2);
    EXPECT_EQ(u.err.find('\x1b'), std::string::npos) << u.err;
    EXPECT_NE(u.err.find("\\x1b"), std::string::npos) << u.err;
  }
}

TEST_F(CheckCli, ErrorsAreExit2WithLocationAndCaret) {
  sgtest::TempDir dir;
  sgtest::write_file(dir / "bad.json", "{\n  \"TrainingJobName\": \"x\",\n  \"Tags\": [,]\n}\n");
  CliRun r = run_cli({"check", (dir / "bad.json").string()});
  EXPECT_EQ(r.code, 2);
  // The report is still written: the unreadable file is a parse.error finding.
  EXPECT_NE(r.out.find((dir / "bad.json").string() +
                       ":3:12: error: expected a value, found ',' [parse.error]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("0 files, 0 resources: 1 error, 0 warnings, 0 notes, 1 file unreadable"),
            std::string::npos)
      << r.out;
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

TEST_F(CheckCli, OutputFileIsWrittenAtomically) {
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
  // An unreadable file is reported, not hidden: the report names it.
  ASSERT_TRUE(std::filesystem::exists(out2));
  auto b = nlohmann::json::parse(sgtest::read_file(out2));
  EXPECT_EQ(b["findings"][0]["rule"], "parse.error");
  EXPECT_EQ(b["summary"]["unreadable_files"][0], (dir / "bad.json").string());
  // A policy error writes no report at all.
  const auto out3 = (dir / "report3.json").string();
  sgtest::write_file(dir / "bad-policy.yaml", "version: 2\n");
  CliRun pol = run_cli({"check", "--policy", (dir / "bad-policy.yaml").string(), "-o", out3,
                        "examples/jobs/train-compliant.json"});
  EXPECT_EQ(pol.code, 2);
  EXPECT_FALSE(std::filesystem::exists(out3));
  // No temp files left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(e.path().filename().string().find(".sageguard-"), std::string::npos);
    EXPECT_EQ(e.path().filename().string().find(".sg-"), std::string::npos);
  }
}

}  // namespace
