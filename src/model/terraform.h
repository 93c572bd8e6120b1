// Terraform configurations (HCL `.tf`, JSON syntax `.tf.json`) and plans
// (`terraform show -json`) read as SageMaker resources: each supported
// resource block becomes the API request it creates, named by its address.
// Pure functions over a parsed Document; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sageguard/api_model.h"
#include "sageguard/document.h"
#include "sageguard/resource.h"

namespace sageguard {

class TerraformProviders;

enum class TerraformSource : uint8_t { none, configuration, plan };

// The JSON syntax writes a repeated block as a list of objects, HCL as
// repeated members: calls `f` for every object `v` stands for (none for an
// unresolved expression).
template <class F>
void each_block_object(const Value& v, F&& f) {
  if (v.is_object() && !is_unresolved_expression(v)) {
    f(v);
  } else if (v.is_array()) {
    for (const Value& item : v.items()) {
      if (item.is_object()) f(item);
    }
  }
}

// What a document is, by format (HCL), name (`.tf.json`) or content (a
// configuration's `resource`/`provider`/`terraform` blocks in JSON syntax, a
// plan's `format_version` with `planned_values` or `resource_changes`).
TerraformSource terraform_source(const Document& doc);
// What `doc` is read as when --kind names `format` (by content, as above,
// when nullopt). A format other than Terraform's: none. `terraform` /
// `terraform-plan`: that source when the document is one, else none with
// `reason` (if given) saying why. A JSON document whose top level holds
// only Terraform block types (resource, provider, variable, ...) is a
// configuration in JSON syntax whatever its name, as if it were `.tf.json`.
TerraformSource terraform_source(const Document& doc, std::optional<IacFormat> format,
                                 std::string* reason = nullptr);

// An `aws_sfn_state_machine`'s inline definition (Amazon States Language):
// parsed from a literal JSON string (offsets into the file where the string
// has no escapes, else the attribute's offset) or the object given to
// jsonencode(). `definition` lives in the document or in the result's
// `translated` arena. A definition read from elsewhere (file(),
// templatefile(), a reference) is not handed over.
struct StateMachineDefinition {
  std::string resource_id;  // aws_sfn_state_machine.x, module.m.aws_sfn_state_machine.x
  const Value* definition = nullptr;
  uint64_t offset = 0;      // the `definition` attribute
};
// Receives each inline state machine definition with the result being
// built, to add the SageMaker tasks it holds as resources.
using StateMachineSink = std::function<void(const StateMachineDefinition&, ExtractResult&)>;

// The document's SageMaker resources (aws_sagemaker_model,
// aws_sagemaker_endpoint_configuration, aws_sagemaker_endpoint,
// aws_sagemaker_training_job, the steps of aws_sagemaker_pipeline's
// pipeline_definition) appended to `out`, translated into request shape in
// `out.translated`; state machine definitions go to `machines` when set.
// `out.recognised` is set when the document holds at least one. A
// resource whose file has no aws provider takes default_tags from `module`
// (the provider blocks of its folder, read once for all its files), or,
// without one, from the folder's other files, read for this call.
Status extract_terraform(const Document& doc, TerraformSource source, ExtractResult& out,
                         const StateMachineSink& machines = {},
                         const TerraformProviders* module = nullptr);

// extract_resources (sageguard/resource.h) for a file of a Terraform module
// whose provider blocks `module` already holds.
Result<ExtractResult> extract_resources_in_module(const Document& doc,
                                                  std::optional<ResourceKind> forced,
                                                  std::optional<IacFormat> format,
                                                  const TerraformProviders* module);

// The API member a Terraform argument maps to ("kms_key_arn" -> "KmsKeyId",
// "container" -> "Containers", "vpc_config" -> "VpcConfig", ...); for docs,
// tests and the fix editor.
std::string terraform_api_name(std::string_view argument);
// The argument an API member is written as (the inverse of
// terraform_api_name, through the same table): `top_level` for a
// resource's own arguments. nullopt when no argument maps to the member.
std::optional<std::string> terraform_argument_name(std::string_view member, bool top_level);
// Arguments holding a map whose keys are data, not argument names
// (`environment`, `hyper_parameters`, ...; `tags` is read apart).
bool terraform_map_argument(std::string_view argument);

}  // namespace sageguard
