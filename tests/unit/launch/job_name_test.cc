// Job names: the SDK's timestamp format, the 63-character limit, bases from
// image URIs and derived model/config names.
#include <gtest/gtest.h>

#include <regex>

#include "sageguard/launch/job_name.h"

namespace {

using namespace sageguard::launch;
using std::chrono::milliseconds;
using TP = std::chrono::system_clock::time_point;

// 2024-03-05T07:08:09.042Z
const TP kWhen = TP(milliseconds(1709622489042LL));

TEST(JobName, TimestampIsTheSdkFormatInUtc) {
  EXPECT_EQ(sdk_timestamp(kWhen), "2024-03-05-07-08-09-042");
  EXPECT_EQ(sdk_timestamp(TP(milliseconds(0))), "1970-01-01-00-00-00-000");
}

TEST(JobName, NameFromBaseAppendsTimestamp) {
  EXPECT_EQ(name_from_base("fraud-detector", kWhen), "fraud-detector-2024-03-05-07-08-09-042");
}

TEST(JobName, LongBaseIsCutToSixtyThreeCharacters) {
  const std::string base(80, 'a');
  const std::string n = name_from_base(base, kWhen);
  EXPECT_EQ(n.size(), 63u);
  EXPECT_EQ(n, std::string(39, 'a') + "-2024-03-05-07-08-09-042");
  // Still a valid TrainingJobName.
  EXPECT_TRUE(std::regex_match(n, std::regex("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")));
}

TEST(JobName, BaseFromImageIsTheRepositoryName) {
  EXPECT_EQ(base_name_from_image("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311"),
            "pytorch-training");
  EXPECT_EQ(base_name_from_image("xgboost"), "xgboost");
  EXPECT_EQ(base_name_from_image("123.dkr.ecr.eu-west-1.amazonaws.com/team/algo@sha256:abcd"), "algo");
}

TEST(JobName, DerivedNamesStayWithinTheLimit) {
  EXPECT_EQ(derived_name("fraud-v7", "-model"), "fraud-v7-model");
  const std::string job = std::string(60, 'j');
  EXPECT_EQ(derived_name(job, "-model"), std::string(57, 'j') + "-model");
  EXPECT_EQ(derived_name(job, "-config").size(), 63u);
  // A cut that ends in '-' does not produce "--model".
  std::string dashy = std::string(56, 'x') + "-yyyyyy";
  EXPECT_EQ(derived_name(dashy, "-model"), std::string(56, 'x') + "-model");
}

}  // namespace
