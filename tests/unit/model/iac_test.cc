// Infrastructure as code read into resources: CloudFormation's YAML short
// forms, templates (typed resources, pipelines and state machines held in
// strings), Step Functions tasks and their translated parameters, and the
// offsets that point back into the file.
#include <gtest/gtest.h>

#include "sageguard/api_model.h"
#include "sageguard/resource.h"

namespace {

using namespace sageguard;

std::shared_ptr<const Document> parse(const std::string& text, const std::string& path = "t.yaml") {
  auto d = parse_document(path, text);
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().describe());
  return d.ok() ? *d : nullptr;
}

// The text at a value's offset, up to the end of its line.
std::string at(const Document& d, uint64_t off) {
  const std::string_view t = d.text().substr(off);
  return std::string(t.substr(0, t.find('\n')));
}

TEST(YamlIntrinsics, ShortFormsReadAsLongForms) {
  const auto d = parse(
      "a: !Ref Env\n"
      "b: !GetAtt Model.ModelName\n"
      "c: !Sub \"s3://${Bucket}/x\"\n"
      "d: !Join [\"\", [a, !Ref B]]\n"
      "e: !If [IsProd, 1, 2]\n"
      "f: !Condition IsProd\n"
      "g: !Equals [!Ref Env, prod]\n"
      "h: !Select [0, !GetAZs \"\"]\n"
      "i: !FindInMap [M, K, V]\n"
      "j: !ImportValue Shared\n"
      "k: !Base64 text\n"
      "l: !Split [\",\", \"a,b\"]\n"
      "m: !Not [!Condition C]\n"
      "n: !And [!Condition A, !Condition B]\n"
      "o: !Or [!Condition A, !Condition B]\n"
      "p: !Cidr [\"10.0.0.0/16\", 2, 8]\n"
      "q: !Transform {Name: X}\n"
      "r: !GetAtt [Model, ModelName]\n");
  ASSERT_TRUE(d);
  const Value& r = d->root();
  const std::pair<const char*, const char*> want[] = {
      {"a", "Ref"},         {"b", "Fn::GetAtt"},      {"c", "Fn::Sub"},      {"d", "Fn::Join"},
      {"e", "Fn::If"},      {"f", "Condition"},       {"g", "Fn::Equals"},   {"h", "Fn::Select"},
      {"i", "Fn::FindInMap"}, {"j", "Fn::ImportValue"}, {"k", "Fn::Base64"}, {"l", "Fn::Split"},
      {"m", "Fn::Not"},     {"n", "Fn::And"},         {"o", "Fn::Or"},       {"p", "Fn::Cidr"},
      {"q", "Fn::Transform"}, {"r", "Fn::GetAtt"}};
  for (const auto& [key, fn] : want) {
    const Value* v = r.find(key);
    ASSERT_NE(v, nullptr) << key;
    ASSERT_TRUE(v->is_object()) << key;
    ASSERT_EQ(v->members().size(), 1u) << key;
    EXPECT_EQ(v->members()[0].first, fn) << key;
    EXPECT_TRUE(is_unresolved_expression(*v)) << key;
    EXPECT_EQ(at(*d, v->offset()).substr(0, 1), "!") << key;  // located at the tag
  }
  EXPECT_EQ(r.find("a")->find("Ref")->as_string(), "Env");
  EXPECT_EQ(at(*d, r.find("a")->find("Ref")->offset()), "Env");
  // `!GetAtt a.b` splits at the first dot, each part located.
  const Value* getatt = r.find("b")->find("Fn::GetAtt");
  ASSERT_TRUE(getatt->is_array());
  ASSERT_EQ(getatt->items().size(), 2u);
  EXPECT_EQ(getatt->items()[0].as_string(), "Model");
  EXPECT_EQ(getatt->items()[1].as_string(), "ModelName");
  EXPECT_EQ(at(*d, getatt->items()[1].offset()), "ModelName");
  // Nested short forms inside a flow sequence.
  const Value* join = r.find("d")->find("Fn::Join");
  ASSERT_EQ(join->items().size(), 2u);
  EXPECT_EQ(join->items()[1].items()[1].members()[0].first, "Ref");
  EXPECT_EQ(count_unresolved(r), 18u);
}

TEST(YamlIntrinsics, OtherTagsAndPlainYamlUnchanged) {
  const auto d = parse("a: !custom text\nb: !!str 3\nc: 3\nd: \"!Ref x\"\n");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->root().find("a")->as_string(), "text");
  EXPECT_EQ(d->root().find("b")->as_string(), "3");
  EXPECT_TRUE(d->root().find("c")->is_number());
  EXPECT_EQ(d->root().find("d")->as_string(), "!Ref x");
}

constexpr const char* kTemplate = R"(AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: {}
  M:
    Type: AWS::SageMaker::Model
    Properties:
      ModelName: churn
      ExecutionRoleArn: !GetAtt Role.Arn
      PrimaryContainer:
        Image: !Ref Image
  C:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: a
          ModelName: !GetAtt M.ModelName
          InstanceType: ml.m5.xlarge
  E:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointConfigName: !GetAtt C.EndpointConfigName
      RetainAllVariantProperties: true
)";

TEST(CloudFormation, TypedResourcesAreTheirKinds) {
  const auto d = parse(kTemplate);
  ASSERT_TRUE(d);
  auto ex = extract_resources(*d);
  ASSERT_TRUE(ex.ok());
  ASSERT_TRUE(ex->recognised);
  ASSERT_EQ(ex->resources.size(), 3u);
  const Resource& m = ex->resources[0];
  EXPECT_EQ(m.kind, ResourceKind::model);
  EXPECT_EQ(m.name, "churn");  // the literal name property
  EXPECT_EQ(m.resource_id, "M");
  EXPECT_EQ(m.pointer, "/Resources/M/Properties");
  EXPECT_EQ(m.unresolved_values, 2u);
  EXPECT_EQ(at(*d, m.root->offset()), "ModelName: churn");
  const Resource& c = ex->resources[1];
  EXPECT_EQ(c.kind, ResourceKind::endpoint_config);
  EXPECT_EQ(c.name, "C");  // no name property: the logical id
  EXPECT_EQ(ex->resources[2].kind, ResourceKind::endpoint);
  EXPECT_TRUE(ex->resources[2].name_optional);

  // --kind model keeps the models; --kind cloudformation reads it too.
  auto models = extract_resources(*d, ResourceKind::model);
  ASSERT_TRUE(models.ok());
  ASSERT_EQ(models->resources.size(), 1u);
  auto named = extract_resources(*d, std::nullopt, IacFormat::cloudformation);
  ASSERT_TRUE(named.ok());
  EXPECT_EQ(named->resources.size(), 3u);
}

TEST(CloudFormation, OnlyCloudFormationPropertiesAreNotApiViolations) {
  const auto d = parse(kTemplate);
  auto ex = extract_resources(*d);
  ASSERT_TRUE(ex.ok());
  const Resource& e = ex->resources[2];
  ApiValidateOptions opts;
  std::vector<ApiViolation> out;
  ASSERT_TRUE(validate_api_request("CreateEndpoint", *e.root, opts, out));
  ASSERT_FALSE(out.empty());  // without the resource's list: unknown member, name missing
  opts.skip_members.assign(e.iac_only_members.begin(), e.iac_only_members.end());
  opts.skip_required.emplace_back("EndpointName");
  out.clear();
  ASSERT_TRUE(validate_api_request("CreateEndpoint", *e.root, opts, out));
  EXPECT_TRUE(out.empty()) << out[0].message;
}

TEST(CloudFormation, FormatNamedButNotThatIsARefusal) {
  const auto d = parse("{\"TrainingJobName\": \"x\"}", "t.json");
  auto ex = extract_resources(*d, std::nullopt, IacFormat::cloudformation);
  ASSERT_TRUE(ex.ok());
  EXPECT_FALSE(ex->recognised);
  EXPECT_NE(ex->reason.find("not a CloudFormation template"), std::string::npos);
  auto sf = extract_resources(*d, std::nullopt, IacFormat::step_functions);
  ASSERT_TRUE(sf.ok());
  EXPECT_NE(sf->reason.find("not a Step Functions state machine"), std::string::npos);
}

TEST(CloudFormation, PipelineBodyIsReadWithOffsetsInTheTemplate) {
  // A JSON template whose body string has escapes: each step value maps to
  // its bytes inside the string.
  const std::string text = R"({"Resources": {"P": {"Type": "AWS::SageMaker::Pipeline", "Properties": {
  "PipelineName": "p", "RoleArn": "arn:aws:iam::1:role/r",
  "PipelineDefinition": {"PipelineDefinitionBody": "{\"Version\": \"2020-12-01\", \"Steps\": [{\"Name\": \"Train\", \"Type\": \"Training\", \"Arguments\": {\"RoleArn\": \"r\", \"ResourceConfig\": {\"InstanceType\": \"ml.m5.xlarge\"}}}]}"}}}}})";
  const auto d = parse(text, "t.json");
  ASSERT_TRUE(d);
  auto ex = extract_resources(*d);
  ASSERT_TRUE(ex.ok()) << ex.error().describe();
  ASSERT_EQ(ex->resources.size(), 1u);
  const Resource& r = ex->resources[0];
  EXPECT_EQ(r.kind, ResourceKind::training_job);
  EXPECT_EQ(r.name, "Train");
  EXPECT_EQ(r.resource_id, "P");
  EXPECT_FALSE(r.not_editable.empty());
  const Value* type = r.root->find("ResourceConfig")->find("InstanceType");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(d->text().substr(type->offset(), 16), "\\\"ml.m5.xlarge\\\"");
}

TEST(CloudFormation, BadLiteralBodyIsAnErrorAtItsByte) {
  const std::string text =
      "Resources:\n  P:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n"
      "      PipelineDefinition:\n        PipelineDefinitionBody: |\n"
      "          {\"Version\": \"2020-12-01\",\n           \"Steps\": [}\n";
  const auto d = parse(text);
  ASSERT_TRUE(d);
  auto ex = extract_resources(*d);
  ASSERT_FALSE(ex.ok());
  EXPECT_EQ(ex.error().line, 8u);
  EXPECT_NE(ex.error().message.find("PipelineDefinitionBody is not valid JSON"), std::string::npos);
}

constexpr const char* kStateMachine = R"({
  "StartAt": "P",
  "States": {
    "P": {"Type": "Parallel", "Branches": [{"StartAt": "Train", "States": {
      "Train": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
        "Parameters": {"TrainingJobName.$": "$.name", "RoleArn": "r",
                       "ResourceConfig": {"InstanceType": "{% $type %}", "InstanceCount": 1}},
        "End": true}}}], "Next": "M"},
    "M": {"Type": "Map", "ItemProcessor": {"StartAt": "Model", "States": {
      "Model": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createModel",
        "Arguments": {"ModelName": "m1", "ExecutionRoleArn": "r"}, "End": true}}}, "Next": "Other"},
    "Other": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}
  }
})";

TEST(StepFunctions, SageMakerTasksInBranchesAndMaps) {
  const auto d = parse(kStateMachine, "sm.json");
  ASSERT_TRUE(d);
  auto ex = extract_resources(*d);
  ASSERT_TRUE(ex.ok());
  ASSERT_TRUE(ex->recognised);
  ASSERT_EQ(ex->resources.size(), 2u);
  const Resource& t = ex->resources[0];
  EXPECT_EQ(t.kind, ResourceKind::training_job);
  EXPECT_EQ(t.name, "Train");
  EXPECT_EQ(t.resource_id, "Train");
  EXPECT_EQ(t.pointer, "/States/P/Branches/0/States/Train/Parameters");
  EXPECT_EQ(t.unresolved_values, 2u);  // the name path and the JSONata type
  const Value* name = t.root->find("TrainingJobName");
  ASSERT_NE(name, nullptr);
  EXPECT_TRUE(is_unresolved_expression(*name));
  EXPECT_EQ(at(*d, name->key_off()).substr(0, 19), "\"TrainingJobName.$\"");
  EXPECT_EQ(at(*d, name->offset()).substr(0, 8), "\"$.name\"");
  EXPECT_TRUE(t.root->find("ResourceConfig")->find("InstanceCount")->is_number());
  const Resource& m = ex->resources[1];
  EXPECT_EQ(m.kind, ResourceKind::model);
  EXPECT_EQ(m.name, "m1");
  EXPECT_EQ(m.resource_id, "Model");
  EXPECT_EQ(m.pointer, "/States/M/ItemProcessor/States/Model/Arguments");
}

TEST(StepFunctions, CdkDefinitionStringJoinedWithThePartition) {
  // What the CDK synthesizes: the definition as an Fn::Join whose parts
  // include {"Ref": "AWS::Partition"} and role ARNs from Fn::GetAtt.
  const std::string text = R"({"Resources": {"SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
  "RoleArn": "arn:aws:iam::1:role/r",
  "DefinitionString": {"Fn::Join": ["", ["{\"StartAt\":\"T\",\"States\":{\"T\":{\"End\":true,\"Type\":\"Task\",\"Resource\":\"arn:", {"Ref": "AWS::Partition"}, ":states:::sagemaker:createTrainingJob.sync\",\"Parameters\":{\"TrainingJobName\":\"t1\",\"RoleArn\":\"", {"Fn::GetAtt": ["Role", "Arn"]}, "\",\"ResourceConfig\":{\"InstanceCount\":1,\"InstanceType\":\"ml.m4.xlarge\",\"VolumeSizeInGB\":10}}}}}"]]}}}}})";
  const auto d = parse(text, "t.json");
  ASSERT_TRUE(d);
  auto ex = extract_resources(*d);
  ASSERT_TRUE(ex.ok()) << ex.error().describe();
  ASSERT_EQ(ex->resources.size(), 1u);
  const Resource& r = ex->resources[0];
  EXPECT_EQ(r.kind, ResourceKind::training_job);
  EXPECT_EQ(r.name, "t1");
  EXPECT_EQ(r.resource_id, "T");
  EXPECT_FALSE(r.not_editable.empty());
  const Value* role = r.root->find("RoleArn");
  ASSERT_NE(role, nullptr);
  EXPECT_TRUE(is_unresolved_expression(*role));
  EXPECT_EQ(r.unresolved_values, 1u);
  const Value* type = r.root->find("ResourceConfig")->find("InstanceType");
  EXPECT_EQ(d->text().substr(type->offset(), 16), "\\\"ml.m4.xlarge\\\"");
}

}  // namespace
