// SageMaker resource kinds (as docs/output-formats.md names them) and their
// detection in a document: a request or Describe* response, a Pipelines
// definition (one resource per step), or a bundle (a list of any of these).
// Resources point into a Document they do not own; keep it alive while using
// them. Detection is a pure function; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/document.h"

namespace sageguard {

enum class ResourceKind : uint8_t {
  training_job,
  tuning_job,
  processing_job,
  transform_job,
  model,
  endpoint_config,
  endpoint,
  pipeline,
  // The rest of the SageMaker estate (docs/coverage.md): notebooks, Studio,
  // AutoML, model monitoring, feature store, model registry.
  notebook_instance,
  domain,
  user_profile,
  space,
  automl_job,     // CreateAutoMLJob
  automl_job_v2,  // CreateAutoMLJobV2
  data_quality_job_definition,
  model_quality_job_definition,
  model_bias_job_definition,
  model_explainability_job_definition,
  monitoring_schedule,
  feature_group,
  model_package_group,
  model_package,  // the last: loops over every kind end here
};

// "TrainingJob", "HyperParameterTuningJob", ... as JSON output names them.
const char* kind_name(ResourceKind k);
// The CreateXxx operation whose request this kind is ("" for pipeline).
const char* create_operation(ResourceKind k);
// The --kind value naming it: "training-job", ..., "pipeline".
const char* kind_flag(ResourceKind k);
// Parses a --kind / --kinds value: training-job, tuning-job, ..., pipeline.
std::optional<ResourceKind> parse_kind_flag(std::string_view flag);
// The member holding the resource name ("TrainingJobName", ...).
const char* name_member(ResourceKind k);

struct Resource {
  ResourceKind kind = ResourceKind::training_job;
  std::string name;            // resource name, or the step name for pipeline steps
  const Value* root = nullptr; // the request object (step Arguments for pipeline steps)
  std::string pointer;         // JSON Pointer of `root` in the document ("" = whole file)
  bool describe_response = false;  // a Describe* response: output-only members allowed
  // Infrastructure as code: the resource's id in its file (CloudFormation
  // logical id, Step Functions state name, Terraform address such as
  // `aws_sagemaker_model.churn`); empty for API requests and responses.
  std::string resource_id;
  // Values under `root` the file cannot know (pipeline and Step Functions
  // expressions, CloudFormation intrinsics, Terraform references), counted
  // by the extractor: the reports say how many were left unchecked.
  uint32_t unresolved_values = 0;
  // Infrastructure as code: top-level members only the IaC language has
  // (request.invalid does not judge them), whether the name member may be
  // absent (CloudFormation generates names), and why `fix` must leave the
  // resource's text alone ("" = it may edit it; a definition held in a
  // JSON string is not edited).
  std::span<const std::string_view> iac_only_members;
  bool name_optional = false;
  std::string not_editable;

  // Set for resources that come from a Pipelines definition.
  bool in_pipeline = false;
  std::string step_name;
  std::string step_type;
  uint64_t step_offset = 0;    // the step object, for findings about the step itself
  // The pipeline's `Parameters` array (each {Name, Type, DefaultValue}), or
  // nullptr: what `{"Get": "Parameters.X"}` in the step may resolve to.
  const Value* pipeline_parameters = nullptr;
};

// A pipeline parameter's default standing for `{"Get": "Parameters.X"}`.
struct ParameterDefault {
  std::string_view name;     // X
  const Value* value = nullptr;  // the declared DefaultValue
};
// The default of the parameter `v` refers to, when `v` is such an expression
// in a pipeline step and the pipeline declares X with a DefaultValue;
// nullopt otherwise (the value then stays unresolved). No allocation.
std::optional<ParameterDefault> parameter_default(const Resource& r, const Value& v);

// Infrastructure-as-code formats, found by content or named with --kind
// (`cloudformation`, `step-functions`, `terraform`, `terraform-plan`):
// their resources are read as the kinds they create.
enum class IacFormat : uint8_t {
  cloudformation,
  step_functions,
  terraform,       // a configuration: HCL `.tf` or JSON syntax
  terraform_plan,  // `terraform show -json` of a plan
};
// The --kind value naming it.
const char* format_flag(IacFormat f);
// Parses a --kind value naming a format; nullopt for anything else.
std::optional<IacFormat> parse_format_flag(std::string_view flag);

struct ExtractResult {
  std::vector<Resource> resources;
  bool recognised = false;  // false: nothing in the file is a known kind (or not `forced`)
  // When not recognised: why, for the user ("it looks like a TrainingJob"),
  // and whether the document is a SageMaker one of another kind.
  std::string reason;
  bool other_kind = false;
  // Values built for resources translated from another shape (Step
  // Functions parameters, Terraform blocks): `resources` may point into it.
  std::shared_ptr<ValueArena> translated;
};

// Find the resources in a document. With `forced`, the top level (or each
// bundle item) is taken to be that kind, when it may be one: an object that
// detection gives another kind, that looks like another format (a Step
// Functions or CloudFormation definition, ...), or that has none of the
// kind's own members, is not. An unrecognised item inside a bundle is an
// input error (a bundle whose first item is not the forced kind is not that
// kind); an unrecognised whole file returns recognised=false and the caller
// decides (error if named on the command line, skipped if found by walking a
// folder).
//
// Infrastructure as code (a CloudFormation template, a Step Functions state
// machine, a Terraform configuration or plan) is found by content, or read
// as `format` says; `forced` then keeps only the resources of that kind.
Result<ExtractResult> extract_resources(const Document& doc,
                                        std::optional<ResourceKind> forced = std::nullopt,
                                        std::optional<IacFormat> format = std::nullopt);

// The resources of one item of a bundle (a top-level array or JSON lines),
// appended to `out`; `index` is its position, for pointers and errors. An
// unrecognised item is an input error. extract_resources does this for
// every item; check calls it on items read one at a time (JsonItemStream).
Status extract_bundle_item(const Document& doc, const Value& item, size_t index,
                           std::optional<ResourceKind> forced, std::vector<Resource>& out);
// Why `v` cannot be taken for a `forced` kind ("it looks like a
// TrainingJob", "it has none of the members of a CreateModel request (it has
// foo)"); "" when it can. `other_kind` is set when it is a SageMaker
// document of another kind.
std::string forced_kind_mismatch(const Value& v, ResourceKind forced, bool* other_kind = nullptr);

// The same without a Document to name in the error: false if the item is
// not recognised (nothing is appended then).
bool add_bundle_item(const Value& item, size_t index, std::optional<ResourceKind> forced,
                     std::vector<Resource>& out);

}  // namespace sageguard
