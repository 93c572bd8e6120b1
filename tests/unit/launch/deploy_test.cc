// deploy: requests built from a recorded training job, tags merged (job
// wins, policy defaults fill gaps, aws: keys dropped), NVMe hosting without
// a volume key, and a refusal that creates nothing.
#include <gtest/gtest.h>

#include "fake_sagemaker.h"
#include "launch/deploy.h"
#include "test_support.h"

namespace {

using namespace sageguard;
using namespace sageguard::launch;
using nlohmann::json;

json recorded() {
  return json::parse(sgtest::read_file(sgtest::source_dir() +
                                       "/tests/unit/launch/testdata/describe_training_job_spot.json"));
}

Policy test_policy(const std::string& extra = "") {
  auto p = parse_policy("test-policy.yaml", std::string(sgtest::kLaunchTestPolicy) + extra);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return std::move(p).value();
}

const TagList kJobTags = {{"Project", "fraud"}, {"Cost Center", "CC-100"},
                          {"Contact", "fraud-ml@example.com"}, {"aws:sagemaker:x", "sys"}};

TEST(Tags, JobTagsWinPolicyDefaultsFillGaps) {
  Policy p = test_policy();
  TagList merged = merge_tags(kJobTags, p);
  EXPECT_EQ(merged, (TagList{{"Project", "fraud"}, {"Cost Center", "CC-100"},
                             {"Contact", "fraud-ml@example.com"}}));
  TagList without_contact = merge_tags({{"Project", "x"}}, p);
  EXPECT_EQ(without_contact, (TagList{{"Project", "x"}, {"Contact", "ml-platform@example.com"}}));
  EXPECT_EQ(tags_from_json(json{{"Tags", tags_to_json(merged)}}), merged);
}

TEST(Deploy, RequestsCarryTheJobsSettingsAndTags) {
  DeployRequest req;
  req.training_job = "fraud-v7-2024-05-14-09-12-03-117";
  req.endpoint_name = "fraud-endpoint";
  auto plan = plan_deployment(recorded(), kJobTags, req, test_policy());
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_FALSE(plan->refused) << plan->model.check.findings.size();
  const json& m = plan->model.request;
  EXPECT_EQ(m["ModelName"], "fraud-v7-2024-05-14-09-12-03-117-model");
  EXPECT_EQ(m["PrimaryContainer"]["Image"], recorded()["AlgorithmSpecification"]["TrainingImage"]);
  EXPECT_EQ(m["PrimaryContainer"]["ModelDataUrl"], recorded()["ModelArtifacts"]["S3ModelArtifacts"]);
  EXPECT_EQ(m["ExecutionRoleArn"], recorded()["RoleArn"]);
  EXPECT_EQ(m["VpcConfig"], recorded()["VpcConfig"]);
  EXPECT_EQ(m["EnableNetworkIsolation"], true);
  const json& c = plan->endpoint_config.request;
  EXPECT_EQ(c["EndpointConfigName"], "fraud-v7-2024-05-14-09-12-03-117-config");
  EXPECT_EQ(c["ProductionVariants"][0]["InstanceType"], "ml.m5.large");
  EXPECT_EQ(c["ProductionVariants"][0]["InitialInstanceCount"], 1);
  EXPECT_EQ(c["ProductionVariants"][0]["ModelName"], m["ModelName"]);
  EXPECT_EQ(c["KmsKeyId"], "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  const json& e = plan->endpoint.request;
  EXPECT_EQ(e["EndpointName"], "fraud-endpoint");
  EXPECT_EQ(e["EndpointConfigName"], c["EndpointConfigName"]);
  const json tags = tags_to_json(merge_tags(kJobTags, test_policy()));
  EXPECT_EQ(m["Tags"], tags);
  EXPECT_EQ(c["Tags"], tags);
  EXPECT_EQ(e["Tags"], tags);
}

TEST(Deploy, NvmeInstanceTypesGetNoVolumeKey) {
  DeployRequest req;
  req.training_job = "j";
  req.instance_type = "ml.g4dn.xlarge";
  auto plan = plan_deployment(recorded(), kJobTags, req, test_policy());
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->endpoint_config.request.contains("KmsKeyId"));
  EXPECT_EQ(plan->endpoint.request["EndpointName"], "j");
}

TEST(Deploy, IncompleteJobIsAnInputError) {
  json d = recorded();
  d.erase("ModelArtifacts");
  d["TrainingJobStatus"] = "InProgress";
  DeployRequest req;
  req.training_job = "j";
  auto plan = plan_deployment(d, kJobTags, req, test_policy());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::input);
  EXPECT_NE(plan.error().message.find("InProgress"), std::string::npos);
}

TEST(Deploy, RefusalCreatesNothing) {
  // The policy demands a tag the job lacks and fix has no value for it.
  Policy p = test_policy();
  p.required_tags.push_back("Sponsor");
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  fake->on("DescribeTrainingJob", {recorded()});
  fake->on("ListTags", {{{"Tags", tags_to_json(kJobTags)}}});
  auto client = sgtest::fake_client(fake);
  DeployRequest req;
  req.training_job = "fraud-v7-2024-05-14-09-12-03-117";
  auto out = deploy_training_job(req, p, *client);
  ASSERT_TRUE(out.ok()) << out.error().describe();
  EXPECT_FALSE(out->deployed);
  EXPECT_TRUE(out->plan.refused);
  EXPECT_EQ(fake->calls.size(), 2u);  // DescribeTrainingJob + ListTags only
  EXPECT_EQ(fake->calls[1].body["ResourceArn"], recorded()["TrainingJobArn"]);
  for (const auto& c : fake->calls) EXPECT_EQ(c.operation.rfind("Create", 0), std::string::npos);
  CheckResult all = out->plan.combined();
  int sponsor = 0;
  for (const auto& f : all.findings) sponsor += f.rule == "tags.required" ? 1 : 0;
  EXPECT_EQ(sponsor, 3);  // model, endpoint config and endpoint
}

TEST(Deploy, CreatesModelConfigEndpointInOrder) {
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  fake->on("DescribeTrainingJob", {recorded()});
  fake->on("ListTags", {{{"Tags", tags_to_json(kJobTags)}}});
  fake->on("CreateModel", {{{"ModelArn", "arn:model"}}});
  fake->on("CreateEndpointConfig", {{{"EndpointConfigArn", "arn:config"}}});
  fake->on("CreateEndpoint", {{{"EndpointArn", "arn:endpoint"}}});
  auto client = sgtest::fake_client(fake);
  DeployRequest req;
  req.training_job = "fraud-v7-2024-05-14-09-12-03-117";
  auto out = deploy_training_job(req, test_policy(), *client);
  ASSERT_TRUE(out.ok()) << out.error().describe();
  EXPECT_TRUE(out->deployed);
  EXPECT_EQ(out->endpoint_arn, "arn:endpoint");
  ASSERT_EQ(fake->calls.size(), 5u);
  EXPECT_EQ(fake->calls[2].operation, "CreateModel");
  EXPECT_EQ(fake->calls[3].operation, "CreateEndpointConfig");
  EXPECT_EQ(fake->calls[4].operation, "CreateEndpoint");
  EXPECT_EQ(fake->calls[2].body, out->plan.model.request);
}

TEST(Deploy, PartialFailureSaysWhatExists) {
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  fake->on("DescribeTrainingJob", {recorded()});
  fake->on("ListTags", {{{"Tags", tags_to_json(kJobTags)}}});
  fake->on("CreateModel", {{{"ModelArn", "arn:model"}}});
  fake->script("CreateEndpointConfig", {{400, sgtest::FakeSageMaker::error_body("ResourceLimitExceeded")}});
  auto client = sgtest::fake_client(fake);
  DeployRequest req;
  req.training_job = "fraud-v7-2024-05-14-09-12-03-117";
  auto out = deploy_training_job(req, test_policy(), *client);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, ErrorCode::aws);
  EXPECT_NE(out.error().message.find("already created: ModelName fraud-v7-2024-05-14-09-12-03-117-model"),
            std::string::npos)
      << out.error().message;
  EXPECT_EQ(fake->count("CreateEndpoint"), 0u);
}

}  // namespace
