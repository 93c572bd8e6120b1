// The launch gate with a real policy, the real rules and fix, and an
// in-memory SageMaker: a refused spec sends nothing, a compliant one is sent
// once as checked, unique names and budget.max-cost apply to what is sent.
#include <gtest/gtest.h>

#include "fake_sagemaker.h"
#include "sageguard/cost/price_table.h"
#include "launch/launch.h"
#include "test_support.h"

namespace {

using namespace sageguard;
using namespace sageguard::launch;
using nlohmann::json;

Policy test_policy(const std::string& extra = "") {
  auto p = parse_policy("test-policy.yaml", std::string(sgtest::kLaunchTestPolicy) + extra);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return std::move(p).value();
}

json spec(const std::string& name = "fraud-v7") {
  return {
      {"TrainingJobName", name},
      {"AlgorithmSpecification",
       {{"TrainingImage", "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3"},
        {"TrainingInputMode", "File"}}},
      {"RoleArn", "arn:aws:iam::111122223333:role/SageMakerTraining"},
      {"OutputDataConfig", {{"S3OutputPath", "s3://bucket/out/"}}},
      {"ResourceConfig", {{"InstanceType", "ml.m5.xlarge"}, {"InstanceCount", 2}, {"VolumeSizeInGB", 30}}},
      {"StoppingCondition", {{"MaxRuntimeInSeconds", 3600}}},
      {"EnableManagedSpotTraining", true},
      {"Tags", {{{"Key", "Project"}, {"Value", "fraud"}}, {{"Key", "Cost Center"}, {"Value", "CC-100"}}}},
  };
}

LaunchRequest request_for(const json& body, const std::string& path = "jobs/train.json") {
  LaunchRequest r;
  r.spec_path = path;
  r.spec_text = body.dump(2);
  r.today = "2025-01-01";
  return r;
}

TEST(Launch, RefusedSpecSendsNothing) {
  json body = spec();
  body["Tags"] = json::array({{{"Key", "Project"}, {"Value", "fraud"}}});  // no Cost Center
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  auto client = sgtest::fake_client(fake);
  auto out = launch_training_job(request_for(body), test_policy(), *client);
  ASSERT_TRUE(out.ok()) << out.error().describe();
  EXPECT_FALSE(out->launched);
  EXPECT_TRUE(out->plan.refused);
  EXPECT_TRUE(fake->calls.empty()) << "a refused launch must not reach AWS";
  bool found = false;
  for (const auto& f : out->plan.gate.check.findings) {
    if (f.rule == "tags.required" && f.message.find("Cost Center") != std::string::npos) {
      found = true;
      EXPECT_EQ(f.file, "jobs/train.json");
      EXPECT_GT(f.line, 0u);
    }
  }
  EXPECT_TRUE(found);
}

TEST(Launch, NoFixRefusesWhatFixWouldRepair) {
  auto plan_fixed = plan_launch(request_for(spec()), test_policy());
  ASSERT_TRUE(plan_fixed.ok()) << plan_fixed.error().describe();
  EXPECT_FALSE(plan_fixed->refused);
  EXPECT_FALSE(plan_fixed->gate.changes.empty());

  LaunchRequest r = request_for(spec());
  r.fix = FixMode::skip;
  auto plan = plan_launch(r, test_policy());
  ASSERT_TRUE(plan.ok());
  EXPECT_TRUE(plan->refused);  // no VPC, KMS, ... without fix
  EXPECT_TRUE(plan->gate.changes.empty());
}

TEST(Launch, CompliantSpecIsFixedInMemoryAndSentOnce) {
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  fake->on("CreateTrainingJob", {{{"TrainingJobArn", "arn:aws:sagemaker:us-east-1:111122223333:training-job/fraud-v7"}}});
  auto client = sgtest::fake_client(fake);
  const std::string original = spec().dump(2);
  LaunchRequest r = request_for(spec());
  auto out = launch_training_job(r, test_policy(), *client);
  ASSERT_TRUE(out.ok()) << out.error().describe();
  EXPECT_TRUE(out->launched);
  EXPECT_EQ(out->job_arn, "arn:aws:sagemaker:us-east-1:111122223333:training-job/fraud-v7");
  ASSERT_EQ(fake->calls.size(), 1u);
  EXPECT_EQ(fake->calls[0].operation, "CreateTrainingJob");
  const json& sent = fake->calls[0].body;
  EXPECT_EQ(sent, out->plan.request);
  EXPECT_EQ(r.spec_text, original) << "the spec is never rewritten";
  // What the policy supplies was filled in before sending.
  EXPECT_EQ(sent["VpcConfig"]["Subnets"], json({"subnet-0a1b2c3d", "subnet-4e5f6a7b"}));
  EXPECT_EQ(sent["ResourceConfig"]["VolumeKmsKeyId"],
            "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
  EXPECT_EQ(sent["OutputDataConfig"]["KmsKeyId"],
            "arn:aws:kms:us-east-1:111122223333:key/5678efab-34cd-56ef-78ab-0987654321fe");
  EXPECT_EQ(sent["EnableNetworkIsolation"], true);
  EXPECT_EQ(sent["CheckpointConfig"]["S3Uri"], "s3://ml-checkpoints/fraud-v7/");
  EXPECT_EQ(sent["StoppingCondition"]["MaxWaitTimeInSeconds"], 7200);
  EXPECT_EQ(sent["ResourceConfig"]["InstanceCount"], 2) << "integers stay integers on the wire";
  bool contact = false;
  for (const auto& t : sent["Tags"]) contact |= t["Key"] == "Contact";
  EXPECT_TRUE(contact);
}

TEST(Launch, UniqueNameIsAppliedToTheRequestAndCheckpoint) {
  LaunchRequest r = request_for(spec());
  r.naming = NameMode::unique;
  r.now = std::chrono::system_clock::time_point(std::chrono::milliseconds(1709622489042LL));
  auto plan = plan_launch(r, test_policy());
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  ASSERT_FALSE(plan->refused);
  EXPECT_EQ(plan->job_name, "fraud-v7-2024-03-05-07-08-09-042");
  EXPECT_EQ(plan->request["TrainingJobName"], plan->job_name);
  EXPECT_EQ(plan->request["CheckpointConfig"]["S3Uri"],
            "s3://ml-checkpoints/fraud-v7-2024-03-05-07-08-09-042/");
}

TEST(Launch, EstimateOfASpotJobIsBoundedByMaxRuntimeNotMaxWait) {
  auto plan = plan_launch(request_for(spec()), test_policy());
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(plan->estimate.has_value());
  ASSERT_TRUE(plan->estimate->worst_case_usd.has_value());
  auto table = cost::PriceTable::builtin();
  ASSERT_TRUE(table.ok());
  auto price = table->hourly("us-east-1", cost::Component::training, "ml.m5.xlarge");
  ASSERT_TRUE(price.has_value());
  // fix turns spot on with MaxWait = 2 x MaxRuntime; MaxWait is the wait for
  // capacity plus the run and is not billed: 2 instances x MaxRuntime 3600 s.
  EXPECT_NEAR(*plan->estimate->worst_case_usd, *price * 2 * 1.0, 1e-9);
}

TEST(Launch, BudgetOverTheLimitIsRefused) {
  json body = spec();
  body["ResourceConfig"]["InstanceType"] = "ml.p3.16xlarge";
  body["ResourceConfig"]["InstanceCount"] = 4;
  body["StoppingCondition"]["MaxRuntimeInSeconds"] = 86400;
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  auto client = sgtest::fake_client(fake);
  auto out = launch_training_job(request_for(body), test_policy(), *client);
  ASSERT_TRUE(out.ok()) << out.error().describe();
  EXPECT_FALSE(out->launched);
  bool budget = false;
  for (const auto& f : out->plan.gate.check.findings) budget |= f.rule == "budget.max-cost";
  EXPECT_TRUE(budget);
  EXPECT_TRUE(fake->calls.empty());
}

TEST(Launch, UnknownInstanceTypeIsNeverPricedAsZero) {
  json body = spec();
  body["ResourceConfig"]["InstanceType"] = "ml.m5.nonexistent";
  auto plan = plan_launch(request_for(body), test_policy());
  ASSERT_TRUE(plan.ok());
  ASSERT_TRUE(plan->estimate.has_value());
  EXPECT_FALSE(plan->estimate->worst_case_usd.has_value());
  EXPECT_EQ(plan->estimate->unknown_instance_types, std::vector<std::string>{"ml.m5.nonexistent"});
  bool unpriced = false;
  for (const auto& f : plan->gate.check.findings) {
    unpriced |= f.rule == "budget.max-cost" && f.message.find("no price") != std::string::npos;
  }
  EXPECT_TRUE(unpriced);
}

TEST(Launch, YamlSpecsAreAccepted) {
  const std::string yaml = R"(TrainingJobName: yaml-job
AlgorithmSpecification:
  TrainingImage: 763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3
  TrainingInputMode: File
RoleArn: arn:aws:iam::111122223333:role/SageMakerTraining
OutputDataConfig:
  S3OutputPath: s3://bucket/out/
ResourceConfig:
  InstanceType: ml.m5.large
  InstanceCount: 1
  VolumeSizeInGB: 30
StoppingCondition:
  MaxRuntimeInSeconds: 3600
Tags:
  - Key: Project
    Value: fraud
  - Key: Cost Center
    Value: CC-100
)";
  LaunchRequest r;
  r.spec_path = "train.yaml";
  r.spec_text = yaml;
  auto plan = plan_launch(r, test_policy());
  ASSERT_TRUE(plan.ok()) << plan.error().describe();
  EXPECT_FALSE(plan->refused);
  EXPECT_EQ(plan->request["ResourceConfig"]["InstanceCount"], 1);
  EXPECT_EQ(plan->request["TrainingJobName"], "yaml-job");
}

TEST(Launch, OtherKindsAreInputErrors) {
  LaunchRequest r;
  r.spec_path = "model.json";
  r.spec_text = R"({"ModelName": "m", "PrimaryContainer": {"Image": "x"}, "ExecutionRoleArn": "arn:aws:iam::111122223333:role/r"})";
  auto plan = plan_launch(r, test_policy());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::input);
  EXPECT_NE(plan.error().message.find("CreateTrainingJob"), std::string::npos);
}

TEST(Launch, RetryThatMeetsItsOwnJobDoesNotLaunchTwice) {
  // First attempt: 500 (the service may have applied it); the retry meets
  // ResourceInUse; the describe shows our job, so it is accepted.
  auto plan = plan_launch(request_for(spec()), test_policy());
  ASSERT_TRUE(plan.ok());
  json described = plan->request;
  described["TrainingJobArn"] = "arn:aws:sagemaker:us-east-1:111122223333:training-job/fraud-v7";
  described["TrainingJobStatus"] = "InProgress";
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  fake->script("CreateTrainingJob", {{500, sgtest::FakeSageMaker::error_body("InternalFailure")},
                                     {400, sgtest::FakeSageMaker::error_body("ResourceInUse")}});
  fake->on("DescribeTrainingJob", {described});
  auto client = sgtest::fake_client(fake);
  auto out = submit_launch(*plan, *client);
  ASSERT_TRUE(out.ok()) << out.error().describe();
  EXPECT_TRUE(out->resolved_by_describe);
  EXPECT_EQ(out->job_arn, described["TrainingJobArn"]);
  EXPECT_EQ(fake->count("CreateTrainingJob"), 2u);

  // Someone else's job under that name is not accepted as ours.
  described["RoleArn"] = "arn:aws:iam::111122223333:role/SomeoneElse";
  auto fake2 = std::make_shared<sgtest::FakeSageMaker>();
  fake2->script("CreateTrainingJob", {{500, sgtest::FakeSageMaker::error_body("InternalFailure")},
                                      {400, sgtest::FakeSageMaker::error_body("ResourceInUse")}});
  fake2->on("DescribeTrainingJob", {described});
  auto client2 = sgtest::fake_client(fake2);
  auto other = submit_launch(*plan, *client2);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code, ErrorCode::aws);
}

}  // namespace
