// fix on Terraform configurations: golden before/after for HCL (`.tf`) and
// the JSON syntax (`.tf.json`): new arguments aligned as `terraform fmt`
// aligns them, new nested blocks, extended tags maps, comments and heredocs
// kept, values Terraform decides reported and left alone, changes that
// could break a job withheld, idempotence. tests/integration/test_terraform.py
// runs `terraform fmt -check` and `terraform validate` on fixed files.
#include <gtest/gtest.h>

#include "fix_test_util.h"
#include "model/terraform.h"
#include "sageguard/fix/fix.h"

namespace {

using sgtest::expect_idempotent;
using sgtest::fixable_remaining;
using sgtest::full_policy;
using sgtest::policy_from;
using sgtest::run_fix;

TEST(FixTerraform, HclModelGainsAttributesBlockAndTags) {
  const std::string in = R"(provider "aws" {
  default_tags {
    tags = {
      Project = "churn"
    }
  }
}

# The model: isolation off, tags without Contact.
resource "aws_sagemaker_model" "m" {
  name                     = "m" # the model's name
  execution_role_arn       = "arn:aws:iam::111122223333:role/r"
  enable_network_isolation = false // off for now

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/c:1"
    environment = {
      SCRIPT = <<-EOT
        a = 1
        b = 2
      EOT
    }
  }

  tags = {
    "Team Name" = "ml"
  }
}
)";
  const auto out = run_fix(in, full_policy(), {}, "main.tf");
  // Project comes from the provider's default_tags: not added again.
  EXPECT_EQ(out.fixed, R"(provider "aws" {
  default_tags {
    tags = {
      Project = "churn"
    }
  }
}

# The model: isolation off, tags without Contact.
resource "aws_sagemaker_model" "m" {
  name                     = "m" # the model's name
  execution_role_arn       = "arn:aws:iam::111122223333:role/r"
  enable_network_isolation = true // off for now

  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/c:1"
    environment = {
      SCRIPT = <<-EOT
        a = 1
        b = 2
      EOT
    }
  }

  tags = {
    "Team Name" = "ml"
    Contact     = "ml@ourcoolcompany.ai"
  }

  vpc_config {
    security_group_ids = ["sg-0123abcd"]
    subnets            = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }
}
)");
  EXPECT_EQ(out.changes.size(), 3u);
  EXPECT_TRUE(out.not_applied.empty());
  EXPECT_TRUE(fixable_remaining(out).empty()) << out.fixed;
  expect_idempotent(out, full_policy(), "main.tf");
}

TEST(FixTerraform, HclTrainingJobJoinsTheFirstRunOfArguments) {
  const std::string in = R"(resource "aws_sagemaker_training_job" "t" {
  training_job_name = "t"
  role_arn          = "arn:aws:iam::111122223333:role/r"

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/c:1"
    training_input_mode = "File"
  }

  output_data_config {
    s3_output_path = "s3://b/out/"
  }

  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
  }

  stopping_condition {
    max_runtime_in_seconds = 3600
  }

  tags = { Project = "churn" }
}
)";
  const auto out = run_fix(in, full_policy(), {}, "main.tf");
  EXPECT_EQ(out.fixed, R"(resource "aws_sagemaker_training_job" "t" {
  training_job_name                         = "t"
  role_arn                                  = "arn:aws:iam::111122223333:role/r"
  enable_network_isolation                  = true
  enable_inter_container_traffic_encryption = true
  enable_managed_spot_training              = true

  algorithm_specification {
    training_image      = "111122223333.dkr.ecr.us-east-1.amazonaws.com/c:1"
    training_input_mode = "File"
  }

  output_data_config {
    s3_output_path = "s3://b/out/"
    kms_key_id     = "alias/ml-output"
  }

  resource_config {
    instance_type     = "ml.m5.xlarge"
    instance_count    = 1
    volume_size_in_gb = 30
    volume_kms_key_id = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  stopping_condition {
    max_runtime_in_seconds   = 3600
    max_wait_time_in_seconds = 7200
  }

  tags = { Project = "churn", Contact = "ml@ourcoolcompany.ai" }

  vpc_config {
    security_group_ids = ["sg-0123abcd"]
    subnets            = ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]
  }

  checkpoint_config {
    s3_uri = "s3://ml-checkpoints/t/"
  }
}
)");
  EXPECT_TRUE(fixable_remaining(out).empty()) << out.fixed;
  expect_idempotent(out, full_policy(), "main.tf");
}

TEST(FixTerraform, HclEndpointConfigNamesKeysAsTheProviderDoes) {
  // kms_key_arn at the top, kms_key_id in data_capture_config; an empty
  // tags map in a run of arguments gains its tag on its line.
  const std::string in = R"(resource "aws_sagemaker_endpoint_configuration" "e" {
  name = "e"

  production_variants {
    model_name             = "m"
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }

  data_capture_config {
    destination_s3_uri          = "s3://b/capture/"
    initial_sampling_percentage = 10
    capture_options {
      capture_mode = "Input"
    }
  }
}

resource "aws_sagemaker_endpoint" "x" {
  endpoint_config_name = "e"
  tags                 = {}
}
)";
  const auto out = run_fix(in, full_policy(), {}, "main.tf");
  EXPECT_EQ(out.fixed, R"(resource "aws_sagemaker_endpoint_configuration" "e" {
  name        = "e"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  production_variants {
    model_name             = "m"
    instance_type          = "ml.m5.large"
    initial_instance_count = 1
  }

  data_capture_config {
    destination_s3_uri          = "s3://b/capture/"
    initial_sampling_percentage = 10
    kms_key_id                  = "alias/ml-output"
    capture_options {
      capture_mode = "Input"
    }
  }

  tags = {
    Project = "churn"
    Contact = "ml@ourcoolcompany.ai"
  }
}

resource "aws_sagemaker_endpoint" "x" {
  endpoint_config_name = "e"
  tags                 = { Project = "churn", Contact = "ml@ourcoolcompany.ai" }
}
)");
  EXPECT_TRUE(fixable_remaining(out).empty()) << out.fixed;
  expect_idempotent(out, full_policy(), "main.tf");
}

TEST(FixTerraform, RemovedArgumentRealignsItsRun) {
  // Spot stays off (no checkpoint prefix to enable it with): the MaxWait
  // the API would refuse goes, and the run's `=` close up.
  sageguard::fix::FixOptions only;
  only.only = {"spot.max-wait"};
  const auto p = policy_from(R"(version: 1
rules:
  spot.enabled: warning
)");
  const std::string in = R"(resource "aws_sagemaker_training_job" "t" {
  training_job_name            = "t"
  enable_managed_spot_training = false

  stopping_condition {
    max_runtime_in_seconds   = 3600
    max_wait_time_in_seconds = 7200
  }
}
)";
  const auto out = run_fix(in, p, only, "main.tf");
  EXPECT_EQ(out.fixed, R"(resource "aws_sagemaker_training_job" "t" {
  training_job_name            = "t"
  enable_managed_spot_training = false

  stopping_condition {
    max_runtime_in_seconds = 3600
  }
}
)");
}

TEST(FixTerraform, CommentAfterAReplacedValueIsAlignedAgain) {
  const std::string in = R"(resource "aws_sagemaker_model" "m" {
  name                     = "m"   # short
  enable_network_isolation = false # not yet
  execution_role_arn       = "arn:aws:iam::111122223333:role/r"
  vpc_config {
    subnets            = ["subnet-0a1b2c3d"]
    security_group_ids = ["sg-0123abcd"]
  }
  tags = { Project = "p", Contact = "c@d.e" }
}
)";
  const auto out = run_fix(in, full_policy(), {}, "main.tf");
  EXPECT_EQ(out.fixed, R"(resource "aws_sagemaker_model" "m" {
  name                     = "m"  # short
  enable_network_isolation = true # not yet
  execution_role_arn       = "arn:aws:iam::111122223333:role/r"
  vpc_config {
    subnets            = ["subnet-0a1b2c3d"]
    security_group_ids = ["sg-0123abcd"]
  }
  tags = { Project = "p", Contact = "c@d.e" }
}
)");
}

TEST(FixTerraform, ValuesTerraformDecidesAreReportedNotEdited) {
  const std::string in = R"(resource "aws_sagemaker_model" "m" {
  name                     = "m"
  execution_role_arn       = "arn:aws:iam::111122223333:role/r"
  enable_network_isolation = var.iso

  dynamic "vpc_config" {
    for_each = var.vpcs
    content {
      subnets            = vpc_config.value.subnets
      security_group_ids = vpc_config.value.sgs
    }
  }

  tags = merge(var.tags, { Team = "ml" })
}
)";
  const auto out = run_fix(in, full_policy(), {}, "main.tf");
  EXPECT_EQ(out.fixed, in);
  ASSERT_EQ(out.not_applied.size(), 3u);
  std::set<std::string> rules;
  for (const auto& c : out.not_applied) rules.insert(c.rule);
  EXPECT_EQ(rules, (std::set<std::string>{"network.isolation", "vpc.required", "tags.required"}));
  for (const auto& c : out.not_applied) {
    if (c.rule == "tags.required") {
      EXPECT_NE(c.what.find("merge(var.tags"), std::string::npos) << c.what;
      EXPECT_EQ(c.line, 14u);
    }
    if (c.rule == "vpc.required") {
      EXPECT_NE(c.what.find("dynamic"), std::string::npos) << c.what;
    }
    if (c.rule == "network.isolation") {
      EXPECT_NE(c.what.find("var.iso"), std::string::npos) << c.what;
    }
  }
}

TEST(FixTerraform, WithheldChangeIsNotApplied) {
  auto p = full_policy();
  p.subnets_reach_s3 = false;
  const std::string in = R"(resource "aws_sagemaker_model" "m" {
  name                     = "m"
  execution_role_arn       = "arn:aws:iam::111122223333:role/r"
  enable_network_isolation = true
  tags                     = { Project = "p", Contact = "c@d.e" }
}
)";
  const auto out = run_fix(in, p, {}, "main.tf");
  EXPECT_EQ(out.fixed, in);
  ASSERT_EQ(out.withheld.size(), 1u);
  EXPECT_EQ(out.withheld[0].rule, "vpc.required");
}

TEST(FixTerraform, JsonSyntaxEditsTheArgumentsInPlace) {
  const std::string in = R"({
  "resource": {
    "aws_sagemaker_model": {
      "m": {
        "name": "m",
        "execution_role_arn": "${var.role}",
        "enable_network_isolation": false,
        "primary_container": [
          {
            "image": "i"
          }
        ],
        "tags": {
          "Project": "p"
        }
      }
    }
  }
}
)";
  auto p = full_policy();
  p.tag_defaults.emplace_back("Contact", "${not-a-template}");
  p.tag_defaults.erase(p.tag_defaults.begin() + 1);
  const auto out = run_fix(in, p, {}, "main.tf.json");
  EXPECT_EQ(out.fixed, R"({
  "resource": {
    "aws_sagemaker_model": {
      "m": {
        "name": "m",
        "execution_role_arn": "${var.role}",
        "enable_network_isolation": true,
        "primary_container": [
          {
            "image": "i"
          }
        ],
        "tags": {
          "Project": "p",
          "Contact": "$${not-a-template}"
        },
        "vpc_config": {
          "security_group_ids": [
            "sg-0123abcd"
          ],
          "subnets": [
            "subnet-0a1b2c3d",
            "subnet-4e5f6a7b"
          ]
        }
      }
    }
  }
}
)");
  EXPECT_TRUE(fixable_remaining(out).empty()) << out.fixed;
  expect_idempotent(out, p, "main.tf.json");
}

TEST(FixTerraform, HclStringsStayLiteral) {
  auto p = full_policy();
  p.tag_defaults.emplace_back("Contact", "a\"b ${c} %{d}");
  p.tag_defaults.erase(p.tag_defaults.begin() + 1);
  const std::string in = R"(resource "aws_sagemaker_endpoint" "x" {
  endpoint_config_name = "e"

  tags = {
    Project = "p"
  }
}
)";
  const auto out = run_fix(in, p, {}, "main.tf");
  EXPECT_NE(out.fixed.find(R"(Contact = "a\"b $${c} %%{d}")"), std::string::npos) << out.fixed;
  EXPECT_TRUE(fixable_remaining(out).empty()) << out.fixed;
  expect_idempotent(out, p, "main.tf");
}

TEST(FixTerraform, BracesAndCommentMarksInStringsAreText) {
  const std::string in = R"(resource "aws_sagemaker_model" "m" {
  name                     = "m-${var.env}"
  execution_role_arn       = "arn:aws:iam::111122223333:role/r" # role {
  enable_network_isolation = true
  vpc_config { security_group_ids = ["sg-0123abcd"] }

  tags = {
    Project = "p} # { ${"x}"}"
  }
}
)";
  const auto out = run_fix(in, full_policy(), {}, "main.tf");
  EXPECT_EQ(out.fixed, R"(resource "aws_sagemaker_model" "m" {
  name                     = "m-${var.env}"
  execution_role_arn       = "arn:aws:iam::111122223333:role/r" # role {
  enable_network_isolation = true
  vpc_config { security_group_ids = ["sg-0123abcd"] }

  tags = {
    Project = "p} # { ${"x}"}"
    Contact = "ml@ourcoolcompany.ai"
  }
}
)");
  // vpc_config on one line gains no subnets: reported, not rewritten.
  ASSERT_EQ(out.not_applied.size(), 1u);
  EXPECT_EQ(out.not_applied[0].rule, "vpc.required");
  EXPECT_NE(out.not_applied[0].what.find("one-line block"), std::string::npos)
      << out.not_applied[0].what;
  expect_idempotent(out, full_policy(), "main.tf");
}

TEST(FixTerraform, OneLineMapBeforeACommentIsNotGrown) {
  // fmt aligns the comment with its neighbours': growing the line would
  // leave the file unformatted.
  const std::string in = R"(resource "aws_sagemaker_endpoint" "x" {
  endpoint_config_name = "e"               # the config
  tags                 = { Project = "p" } # billing
}
)";
  const auto out = run_fix(in, full_policy(), {}, "main.tf");
  EXPECT_EQ(out.fixed, in);
  ASSERT_EQ(out.not_applied.size(), 1u);
  EXPECT_EQ(out.not_applied[0].rule, "tags.required");
}

TEST(FixTerraform, ArgumentNamesComeBackThroughTheReadersTable) {
  using sageguard::terraform_argument_name;
  EXPECT_EQ(terraform_argument_name("KmsKeyId", true), "kms_key_arn");
  EXPECT_EQ(terraform_argument_name("KmsKeyId", false), "kms_key_id");
  EXPECT_EQ(terraform_argument_name("Containers", true), "container");
  EXPECT_EQ(terraform_argument_name("VolumeSizeInGB", false), "volume_size_in_gb");
  EXPECT_EQ(terraform_argument_name("S3Uri", false), "s3_uri");
  EXPECT_EQ(terraform_argument_name("SecurityGroupIds", false), "security_group_ids");
  EXPECT_EQ(terraform_argument_name("MaxWaitTimeInSeconds", false), "max_wait_time_in_seconds");
  for (const char* m : {"VpcConfig", "EnableSSMAccess", "MemorySizeInMB", "S3Uri", "KmsKeyId"}) {
    EXPECT_EQ(sageguard::terraform_api_name(*terraform_argument_name(m, false)), m);
  }
  EXPECT_EQ(terraform_argument_name("Fn::Unresolved", false), std::nullopt);
}

TEST(FixTerraform, PlanIsRefusedAndBadHclIsAnError) {
  const std::string plan =
      R"({"format_version": "1.2", "planned_values": {"root_module": {"resources": []}}})";
  auto r = sageguard::fix::fix_text("plan.json", plan, full_policy(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("fix the .tf source"), std::string::npos);

  auto bad = sageguard::fix::fix_text(
      "main.tf", "resource \"aws_sagemaker_model\" \"m\" {\n  name = \"m\"\n", full_policy(), {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().file, "main.tf");
  EXPECT_EQ(bad.error().line, 3u);
}

}  // namespace
