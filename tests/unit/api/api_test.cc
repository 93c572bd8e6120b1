// The embedding API against the CLI: check_text on a file's text reports
// exactly what `sageguard check --today D --format json FILE` reports (the
// same JSON document, byte for byte), fix_text and export_policy give what
// `fix` and `policy export` write, and nothing starts a thread or reads the
// clock unless the options say so.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "sageguard/report/check_report.h"
#include "sageguard/sageguard.h"
#include "test_support.h"

namespace {

std::atomic<size_t> threads_created{0};

}  // namespace

// Counts every thread this test binary starts (the executable's definition
// comes before libc's), then hands over to the real pthread_create.
extern "C" int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                              void* (*start)(void*), void* arg) {
  using Real = int (*)(pthread_t*, const pthread_attr_t*, void* (*)(void*), void*);
  static const auto real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "pthread_create"));
  threads_created.fetch_add(1);
  return real(thread, attr, start, arg);
}

namespace {

namespace fs = std::filesystem;

using sgtest::CliRun;
using sgtest::run_cli;

class Api : public ::testing::Test {
 protected:
  void SetUp() override {
    old_ = fs::current_path();
    fs::current_path(sgtest::source_dir());
    unsetenv("SAGEGUARD_POLICY");
  }
  void TearDown() override { fs::current_path(old_); }
  fs::path old_;
};

// Every example request and pipeline, under the built-in and the example
// policy, on a day the example's waiver holds and on one after it expired.
TEST_F(Api, CheckTextReportsWhatTheCliReports) {
  std::vector<std::string> files;
  for (const char* dir : {"examples/jobs", "examples/pipelines", "examples/deploy"}) {
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) files.push_back(fs::path(dir) / e.path().filename());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 5u);
  size_t compared_findings = 0;
  for (const std::string policy_path : {"", "examples/sageguard.yaml"}) {
    sageguard::Result<sageguard::Policy> policy =
        policy_path.empty() ? sageguard::Result<sageguard::Policy>(sageguard::default_policy())
                            : sageguard::load_policy(policy_path);
    ASSERT_TRUE(policy.ok()) << policy.error().describe();
    for (const std::string today : {"2026-12-10", "2027-04-01"}) {
      for (const auto& file : files) {
        std::vector<std::string> args = {"check", "--today", today, "--format", "json"};
        if (!policy_path.empty()) args.insert(args.end(), {"--policy", policy_path});
        args.push_back(file);
        CliRun cli = run_cli(args);
        sageguard::CheckOptions opts;
        opts.today = today;
        auto r = sageguard::check_text(file, sgtest::read_file(file), *policy, opts);
        if (cli.code == 2) {
          ASSERT_FALSE(r.ok()) << file;
          EXPECT_NE(cli.err.find(r.error().describe()), std::string::npos) << cli.err;
          continue;
        }
        ASSERT_TRUE(r.ok()) << file << ": " << r.error().describe();
        EXPECT_EQ(sageguard::report::check_json(*r), cli.out) << file << " on " << today;
        compared_findings += r->findings.size();
      }
    }
  }
  EXPECT_GT(compared_findings, 50u);
}

// The issue's sample, as a program would write it, on a bundle held only in
// memory: the findings carry the name given, lines and JSON Pointers.
TEST_F(Api, CommonCaseInMemory) {
  const std::string yaml = sgtest::read_file("examples/sageguard.yaml");
  sageguard::Result<sageguard::Policy> policy = sageguard::parse_policy("policy.yaml", yaml);
  ASSERT_TRUE(policy.ok()) << policy.error().describe();
  const std::string request = R"({
  "TrainingJobName": "legacy-train",
  "RoleArn": "arn:aws:iam::111122223333:role/Train",
  "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
  "OutputDataConfig": {"S3OutputPath": "s3://b/out/"},
  "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
  "StoppingCondition": {"MaxRuntimeInSeconds": 3600}
})";
  sageguard::CheckOptions opts;
  opts.today = "2026-12-10";
  sageguard::Result<sageguard::CheckResult> r =
      sageguard::check_text("req.json", request, *policy, opts);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  std::set<std::string> rules;
  for (const sageguard::Finding& f : r->findings) {
    rules.insert(f.rule);
    EXPECT_EQ(f.file, "req.json");
    EXPECT_GE(f.line, 1u);
    EXPECT_STRNE(sageguard::to_string(f.severity), "");
  }
  EXPECT_TRUE(rules.count("tags.required"));
  EXPECT_TRUE(rules.count("vpc.required"));
  // The example policy waives network.isolation for legacy-*, until 2027-03-31.
  EXPECT_FALSE(rules.count("network.isolation"));
  ASSERT_EQ(r->waived.size(), 1u);
  EXPECT_EQ(r->waived[0].finding.rule, "network.isolation");
  opts.today = "2027-04-01";
  auto later = sageguard::check_text("req.json", request, *policy, opts);
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->waived.empty());
  EXPECT_EQ(later->findings.front().rule, "waiver.expired");
  EXPECT_EQ(later->findings.front().file, "policy.yaml");
}

TEST_F(Api, BadTextIsAnErrorValueWithItsPlace) {
  auto r = sageguard::check_text("bad.json", "{\n  \"TrainingJobName\": ,\n}", sageguard::default_policy());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sageguard::ErrorCode::input);
  EXPECT_EQ(r.error().file, "bad.json");
  EXPECT_EQ(r.error().line, 2u);
  auto none = sageguard::check_text("x.yaml", "hello: world\n", sageguard::default_policy());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("not a recognised SageMaker document"), std::string::npos);
  sageguard::CheckOptions small;
  small.read.max_file_size = 4;
  EXPECT_FALSE(sageguard::check_text("x.json", "{\"a\": 1}", sageguard::default_policy(), small).ok());
}

TEST_F(Api, FixTextIsWhatFixWrites) {
  const std::string file = "examples/jobs/train-sdk-spot.json";
  auto policy = sageguard::load_policy("examples/sageguard.yaml");
  ASSERT_TRUE(policy.ok());
  sgtest::TempDir dir;
  const std::string out = (dir / "fixed.json").string();
  CliRun cli = run_cli({"fix", "--today", "2026-12-10", "--policy", "examples/sageguard.yaml", "-o",
                        out, file});
  ASSERT_NE(cli.code, 2) << cli.err;
  sageguard::FixOptions opts;
  opts.today = "2026-12-10";
  sageguard::Result<sageguard::FixResult> r =
      sageguard::fix_text(file, sgtest::read_file(file), *policy, opts);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_FALSE(r->changes.empty());
  EXPECT_NE(r->fixed, r->original);
  EXPECT_EQ(r->fixed, sgtest::read_file(out));
  // What remains is what check reports on the fixed text.
  sageguard::CheckOptions co;
  co.today = "2026-12-10";
  auto again = sageguard::check_text(file, r->fixed, *policy, co);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(sageguard::report::check_json(*again), sageguard::report::check_json(r->remaining));
}

TEST_F(Api, ExportPolicyIsWhatPolicyExportWrites) {
  auto policy = sageguard::load_policy("examples/sageguard.yaml");
  ASSERT_TRUE(policy.ok());
  const std::pair<sageguard::ExportFormat, const char*> formats[] = {
      {sageguard::ExportFormat::iam, "iam"}, {sageguard::ExportFormat::sdk_config, "sdk-config"}};
  for (const auto& [format, name] : formats) {
    auto e = sageguard::export_policy(*policy, format);
    ASSERT_TRUE(e.ok()) << name;
    ASSERT_EQ(e->documents.size(), 1u);
    CliRun cli = run_cli({"policy", "export", "--format", name, "--policy", "examples/sageguard.yaml"});
    ASSERT_EQ(cli.code, 0) << cli.err;
    EXPECT_EQ(cli.out.substr(0, e->documents[0].size()), e->documents[0]) << name;
    EXPECT_LE(cli.out.size(), e->documents[0].size() + 1) << name;
  }
  auto iam = sageguard::export_policy(*policy, sageguard::ExportFormat::iam);
  ASSERT_TRUE(iam.ok());
  EXPECT_FALSE(iam->not_expressible.empty());  // spot and waivers are beyond IAM
  auto scp = sageguard::export_policy(*policy, sageguard::ExportFormat::scp);
  ASSERT_TRUE(scp.ok());
  EXPECT_GE(scp->documents.size(), 1u);
  auto yaml = sageguard::export_policy(*policy, sageguard::ExportFormat::yaml);
  ASSERT_TRUE(yaml.ok());
  EXPECT_TRUE(sageguard::parse_policy("shown.yaml", yaml->documents[0]).ok());
}

// Default options start no thread; asking for them does (so the count is
// not blind). Two files: check_files would share them out.
TEST_F(Api, NoThreadUnlessAsked) {
  const std::vector<std::string> paths = {"examples/jobs", "examples/pipelines"};
  const auto& policy = sageguard::default_policy();
  sageguard::CheckOptions opts;
  opts.today = "2026-12-10";
  const size_t before = threads_created.load();
  auto quiet = sageguard::check_files(paths, policy, opts);
  ASSERT_TRUE(quiet.ok());
  EXPECT_EQ(threads_created.load(), before);
  opts.threads = 2;
  auto busy = sageguard::check_files(paths, policy, opts);
  ASSERT_TRUE(busy.ok());
  EXPECT_GT(threads_created.load(), before);
  EXPECT_EQ(sageguard::report::check_json(*quiet), sageguard::report::check_json(*busy));
}

TEST(ApiVersion, VersionAndFeatures) {
  EXPECT_STREQ(sageguard::version(), SAGEGUARD_VERSION);
  for (const auto& f : sageguard::features()) EXPECT_FALSE(f.empty());
}

// A build that made the Python package says so in features() and in
// `sageguard --version`; one that did not, does not.
TEST(ApiVersion, PythonFeatureListedWhenBuilt) {
  const auto& fs = sageguard::features();
  const bool listed = std::find(fs.begin(), fs.end(), "python") != fs.end();
  EXPECT_EQ(listed, SG_PYTHON_BUILT == 1);
  const CliRun v = run_cli({"--version"});
  ASSERT_EQ(v.code, 0) << v.err;
  const size_t at = v.out.find("optional features:");
  ASSERT_NE(at, std::string::npos) << v.out;
  const std::string line = v.out.substr(at);
  EXPECT_EQ(line.find("python") != std::string::npos, SG_PYTHON_BUILT == 1) << v.out;
}

}  // namespace
