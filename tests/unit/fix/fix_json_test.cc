// fix on JSON: every fix lands in the right object, in the object's own
// style, and nothing else moves (golden strings); idempotent.
#include <gtest/gtest.h>

#include "fix_test_util.h"
#include "sageguard/fix/fix.h"

namespace {

using sgtest::changed_rules;
using sgtest::expect_idempotent;
using sgtest::full_policy;
using sgtest::remaining_rules;
using sgtest::run_fix;

const char* kTraining = R"({
  "TrainingJobName": "churn-1",
  "AlgorithmSpecification": {
    "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "TrainingInputMode": "File"
  },
  "RoleArn": "arn:aws:iam::111122223333:role/SageMakerTraining",
  "OutputDataConfig": {
    "S3OutputPath": "s3://acme/out/"
  },
  "ResourceConfig": {
    "InstanceType": "ml.m5.xlarge",
    "InstanceCount": 1,
    "VolumeSizeInGB": 30
  },
  "StoppingCondition": {
    "MaxRuntimeInSeconds": 3600
  },
  "Tags": [
    {"Key": "Project", "Value": "churn"}
  ]
}
)";

const char* kTrainingFixed = R"({
  "TrainingJobName": "churn-1",
  "AlgorithmSpecification": {
    "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "TrainingInputMode": "File"
  },
  "RoleArn": "arn:aws:iam::111122223333:role/SageMakerTraining",
  "OutputDataConfig": {
    "S3OutputPath": "s3://acme/out/",
    "KmsKeyId": "alias/ml-output"
  },
  "ResourceConfig": {
    "InstanceType": "ml.m5.xlarge",
    "InstanceCount": 1,
    "VolumeSizeInGB": 30,
    "VolumeKmsKeyId": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  },
  "StoppingCondition": {
    "MaxRuntimeInSeconds": 3600,
    "MaxWaitTimeInSeconds": 7200
  },
  "Tags": [
    {"Key": "Project", "Value": "churn"},
    {"Key": "Contact", "Value": "ml@ourcoolcompany.ai"}
  ],
  "VpcConfig": {
    "SecurityGroupIds": [
      "sg-0123abcd"
    ],
    "Subnets": [
      "subnet-0a1b2c3d",
      "subnet-4e5f6a7b"
    ]
  },
  "EnableNetworkIsolation": true,
  "EnableInterContainerTrafficEncryption": true,
  "EnableManagedSpotTraining": true,
  "CheckpointConfig": {
    "S3Uri": "s3://ml-checkpoints/churn-1/"
  }
}
)";

TEST(FixJson, TrainingJobGolden) {
  const auto p = full_policy();
  auto o = run_fix(kTraining, p);
  EXPECT_EQ(o.fixed, kTrainingFixed);
  EXPECT_EQ(o.original, kTraining);
  EXPECT_TRUE(o.not_applied.empty());
  EXPECT_EQ(changed_rules(o),
            (std::set<std::string>{"tags.required", "vpc.required", "network.isolation",
                                   "encryption.inter-container", "kms.volume", "kms.output",
                                   "spot.enabled", "spot.max-wait", "spot.checkpoint"}));
  EXPECT_TRUE(o.remaining.findings.empty())
      << o.remaining.findings[0].rule << ": " << o.remaining.findings[0].message;
  expect_idempotent(o, p);
}

TEST(FixJson, ChangeLinesPointAtTheOriginalNodes) {
  auto o = run_fix(kTraining, full_policy());
  bool saw_volume = false, saw_tag = false;
  for (const auto& c : o.changes) {
    EXPECT_EQ(c.file, "in.json");
    EXPECT_EQ(c.resource.kind, "TrainingJob");
    EXPECT_EQ(c.resource.name, "churn-1");
    if (c.rule == "kms.volume") {
      saw_volume = true;
      EXPECT_EQ(c.line, 11u);  // "ResourceConfig": {
      EXPECT_EQ(c.path, "/ResourceConfig/VolumeKmsKeyId");
    }
    if (c.rule == "tags.required") {
      saw_tag = true;
      EXPECT_EQ(c.line, 19u);
      EXPECT_EQ(c.what, "added tag 'Contact' = 'ml@ourcoolcompany.ai'");
    }
  }
  EXPECT_TRUE(saw_volume);
  EXPECT_TRUE(saw_tag);
  // Sorted by line.
  for (size_t i = 1; i < o.changes.size(); ++i) EXPECT_LE(o.changes[i - 1].line, o.changes[i].line);
}

TEST(FixJson, CompactDocumentStaysCompact) {
  const std::string in =
      R"({"ModelName":"m1","ExecutionRoleArn":"arn:aws:iam::111122223333:role/r",)"
      R"("PrimaryContainer":{"Image":"683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1"},)"
      R"("Tags":[{"Key":"Project","Value":"p"},{"Key":"Contact","Value":"a@b.io"}]})";
  auto o = run_fix(in, full_policy());
  EXPECT_EQ(o.fixed,
            R"({"ModelName":"m1","ExecutionRoleArn":"arn:aws:iam::111122223333:role/r",)"
            R"("PrimaryContainer":{"Image":"683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1"},)"
            R"("Tags":[{"Key":"Project","Value":"p"},{"Key":"Contact","Value":"a@b.io"}],)"
            R"("VpcConfig":{"SecurityGroupIds":["sg-0123abcd"],"Subnets":["subnet-0a1b2c3d",)"
            R"("subnet-4e5f6a7b"]},"EnableNetworkIsolation":true})");
  expect_idempotent(o, full_policy());
}

TEST(FixJson, FalseBecomesTrueInPlaceAndTabsAndCrlfAreKept) {
  const std::string in =
      "{\r\n\t\"ModelName\": \"m1\",\r\n\t\"ExecutionRoleArn\": "
      "\"arn:aws:iam::111122223333:role/r\",\r\n\t\"PrimaryContainer\": {\"Image\": "
      "\"683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1\"},\r\n\t\"EnableNetworkIsolation\": "
      "false,\r\n\t\"VpcConfig\": {\r\n\t\t\"Subnets\": [\"subnet-0a1b2c3d\"]\r\n\t},\r\n"
      "\t\"Tags\": []\r\n}\r\n";
  auto o = run_fix(in, full_policy());
  EXPECT_EQ(
      o.fixed,
      "{\r\n\t\"ModelName\": \"m1\",\r\n\t\"ExecutionRoleArn\": "
      "\"arn:aws:iam::111122223333:role/r\",\r\n\t\"PrimaryContainer\": {\"Image\": "
      "\"683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1\"},\r\n\t\"EnableNetworkIsolation\": "
      "true,\r\n\t\"VpcConfig\": {\r\n\t\t\"Subnets\": [\"subnet-0a1b2c3d\"],\r\n"
      "\t\t\"SecurityGroupIds\": [\r\n\t\t\t\"sg-0123abcd\"\r\n\t\t]\r\n\t},\r\n"
      "\t\"Tags\": [\r\n\t\t{\r\n\t\t\t\"Key\": \"Project\",\r\n\t\t\t\"Value\": \"churn\"\r\n"
      "\t\t},\r\n\t\t{\r\n\t\t\t\"Key\": \"Contact\",\r\n\t\t\t\"Value\": "
      "\"ml@ourcoolcompany.ai\"\r\n\t\t}\r\n\t]\r\n}\r\n");
  EXPECT_TRUE(o.remaining.findings.empty());
  expect_idempotent(o, full_policy());
}

TEST(FixJson, OnlyAndSkipNarrowTheFixes) {
  const auto p = full_policy();
  sageguard::fix::FixOptions only;
  only.only = {"kms.volume", "network.isolation"};
  auto o = run_fix(kTraining, p, only);
  EXPECT_EQ(changed_rules(o), (std::set<std::string>{"kms.volume", "network.isolation"}));
  EXPECT_TRUE(remaining_rules(o).count("vpc.required"));
  EXPECT_FALSE(remaining_rules(o).count("kms.volume"));

  sageguard::fix::FixOptions skip;
  skip.skip = {"tags.required", "spot.enabled"};
  o = run_fix(kTraining, p, skip);
  EXPECT_FALSE(changed_rules(o).count("tags.required"));
  EXPECT_FALSE(changed_rules(o).count("spot.enabled"));
  EXPECT_TRUE(changed_rules(o).count("kms.output"));
  EXPECT_EQ(remaining_rules(o), (std::set<std::string>{"tags.required", "spot.enabled"}));

  sageguard::fix::FixOptions bad;
  bad.only = {"kms.nope"};
  auto r = sageguard::fix::fix_text("in.json", kTraining, p, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sageguard::ErrorCode::usage);
}

TEST(FixJson, RulesSetToOffAreNotFixed) {
  auto p = full_policy();
  p.severities["network.isolation"] = sageguard::Severity::off;
  auto o = run_fix(kTraining, p);
  EXPECT_FALSE(changed_rules(o).count("network.isolation"));
  EXPECT_EQ(o.fixed.find("EnableNetworkIsolation"), std::string::npos);
}

TEST(FixJson, PolicyWithoutValuesLeavesFindings) {
  // The built-in default policy supplies no account values: nothing to add.
  auto o = run_fix(kTraining, sageguard::default_policy());
  EXPECT_FALSE(changed_rules(o).count("kms.volume"));
  EXPECT_FALSE(changed_rules(o).count("vpc.required"));
  EXPECT_FALSE(changed_rules(o).count("tags.required"));
  EXPECT_TRUE(remaining_rules(o).count("kms.volume"));
  EXPECT_TRUE(remaining_rules(o).count("vpc.required"));
  // Flags need no policy value.
  EXPECT_TRUE(changed_rules(o).count("network.isolation"));
  // Spot needs a checkpoint prefix (spot.checkpoint is on): not enabled.
  EXPECT_FALSE(changed_rules(o).count("spot.enabled"));
  EXPECT_TRUE(remaining_rules(o).count("spot.enabled"));
}

TEST(FixJson, VpcNeedsBothListsInThePolicy) {
  auto p = full_policy();
  p.security_groups.clear();
  auto o = run_fix(kTraining, p);
  EXPECT_FALSE(changed_rules(o).count("vpc.required"));
  EXPECT_TRUE(remaining_rules(o).count("vpc.required"));
}

TEST(FixJson, MaxWaitWithoutSpotIsRemovedWhenSpotStaysOff) {
  const std::string in = R"({
  "TrainingJobName": "j",
  "StoppingCondition": {
    "MaxRuntimeInSeconds": 3600,
    "MaxWaitTimeInSeconds": 7200
  },
  "EnableManagedSpotTraining": false
})";
  auto p = full_policy();
  p.checkpoint_s3_prefix.reset();  // spot cannot be enabled (no checkpoint prefix)
  sageguard::fix::FixOptions only;
  only.only = {"spot.max-wait", "spot.enabled"};
  auto o = run_fix(in, p, only);
  EXPECT_EQ(o.fixed, R"({
  "TrainingJobName": "j",
  "StoppingCondition": {
    "MaxRuntimeInSeconds": 3600
  },
  "EnableManagedSpotTraining": false
})");
  EXPECT_FALSE(remaining_rules(o).count("spot.max-wait"));

  // With a prefix, spot is enabled instead and the MaxWait is kept.
  o = run_fix(in, full_policy(), only);
  EXPECT_EQ(o.fixed, R"({
  "TrainingJobName": "j",
  "StoppingCondition": {
    "MaxRuntimeInSeconds": 3600,
    "MaxWaitTimeInSeconds": 7200
  },
  "EnableManagedSpotTraining": true,
  "CheckpointConfig": {
    "S3Uri": "s3://ml-checkpoints/j/"
  }
})");
}

TEST(FixJson, MaxWaitBelowRuntimeIsRaised) {
  const std::string in = R"({"TrainingJobName": "j", "EnableManagedSpotTraining": true,
 "StoppingCondition": {"MaxRuntimeInSeconds": 5000, "MaxWaitTimeInSeconds": 100},
 "CheckpointConfig": {"S3Uri": "s3://x/y/"}})";
  sageguard::fix::FixOptions only;
  only.only = {"spot.max-wait"};
  auto o = run_fix(in, full_policy(), only);
  EXPECT_EQ(o.fixed, R"({"TrainingJobName": "j", "EnableManagedSpotTraining": true,
 "StoppingCondition": {"MaxRuntimeInSeconds": 5000, "MaxWaitTimeInSeconds": 10000},
 "CheckpointConfig": {"S3Uri": "s3://x/y/"}})");
}

TEST(FixJson, UnknownRuntimeMeansNoSpot) {
  const std::string in =
      R"({"TrainingJobName": "j", "ResourceConfig": {"InstanceType": "ml.m5.xlarge"}})";
  auto o = run_fix(in, full_policy());
  EXPECT_FALSE(changed_rules(o).count("spot.enabled"));
  EXPECT_EQ(o.fixed.find("MaxWaitTimeInSeconds"), std::string::npos);
}

TEST(FixJson, NoVolumeKeyWithoutTheObjectHoldingTheInstanceType) {
  const std::string in =
      R"({"TrainingJobName": "j", "OutputDataConfig": {"S3OutputPath": "s3://a/"}})";
  sageguard::fix::FixOptions only;
  only.only = {"kms.volume"};
  auto o = run_fix(in, full_policy(), only);
  EXPECT_EQ(o.fixed, in);
  EXPECT_TRUE(remaining_rules(o).count("kms.volume"));
}

TEST(FixJson, NvmeInstanceGetsNoVolumeKey) {
  const std::string in = R"({
  "TrainingJobName": "j",
  "OutputDataConfig": {"S3OutputPath": "s3://a/b/"},
  "ResourceConfig": {"InstanceType": "ml.g4dn.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30}
})";
  auto o = run_fix(in, full_policy());
  EXPECT_FALSE(changed_rules(o).count("kms.volume"));
  EXPECT_EQ(o.fixed.find("VolumeKmsKeyId"), std::string::npos);
  EXPECT_NE(o.fixed.find(R"("S3OutputPath": "s3://a/b/", "KmsKeyId": "alias/ml-output"})"),
            std::string::npos);
  EXPECT_FALSE(remaining_rules(o).count("kms.volume"));
}

TEST(FixJson, InvalidOrUnrecognisedInputIsAnError) {
  auto r = sageguard::fix::fix_text("bad.json", "{\"TrainingJobName\": ", full_policy(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sageguard::ErrorCode::input);
  r = sageguard::fix::fix_text("other.json", "{\"hello\": 1}", full_policy(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sageguard::ErrorCode::input);
}

}  // namespace
