#include "audit/described_view.h"

#include <gtest/gtest.h>

#include "sageguard/audit/audit_kinds.h"
#include "audit/collector.h"

namespace sageguard::audit {
namespace {

using nlohmann::json;

TEST(DescribedView, MergesTagsAndDropsEmptySettings) {
  json d = json::parse(R"({"ModelName": "m", "ModelArn": "arn:aws:sagemaker:us-east-1:1:model/m",
    "PrimaryContainer": {"Image": "i", "Environment": {}}, "VpcConfig": {}, "Containers": [],
    "Tags": [{"Key": "stale", "Value": "x"}], "Note": null})");
  json tags = json::parse(R"([{"Key": "Project", "Value": "p"}])");
  json v = described_view(ResourceKind::model, d, tags);
  EXPECT_FALSE(v.contains("VpcConfig"));
  EXPECT_FALSE(v.contains("Note"));
  EXPECT_FALSE(v["PrimaryContainer"].contains("Environment"));
  EXPECT_TRUE(v.contains("Containers"));  // arrays are kept: kind detection needs them
  EXPECT_EQ(v["Tags"], tags);
  EXPECT_EQ(v["ModelArn"], d["ModelArn"]);
}

TEST(DescribedView, EndpointKeepsOnlyCreateMembers) {
  json d = json::parse(R"({"EndpointName": "e", "EndpointArn": "arn:e", "EndpointConfigName": "c",
    "ProductionVariants": [{"VariantName": "v", "CurrentInstanceCount": 1}],
    "EndpointStatus": "InService", "DataCaptureConfig": {"EnableCapture": false}})");
  json v = described_view(ResourceKind::endpoint, d, json::array());
  EXPECT_EQ(v, json::parse(R"({"EndpointName": "e", "EndpointArn": "arn:e",
    "EndpointConfigName": "c", "Tags": []})"));
}

TEST(AuditKinds, ParseKinds) {
  std::vector<std::string> bad;
  auto all = parse_kinds("", bad);
  EXPECT_EQ(all.size(), audit_kinds().size());  // no --kinds: every kind
  auto some = parse_kinds("endpoint, training-job,endpoint", bad);
  EXPECT_TRUE(bad.empty());
  ASSERT_EQ(some.size(), 2u);
  EXPECT_EQ(some[0], ResourceKind::training_job);  // table order
  EXPECT_EQ(some[1], ResourceKind::endpoint);
  parse_kinds("pipeline,bogus", bad);
  EXPECT_EQ(bad, (std::vector<std::string>{"pipeline", "bogus"}));
}

TEST(Collector, NameContainsHint) {
  EXPECT_EQ(name_contains_hint("prod-*-xgb?"), "prod-");
  EXPECT_EQ(name_contains_hint("*churn-model*"), "churn-model");
  EXPECT_EQ(name_contains_hint("*"), "");
  // Brackets are literal in our globs: "bc" is surely part of a match.
  EXPECT_EQ(name_contains_hint("a*[bc]"), "bc");
}

TEST(Collector, NotFoundAnswers) {
  aws::AwsError e;
  e.code = "ValidationException";
  e.message = "Could not find model 'arn:...'.";
  EXPECT_TRUE(is_not_found(e));
  e.message = "Requested resource not found.";
  EXPECT_TRUE(is_not_found(e));
  e.message = "1 validation error detected";
  EXPECT_FALSE(is_not_found(e));
  e.code = "ResourceNotFound";
  EXPECT_TRUE(is_not_found(e));
  e.code = "AccessDeniedException";
  e.message = "resource not found in your dreams";
  EXPECT_FALSE(is_not_found(e));
}

}  // namespace
}  // namespace sageguard::audit
