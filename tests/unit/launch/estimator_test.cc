// Estimator: the SDK-shaped CreateTrainingJob request, and fit()/deploy()
// through the same gate as the CLI (refusal sends nothing).
#include <gtest/gtest.h>

#include "fake_sagemaker.h"
#include "launch/estimator.h"

namespace {

using namespace sageguard;
using nlohmann::json;

std::shared_ptr<const Policy> test_policy() {
  auto p = parse_policy("test-policy.yaml", sgtest::kLaunchTestPolicy);
  EXPECT_TRUE(p.ok());
  return std::make_shared<const Policy>(std::move(p).value());
}

EstimatorOptions options(std::shared_ptr<sgtest::FakeSageMaker> fake) {
  return EstimatorOptions{
      .image_uri = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3",
      .role = "arn:aws:iam::111122223333:role/SageMakerTraining",
      .instance_count = 2,
      .instance_type = "ml.m5.xlarge",
      .hyperparameters = {{"epochs", "20"}},
      .use_spot_instances = true,
      .max_run = 3600,
      .max_wait = 7200,
      .tags = {{"Project", "fraud"}, {"Cost Center", "CC-100"}},
      .output_path = "s3://bucket/out/",
      .policy = test_policy(),
      .client = sgtest::fake_client(std::move(fake)),
  };
}

TEST(Estimator, BuildsTheRequestTheSdkWould) {
  Estimator est{{
      .image_uri = "img:1",
      .role = "arn:aws:iam::111122223333:role/R",
      .instance_type = "ml.m5.large",
      .hyperparameters = {{"lr", "0.1"}},
      .use_spot_instances = true,
      .max_run = 3600,
      .max_wait = 7200,
      .checkpoint_s3_uri = "s3://ckpt/x/",
      .tags = {{"Project", "p"}},
      .subnets = {"subnet-1"},
      .security_group_ids = {"sg-1"},
      .encrypt_inter_container_traffic = true,
      .enable_network_isolation = true,
      .volume_kms_key = "vk",
      .output_kms_key = "ok",
      .output_path = "s3://out/",
  }};
  auto r = est.training_request({{"train", "s3://data/train/"}, {"validation", "s3://data/val/"}}, "job-1");
  ASSERT_TRUE(r.ok()) << r.error().message;
  json expected = json::parse(R"({
    "TrainingJobName": "job-1",
    "AlgorithmSpecification": {"TrainingImage": "img:1", "TrainingInputMode": "File"},
    "RoleArn": "arn:aws:iam::111122223333:role/R",
    "InputDataConfig": [
      {"ChannelName": "train", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://data/train/", "S3DataDistributionType": "FullyReplicated"}}},
      {"ChannelName": "validation", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://data/val/", "S3DataDistributionType": "FullyReplicated"}}}
    ],
    "OutputDataConfig": {"S3OutputPath": "s3://out/", "KmsKeyId": "ok"},
    "ResourceConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.large", "VolumeSizeInGB": 30, "VolumeKmsKeyId": "vk"},
    "StoppingCondition": {"MaxRuntimeInSeconds": 3600, "MaxWaitTimeInSeconds": 7200},
    "HyperParameters": {"lr": "0.1"},
    "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
    "EnableNetworkIsolation": true,
    "EnableInterContainerTrafficEncryption": true,
    "EnableManagedSpotTraining": true,
    "CheckpointConfig": {"S3Uri": "s3://ckpt/x/"},
    "Tags": [{"Key": "Project", "Value": "p"}]
  })");
  EXPECT_EQ(*r, expected) << r->dump(2);
}

TEST(Estimator, HalfAVpcAndFalseFlagsAreLeftOutAsInTheSdk) {
  Estimator est{{.image_uri = "img", .role = "arn:aws:iam::111122223333:role/R",
                 .instance_type = "ml.m5.large", .subnets = {"subnet-1"}, .output_path = "s3://o/"}};
  auto r = est.training_request({}, "j");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->contains("VpcConfig"));
  EXPECT_FALSE(r->contains("EnableNetworkIsolation"));
  EXPECT_FALSE(r->contains("EnableManagedSpotTraining"));
  EXPECT_FALSE(r->contains("InputDataConfig"));
  EXPECT_EQ((*r)["StoppingCondition"]["MaxRuntimeInSeconds"], 86400);

  Estimator missing{{.image_uri = "img"}};
  auto m = missing.training_request({}, "j");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code, ErrorCode::usage);
}

TEST(Estimator, FitRefusedByPolicySendsNothing) {
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  EstimatorOptions o = options(fake);
  o.tags = {{"Project", "fraud"}};  // Cost Center missing; fix has no value for it
  Estimator est{std::move(o)};
  auto r = est.fit({{"train", "s3://data/train/"}});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("refused by policy"), std::string::npos);
  EXPECT_NE(r.error().message.find("Cost Center"), std::string::npos);
  EXPECT_TRUE(fake->calls.empty());
  EXPECT_FALSE(est.last_check().findings.empty());
}

TEST(Estimator, FitThenDeployGoThroughTheGate) {
  auto fake = std::make_shared<sgtest::FakeSageMaker>();
  fake->on("CreateTrainingJob", {{{"TrainingJobArn", "arn:aws:sagemaker:us-east-1:111122223333:training-job/x"}}});
  Estimator est{options(fake)};
  auto r = est.fit({{"train", "s3://data/train/"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(fake->calls.size(), 1u);
  const json sent = fake->calls[0].body;  // a copy: calls grows below
  // Name from the image's repository plus the SDK timestamp.
  EXPECT_EQ(sent["TrainingJobName"].get<std::string>().rfind("pytorch-training-", 0), 0u);
  EXPECT_EQ(sent["TrainingJobName"].get<std::string>().size(), std::string("pytorch-training-").size() + 23);
  // The gate's fix filled what the policy supplies.
  EXPECT_EQ(sent["VpcConfig"]["SecurityGroupIds"], json({"sg-0123abcd"}));
  EXPECT_EQ(sent["EnableInterContainerTrafficEncryption"], true);
  EXPECT_EQ(r->request, sent);
  EXPECT_EQ(est.latest_training_job(), sent["TrainingJobName"]);

  json described = sent;
  described["TrainingJobArn"] = "arn:aws:sagemaker:us-east-1:111122223333:training-job/x";
  described["TrainingJobStatus"] = "Completed";
  described["ModelArtifacts"] = {{"S3ModelArtifacts", "s3://bucket/out/x/output/model.tar.gz"}};
  fake->on("DescribeTrainingJob", {described});
  fake->on("ListTags", {{{"Tags", sent["Tags"]}}});
  fake->on("CreateModel", {{{"ModelArn", "arn:m"}}});
  fake->on("CreateEndpointConfig", {{{"EndpointConfigArn", "arn:c"}}});
  fake->on("CreateEndpoint", {{{"EndpointArn", "arn:e"}}});
  auto d = est.deploy(1, "ml.m5.large", "fraud-ep");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->endpoint_name, "fraud-ep");
  EXPECT_EQ(d->endpoint_arn, "arn:e");
  EXPECT_EQ(fake->count("CreateEndpoint"), 1u);
  EXPECT_EQ(fake->calls.back().body["Tags"], sent["Tags"]);
}

}  // namespace
