// check_paths on a Terraform module (the .tf / .tf.json files of one
// folder): tags.propagation relates resources across its files (a model in
// one, the endpoint config and endpoint referring to it in another), files
// named alone still see the folder's model and provider blocks, and the
// provider's default_tags reach every file; a file that does not parse is
// its own error and hides nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "sageguard/check.h"
#include "test_support.h"

namespace sageguard {
namespace {

Policy policy(const std::string& yaml = "version: 1\n") {
  auto p = parse_policy("p.yaml", yaml);
  EXPECT_TRUE(p.ok());
  return *p;
}

CheckOptions options(size_t threads = 2) {
  CheckOptions o;
  o.today = "2026-11-27";
  o.threads = threads;
  return o;
}

const char* kProviders = R"(provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      Team = "ml"
    }
  }
}
)";

const char* kModel = R"(resource "aws_sagemaker_model" "m" {
  name               = "churn"
  execution_role_arn = var.role
  primary_container {
    image = var.image
  }
  tags = {
    "Cost Center" = "CC-100"
  }
}
)";

const char* kServe = R"(resource "aws_sagemaker_endpoint_configuration" "c" {
  production_variants {
    model_name             = aws_sagemaker_model.m.name
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }
  tags = {
    "Cost Center" = "CC-200"
  }
}

resource "aws_sagemaker_endpoint" "e" {
  endpoint_config_name = aws_sagemaker_endpoint_configuration.c.name
}
)";

// "file:line:col rule resource-id" of each finding of `rules`, in order.
std::vector<std::string> found(const Result<CheckResult>& r, const std::string& dir,
                               const std::vector<std::string>& rules) {
  std::vector<std::string> out;
  EXPECT_TRUE(r.ok());
  if (!r.ok()) return out;
  for (const Finding& f : r->findings) {
    if (std::find(rules.begin(), rules.end(), f.rule) == rules.end()) continue;
    std::string file = f.file.starts_with(dir) ? f.file.substr(dir.size() + 1) : f.file;
    out.push_back(file + ":" + std::to_string(f.line) + ":" + std::to_string(f.column) + " " +
                  f.rule + " " + f.resource.id);
  }
  return out;
}

class TerraformModule : public ::testing::Test {
 protected:
  void SetUp() override {
    sgtest::write_file(dir_ / "providers.tf", kProviders);
    sgtest::write_file(dir_ / "model.tf", kModel);
    sgtest::write_file(dir_ / "serve.tf", kServe);
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string dir() const { return dir_.path().string(); }
  sgtest::TempDir dir_;
};

const std::vector<std::string> kServeFindings = {
    "serve.tf:8:21 tags.propagation aws_sagemaker_endpoint_configuration.c",  // CC-200 vs CC-100
    "serve.tf:12:1 tags.propagation aws_sagemaker_endpoint.e",                // no Cost Center
};

TEST_F(TerraformModule, PropagationAcrossTheFilesOfAFolder) {
  for (size_t threads : {1, 2}) {
    auto r = check_paths({dir()}, policy(), options(threads));
    EXPECT_EQ(found(r, dir(), {"tags.propagation"}), kServeFindings) << threads;
    // Each resource's propagation findings follow its own findings.
    ASSERT_TRUE(r.ok());
    std::vector<std::string> serve;
    for (const Finding& f : r->findings) {
      if (f.file == path("serve.tf")) serve.push_back(f.resource.id + " " + f.rule);
    }
    ASSERT_FALSE(serve.empty());
    EXPECT_EQ(serve.back(), "aws_sagemaker_endpoint.e tags.propagation");
    const auto config_end = std::find(serve.begin(), serve.end(),
                                      "aws_sagemaker_endpoint_configuration.c tags.propagation");
    ASSERT_NE(config_end, serve.end());
    EXPECT_EQ((config_end + 1)->substr(0, 24), "aws_sagemaker_endpoint.e");
    EXPECT_EQ(r->summary.files, 3);
    EXPECT_EQ(r->summary.skipped, 1);  // providers.tf holds no SageMaker resource
  }
}

TEST_F(TerraformModule, AFileNamedAloneSeesTheFolder) {
  auto r = check_paths({path("serve.tf")}, policy(), options());
  EXPECT_EQ(found(r, dir(), {"tags.propagation"}), kServeFindings);
  ASSERT_TRUE(r.ok());
  for (const Finding& f : r->findings) EXPECT_EQ(f.file, path("serve.tf")) << f.message;
  // The model named alone: nothing refers to it there.
  EXPECT_EQ(
      found(check_paths({path("model.tf")}, policy(), options()), dir(), {"tags.propagation"}),
      std::vector<std::string>{});
  // Propagation off: none, and the other files are still read for their
  // provider blocks.
  EXPECT_EQ(found(check_paths({path("serve.tf")},
                              policy("version: 1\nrules:\n  tags.propagation: off\n"), options()),
                  dir(), {"tags.propagation"}),
            std::vector<std::string>{});
}

TEST_F(TerraformModule, DefaultTagsReachEveryFile) {
  // Team comes from providers.tf: required, it is never missing; Owner is.
  const Policy p = policy("version: 1\ntags:\n  required: [Team, Owner]\n");
  const std::vector<std::string> want = {
      "model.tf:7:3 tags.required aws_sagemaker_model.m",
      "serve.tf:7:3 tags.required aws_sagemaker_endpoint_configuration.c",
      "serve.tf:12:1 tags.required aws_sagemaker_endpoint.e",
  };
  auto walked = check_paths({dir()}, p, options());
  EXPECT_EQ(found(walked, dir(), {"tags.required"}), want);
  ASSERT_TRUE(walked.ok());
  for (const Finding& f : walked->findings) {
    if (f.rule == "tags.required") {
      EXPECT_EQ(f.message.find("Team"), std::string::npos) << f.message;
    }
  }
  auto named = check_paths({path("model.tf"), path("serve.tf")}, p, options());
  EXPECT_EQ(found(named, dir(), {"tags.required"}), want);
}

TEST_F(TerraformModule, ABrokenFileHidesNothing) {
  sgtest::write_file(dir_ / "broken.tf", "resource \"aws_sagemaker_model\" \"x\" {\n");
  auto r = check_paths({dir()}, policy(), options());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->errors.size(), 1u);
  EXPECT_EQ(r->errors[0].file, path("broken.tf"));
  EXPECT_EQ(found(r, dir(), {"tags.propagation"}), kServeFindings);
  // Named alone, the broken sibling is skipped, left to its own check.
  auto alone = check_paths({path("serve.tf")}, policy(), options());
  ASSERT_TRUE(alone.ok());
  EXPECT_TRUE(alone->errors.empty());
  EXPECT_EQ(found(alone, dir(), {"tags.propagation"}), kServeFindings);
}

TEST_F(TerraformModule, JsonSyntaxFilesAreOfTheModule) {
  std::filesystem::remove(dir_ / "serve.tf");
  sgtest::write_file(dir_ / "serve.tf.json", R"({
  "resource": {
    "aws_sagemaker_endpoint_configuration": {
      "c": {
        "production_variants": {"model_name": "${aws_sagemaker_model.m.name}",
                                "instance_type": "ml.m5.large", "initial_instance_count": 1},
        "tags": {"Project": "churn"}
      }
    }
  }
})");
  auto r = check_paths({dir()}, policy(), options());
  EXPECT_EQ(found(r, dir(), {"tags.propagation"}),
            std::vector<std::string>{
                "serve.tf.json:7:9 tags.propagation aws_sagemaker_endpoint_configuration.c"});
}

TEST_F(TerraformModule, DynamicBlocksAreNeitherMissingNorGuessed) {
  // A VPC and variants from dynamic blocks: vpc.required does not fire, and
  // the instance type in the variants' content is not judged.
  sgtest::write_file(dir_ / "dynamic.tf", R"(resource "aws_sagemaker_model" "d" {
  execution_role_arn       = var.role
  enable_network_isolation = true
  primary_container {
    image = var.image
  }
  dynamic "vpc_config" {
    for_each = var.vpcs
    content {
      subnets            = vpc_config.value.subnets
      security_group_ids = vpc_config.value.sgs
    }
  }
}

resource "aws_sagemaker_endpoint_configuration" "d" {
  kms_key_arn = var.key
  dynamic "production_variants" {
    for_each = var.variants
    content {
      model_name    = aws_sagemaker_model.d.name
      instance_type = "ml.p4d.24xlarge"
    }
  }
}
)");
  const Policy p = policy("version: 1\nlimits:\n  instance_types: [\"ml.m5.*\"]\n");
  auto r = check_paths({path("dynamic.tf")}, p, options());
  ASSERT_TRUE(r.ok());
  for (const Finding& f : r->findings) {
    EXPECT_NE(f.rule, "vpc.required") << f.message;
    EXPECT_NE(f.rule, "instance.allowed") << f.message;
    EXPECT_NE(f.rule, "tags.propagation") << f.message;  // the variants' models are unknown
  }
  EXPECT_GE(r->summary.unresolved, 2);
}

}  // namespace
}  // namespace sageguard
