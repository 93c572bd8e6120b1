// tags.propagation inside one template or Terraform configuration: an
// endpoint config that refers to a model (CloudFormation Ref / GetAtt in
// JSON and YAML short forms, a literal name, Terraform references in HCL and
// the JSON syntax) carries the model's tags, an endpoint those of its
// config's model; values the file cannot know never make a finding.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rules/propagation.h"
#include "sageguard/check.h"

namespace sageguard {
namespace {

// "Kind line:column message" of each tags.propagation finding, in order.
std::vector<std::string> propagation(const std::string& path, const std::string& text) {
  auto p = parse_policy("p.yaml", "version: 1\n");
  EXPECT_TRUE(p.ok());
  auto doc = parse_document(path, text);
  EXPECT_TRUE(doc.ok()) << (doc.ok() ? "" : doc.error().describe());
  if (!doc.ok() || !p.ok()) return {};
  CheckResult r;
  CheckOptions o;
  o.today = "2026-11-27";
  EXPECT_TRUE(check_document(**doc, true, *p, o, r).ok());
  std::vector<std::string> out;
  for (const Finding& f : r.findings) {
    if (f.rule != "tags.propagation") continue;
    out.push_back(f.resource.kind + " " + f.resource.id + " " + std::to_string(f.line) + ":" +
                  std::to_string(f.column) + " " + f.message);
  }
  return out;
}

using Lines = std::vector<std::string>;

// ---- CloudFormation, JSON long forms

std::string json_template(const std::string& model_ref, const std::string& config_ref,
                          const std::string& config_tags = "") {
  return R"({
  "Resources": {
    "Model": {
      "Type": "AWS::SageMaker::Model",
      "Properties": {
        "ExecutionRoleArn": "arn:aws:iam::111122223333:role/r",
        "PrimaryContainer": {"Image": "i"},
        "Tags": [{"Key": "Project", "Value": "churn"}, {"Key": "CostCenter", "Value": "CC-1"}]
      }
    },
    "Config": {
      "Type": "AWS::SageMaker::EndpointConfig",
      "Properties": {
        "ProductionVariants": [{"VariantName": "a", "ModelName": )" +
         model_ref + R"(, "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])" +
         config_tags + R"(
      }
    },
    "Endpoint": {
      "Type": "AWS::SageMaker::Endpoint",
      "Properties": {
        "EndpointConfigName": )" +
         config_ref + R"(,
        "Tags": [{"Key": "Project", "Value": "churn"}]
      }
    }
  }
})";
}

TEST(IacPropagation, CloudFormationJsonRefAndGetAtt) {
  const Lines want = {
      "EndpointConfig Config 13:21 tag 'Project' of model 'Model' is missing here",
      "EndpointConfig Config 13:21 tag 'CostCenter' of model 'Model' is missing here",
      "Endpoint Endpoint 21:17 tag 'CostCenter' of model 'Model' is missing here",
  };
  EXPECT_EQ(propagation("t.json", json_template(R"({"Ref": "Model"})", R"({"Ref": "Config"})")),
            want);
  EXPECT_EQ(
      propagation("t.json", json_template(R"({"Fn::GetAtt": ["Model", "ModelName"]})",
                                          R"({"Fn::GetAtt": ["Config", "EndpointConfigName"]})")),
      want);
  EXPECT_EQ(propagation("t.json", json_template(R"({"Fn::GetAtt": "Model.ModelName"})",
                                                R"({"Fn::GetAtt": "Config.EndpointConfigName"})")),
            want);
}

TEST(IacPropagation, CloudFormationJsonDoesNotFire) {
  // Another attribute, a parameter, a resource not in the template.
  EXPECT_EQ(propagation("t.json", json_template(R"({"Fn::GetAtt": ["Model", "ModelArn"]})",
                                                R"({"Ref": "Config"})")),
            Lines{});
  EXPECT_EQ(
      propagation("t.json", json_template(R"({"Ref": "ModelParam"})", R"({"Ref": "Config"})")),
      Lines{});
  // The config carries the model's tags; the endpoint then lacks CostCenter.
  const std::string carried =
      R"(,
        "Tags": [{"Key": "Project", "Value": "churn"}, {"Key": "CostCenter", "Value": "CC-1"}])";
  EXPECT_EQ(
      propagation("t.json", json_template(R"({"Ref": "Model"})", R"({"Ref": "Other"})", carried)),
      Lines{});
  // Tags the template cannot know: the whole list, a value, a key.
  EXPECT_EQ(propagation("t.json", json_template(R"({"Ref": "Model"})", R"({"Ref": "Other"})",
                                                R"(, "Tags": {"Ref": "TagsParam"})")),
            Lines{});
  EXPECT_EQ(
      propagation("t.json", json_template(R"({"Ref": "Model"})", R"({"Ref": "Other"})",
                                          R"(, "Tags": [{"Key": "Project", "Value": {"Ref": "P"}},
                                           {"Key": "CostCenter", "Value": "CC-1"}])")),
      Lines{});
  EXPECT_EQ(propagation("t.json", json_template(R"({"Ref": "Model"})", R"({"Ref": "Other"})",
                                                R"(, "Tags": [{"Key": "Project", "Value": "churn"},
                                           {"Key": {"Ref": "K"}, "Value": "CC-1"}])")),
            Lines{});
}

// ---- CloudFormation, YAML short forms and literal names

const char* kYaml = R"(Resources:
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ModelName: churn-model
      ExecutionRoleArn: arn:aws:iam::111122223333:role/r
      PrimaryContainer:
        Image: i
      Tags:
        - Key: Project
          Value: churn
        - Key: Owner
          Value: !Ref OwnerParam
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: a
          ModelName: MODEL
          InstanceType: ml.m5.large
          InitialInstanceCount: 1
      Tags:
        - Key: Project
          Value: fraud
        - Key: Owner
          Value: someone
  Endpoint:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointConfigName: CONFIG
)";

std::string yaml_with(const std::string& model, const std::string& config) {
  std::string t = kYaml;
  t.replace(t.find("MODEL"), 5, model);
  t.replace(t.find("CONFIG"), 6, config);
  return t;
}

TEST(IacPropagation, CloudFormationYamlShortForms) {
  // Owner's value on the model is a parameter: the config's value is not
  // judged against it; Project's is.
  const Lines want = {
      "EndpointConfig Config 24:18 tag 'Project' is 'fraud' here but 'churn' on model "
      "'churn-model'",
      "Endpoint Endpoint 30:7 tag 'Project' of model 'churn-model' is missing here",
      "Endpoint Endpoint 30:7 tag 'Owner' of model 'churn-model' is missing here",
  };
  EXPECT_EQ(propagation("t.yaml", yaml_with("!Ref Model", "!Ref Config")), want);
  EXPECT_EQ(propagation("t.yaml",
                        yaml_with("!GetAtt Model.ModelName", "!GetAtt Config.EndpointConfigName")),
            want);
  EXPECT_EQ(propagation("t.yaml", yaml_with("!GetAtt [Model, ModelName]",
                                            "!GetAtt [Config, EndpointConfigName]")),
            want);
  // The model's literal name; the config has none (CloudFormation makes
  // one), so the endpoint cannot name it.
  const Lines literal = {want[0]};
  EXPECT_EQ(propagation("t.yaml", yaml_with("churn-model", "Config")), literal);
}

TEST(IacPropagation, CloudFormationYamlDoesNotFire) {
  // The logical id is no name: a model without a literal ModelName gets a
  // generated one.
  std::string t = yaml_with("Model", "!Ref Config");
  t.erase(t.find("      ModelName: churn-model\n"),
          std::string("      ModelName: churn-model\n").size());
  EXPECT_EQ(propagation("t.yaml", t), Lines{});
  EXPECT_EQ(propagation("t.yaml", yaml_with("!Ref ModelParam", "!Ref Config")), Lines{});
  EXPECT_EQ(propagation("t.yaml", yaml_with("!Sub '${Model}'", "!Ref Config")), Lines{});
  EXPECT_EQ(propagation("t.yaml", yaml_with("other-model", "!Ref Config")), Lines{});
}

TEST(IacPropagation, AConfigServingTwoModelsCarriesTheTagsOfBoth) {
  // A key both models carry is judged once, against the first variant's.
  const char* t = R"(Resources:
  A:
    Type: AWS::SageMaker::Model
    Properties:
      PrimaryContainer: {Image: i}
      Tags: [{Key: Project, Value: churn}]
  B:
    Type: AWS::SageMaker::Model
    Properties:
      PrimaryContainer: {Image: i}
      Tags: [{Key: Project, Value: churn}, {Key: Team, Value: ml}]
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - {VariantName: a, ModelName: !GetAtt A.ModelName, InstanceType: ml.m5.large, InitialInstanceCount: 1}
        - {VariantName: b, ModelName: !GetAtt B.ModelName, InstanceType: ml.m5.large, InitialInstanceCount: 1}
      Tags: [{Key: Project, Value: fraud}]
)";
  EXPECT_EQ(
      propagation("t.yaml", t),
      (Lines{"EndpointConfig Config 18:36 tag 'Project' is 'fraud' here but 'churn' on model 'A'",
             "EndpointConfig Config 18:13 tag 'Team' of model 'B' is missing here"}));
}

// ---- Terraform, HCL and the JSON syntax

std::string hcl(const std::string& model_name, const std::string& config_name,
                const std::string& config_tags = "{\n    Project = \"churn\"\n  }") {
  return R"(provider "aws" {
  default_tags {
    tags = {
      Team = "ml"
    }
  }
}

resource "aws_sagemaker_model" "m" {
  count              = 2
  execution_role_arn = var.role
  primary_container {
    image = var.image
  }
  tags = {
    Project      = "churn"
    "Cost Center" = "CC-1"
    Owner        = var.owner
  }
}

resource "aws_sagemaker_endpoint_configuration" "c" {
  production_variants {
    model_name             = )" +
         model_name + R"(
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }
  tags = )" +
         config_tags +
         R"(
}

resource "aws_sagemaker_endpoint" "e" {
  endpoint_config_name = )" +
         config_name + R"(
  tags = {
    Project       = "churn"
    "Cost Center" = "CC-2"
    Owner         = "x"
  }
}
)";
}

TEST(IacPropagation, TerraformReferences) {
  const Lines want = {
      "EndpointConfig aws_sagemaker_endpoint_configuration.c 28:3 tag 'Cost Center' of model "
      "'aws_sagemaker_model.m' is missing here",
      "EndpointConfig aws_sagemaker_endpoint_configuration.c 28:3 tag 'Owner' of model "
      "'aws_sagemaker_model.m' is missing here",
      "Endpoint aws_sagemaker_endpoint.e 37:21 tag 'Cost Center' is 'CC-2' here but 'CC-1' on "
      "model 'aws_sagemaker_model.m'",
  };
  EXPECT_EQ(propagation("main.tf", hcl("aws_sagemaker_model.m.name",
                                       "aws_sagemaker_endpoint_configuration.c.name")),
            want);
  EXPECT_EQ(propagation("main.tf", hcl("aws_sagemaker_model.m.id",
                                       "aws_sagemaker_endpoint_configuration.c.id")),
            want);
  EXPECT_EQ(propagation("main.tf", hcl("aws_sagemaker_model.m[0].name",
                                       "aws_sagemaker_endpoint_configuration.c.name")),
            want);
}

TEST(IacPropagation, TerraformDoesNotFire) {
  const std::string config = "aws_sagemaker_endpoint_configuration.c.name";
  EXPECT_EQ(propagation("main.tf", hcl("var.model", config)), Lines{});
  EXPECT_EQ(propagation("main.tf", hcl("aws_sagemaker_model.other.name", config)), Lines{});
  EXPECT_EQ(propagation("main.tf", hcl("aws_sagemaker_model.m.arn", config)), Lines{});
  EXPECT_EQ(propagation("main.tf", hcl("\"${aws_sagemaker_model.m.name}-x\"", config)), Lines{});
  // The config's tags are a variable (merged over default_tags, still
  // unknown); the endpoint then names another config.
  EXPECT_EQ(propagation("main.tf", hcl("aws_sagemaker_model.m.name", "var.config", "var.tags")),
            Lines{});
  // Every tag carried (Owner's value unknown on both sides), Team from default_tags.
  EXPECT_EQ(
      propagation("main.tf", hcl("aws_sagemaker_model.m.name", "var.config",
                                 "{\n    Project = \"churn\"\n    \"Cost Center\" = \"CC-1\"\n    "
                                 "Owner = var.owner\n  }")),
      Lines{});
}

TEST(IacPropagation, TerraformJsonSyntax) {
  const std::string tf = R"({
  "resource": {
    "aws_sagemaker_model": {
      "m": {"execution_role_arn": "${var.role}", "primary_container": {"image": "i"},
            "tags": {"Project": "churn", "Cost Center": "CC-1"}}
    },
    "aws_sagemaker_endpoint_configuration": {
      "c": {"production_variants": {"model_name": "MODEL", "instance_type": "ml.m5.large",
                                    "initial_instance_count": 1},
            "tags": {"Project": "churn"}}
    }
  }
})";
  auto with = [&](const std::string& ref) {
    std::string t = tf;
    t.replace(t.find("MODEL"), 5, ref);
    return t;
  };
  EXPECT_EQ(propagation("main.tf.json", with("${aws_sagemaker_model.m.name}")),
            Lines{"EndpointConfig aws_sagemaker_endpoint_configuration.c 10:13 tag 'Cost Center' "
                  "of model 'aws_sagemaker_model.m' is missing here"});
  EXPECT_EQ(propagation("main.tf.json", with("${ aws_sagemaker_model.m.id }")).size(), 1u);
  EXPECT_EQ(propagation("main.tf.json", with("${var.model}")), Lines{});
  EXPECT_EQ(propagation("main.tf.json", with("aws_sagemaker_model.m.name")), Lines{});  // a literal
}

TEST(IacPropagation, RequestsKeepTheirTrainingJobSemantics) {
  // In a bundle of requests a model is no source: only a training job is.
  const char* bundle = R"([
    {"ModelName": "m", "PrimaryContainer": {"Image": "i"}, "ExecutionRoleArn": "r",
     "Tags": [{"Key": "Project", "Value": "a"}]},
    {"EndpointConfigName": "c", "ProductionVariants": [{"VariantName": "v", "ModelName": "m",
     "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}]}
  ])";
  EXPECT_EQ(propagation("b.json", bundle), Lines{});
}

TEST(IacPropagation, ReferencedResource) {
  auto doc = parse_document("r.json", R"([{"Ref": "M"}, {"Fn::GetAtt": ["M", "ModelName"]},
    {"Fn::GetAtt": "M.ModelName"}, {"Fn::GetAtt": ["M", "Arn"]}, {"Fn::Sub": "${M}"},
    {"Fn::Unresolved": "aws_sagemaker_model.x.name"}, {"Fn::Unresolved": "aws_sagemaker_model.x[count.index].id"},
    {"Fn::Unresolved": "aws_sagemaker_model.x.arn"}, {"Fn::Unresolved": "aws_sagemaker_modelx.name"},
    {"Fn::Unresolved": "${aws_sagemaker_model.x.name}"}, {"Fn::Unresolved": "${a}${aws_sagemaker_model.x.name}"},
    "M", {"Fn::Unresolved": "module.ml.aws_sagemaker_model.x.name"},
    {"Fn::Unresolved": "module.a[\"k\"].module.b.aws_sagemaker_model.x.id"},
    {"Fn::Unresolved": "module.ml.var.x"}])");
  ASSERT_TRUE(doc.ok());
  std::vector<std::string> got;
  for (const Value& v : (*doc)->root().items()) {
    got.push_back(rules::referenced_resource(v, "ModelName", "aws_sagemaker_model"));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"M", "M", "M", "", "", "aws_sagemaker_model.x",
                                           "aws_sagemaker_model.x", "", "", "aws_sagemaker_model.x",
                                           "", "", "module.ml.aws_sagemaker_model.x",
                                           "module.a[\"k\"].module.b.aws_sagemaker_model.x", ""}));
}

}  // namespace
}  // namespace sageguard
