// Terraform resources read as the SageMaker requests they create: argument
// names mapped to API members, blocks to objects and lists, references to
// unresolved values, tags merged over the provider's default_tags, and the
// same resources from HCL, the JSON syntax and a plan.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include "model/terraform.h"
#include "sageguard/api_model.h"
#include "sageguard/document.h"
#include "sageguard/resource.h"

namespace sageguard {
namespace {

const std::string kModule = std::string(SG_TESTDATA) + "/terraform/module";

const Resource* by_id(const ExtractResult& ex, std::string_view id, ResourceKind kind) {
  for (const Resource& r : ex.resources) {
    if (r.resource_id == id && r.kind == kind) return &r;
  }
  return nullptr;
}

// The value at "A/B/0/C" below `v`.
const Value* at(const Value& v, std::string_view path) {
  const Value* cur = &v;
  while (!path.empty() && cur != nullptr) {
    const size_t slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (cur->is_array()) {
      const size_t i = static_cast<size_t>(std::stoul(std::string(seg)));
      cur = i < cur->items().size() ? &cur->items()[i] : nullptr;
    } else {
      cur = cur->find(seg);
    }
  }
  return cur;
}

std::string tag_keys(const Value& request) {
  std::string keys;
  const Value* tags = request.find("Tags");
  if (tags == nullptr) return "<none>";
  for (const Value& t : tags->items()) keys += std::string(t.find("Key")->as_string()) + ";";
  return keys;
}

TEST(TerraformNames, MapToApiMembers) {
  EXPECT_EQ(terraform_api_name("kms_key_arn"), "KmsKeyId");
  EXPECT_EQ(terraform_api_name("container"), "Containers");
  EXPECT_EQ(terraform_api_name("vpc_config"), "VpcConfig");
  EXPECT_EQ(terraform_api_name("security_group_ids"), "SecurityGroupIds");
  EXPECT_EQ(terraform_api_name("enable_network_isolation"), "EnableNetworkIsolation");
  EXPECT_EQ(terraform_api_name("volume_size_in_gb"), "VolumeSizeInGB");
  EXPECT_EQ(terraform_api_name("destination_s3_uri"), "DestinationS3Uri");
}

TEST(TerraformHcl, ModuleResourcesBecomeRequests) {
  auto doc = load_document(kModule + "/main.tf");
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  auto ex = extract_resources(**doc);
  ASSERT_TRUE(ex.ok()) << ex.error().describe();
  ASSERT_TRUE(ex->recognised);
  EXPECT_EQ(ex->resources.size(), 6u);  // 2 models, 2 configs, 1 endpoint, 1 pipeline step
  const Document& d = **doc;

  const Resource* churn = by_id(*ex, "aws_sagemaker_model.churn", ResourceKind::model);
  ASSERT_NE(churn, nullptr);
  EXPECT_EQ(churn->name, "churn-model");
  const Value& m = *churn->root;
  const auto line_of = [&](std::string_view needle) {
    return d.locate(d.text().find(needle)).line;
  };
  EXPECT_EQ(d.locate(m.offset()).line, line_of("resource \"aws_sagemaker_model\" \"churn\""));
  const Value* isolation = m.find("EnableNetworkIsolation");
  ASSERT_NE(isolation, nullptr);
  EXPECT_FALSE(isolation->as_bool());
  EXPECT_EQ(d.locate(isolation->offset()).line, line_of("enable_network_isolation = false"));
  EXPECT_EQ(d.locate(isolation->offset()).column, 3u);  // the attribute's name
  EXPECT_TRUE(is_unresolved_expression(*m.find("ExecutionRoleArn")));
  EXPECT_TRUE(is_unresolved_expression(*at(m, "PrimaryContainer/Image")));
  EXPECT_EQ(at(m, "PrimaryContainer/ModelDataUrl")->as_string(),
            "s3://ourcoolcompany-models/churn/model.tar.gz");
  EXPECT_EQ(at(m, "PrimaryContainer/Environment/LOG_LEVEL")->as_string(), "info");
  // default_tags from providers.tf, then the resource's own.
  EXPECT_EQ(tag_keys(m), "Project;Sponsor;Project Lead;Cost Center;");
  EXPECT_EQ(d.locate(m.find("Tags")->offset()).line, line_of("tags = {"));
  EXPECT_EQ(d.locate(m.find("Tags")->offset()).column, 3u);
  EXPECT_EQ(churn->unresolved_values, 2u);  // role and image
  EXPECT_EQ(count_unresolved(m), 2u);

  const Resource* scorer = by_id(*ex, "aws_sagemaker_model.scorer", ResourceKind::model);
  ASSERT_NE(scorer, nullptr);
  ASSERT_TRUE(scorer->root->find("Containers")->is_array());
  EXPECT_EQ(scorer->root->find("Containers")->items().size(), 1u);
  EXPECT_TRUE(is_unresolved_expression(*at(*scorer->root, "VpcConfig/Subnets")));
  EXPECT_EQ(at(*scorer->root, "VpcConfig/SecurityGroupIds/0")->as_string(), "sg-0123abcd");

  const Resource* config =
      by_id(*ex, "aws_sagemaker_endpoint_configuration.churn", ResourceKind::endpoint_config);
  ASSERT_NE(config, nullptr);
  const Value& c = *config->root;
  EXPECT_EQ(c.find("EndpointConfigName")->as_string(), "churn-config");
  EXPECT_TRUE(is_unresolved_expression(*c.find("KmsKeyId")));
  EXPECT_EQ(at(c, "ProductionVariants/0/InstanceType")->as_string(), "ml.m5.large");
  EXPECT_EQ(at(c, "ProductionVariants/0/InitialInstanceCount")->as_number(), 1);
  EXPECT_TRUE(at(c, "ProductionVariants/0/InitialInstanceCount")->is_integral());
  EXPECT_TRUE(is_unresolved_expression(*at(c, "ProductionVariants/0/ModelName")));
  EXPECT_EQ(at(c, "DataCaptureConfig/CaptureOptions/0/CaptureMode")->as_string(), "Input");
  EXPECT_EQ(tag_keys(c), "Project;Sponsor;Contact;");

  const Resource* open =
      by_id(*ex, "aws_sagemaker_endpoint_configuration.open", ResourceKind::endpoint_config);
  ASSERT_NE(open, nullptr);
  EXPECT_TRUE(is_unresolved_expression(*open->root->find("EndpointConfigName")));
  EXPECT_TRUE(is_unresolved_expression(*at(*open->root, "ProductionVariants/0/VariantName")));
  EXPECT_EQ(open->root->find("KmsKeyId"), nullptr);

  const Resource* endpoint = by_id(*ex, "aws_sagemaker_endpoint.churn", ResourceKind::endpoint);
  ASSERT_NE(endpoint, nullptr);
  EXPECT_TRUE(is_unresolved_expression(*endpoint->root->find("EndpointConfigName")));

  const Resource* step =
      by_id(*ex, "aws_sagemaker_pipeline.retrain", ResourceKind::training_job);
  ASSERT_NE(step, nullptr);
  EXPECT_TRUE(step->in_pipeline);
  EXPECT_EQ(step->step_name, "Train");
  const Value* instance = at(*step->root, "ResourceConfig/InstanceType");
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(instance->as_string(), "ml.m5.xlarge");
  EXPECT_EQ(d.locate(instance->offset()).line, d.locate(d.text().find("InstanceType   =")).line);
}

TEST(TerraformHcl, StateMachineDefinitionsAreHandedOver) {
  auto doc = load_document(kModule + "/sfn.tf");
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  ExtractResult out;
  std::vector<std::string> seen;
  ASSERT_TRUE(extract_terraform(**doc, TerraformSource::configuration, out,
                                [&](const StateMachineDefinition& m, ExtractResult& into) {
                                  EXPECT_EQ(&into, &out);
                                  seen.push_back(m.resource_id);
                                  const Value* task = at(*m.definition, "States/CreateModel/Resource");
                                  ASSERT_NE(task, nullptr);
                                  EXPECT_EQ(task->as_string(), "arn:aws:states:::sagemaker:createModel");
                                })
                  .ok());
  EXPECT_EQ(seen, std::vector<std::string>{"aws_sfn_state_machine.deploy"});
  EXPECT_FALSE(out.recognised);  // nothing SageMaker of its own
}

class TerraformFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sg-tf-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(TerraformFiles, JsonSyntaxReadsLikeHcl) {
  const std::string path = write("main.tf.json", R"({
  "provider": {"aws": [{"region": "us-east-1", "default_tags": {"tags": {"Project": "churn"}}},
                       {"alias": "west", "region": "us-west-2"}]},
  "resource": {
    "aws_sagemaker_model": {
      "churn": {
        "name": "churn-model",
        "execution_role_arn": "${var.role_arn}",
        "enable_network_isolation": true,
        "primary_container": {"image": "img", "environment": {"A": "${var.a}", "B": "b"}},
        "vpc_config": [{"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}],
        "tags": {"Team": "ml", "Cost": "$${literal}"}
      },
      "west": {"provider": "aws.west", "execution_role_arn": "r", "primary_container": {"image": "i"}}
    }
  }
})");
  auto doc = load_document(path);
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  auto ex = extract_resources(**doc);
  ASSERT_TRUE(ex.ok()) << ex.error().describe();
  ASSERT_EQ(ex->resources.size(), 2u);
  const Value& m = *ex->resources[0].root;
  EXPECT_EQ(ex->resources[0].resource_id, "aws_sagemaker_model.churn");
  EXPECT_TRUE(is_unresolved_expression(*m.find("ExecutionRoleArn")));
  EXPECT_TRUE(m.find("EnableNetworkIsolation")->as_bool());
  EXPECT_TRUE(is_unresolved_expression(*at(m, "PrimaryContainer/Environment/A")));
  EXPECT_EQ(at(m, "PrimaryContainer/Environment/B")->as_string(), "b");
  EXPECT_EQ(at(m, "VpcConfig/Subnets/0")->as_string(), "subnet-1");
  EXPECT_EQ(tag_keys(m), "Project;Team;Cost;");
  EXPECT_EQ(ex->resources[0].unresolved_values, 2u);
  // The aliased provider has no default tags; the name is Terraform's.
  const Value& west = *ex->resources[1].root;
  EXPECT_EQ(west.find("Tags"), nullptr);
  EXPECT_TRUE(is_unresolved_expression(*west.find("ModelName")));
}

TEST_F(TerraformFiles, PlansReadAfterAndAfterUnknown) {
  const std::string plan = R"({"format_version": "1.2", "terraform_version": "1.11.4",
 "resource_changes": [
  {"address": "module.ml.aws_sagemaker_endpoint_configuration.c", "mode": "managed",
   "type": "aws_sagemaker_endpoint_configuration", "name": "c",
   "change": {"actions": ["create"],
     "after": {"name": "cfg", "kms_key_arn": null, "async_inference_config": [],
               "production_variants": [{"model_name": "m", "instance_type": "ml.m5.large",
                                        "initial_instance_count": 1, "core_dump_config": []}],
               "tags": null, "tags_all": {"Project": "p"}},
     "after_unknown": {"kms_key_arn": true, "arn": true,
                       "production_variants": [{"variant_name": true}], "tags_all": {}}}},
  {"address": "aws_sagemaker_model.gone", "mode": "managed", "type": "aws_sagemaker_model",
   "change": {"actions": ["delete"], "after": null}},
  {"address": "data.aws_sagemaker_model.x", "mode": "data", "type": "aws_sagemaker_model",
   "change": {"actions": ["read"], "after": {}}}
 ]})";
  auto doc = load_document(write("plan.json", plan));
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  auto ex = extract_resources(**doc);
  ASSERT_TRUE(ex.ok()) << ex.error().describe();
  ASSERT_EQ(ex->resources.size(), 1u);
  const Resource& r = ex->resources[0];
  EXPECT_EQ(r.resource_id, "module.ml.aws_sagemaker_endpoint_configuration.c");
  EXPECT_EQ(r.name, "cfg");
  EXPECT_TRUE(is_unresolved_expression(*r.root->find("KmsKeyId")));
  EXPECT_EQ(r.root->find("AsyncInferenceConfig"), nullptr);  // an empty block list is no block
  EXPECT_TRUE(is_unresolved_expression(*at(*r.root, "ProductionVariants/0/VariantName")));
  EXPECT_EQ(at(*r.root, "ProductionVariants/0/CoreDumpConfig"), nullptr);
  EXPECT_EQ(tag_keys(*r.root), "Project;");
  EXPECT_EQ(r.unresolved_values, 2u);

  // planned_values alone (child modules included) gives the same resource.
  const std::string planned = R"({"format_version": "1.2", "planned_values": {"root_module": {
   "child_modules": [{"address": "module.ml", "resources": [
     {"address": "module.ml.aws_sagemaker_model.m", "mode": "managed", "type": "aws_sagemaker_model",
      "values": {"name": "m", "execution_role_arn": "r", "enable_network_isolation": false,
                 "primary_container": [{"image": "i"}], "tags_all": {"Project": "p"}}}]}]}}})";
  auto doc2 = load_document(write("planned.json", planned));
  ASSERT_TRUE(doc2.ok()) << doc2.error().describe();
  auto ex2 = extract_resources(**doc2);
  ASSERT_TRUE(ex2.ok());
  ASSERT_EQ(ex2->resources.size(), 1u);
  EXPECT_EQ(ex2->resources[0].resource_id, "module.ml.aws_sagemaker_model.m");
  EXPECT_EQ(at(*ex2->resources[0].root, "PrimaryContainer/Image")->as_string(), "i");
}

TEST_F(TerraformFiles, LiteralPipelineDefinitionsPointIntoTheFile) {
  const std::string text =
      "resource \"aws_sagemaker_pipeline\" \"p\" {\n"
      "  pipeline_name         = \"p\"\n"
      "  pipeline_display_name = \"p\"\n"
      "  pipeline_definition   = <<EOT\n"
      "{\"Version\": \"2020-12-01\", \"Steps\": [{\"Name\": \"T\", \"Type\": \"Training\",\n"
      "  \"Arguments\": {\"ResourceConfig\": {\"InstanceType\": \"ml.m5.large\"}}}]}\n"
      "EOT\n"
      "}\n";
  auto doc = load_document(write("p.tf", text));
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  auto ex = extract_resources(**doc);
  ASSERT_TRUE(ex.ok());
  ASSERT_EQ(ex->resources.size(), 1u);
  const Value* it = at(*ex->resources[0].root, "ResourceConfig/InstanceType");
  ASSERT_NE(it, nullptr);
  EXPECT_EQ(it->offset(), text.find("\"ml.m5.large\""));
}

TEST_F(TerraformFiles, ConfigurationsWithoutSageMakerAreNotRecognised) {
  auto doc = load_document(write("vpc.tf", "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n"));
  ASSERT_TRUE(doc.ok());
  auto ex = extract_resources(**doc);
  ASSERT_TRUE(ex.ok());
  EXPECT_FALSE(ex->recognised);
}

// --kind model on Terraform keeps the models, including those a state
// machine's tasks create; the other kinds are left out.
TEST(TerraformKind, ResourceKindKeepsOnlyThatKind) {
  auto doc = load_document(kModule + "/main.tf");
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  auto all = extract_resources(**doc);
  ASSERT_TRUE(all.ok()) << all.error().describe();
  const auto models =
      std::count_if(all->resources.begin(), all->resources.end(),
                    [](const Resource& r) { return r.kind == ResourceKind::model; });
  ASSERT_GT(models, 0);
  ASSERT_GT(all->resources.size(), static_cast<size_t>(models));
  auto only = extract_resources(**doc, ResourceKind::model);
  ASSERT_TRUE(only.ok()) << only.error().describe();
  EXPECT_EQ(only->resources.size(), static_cast<size_t>(models));
  for (const Resource& r : only->resources) EXPECT_EQ(r.kind, ResourceKind::model);
  auto named = extract_resources(**doc, ResourceKind::model, IacFormat::terraform);
  ASSERT_TRUE(named.ok()) << named.error().describe();
  EXPECT_EQ(named->resources.size(), static_cast<size_t>(models));

  auto sfn = load_document(kModule + "/sfn.tf");
  ASSERT_TRUE(sfn.ok()) << sfn.error().describe();
  auto task_models = extract_resources(**sfn, ResourceKind::model);
  ASSERT_TRUE(task_models.ok());
  ASSERT_EQ(task_models->resources.size(), 1u);
  EXPECT_EQ(task_models->resources[0].kind, ResourceKind::model);
  auto configs = extract_resources(**sfn, ResourceKind::endpoint_config);
  ASSERT_TRUE(configs.ok());
  EXPECT_TRUE(configs->resources.empty());
}

TEST_F(TerraformFiles, KindNamesConfigurationOrPlan) {
  const std::string tf =
      write("vpc.tf", "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
  const std::string plan =
      write("plan.json", R"({"format_version": "1.2", "resource_changes": []})");
  const std::string request = write("job.json", R"({"TrainingJobName": "x"})");
  const auto read = [](const std::string& path, IacFormat format) {
    auto doc = load_document(path);
    EXPECT_TRUE(doc.ok()) << doc.error().describe();
    auto ex = extract_resources(**doc, std::nullopt, format);
    EXPECT_TRUE(ex.ok()) << ex.error().describe();
    return std::move(ex).value();
  };
  // Named, a configuration without SageMaker resources is one (none found);
  // by content it is not recognised (ConfigurationsWithoutSageMaker...).
  const ExtractResult vpc = read(tf, IacFormat::terraform);
  EXPECT_TRUE(vpc.recognised);
  EXPECT_TRUE(vpc.resources.empty());
  EXPECT_TRUE(read(plan, IacFormat::terraform_plan).recognised);

  const ExtractResult not_plan = read(tf, IacFormat::terraform_plan);
  EXPECT_FALSE(not_plan.recognised);
  EXPECT_NE(not_plan.reason.find("a Terraform configuration, not a plan"), std::string::npos)
      << not_plan.reason;
  const ExtractResult not_config = read(plan, IacFormat::terraform);
  EXPECT_FALSE(not_config.recognised);
  EXPECT_NE(not_config.reason.find("use --kind terraform-plan"), std::string::npos)
      << not_config.reason;
  const ExtractResult job = read(request, IacFormat::terraform);
  EXPECT_FALSE(job.recognised);
  EXPECT_NE(job.reason.find("not a Terraform configuration"), std::string::npos) << job.reason;
  EXPECT_NE(read(request, IacFormat::terraform_plan).reason.find("not a Terraform plan"),
            std::string::npos);
  // Another format named: a .tf file is not read as Terraform.
  const ExtractResult cfn = read(tf, IacFormat::cloudformation);
  EXPECT_FALSE(cfn.recognised);
  EXPECT_NE(cfn.reason.find("not a CloudFormation template"), std::string::npos) << cfn.reason;
}

TEST_F(TerraformFiles, KindTerraformReadsJsonOfTerraformShapeAsTfJson) {
  // Named `.json` and with no aws_ resource to detect it by: only --kind
  // terraform reads it as a configuration in JSON syntax.
  const std::string path = write("settings.json", R"({
  "provider": {"aws": {"region": "us-east-1"}},
  "variable": {"role_arn": {"type": "string"}}
})");
  auto doc = load_document(path);
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  EXPECT_EQ(terraform_source(**doc), TerraformSource::none);
  EXPECT_EQ(terraform_source(**doc, IacFormat::terraform), TerraformSource::configuration);
  EXPECT_EQ(terraform_source(**doc, IacFormat::terraform_plan), TerraformSource::none);
  EXPECT_EQ(terraform_source(**doc, IacFormat::step_functions), TerraformSource::none);
  auto ex = extract_resources(**doc, std::nullopt, IacFormat::terraform);
  ASSERT_TRUE(ex.ok()) << ex.error().describe();
  EXPECT_TRUE(ex->recognised);
  EXPECT_FALSE(extract_resources(**doc)->recognised);

  // A member Terraform's JSON syntax has no block for: not a configuration.
  auto other = load_document(write("mixed.json", R"({"variable": {}, "TrainingJobName": "x"})"));
  ASSERT_TRUE(other.ok());
  std::string reason;
  EXPECT_EQ(terraform_source(**other, IacFormat::terraform, &reason), TerraformSource::none);
  EXPECT_NE(reason.find("not a Terraform configuration"), std::string::npos) << reason;

  // With a SageMaker resource, its request is read as in a .tf.json file.
  auto model = load_document(write("model.json", R"({"resource": {"aws_sagemaker_model": {
    "m": {"name": "m", "execution_role_arn": "r", "primary_container": {"image": "i"}}}}})"));
  ASSERT_TRUE(model.ok());
  auto models = extract_resources(**model, std::nullopt, IacFormat::terraform);
  ASSERT_TRUE(models.ok()) << models.error().describe();
  ASSERT_EQ(models->resources.size(), 1u);
  EXPECT_EQ(models->resources[0].resource_id, "aws_sagemaker_model.m");
  EXPECT_EQ(models->resources[0].root->find("ModelName")->as_string(), "m");
}

// `dynamic "x"` blocks produce arguments the file cannot know: set, but
// unresolved (no guessed value); `count` / `for_each` resources are read
// as one resource.
TEST_F(TerraformFiles, DynamicBlocksAreSetButUnresolved) {
  const std::string hcl = R"(resource "aws_sagemaker_model" "m" {
  for_each           = toset(["a", "b"])
  name               = "model-${each.key}"
  execution_role_arn = var.role
  primary_container {
    image = var.image
  }
  dynamic "vpc_config" {
    for_each = var.vpc == null ? [] : [var.vpc]
    content {
      subnets            = vpc_config.value.subnets
      security_group_ids = ["sg-1"]
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "c" {
  count = 2
  dynamic "production_variants" {
    for_each = var.variants
    content {
      model_name    = production_variants.value.model
      instance_type = "ml.p4d.24xlarge"
    }
  }
}
)";
  const std::string json = R"({"resource": {"aws_sagemaker_model": {"m": {
  "for_each": "${toset([\"a\"])}", "execution_role_arn": "${var.role}",
  "primary_container": {"image": "${var.image}"},
  "dynamic": {"vpc_config": {"for_each": "${var.vpcs}",
                             "content": {"subnets": ["subnet-1"], "security_group_ids": ["sg-1"]}}}
}}}})";
  for (const auto& [name, text] : {std::pair{"main.tf", hcl}, std::pair{"main.tf.json", json}}) {
    auto doc = load_document(write(name, text));
    ASSERT_TRUE(doc.ok()) << doc.error().describe();
    auto ex = extract_resources(**doc);
    ASSERT_TRUE(ex.ok()) << ex.error().describe();
    const Resource* m = by_id(*ex, "aws_sagemaker_model.m", ResourceKind::model);
    ASSERT_NE(m, nullptr) << name;
    ASSERT_NE(m->root->find("VpcConfig"), nullptr) << name;
    EXPECT_TRUE(is_unresolved_expression(*m->root->find("VpcConfig"))) << name;
    EXPECT_EQ(m->root->find("ForEach"), nullptr) << name;  // a meta-argument
    const size_t models =
        std::count_if(ex->resources.begin(), ex->resources.end(),
                      [](const Resource& r) { return r.kind == ResourceKind::model; });
    EXPECT_EQ(models, 1u) << name;
  }
  auto doc = load_document(dir_ / "main.tf");
  ASSERT_TRUE(doc.ok());
  auto ex = extract_resources(**doc);
  ASSERT_TRUE(ex.ok());
  const Resource* c =
      by_id(*ex, "aws_sagemaker_endpoint_configuration.c", ResourceKind::endpoint_config);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(is_unresolved_expression(*c->root->find("ProductionVariants")));
  EXPECT_EQ(c->root->find("Count"), nullptr);
}

// A value a plan knows only after apply keeps, in the configuration
// section, the reference it comes from: a config's model name and an
// endpoint's config name are read from there, with the module they are in.
TEST_F(TerraformFiles, PlanReferencesFromTheConfiguration) {
  const std::string plan = R"({"format_version": "1.2",
 "resource_changes": [
  {"address": "module.ml.aws_sagemaker_endpoint_configuration.c", "mode": "managed",
   "type": "aws_sagemaker_endpoint_configuration",
   "change": {"after": {"production_variants": [{"instance_type": "ml.m5.large"},
                                                {"model_name": "known", "instance_type": "ml.m5.large"}]},
              "after_unknown": {"name": true, "production_variants": [{"model_name": true}, {}]}}},
  {"address": "aws_sagemaker_endpoint.e[0]", "mode": "managed", "type": "aws_sagemaker_endpoint",
   "change": {"after": {}, "after_unknown": {"endpoint_config_name": true}}},
  {"address": "aws_sagemaker_endpoint.other", "mode": "managed", "type": "aws_sagemaker_endpoint",
   "change": {"after": {}, "after_unknown": {"endpoint_config_name": true}}}
 ],
 "configuration": {"root_module": {
   "resources": [
     {"address": "aws_sagemaker_endpoint.e", "expressions": {"endpoint_config_name":
        {"references": ["aws_sagemaker_endpoint_configuration.top.name", "aws_sagemaker_endpoint_configuration.top"]}}},
     {"address": "aws_sagemaker_endpoint.other", "expressions": {"endpoint_config_name":
        {"references": ["var.config"]}}}],
   "module_calls": {"ml": {"module": {"resources": [
     {"address": "aws_sagemaker_endpoint_configuration.c", "expressions": {"production_variants": [
        {"model_name": {"references": ["aws_sagemaker_model.m.name", "aws_sagemaker_model.m"]}},
        {"model_name": {"references": ["aws_sagemaker_model.n.name"]}}]}}]}}}}}
})";
  auto doc = load_document(write("plan.json", plan));
  ASSERT_TRUE(doc.ok()) << doc.error().describe();
  auto ex = extract_resources(**doc);
  ASSERT_TRUE(ex.ok()) << ex.error().describe();
  ASSERT_EQ(ex->resources.size(), 3u);
  const auto text = [](const Value* v) {
    const Value* t = v != nullptr ? v->find(kUnresolvedMember) : nullptr;
    return t != nullptr ? std::string(t->as_string()) : std::string("<not unresolved>");
  };
  const Value& c = *ex->resources[0].root;
  EXPECT_EQ(text(at(c, "ProductionVariants/0/ModelName")), "module.ml.aws_sagemaker_model.m.name");
  EXPECT_EQ(at(c, "ProductionVariants/1/ModelName")->as_string(), "known");  // known: kept
  EXPECT_EQ(at(c, "ProductionVariants/0/InstanceType")->as_string(), "ml.m5.large");
  EXPECT_EQ(text(ex->resources[1].root->find("EndpointConfigName")),
            "aws_sagemaker_endpoint_configuration.top.name");
  EXPECT_EQ(text(ex->resources[2].root->find("EndpointConfigName")), "var.config");
}

}  // namespace
}  // namespace sageguard
