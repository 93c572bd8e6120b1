// The launch gate with a real policy, the real rules and fix, and an
// in-memory SageMaker: a refused spec sends nothing, a compliant one is sent
// once as checked, unique names and budget.max-cost apply to what is sent.
#include <gtest/gtest.h>

#include "fake_sagemaker.h"
#include "sageguard/cost/price_table.h"
#include "sageguard/launch/cost_estimator.h"
#include "sageguard/launch/launch.h"
#include "launch/value_json.h"
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

TEST(CostEstimator, ConvertsTheResourceAndPricesIt) {
  auto prices = builtin_prices();
  ASSERT_TRUE(prices.ok());
  auto est = make_cost_estimator(*prices, "us-east-1");
  auto doc = parse_document("t.json", spec().dump());
  ASSERT_TRUE(doc.ok());
  auto ex = extract_resources(**doc);
  ASSERT_TRUE(ex.ok());
  ASSERT_EQ(ex->resources.size(), 1u);
  auto e = est(ex->resources[0]);
  ASSERT_TRUE(e.has_value());
  auto p = (*prices)->hourly("us-east-1", cost::Component::training, "ml.m5.xlarge");
  // Spot without MaxWait: bounded by MaxRuntime (1 h) x 2 instances.
  EXPECT_NEAR(e->worst_case_usd, *p * 2, 1e-9);
  EXPECT_NE(e->basis.find("ml.m5.xlarge x 2"), std::string::npos);
}

// A pipeline training step whose instance type is a parameter: priced at the
// parameter's declared default, and the basis says so; without a default the
// step has no price to compare (no guess).
TEST(CostEstimator, PricesPipelineParametersAtTheirDefaults) {
  auto prices = builtin_prices();
  ASSERT_TRUE(prices.ok());
  auto est = make_cost_estimator(*prices, "us-east-1");
  auto pipeline = [](const json& params) {
    json args = {
        {"AlgorithmSpecification", {{"TrainingImage", "img"}, {"TrainingInputMode", "File"}}},
        {"RoleArn", "arn:aws:iam::111122223333:role/r"},
        {"OutputDataConfig", {{"S3OutputPath", "s3://b/o"}}},
        {"ResourceConfig",
         {{"InstanceType", {{"Get", "Parameters.TrainType"}}},
          {"InstanceCount", 2},
          {"VolumeSizeInGB", 10}}},
        {"StoppingCondition", {{"MaxRuntimeInSeconds", 3600}}}};
    json step = {{"Name", "Train"}, {"Type", "Training"}, {"Arguments", args}};
    return json{{"Version", "2020-12-01"}, {"Parameters", params}, {"Steps", json::array({step})}}
        .dump();
  };
  auto estimate_of = [&](const json& params) -> std::optional<CostEstimate> {
    auto doc = parse_document("p.json", pipeline(params));
    if (!doc.ok()) return std::nullopt;
    auto ex = extract_resources(**doc);
    if (!ex.ok() || ex->resources.size() != 1) return std::nullopt;
    return est(ex->resources[0]);
  };
  auto with_default = estimate_of(json::array(
      {{{"Name", "TrainType"}, {"Type", "String"}, {"DefaultValue", "ml.m5.xlarge"}}}));
  ASSERT_TRUE(with_default.has_value());
  auto p = (*prices)->hourly("us-east-1", cost::Component::training, "ml.m5.xlarge");
  ASSERT_TRUE(p.has_value());
  EXPECT_NEAR(with_default->worst_case_usd, *p * 2, 1e-9);
  EXPECT_NE(with_default->basis.find("TrainType=ml.m5.xlarge"), std::string::npos)
      << with_default->basis;
  auto without = estimate_of(json::array({{{"Name", "TrainType"}, {"Type", "String"}}}));
  EXPECT_FALSE(without.has_value()) << "a parameter without a default must not be priced";
}

// The estimator converts only the members pricing reads: its estimate of
// each request is the one made from the whole request (examples and
// requests using every member the cost module prices from).
TEST(CostEstimator, SameEstimateAsFromTheWholeRequest) {
  auto prices = builtin_prices();
  ASSERT_TRUE(prices.ok());
  auto est = make_cost_estimator(*prices, "us-east-1");
  std::vector<std::string> texts;
  for (const char* f : {"train-compliant.json", "train-sdk-spot.json", "processing-features.json",
                        "tuning-forecast.yaml"}) {
    texts.push_back(sgtest::read_file(sgtest::source_dir() + "/examples/jobs/" + f));
  }
  json groups = spec();
  groups["ResourceConfig"] = {{"InstanceGroups", {{{"InstanceGroupName", "a"}, {"InstanceType", "ml.m5.xlarge"},
                                                   {"InstanceCount", 2}},
                                                  {{"InstanceGroupName", "b"}, {"InstanceType", "ml.c5.xlarge"},
                                                   {"InstanceCount", 1}}}},
                              {"VolumeSizeInGB", 10}};
  groups["RetryStrategy"] = {{"MaximumRetryAttempts", 3}};
  groups["StoppingCondition"]["MaxWaitTimeInSeconds"] = 7200;
  texts.push_back(groups.dump());
  texts.push_back(R"({"HyperParameterTuningJobName": "t",
    "HyperParameterTuningJobConfig": {"Strategy": "Bayesian",
      "ResourceLimits": {"MaxNumberOfTrainingJobs": 4, "MaxParallelTrainingJobs": 2}},
    "TrainingJobDefinitions": [{"RoleArn": "arn:aws:iam::111122223333:role/r",
      "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
      "OutputDataConfig": {"S3OutputPath": "s3://b/o"},
      "HyperParameterTuningResourceConfig": {"InstanceConfigs": [
        {"InstanceType": "ml.g5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10}]},
      "StoppingCondition": {"MaxRuntimeInSeconds": 1800}}]})");
  texts.push_back(R"({"TransformJobName": "x", "ModelName": "m",
    "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/i"}}},
    "TransformOutput": {"S3OutputPath": "s3://b/o"},
    "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 3}})");
  size_t priced = 0;
  for (const auto& text : texts) {
    auto doc = parse_document("r.json", text);
    ASSERT_TRUE(doc.ok()) << text;
    auto ex = extract_resources(**doc);
    ASSERT_TRUE(ex.ok()) << text;
    ASSERT_FALSE(ex->resources.empty()) << text;
    for (const auto& r : ex->resources) {
      std::optional<cost::RequestKind> kind;
      if (r.kind == ResourceKind::training_job) kind = cost::RequestKind::training;
      if (r.kind == ResourceKind::tuning_job) kind = cost::RequestKind::tuning;
      if (r.kind == ResourceKind::processing_job) kind = cost::RequestKind::processing;
      if (r.kind == ResourceKind::transform_job) kind = cost::RequestKind::transform;
      ASSERT_TRUE(kind.has_value()) << text;
      auto whole = cost::estimate_request(to_json(*r.root), "us-east-1", **prices, kind);
      auto got = est(r);
      if (!whole.ok() || (whole->unknown_instance_types.empty() && !whole->worst_case_usd)) {
        EXPECT_FALSE(got.has_value()) << r.name;
        continue;
      }
      ASSERT_TRUE(got.has_value()) << r.name;
      EXPECT_EQ(got->unpriced, whole->unknown_instance_types) << r.name;
      if (!whole->unknown_instance_types.empty()) continue;
      EXPECT_EQ(got->worst_case_usd, *whole->worst_case_usd) << r.name;
      EXPECT_EQ(got->basis, describe_basis(*whole)) << r.name;
      ++priced;
    }
  }
  EXPECT_GE(priced, 5u);
}

TEST(ValueJson, KeepsTypes) {
  auto doc = parse_document("v.yaml", "a: 3\nb: 2.5\nc: 'x'\nd: [true, null]\n");
  ASSERT_TRUE(doc.ok());
  json j = to_json((*doc)->root());
  EXPECT_TRUE(j["a"].is_number_integer());
  EXPECT_EQ(j["a"], 3);
  EXPECT_DOUBLE_EQ(j["b"].get<double>(), 2.5);
  EXPECT_EQ(j["c"], "x");
  EXPECT_EQ(j["d"], json({true, nullptr}));
}

}  // namespace
