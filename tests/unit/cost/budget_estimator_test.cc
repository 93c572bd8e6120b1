// budget.max-cost's price adapter: a resource priced from the request it
// came from (only the members pricing reads), pipeline parameters at their
// defaults, and the estimator check builds from a policy and a price list.
#include "sageguard/cost/budget_estimator.h"

#include <gtest/gtest.h>

#include "cost/estimate.h"
#include "cost/value_json.h"
#include "sageguard/cost/price_table.h"
#include "test_support.h"

namespace {

using namespace sageguard;
using namespace sageguard::cost;
using nlohmann::json;

// A spot training request on two ml.m5.xlarge for at most an hour.
json spec() {
  return {
      {"TrainingJobName", "fraud-v7"},
      {"AlgorithmSpecification",
       {{"TrainingImage", "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3"},
        {"TrainingInputMode", "File"}}},
      {"RoleArn", "arn:aws:iam::111122223333:role/SageMakerTraining"},
      {"OutputDataConfig", {{"S3OutputPath", "s3://bucket/out/"}}},
      {"ResourceConfig",
       {{"InstanceType", "ml.m5.xlarge"}, {"InstanceCount", 2}, {"VolumeSizeInGB", 30}}},
      {"StoppingCondition", {{"MaxRuntimeInSeconds", 3600}}},
      {"EnableManagedSpotTraining", true},
  };
}

Resource only_resource(const Document& doc) {
  auto ex = extract_resources(doc);
  EXPECT_TRUE(ex.ok());
  EXPECT_EQ(ex->resources.size(), 1u);
  return ex->resources.at(0);
}

Policy policy(const std::string& limits) {
  auto p = parse_policy("p.yaml", "version: 1\n" + limits);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().describe());
  return std::move(p).value();
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
  auto with_default = estimate_of(
      json::array({{{"Name", "TrainType"}, {"Type", "String"}, {"DefaultValue", "ml.m5.xlarge"}}}));
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
  groups["ResourceConfig"] = {
      {"InstanceGroups",
       {{{"InstanceGroupName", "a"}, {"InstanceType", "ml.m5.xlarge"}, {"InstanceCount", 2}},
        {{"InstanceGroupName", "b"}, {"InstanceType", "ml.c5.xlarge"}, {"InstanceCount", 1}}}},
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

TEST(BudgetEstimator, NothingToPriceWithoutABudgetOrPriceList) {
  auto prices = budget_prices(policy(""), std::nullopt);
  ASSERT_TRUE(prices.ok());
  EXPECT_EQ(*prices, nullptr);
  auto est = budget_estimator(policy(""), std::nullopt);
  ASSERT_TRUE(est.ok());
  EXPECT_FALSE(static_cast<bool>(*est));
}

// With a budget, the estimator prices in the region the environment names:
// the bundled table's us-east-1 prices there, and nothing it can price in a
// region the table does not hold.
TEST(BudgetEstimator, PricesInTheEnvironmentsRegion) {
  // No shared config file: the region comes from AWS_REGION alone.
  const std::string none = "/nonexistent/sageguard-test-config";
  auto doc = parse_document("t.json", spec().dump());
  ASSERT_TRUE(doc.ok());
  const Resource r = only_resource(**doc);
  const Policy budget = policy("limits:\n  max_job_cost_usd: 10\n");
  auto builtin = builtin_prices();
  ASSERT_TRUE(builtin.ok());
  auto expected = make_cost_estimator(*builtin, "us-east-1")(r);
  ASSERT_TRUE(expected.has_value());
  {
    const aws::MapEnv env{{"AWS_REGION", "us-east-1"},
                          {"AWS_CONFIG_FILE", none},
                          {"AWS_SHARED_CREDENTIALS_FILE", none}};
    auto est = budget_estimator(budget, std::nullopt, env);
    ASSERT_TRUE(est.ok());
    ASSERT_TRUE(static_cast<bool>(*est));
    auto got = (*est)(r);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->worst_case_usd, expected->worst_case_usd);
    EXPECT_EQ(got->basis, expected->basis);
  }
  {
    const aws::MapEnv env{{"AWS_REGION", "eu-north-1"},
                          {"AWS_CONFIG_FILE", none},
                          {"AWS_SHARED_CREDENTIALS_FILE", none}};
    auto est = budget_estimator(budget, std::nullopt, env);
    ASSERT_TRUE(est.ok());
    auto got = (*est)(r);
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->unpriced, std::vector<std::string>{"ml.m5.xlarge"});
  }
}

// A named price list is used even without a budget (check --price-list),
// and one that cannot be read is the error, not a silent fallback.
TEST(BudgetEstimator, ANamedPriceListIsReadOrIsTheError) {
  auto missing = budget_estimator(policy(""), std::string("/nonexistent/prices.json"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().describe().find("/nonexistent/prices.json"), std::string::npos)
      << missing.error().describe();
}

}  // namespace
