// The clock seam end to end: `--today` and SAGEGUARD_TODAY decide waiver
// expiry and cost's "now" on every command, the flag wins over the variable,
// and a value that is not a date is a usage error (exit 2).
#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace {

using sgtest::CliRun;
using sgtest::run_cli;

// Sets or unsets SAGEGUARD_TODAY for one test and restores it afterwards.
class TodayCli : public ::testing::Test {
 protected:
  void SetUp() override {
    old_dir_ = std::filesystem::current_path();
    std::filesystem::current_path(sgtest::source_dir());
    unsetenv("SAGEGUARD_POLICY");
    if (const char* v = std::getenv("SAGEGUARD_TODAY")) old_today_ = v;
    unsetenv("SAGEGUARD_TODAY");
  }
  void TearDown() override {
    std::filesystem::current_path(old_dir_);
    if (old_today_) {
      setenv("SAGEGUARD_TODAY", old_today_->c_str(), 1);
    } else {
      unsetenv("SAGEGUARD_TODAY");
    }
  }
  std::filesystem::path old_dir_;
  std::optional<std::string> old_today_;
};

// Rule ids in a `check --format json` report.
std::vector<std::string> rules_of(const std::string& json_text) {
  std::vector<std::string> rules;
  const nlohmann::json doc = nlohmann::json::parse(json_text);
  for (const auto& f : doc["findings"]) rules.push_back(f["rule"].get<std::string>());
  return rules;
}

bool has_rule(const std::vector<std::string>& rules, const std::string& id) {
  return std::find(rules.begin(), rules.end(), id) != rules.end();
}

// examples/sageguard.yaml's waiver expires 2027-03-31: it applies through that
// day and is reported the day after.
TEST_F(TodayCli, FlagDecidesWaiverExpiry) {
  const std::vector<std::string> base = {"check", "--policy", "examples/sageguard.yaml", "--format",
                                         "json", "examples/jobs/train-compliant.json"};
  auto with = [&](const std::string& day) {
    auto args = base;
    args.insert(args.begin() + 1, {"--today", day});
    return run_cli(args);
  };
  CliRun last = with("2027-03-31");
  ASSERT_EQ(last.code, 0) << last.err;
  EXPECT_FALSE(has_rule(rules_of(last.out), "waiver.expired"));
  CliRun after = with("2027-04-01");
  ASSERT_EQ(after.code, 0) << after.err;  // a warning: below --fail-on error
  EXPECT_TRUE(has_rule(rules_of(after.out), "waiver.expired")) << after.out;
}

TEST_F(TodayCli, EnvironmentPinsAndFlagWins) {
  const std::vector<std::string> args = {"check", "--policy", "examples/sageguard.yaml", "--format",
                                         "json", "examples/jobs/train-compliant.json"};
  setenv("SAGEGUARD_TODAY", "2027-04-01", 1);
  CliRun env_only = run_cli(args);
  ASSERT_EQ(env_only.code, 0) << env_only.err;
  EXPECT_TRUE(has_rule(rules_of(env_only.out), "waiver.expired"));
  auto flagged = args;
  flagged.insert(flagged.begin() + 1, {"--today", "2027-01-01"});
  CliRun flag = run_cli(flagged);
  ASSERT_EQ(flag.code, 0) << flag.err;
  EXPECT_FALSE(has_rule(rules_of(flag.out), "waiver.expired"));
}

TEST_F(TodayCli, NotADateIsAUsageError) {
  CliRun bad = run_cli({"check", "--today", "2027-02-30", "examples/jobs/train-compliant.json"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("--today must be a date YYYY-MM-DD, got '2027-02-30'"), std::string::npos)
      << bad.err;
  setenv("SAGEGUARD_TODAY", "tomorrow", 1);
  CliRun env = run_cli({"policy", "show"});
  EXPECT_EQ(env.code, 2);
  EXPECT_NE(env.err.find("SAGEGUARD_TODAY must be a date"), std::string::npos) << env.err;
}

// Every command takes the flag (even those with nothing dated, so scripts can
// pass it to all of them).
TEST_F(TodayCli, EveryCommandTakesTheFlag) {
  EXPECT_EQ(run_cli({"policy", "show", "--today", "2026-01-02"}).code, 0);
  EXPECT_EQ(run_cli({"estimate", "--today", "2026-01-02", "examples/jobs/train-compliant.json"}).code,
            0);
  CliRun fix = run_cli({"fix", "--today", "2027-04-01", "--policy", "examples/sageguard.yaml", "--diff",
                     "examples/jobs/train-compliant.json"});
  EXPECT_NE(fix.code, 2) << fix.err;
}

// cost --jobs --from-describes: an endpoint recorded in service is billed up
// to --as-of, which a pinned day does not replace (the day a test or a
// script pins says nothing about when the files were recorded).
TEST_F(TodayCli, RecordedRunningResourcesNeedAsOfEvenWithAPinnedDay) {
  sgtest::TempDir dir;
  auto ep = nlohmann::json::parse(sgtest::read_file("examples/cost/describes/churn-live.json"));
  ep["EndpointStatus"] = "InService";
  ep.erase("LastModifiedTime");
  sgtest::write_file(dir / "ep.json", ep.dump());
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"cost", "--jobs", "--from-describes", dir.path().string(),
                                     "--format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args);
  };
  CliRun pinned = run({"--today", "2024-06-01"});
  EXPECT_EQ(pinned.code, 2);
  EXPECT_NE(pinned.err.find("--as-of"), std::string::npos) << pinned.err;
  auto total = [&](const std::string& as_of) {
    CliRun r = run({"--today", "2030-01-01", "--as-of", as_of});
    EXPECT_EQ(r.code, 0) << r.err;
    return r.code == 0 ? nlohmann::json::parse(r.out)["total"].get<double>() : 0.0;
  };
  const double day1 = total("2024-06-02T00:00:00Z");
  const double day2 = total("2024-06-03T00:00:00Z");
  ASSERT_GT(day1, 0);
  // Created 2024-05-20 00:00: 13 days to 2024-06-02 00:00, one more to the next.
  EXPECT_NEAR((day2 - day1) * 13, day1, 1e-6 * day1);
}

}  // namespace
