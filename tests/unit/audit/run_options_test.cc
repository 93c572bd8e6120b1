// audit's options as the library reads them: --since, --region lists, the
// default requests in flight, and --save's JSON lines, which `check` reads
// back as the resources that were audited.
#include "audit/run_options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "audit/audit.h"
#include "sageguard/check.h"
#include "test_support.h"

namespace {

using namespace sageguard;
using namespace sageguard::audit;
using nlohmann::json;

TEST(AuditOptions, DefaultConcurrencyReachesTheRateWithinBounds) {
  EXPECT_EQ(default_concurrency(20), 16);   // the floor
  EXPECT_EQ(default_concurrency(400), 40);  // 100 ms per call
  EXPECT_EQ(default_concurrency(401), 41);  // rounded up
  EXPECT_EQ(default_concurrency(1e6), kMaxConcurrency);
}

TEST(AuditOptions, SinceIsADayOrAUtcTime) {
  EXPECT_EQ(parse_since("2024-05-01"), 1714521600.0);  // 2024-05-01T00:00:00Z
  EXPECT_EQ(parse_since("2024-05-01T10:30"), 1714559400.0);
  EXPECT_EQ(parse_since("2024-05-01T10:30:15Z"), 1714559415.0);
  for (const char* bad : {"", "yesterday", "2024-05", "2024-05-01T10", "2024-13-01",
                          "2024-05-01T25:00", "2024-05-01T10:30:15+02:00", "2024-5-1x"}) {
    EXPECT_FALSE(parse_since(bad).has_value()) << bad;
  }
}

TEST(AuditOptions, RegionsAreSplitOnCommasAndKeptOnce) {
  EXPECT_EQ(split_regions({"us-east-1,eu-west-1", "us-east-1", ",ap-south-1,"}),
            (std::vector<std::string>{"us-east-1", "eu-west-1", "ap-south-1"}));
  EXPECT_TRUE(split_regions({}).empty());
  EXPECT_TRUE(split_regions({",,"}).empty());
}

DescribedResource training(const std::string& name, const std::string& account) {
  DescribedResource d;
  d.id = {ResourceKind::training_job, name,
          "arn:aws:sagemaker:us-east-1:" + account + ":training-job/" + name, "us-east-1", account};
  d.described = {
      {"TrainingJobName", name},
      {"TrainingJobArn", d.id.arn},
      {"TrainingJobStatus", "Completed"},
      {"AlgorithmSpecification", {{"TrainingImage", "img:1"}, {"TrainingInputMode", "File"}}},
      {"RoleArn", "arn:aws:iam::" + account + ":role/r"},
      {"OutputDataConfig", {{"S3OutputPath", "s3://bucket/out"}}},
      {"ResourceConfig",
       {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}, {"VolumeSizeInGB", 30}}},
      {"StoppingCondition", {{"MaxRuntimeInSeconds", 3600}}},
  };
  d.tags = json::array({{{"Key", "Project"}, {"Value", "churn"}}});
  return d;
}

// One line per described resource, as audit_documents gives them; invalid
// UTF-8 from the service is replaced rather than failing the save; and
// `check` reads the file back as the same resources.
TEST(AuditOptions, SavedInventoryIsJsonLinesCheckReads) {
  Inventory inv;
  inv.described.push_back(training("tj-1", "111122223333"));
  inv.described.push_back(training("tj-2", "444455556666"));
  inv.described[1].described["Environment"] = {{"NOTE", std::string("bad \xff byte")}};
  const auto dir =
      std::filesystem::temp_directory_path() / ("sg-audit-save-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "audit.jsonl").string();
  ASSERT_TRUE(save_inventory(path, inv).ok());

  std::istringstream lines(sgtest::read_file(path));
  std::vector<json> saved;
  for (std::string line; std::getline(lines, line);) saved.push_back(json::parse(line));
  auto expected = audit_documents(inv);
  ASSERT_EQ(saved.size(), 2u);
  EXPECT_EQ(saved[0], expected[0]);
  EXPECT_EQ(saved[0]["account"], "111122223333");
  EXPECT_EQ(saved[1]["Environment"]["NOTE"], "bad \xEF\xBF\xBD byte");

  auto checked = check_paths({path}, default_policy(), CheckOptions{});
  ASSERT_TRUE(checked.ok());
  EXPECT_TRUE(checked->errors.empty());
  EXPECT_EQ(checked->summary.resources, 2);

  EXPECT_FALSE(save_inventory((dir / "missing" / "audit.jsonl").string(), inv).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
