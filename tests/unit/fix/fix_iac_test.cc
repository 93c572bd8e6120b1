// fix on infrastructure as code: a CloudFormation YAML template keeps its
// short-form tags and comments; a state machine's translated parameters are
// edited in the original text (paths stay as they are); a definition held in
// a JSON string is not edited, and the change says why.
#include <gtest/gtest.h>

#include "fix_test_util.h"

namespace {

using sgtest::full_policy;
using sgtest::remaining_rules;
using sgtest::run_fix;

TEST(FixIac, CloudFormationYamlKeepsTagsAndComments) {
  const std::string in = R"(# serving stack
Resources:
  M:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt Role.Arn   # the role
      PrimaryContainer:
        Image: !Ref Image
      Tags:
        - Key: Project
          Value: !Ref Project
)";
  const auto out = run_fix(in, full_policy(), {}, "t.yaml");
  EXPECT_EQ(out.fixed, R"(# serving stack
Resources:
  M:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt Role.Arn   # the role
      PrimaryContainer:
        Image: !Ref Image
      Tags:
        - Key: Project
          Value: !Ref Project
        - Key: Contact
          Value: ml@ourcoolcompany.ai
      VpcConfig:
        SecurityGroupIds:
          - sg-0123abcd
        Subnets:
          - subnet-0a1b2c3d
          - subnet-4e5f6a7b
      EnableNetworkIsolation: true
)");
  EXPECT_TRUE(remaining_rules(out).empty()) << out.fixed;
}

TEST(FixIac, UnresolvedPlacesAreNotEdited) {
  // Tags and VpcConfig given by intrinsics: present, not replaced.
  const std::string in = R"(Resources:
  M:
    Type: AWS::SageMaker::Model
    Properties:
      VpcConfig: !If [Prod, {Subnets: [a], SecurityGroupIds: [b]}, !Ref AWS::NoValue]
      EnableNetworkIsolation: true
      Tags: !Ref Tags
)";
  const auto out = run_fix(in, full_policy(), {}, "t.yaml");
  EXPECT_EQ(out.fixed, in);
  EXPECT_TRUE(out.changes.empty());
  EXPECT_TRUE(out.remaining.findings.empty());
}

TEST(FixIac, StateMachineParametersKeepPaths) {
  const std::string in = R"({
  "StartAt": "M",
  "States": {
    "M": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sagemaker:createModel",
      "Parameters": {
        "ModelName.$": "$.name",
        "EnableNetworkIsolation": true,
        "VpcConfig.$": "$.vpc",
        "Tags": [
          {"Key": "Project", "Value.$": "$.project"}
        ]
      },
      "End": true
    }
  }
})";
  const auto out = run_fix(in, full_policy(), {}, "sm.json");
  EXPECT_EQ(out.fixed, R"({
  "StartAt": "M",
  "States": {
    "M": {
      "Type": "Task",
      "Resource": "arn:aws:states:::sagemaker:createModel",
      "Parameters": {
        "ModelName.$": "$.name",
        "EnableNetworkIsolation": true,
        "VpcConfig.$": "$.vpc",
        "Tags": [
          {"Key": "Project", "Value.$": "$.project"},
          {"Key": "Contact", "Value": "ml@ourcoolcompany.ai"}
        ]
      },
      "End": true
    }
  }
})");
  EXPECT_TRUE(remaining_rules(out).empty());
}

TEST(FixIac, DefinitionStringIsNotEditedAndSaysWhy) {
  const std::string in = R"({"Resources": {"S": {"Type": "AWS::StepFunctions::StateMachine",
  "Properties": {"RoleArn": "r", "DefinitionString": "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sagemaker:createModel\", \"Parameters\": {\"ModelName\": \"m\", \"EnableNetworkIsolation\": true, \"VpcConfig.$\": \"$.vpc\"}, \"End\": true}}}"}}}})";
  const auto out = run_fix(in, full_policy(), {}, "t.json");
  EXPECT_EQ(out.fixed, in);
  ASSERT_FALSE(out.not_applied.empty());
  EXPECT_EQ(out.not_applied[0].rule, "tags.required");
  EXPECT_NE(out.not_applied[0].what.find("JSON string in the template (DefinitionString)"),
            std::string::npos)
      << out.not_applied[0].what;
  EXPECT_EQ(remaining_rules(out), std::set<std::string>{"tags.required"});
}

}  // namespace
