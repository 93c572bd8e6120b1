// fix on YAML: lines inserted at the mapping's indentation, comments and
// untouched lines byte-identical, sequence style followed, values quoted
// when YAML would read them differently, flow style refused.
#include <gtest/gtest.h>

#include "fix_test_util.h"
#include "sageguard/document.h"
#include "sageguard/fix/fix.h"

namespace {

using sgtest::changed_rules;
using sgtest::expect_idempotent;
using sgtest::full_policy;
using sgtest::remaining_rules;
using sgtest::run_fix;

const char* kTraining = R"(# Training job for the churn model.
TrainingJobName: churn-1
AlgorithmSpecification:
  TrainingImage: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
  TrainingInputMode: File
RoleArn: arn:aws:iam::111122223333:role/SageMakerTraining
OutputDataConfig:
  S3OutputPath: s3://acme/out/   # artifacts
ResourceConfig:
  InstanceType: ml.m5.xlarge
  InstanceCount: 1
  # 30 GB is plenty
  VolumeSizeInGB: 30

# Stop after an hour.
StoppingCondition:
  MaxRuntimeInSeconds: 3600
EnableNetworkIsolation: false  # TODO
Tags:
- Key: Project
  Value: churn
# end
)";

const char* kTrainingFixed = R"(# Training job for the churn model.
TrainingJobName: churn-1
AlgorithmSpecification:
  TrainingImage: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
  TrainingInputMode: File
RoleArn: arn:aws:iam::111122223333:role/SageMakerTraining
OutputDataConfig:
  S3OutputPath: s3://acme/out/   # artifacts
  KmsKeyId: alias/ml-output
ResourceConfig:
  InstanceType: ml.m5.xlarge
  InstanceCount: 1
  # 30 GB is plenty
  VolumeSizeInGB: 30
  VolumeKmsKeyId: arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab

# Stop after an hour.
StoppingCondition:
  MaxRuntimeInSeconds: 3600
  MaxWaitTimeInSeconds: 7200
EnableNetworkIsolation: true  # TODO
Tags:
- Key: Project
  Value: churn
- Key: Contact
  Value: ml@ourcoolcompany.ai
VpcConfig:
  SecurityGroupIds:
  - sg-0123abcd
  Subnets:
  - subnet-0a1b2c3d
  - subnet-4e5f6a7b
EnableInterContainerTrafficEncryption: true
EnableManagedSpotTraining: true
CheckpointConfig:
  S3Uri: s3://ml-checkpoints/churn-1/
# end
)";

TEST(FixYaml, TrainingJobGoldenKeepsComments) {
  const auto p = full_policy();
  auto o = run_fix(kTraining, p, {}, "in.yaml");
  EXPECT_EQ(o.fixed, kTrainingFixed);
  EXPECT_TRUE(o.not_applied.empty());
  EXPECT_TRUE(o.remaining.findings.empty())
      << o.remaining.findings[0].rule << ": " << o.remaining.findings[0].message;
  expect_idempotent(o, p, "in.yaml");
}

TEST(FixYaml, IndentedSequencesFourSpacesAndNoFinalNewline) {
  const std::string in =
      "ModelName: m1\n"
      "ExecutionRoleArn: arn:aws:iam::111122223333:role/r\n"
      "PrimaryContainer:\n"
      "    Image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1\n"
      "Tags:\n"
      "    -   Key: Project\n"
      "        Value: churn";
  auto o = run_fix(in, full_policy(), {}, "m.yaml");
  EXPECT_EQ(o.fixed,
            "ModelName: m1\n"
            "ExecutionRoleArn: arn:aws:iam::111122223333:role/r\n"
            "PrimaryContainer:\n"
            "    Image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1\n"
            "Tags:\n"
            "    -   Key: Project\n"
            "        Value: churn\n"
            "    -   Key: Contact\n"
            "        Value: ml@ourcoolcompany.ai\n"
            "VpcConfig:\n"
            "    SecurityGroupIds:\n"
            "        - sg-0123abcd\n"
            "    Subnets:\n"
            "        - subnet-0a1b2c3d\n"
            "        - subnet-4e5f6a7b\n"
            "EnableNetworkIsolation: true\n");
  EXPECT_TRUE(o.remaining.findings.empty());
  expect_idempotent(o, full_policy(), "m.yaml");
}

TEST(FixYaml, FlowStyleIsNotEditedAndStaysAFinding) {
  const std::string in =
      "TrainingJobName: j\n"
      "ResourceConfig: {InstanceType: ml.m5.xlarge, InstanceCount: 1, VolumeSizeInGB: 30}\n"
      "OutputDataConfig:\n"
      "  S3OutputPath: s3://a/b/\n";
  sageguard::fix::FixOptions only;
  only.only = {"kms.volume", "kms.output"};
  auto o = run_fix(in, full_policy(), only, "j.yaml");
  EXPECT_EQ(o.fixed,
            "TrainingJobName: j\n"
            "ResourceConfig: {InstanceType: ml.m5.xlarge, InstanceCount: 1, VolumeSizeInGB: 30}\n"
            "OutputDataConfig:\n"
            "  S3OutputPath: s3://a/b/\n"
            "  KmsKeyId: alias/ml-output\n");
  ASSERT_EQ(o.not_applied.size(), 1u);
  EXPECT_EQ(o.not_applied[0].rule, "kms.volume");
  EXPECT_EQ(o.not_applied[0].line, 2u);
  EXPECT_TRUE(remaining_rules(o).count("kms.volume"));
  EXPECT_FALSE(remaining_rules(o).count("kms.output"));
}

TEST(FixYaml, FlowStyleTagListIsNotEdited) {
  const std::string in = "EndpointName: e1\nEndpointConfigName: c1\nTags: []   # none yet\n";
  auto o = run_fix(in, full_policy(), {}, "e.yaml");
  EXPECT_EQ(o.fixed, in);
  EXPECT_EQ(o.not_applied.size(), 2u);
  EXPECT_TRUE(remaining_rules(o).count("tags.required"));
}

TEST(FixYaml, ValuesAreQuotedWhenYamlWouldMisreadThem) {
  auto p = full_policy();
  p.required_tags = {"Project", "Contact", "Flag", "Note", "Id", "Empty"};
  p.tag_defaults = {{"Project", "@team"},         {"Contact", "a: b # c"}, {"Flag", "yes"},
                    {"Note", "Naïve \"quoted\""}, {"Id", "0123"},          {"Empty", ""}};
  const std::string in = "EndpointName: e1\nEndpointConfigName: c1\n";
  auto o = run_fix(in, p, {}, "e.yaml");
  EXPECT_EQ(o.fixed,
            "EndpointName: e1\nEndpointConfigName: c1\nTags:\n"
            "  - Key: Project\n    Value: \"@team\"\n"
            "  - Key: Contact\n    Value: \"a: b # c\"\n"
            "  - Key: Flag\n    Value: \"yes\"\n"
            "  - Key: Note\n    Value: \"Naïve \\\"quoted\\\"\"\n"
            "  - Key: Id\n    Value: \"0123\"\n"
            "  - Key: Empty\n    Value: \"\"\n");
  auto doc = sageguard::parse_document("e.yaml", o.fixed);
  ASSERT_TRUE(doc.ok());
  const auto& tags = (*doc)->root().find("Tags")->items();
  ASSERT_EQ(tags.size(), 6u);
  for (size_t i = 0; i < tags.size(); ++i) {
    ASSERT_TRUE(tags[i].find("Value")->is_string());
    EXPECT_EQ(tags[i].find("Value")->as_string(), p.tag_defaults[i].second);
  }
}

TEST(FixYaml, TuningDefinitionsEachFixedNvmeExempt) {
  const std::string in = R"(HyperParameterTuningJobName: forecast-hpo-11
HyperParameterTuningJobConfig:
  Strategy: Bayesian
TrainingJobDefinitions:
  - DefinitionName: xgb
    RoleArn: arn:aws:iam::111122223333:role/SageMakerTraining
    OutputDataConfig:
      S3OutputPath: s3://acme/forecast/
      KmsKeyId: alias/ml-output
    ResourceConfig:
      InstanceType: ml.c5.2xlarge
      VolumeKmsKeyId: alias/ml-volumes
    VpcConfig:
      Subnets: [subnet-0a1b2c3d]
      SecurityGroupIds: [sg-0123abcd]
    StoppingCondition:
      MaxRuntimeInSeconds: 3600
      MaxWaitTimeInSeconds: 3600
    EnableManagedSpotTraining: true
    EnableNetworkIsolation: true
    EnableInterContainerTrafficEncryption: true
    CheckpointConfig:
      S3Uri: s3://ml-checkpoints/forecast-hpo-11/
  - DefinitionName: deepar
    RoleArn: arn:aws:iam::111122223333:role/SageMakerTraining
    OutputDataConfig:
      S3OutputPath: s3://acme/forecast/
    ResourceConfig:
      InstanceType: ml.g4dn.xlarge   # local NVMe: no volume key needed
      InstanceCount: 1
    StoppingCondition:
      MaxRuntimeInSeconds: 7200
Tags:
  - Key: Project
    Value: forecast
  - Key: Contact
    Value: a@b.io
)";
  auto o = run_fix(in, full_policy(), {}, "t.yaml");
  EXPECT_EQ(o.fixed, R"(HyperParameterTuningJobName: forecast-hpo-11
HyperParameterTuningJobConfig:
  Strategy: Bayesian
TrainingJobDefinitions:
  - DefinitionName: xgb
    RoleArn: arn:aws:iam::111122223333:role/SageMakerTraining
    OutputDataConfig:
      S3OutputPath: s3://acme/forecast/
      KmsKeyId: alias/ml-output
    ResourceConfig:
      InstanceType: ml.c5.2xlarge
      VolumeKmsKeyId: alias/ml-volumes
    VpcConfig:
      Subnets: [subnet-0a1b2c3d]
      SecurityGroupIds: [sg-0123abcd]
    StoppingCondition:
      MaxRuntimeInSeconds: 3600
      MaxWaitTimeInSeconds: 3600
    EnableManagedSpotTraining: true
    EnableNetworkIsolation: true
    EnableInterContainerTrafficEncryption: true
    CheckpointConfig:
      S3Uri: s3://ml-checkpoints/forecast-hpo-11/
  - DefinitionName: deepar
    RoleArn: arn:aws:iam::111122223333:role/SageMakerTraining
    OutputDataConfig:
      S3OutputPath: s3://acme/forecast/
      KmsKeyId: alias/ml-output
    ResourceConfig:
      InstanceType: ml.g4dn.xlarge   # local NVMe: no volume key needed
      InstanceCount: 1
    StoppingCondition:
      MaxRuntimeInSeconds: 7200
      MaxWaitTimeInSeconds: 14400
    VpcConfig:
      SecurityGroupIds:
        - sg-0123abcd
      Subnets:
        - subnet-0a1b2c3d
        - subnet-4e5f6a7b
    EnableNetworkIsolation: true
    EnableInterContainerTrafficEncryption: true
    EnableManagedSpotTraining: true
    CheckpointConfig:
      S3Uri: s3://ml-checkpoints/forecast-hpo-11/deepar/
Tags:
  - Key: Project
    Value: forecast
  - Key: Contact
    Value: a@b.io
)");
  for (const auto& c : o.changes) {
    EXPECT_EQ(c.path.rfind("/TrainingJobDefinitions/1/", 0), 0u) << c.path;
    EXPECT_EQ(c.resource.kind, "HyperParameterTuningJob");
  }
  EXPECT_FALSE(changed_rules(o).count("kms.volume"));
  // (request.invalid remains: the sample omits ResourceLimits and more.)
  EXPECT_TRUE(sgtest::fixable_remaining(o).empty());
  expect_idempotent(o, full_policy(), "t.yaml");
}

TEST(FixYaml, RemovesMaxWaitLineWithoutSpot) {
  const std::string in =
      "TrainingJobName: j\n"
      "StoppingCondition:\n"
      "  MaxWaitTimeInSeconds: 7200   # leftover\n"
      "  MaxRuntimeInSeconds: 3600\n"
      "EnableManagedSpotTraining: false\n";
  auto p = full_policy();
  p.checkpoint_s3_prefix.reset();
  sageguard::fix::FixOptions only;
  only.only = {"spot.max-wait"};
  auto o = run_fix(in, p, only, "j.yaml");
  EXPECT_EQ(o.fixed,
            "TrainingJobName: j\n"
            "StoppingCondition:\n"
            "  MaxRuntimeInSeconds: 3600\n"
            "EnableManagedSpotTraining: false\n");
  expect_idempotent(o, p, "j.yaml", only);
}

}  // namespace

namespace {

// A kept block scalar (|+) owns the blank lines after it: text fix adds
// after the mapping it ends must go after them, or the value loses them.
TEST(FixYaml, KeptBlockScalarAtTheEndOfAMappingKeepsItsValue) {
  const std::string text =
      "TrainingJobName: churn-1\n"
      "RoleArn: arn:aws:iam::111122223333:role/SageMakerTraining\n"
      "HyperParameters:\n"
      "  notes: |+\n"
      "    first line\n"
      "\n"
      "\n";
  auto before = sageguard::parse_document("in.yaml", text, {});
  ASSERT_TRUE(before.ok());
  const std::string want(
      (*before)->root().find("HyperParameters")->find("notes")->as_string());
  ASSERT_EQ(want, "first line\n\n\n");
  auto out = run_fix(text, full_policy(), {}, "in.yaml");
  ASSERT_NE(out.fixed, text);
  ASSERT_TRUE(changed_rules(out).count("vpc.required")) << out.fixed;
  auto after = sageguard::parse_document("in.yaml", out.fixed, {});
  ASSERT_TRUE(after.ok()) << after.error().describe();
  EXPECT_EQ((*after)->root().find("HyperParameters")->find("notes")->as_string(), want)
      << out.fixed;
  const size_t kept = out.fixed.find("    first line\n\n\n");
  ASSERT_NE(kept, std::string::npos) << out.fixed;
  EXPECT_NE(out.fixed[kept + 17], ' ') << "the new keys follow the kept lines:\n" << out.fixed;
  // The same inside a list item that gains a tag after it.
  const std::string in_list =
      "TrainingJobName: churn-1\n"
      "Tags:\n"
      "- Key: Project\n"
      "  Value: |+\n"
      "    churn\n"
      "\n"
      "Environment: {}\n";
  auto listed = run_fix(in_list, full_policy(), {}, "in.yaml");
  auto reparsed = sageguard::parse_document("in.yaml", listed.fixed, {});
  ASSERT_TRUE(reparsed.ok()) << listed.fixed;
  EXPECT_EQ((*reparsed)->root().find("Tags")->items()[0].find("Value")->as_string(), "churn\n\n")
      << listed.fixed;
}

}  // namespace
