// CloudFormation templates (JSON or YAML, SAM, CDK output): each SageMaker
// resource is a resource of the kind it creates, whose request is its
// Properties; a pipeline's PipelineDefinitionBody and a state machine's
// Definition / DefinitionString are read as the definitions they hold.
// Property names map one-to-one to the API's (checked against cfn-lint's
// resource schemas); the few that exist only in CloudFormation are listed
// here so request.invalid leaves them alone.
#include <fmt/format.h>

#include <array>

#include "model/iac.h"
#include "model/pipeline_steps.h"
#include "sageguard/api_model.h"

namespace sageguard::iac {
namespace {

// Read-only and CloudFormation-only properties, per resource type.
constexpr std::string_view kModelOnly[] = {"ModelArn"};
constexpr std::string_view kEndpointConfigOnly[] = {"Id"};
constexpr std::string_view kEndpointOnly[] = {"EndpointArn", "ExcludeRetainedVariantProperties",
                                              "RetainAllVariantProperties",
                                              "RetainDeploymentConfig"};
constexpr std::string_view kProcessingOnly[] = {
    "AutoMLJobArn",      "CreationTime",       "ExitMessage",         "FailureReason",
    "LastModifiedTime",  "MonitoringScheduleArn", "ProcessingEndTime", "ProcessingJobArn",
    "ProcessingJobStatus", "ProcessingStartTime", "TrainingJobArn"};

struct ResourceType {
  std::string_view type;
  ResourceKind kind;
  std::span<const std::string_view> cfn_only;
};
constexpr std::array<ResourceType, 5> kTypes = {{
    {"AWS::SageMaker::Model", ResourceKind::model, kModelOnly},
    {"AWS::SageMaker::EndpointConfig", ResourceKind::endpoint_config, kEndpointConfigOnly},
    {"AWS::SageMaker::Endpoint", ResourceKind::endpoint, kEndpointOnly},
    // Not in every copy of the resource specification: read with the API's
    // names when present.
    {"AWS::SageMaker::TrainingJob", ResourceKind::training_job, {}},
    {"AWS::SageMaker::ProcessingJob", ResourceKind::processing_job, kProcessingOnly},
}};

constexpr const char* kStringNotEdited =
    "the definition is a JSON string in the template ({}): edit the string, or write the "
    "definition {}";

bool has_typed_resource(const Value& resources) {
  for (const auto& [id, r] : resources.members()) {
    const Value* type = r.find("Type");
    if (type && type->is_string()) return true;
  }
  return false;
}

std::string pointer_of(std::string_view id) {
  return "/Resources/" + json_pointer_escape(id) + "/Properties";
}

void add_typed(std::string_view id, const Value& props, const ResourceType& t,
               std::vector<Resource>& out) {
  Resource r;
  r.kind = t.kind;
  const Value* name = props.find(name_member(t.kind));
  r.name = name && name->is_string() ? std::string(name->as_string()) : std::string(id);
  r.resource_id = std::string(id);
  r.root = &props;
  r.pointer = pointer_of(id);
  r.unresolved_values = count_unresolved(props);
  r.iac_only_members = t.cfn_only;
  r.name_optional = true;
  out.push_back(std::move(r));
}

Status add_pipeline(const Document& doc, std::string_view id, const Value& props,
                    std::optional<ResourceKind> only, ValueArena& arena,
                    std::vector<Resource>& out) {
  const Value* def = props.find("PipelineDefinition");
  const Value* body = def ? def->find("PipelineDefinitionBody") : nullptr;
  if (body == nullptr) return Status::success();
  SG_ASSIGN_OR_RETURN(auto pipeline, read_embedded_json(doc, *body, "PipelineDefinitionBody", arena));
  if (!pipeline) return Status::success();
  auto* root = static_cast<Value*>(arena.allocate(sizeof(Value)));
  *root = *pipeline;
  std::vector<Resource> steps;
  add_pipeline_steps(*root, pointer_of(id) + "/PipelineDefinition/PipelineDefinitionBody",
                         steps);
  for (Resource& r : steps) {
    if (only && r.kind != *only) continue;
    r.resource_id = std::string(id);
    r.not_editable = fmt::format(kStringNotEdited, "PipelineDefinitionBody",
                                 "in S3 (PipelineDefinitionS3Location)");
    out.push_back(std::move(r));
  }
  return Status::success();
}

Status add_state_machine(const Document& doc, std::string_view id, const Value& props,
                         std::optional<ResourceKind> only, ValueArena& arena,
                         std::vector<Resource>& out) {
  StateMachineRead how{&arena, only, ""};
  if (const Value* def = props.find("Definition"); def && def->is_object()) {
    read_state_machine(*def, pointer_of(id) + "/Definition", how, out);
    return Status::success();
  }
  const Value* text = props.find("DefinitionString");
  if (text == nullptr) return Status::success();
  SG_ASSIGN_OR_RETURN(auto def, read_embedded_json(doc, *text, "DefinitionString", arena));
  if (!def || !def->is_object()) return Status::success();
  auto* root = static_cast<Value*>(arena.allocate(sizeof(Value)));
  *root = *def;
  how.not_editable = fmt::format(kStringNotEdited, "DefinitionString", "as an object (Definition)");
  read_state_machine(*root, pointer_of(id) + "/DefinitionString", how, out);
  return Status::success();
}

}  // namespace

std::optional<IacFormat> detect_format(const Value& root) {
  if (!root.is_object()) return std::nullopt;
  const Value* states = root.find("States");
  if (states && states->is_object() && root.find("StartAt")) return IacFormat::step_functions;
  const Value* resources = root.find("Resources");
  if (resources && resources->is_object() && has_typed_resource(*resources)) {
    return IacFormat::cloudformation;
  }
  if (root.find("AWSTemplateFormatVersion")) return IacFormat::cloudformation;
  return std::nullopt;
}

std::string format_mismatch(const Value& root, IacFormat format) {
  if (detect_format(root) == format) return "";
  if (format == IacFormat::cloudformation) {
    return "it is not a CloudFormation template (no top-level Resources whose entries have a "
           "Type)";
  }
  return "it is not a Step Functions state machine (no States and StartAt)";
}

Status read_cloudformation(const Document& doc, std::optional<ResourceKind> only,
                           ExtractResult& out) {
  const Value* resources = doc.root().find("Resources");
  if (resources == nullptr) return Status::success();
  for (const auto& [id, res] : resources->members()) {
    const Value* type = res.find("Type");
    const Value* props = res.find("Properties");
    // A resource without literal properties has nothing to check here
    // (cfn-lint reports missing required properties).
    if (type == nullptr || !type->is_string() || props == nullptr || !props->is_object() ||
        is_unresolved_expression(*props)) {
      continue;
    }
    const std::string_view t = type->as_string();
    if (t == "AWS::SageMaker::Pipeline") {
      SG_TRY(add_pipeline(doc, id, *props, only, *out.translated, out.resources));
      continue;
    }
    if (t == "AWS::StepFunctions::StateMachine" || t == "AWS::Serverless::StateMachine") {
      SG_TRY(add_state_machine(doc, id, *props, only, *out.translated, out.resources));
      continue;
    }
    for (const auto& known : kTypes) {
      if (known.type == t && (!only || *only == known.kind)) add_typed(id, *props, known, out.resources);
    }
  }
  return Status::success();
}

}  // namespace sageguard::iac
