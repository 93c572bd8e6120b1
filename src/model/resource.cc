#include "sageguard/resource.h"

#include "sageguard/api_model.h"
#include "model/pipeline_steps.h"
#include "model/terraform.h"

#include "model/iac.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <span>

namespace sageguard {
namespace {

struct KindInfo {
  ResourceKind kind;
  const char* name;
  const char* flag;
  const char* operation;
  const char* name_member;
  const char* arn_member;  // present only in Describe* responses
};

constexpr std::array<KindInfo, 22> kKinds = {{
    {ResourceKind::training_job, "TrainingJob", "training-job", "CreateTrainingJob",
     "TrainingJobName", "TrainingJobArn"},
    {ResourceKind::tuning_job, "HyperParameterTuningJob", "tuning-job",
     "CreateHyperParameterTuningJob", "HyperParameterTuningJobName", "HyperParameterTuningJobArn"},
    {ResourceKind::processing_job, "ProcessingJob", "processing-job", "CreateProcessingJob",
     "ProcessingJobName", "ProcessingJobArn"},
    {ResourceKind::transform_job, "TransformJob", "transform-job", "CreateTransformJob",
     "TransformJobName", "TransformJobArn"},
    {ResourceKind::model, "Model", "model", "CreateModel", "ModelName", "ModelArn"},
    {ResourceKind::endpoint_config, "EndpointConfig", "endpoint-config", "CreateEndpointConfig",
     "EndpointConfigName", "EndpointConfigArn"},
    {ResourceKind::endpoint, "Endpoint", "endpoint", "CreateEndpoint", "EndpointName",
     "EndpointArn"},
    {ResourceKind::pipeline, "Pipeline", "pipeline", "", "", ""},
    // The rest of the estate, in ResourceKind's order.
    {ResourceKind::notebook_instance, "NotebookInstance", "notebook-instance",
     "CreateNotebookInstance", "NotebookInstanceName", "NotebookInstanceArn"},
    {ResourceKind::domain, "Domain", "domain", "CreateDomain", "DomainName", "DomainArn"},
    {ResourceKind::user_profile, "UserProfile", "user-profile", "CreateUserProfile",
     "UserProfileName", "UserProfileArn"},
    {ResourceKind::space, "Space", "space", "CreateSpace", "SpaceName", "SpaceArn"},
    {ResourceKind::automl_job, "AutoMLJob", "automl-job", "CreateAutoMLJob", "AutoMLJobName",
     "AutoMLJobArn"},
    {ResourceKind::automl_job_v2, "AutoMLJobV2", "automl-job-v2", "CreateAutoMLJobV2",
     "AutoMLJobName", "AutoMLJobArn"},
    {ResourceKind::data_quality_job_definition, "DataQualityJobDefinition",
     "data-quality-job-definition", "CreateDataQualityJobDefinition", "JobDefinitionName",
     "JobDefinitionArn"},
    {ResourceKind::model_quality_job_definition, "ModelQualityJobDefinition",
     "model-quality-job-definition", "CreateModelQualityJobDefinition", "JobDefinitionName",
     "JobDefinitionArn"},
    {ResourceKind::model_bias_job_definition, "ModelBiasJobDefinition",
     "model-bias-job-definition", "CreateModelBiasJobDefinition", "JobDefinitionName",
     "JobDefinitionArn"},
    {ResourceKind::model_explainability_job_definition, "ModelExplainabilityJobDefinition",
     "model-explainability-job-definition", "CreateModelExplainabilityJobDefinition",
     "JobDefinitionName", "JobDefinitionArn"},
    {ResourceKind::monitoring_schedule, "MonitoringSchedule", "monitoring-schedule",
     "CreateMonitoringSchedule", "MonitoringScheduleName", "MonitoringScheduleArn"},
    {ResourceKind::feature_group, "FeatureGroup", "feature-group", "CreateFeatureGroup",
     "FeatureGroupName", "FeatureGroupArn"},
    {ResourceKind::model_package_group, "ModelPackageGroup", "model-package-group",
     "CreateModelPackageGroup", "ModelPackageGroupName", "ModelPackageGroupArn"},
    {ResourceKind::model_package, "ModelPackage", "model-package", "CreateModelPackage",
     "ModelPackageName", "ModelPackageArn"},
}};

const KindInfo& info(ResourceKind k) { return kKinds[static_cast<size_t>(k)]; }

// The estate's kinds, by the members their requests and Describe* responses
// have and the seven job kinds' do not. A monitoring job definition is told
// from the others by its app specification; a model package from its group
// by what only a package has (a versioned package names its group).
std::optional<ResourceKind> detect_estate(const Value& v) {
  if (v.find("NotebookInstanceName")) return ResourceKind::notebook_instance;
  if (v.find("DomainId")) {
    if (v.find("UserProfileName")) return ResourceKind::user_profile;
    if (v.find("SpaceName")) return ResourceKind::space;
  }
  if (v.find("DomainName") && (v.find("AuthMode") || v.find("DefaultUserSettings"))) {
    return ResourceKind::domain;
  }
  if (v.find("AutoMLJobName")) {
    return v.find("AutoMLJobInputDataConfig") || v.find("AutoMLProblemTypeConfig")
               ? ResourceKind::automl_job_v2
               : ResourceKind::automl_job;
  }
  if (v.find("JobDefinitionName") || v.find("JobDefinitionArn")) {
    if (v.find("DataQualityAppSpecification")) return ResourceKind::data_quality_job_definition;
    if (v.find("ModelQualityAppSpecification")) return ResourceKind::model_quality_job_definition;
    if (v.find("ModelBiasAppSpecification")) return ResourceKind::model_bias_job_definition;
    if (v.find("ModelExplainabilityAppSpecification")) {
      return ResourceKind::model_explainability_job_definition;
    }
  }
  if (v.find("MonitoringScheduleName") && v.find("MonitoringScheduleConfig")) {
    return ResourceKind::monitoring_schedule;
  }
  if (v.find("FeatureGroupName") && v.find("FeatureDefinitions")) {
    return ResourceKind::feature_group;
  }
  for (const char* m : {"ModelPackageName", "ModelPackageArn", "InferenceSpecification",
                        "SourceAlgorithmSpecification", "ModelApprovalStatus"}) {
    if (v.find(m)) return ResourceKind::model_package;
  }
  if (v.find("ModelPackageGroupName")) return ResourceKind::model_package_group;
  return std::nullopt;
}

// own_members for the estate's kinds (see own_members below).
std::span<const char* const> estate_own_members(ResourceKind k) {
  static constexpr const char* kNotebook[] = {"NotebookInstanceName", "DirectInternetAccess",
                                              "RootAccess", "PlatformIdentifier",
                                              "LifecycleConfigName"};
  static constexpr const char* kDomain[] = {"DomainName", "AuthMode", "DefaultUserSettings",
                                            "AppNetworkAccessType", "DefaultSpaceSettings"};
  static constexpr const char* kUserProfile[] = {"UserProfileName", "UserSettings",
                                                 "SingleSignOnUserIdentifier"};
  static constexpr const char* kSpace[] = {"SpaceName", "SpaceSettings", "OwnershipSettings",
                                           "SpaceSharingSettings"};
  static constexpr const char* kAutoML[] = {"AutoMLJobName", "AutoMLJobConfig", "InputDataConfig",
                                            "ProblemType", "AutoMLJobObjective"};
  static constexpr const char* kAutoMLV2[] = {"AutoMLJobName", "AutoMLJobInputDataConfig",
                                              "AutoMLProblemTypeConfig", "SecurityConfig"};
  static constexpr const char* kDataQuality[] = {"JobDefinitionName", "DataQualityAppSpecification",
                                                 "DataQualityJobInput",
                                                 "DataQualityJobOutputConfig"};
  static constexpr const char* kModelQuality[] = {
      "JobDefinitionName", "ModelQualityAppSpecification", "ModelQualityJobInput",
      "ModelQualityJobOutputConfig"};
  static constexpr const char* kModelBias[] = {"JobDefinitionName", "ModelBiasAppSpecification",
                                               "ModelBiasJobInput", "ModelBiasJobOutputConfig"};
  static constexpr const char* kExplainability[] = {
      "JobDefinitionName", "ModelExplainabilityAppSpecification",
      "ModelExplainabilityJobInput", "ModelExplainabilityJobOutputConfig"};
  static constexpr const char* kSchedule[] = {"MonitoringScheduleName",
                                              "MonitoringScheduleConfig"};
  static constexpr const char* kFeatureGroup[] = {"FeatureGroupName", "FeatureDefinitions",
                                                  "RecordIdentifierFeatureName",
                                                  "OnlineStoreConfig", "OfflineStoreConfig"};
  static constexpr const char* kPackageGroup[] = {"ModelPackageGroupName",
                                                  "ModelPackageGroupDescription"};
  static constexpr const char* kPackage[] = {"ModelPackageName", "InferenceSpecification",
                                             "ModelApprovalStatus", "ModelPackageGroupName",
                                             "SourceAlgorithmSpecification"};
  switch (k) {
    case ResourceKind::notebook_instance: return kNotebook;
    case ResourceKind::domain: return kDomain;
    case ResourceKind::user_profile: return kUserProfile;
    case ResourceKind::space: return kSpace;
    case ResourceKind::automl_job: return kAutoML;
    case ResourceKind::automl_job_v2: return kAutoMLV2;
    case ResourceKind::data_quality_job_definition: return kDataQuality;
    case ResourceKind::model_quality_job_definition: return kModelQuality;
    case ResourceKind::model_bias_job_definition: return kModelBias;
    case ResourceKind::model_explainability_job_definition: return kExplainability;
    case ResourceKind::monitoring_schedule: return kSchedule;
    case ResourceKind::feature_group: return kFeatureGroup;
    case ResourceKind::model_package_group: return kPackageGroup;
    case ResourceKind::model_package: return kPackage;
    default: return {};
  }
}

// Detection order matters: a DescribeTransformJob response also has
// ModelName, an Endpoint also names its EndpointConfigName.
std::optional<ResourceKind> detect(const Value& v) {
  if (!v.is_object()) return std::nullopt;
  if (v.find("HyperParameterTuningJobName")) return ResourceKind::tuning_job;
  if (v.find("TrainingJobName")) return ResourceKind::training_job;
  if (v.find("ProcessingJobName")) return ResourceKind::processing_job;
  if (v.find("TransformJobName")) return ResourceKind::transform_job;
  if (v.find("EndpointName") && v.find("EndpointConfigName")) return ResourceKind::endpoint;
  if (v.find("EndpointConfigName") && v.find("ProductionVariants")) {
    return ResourceKind::endpoint_config;
  }
  if (v.find("ModelName") && (v.find("PrimaryContainer") || v.find("Containers"))) {
    return ResourceKind::model;
  }
  const Value* steps = v.find("Steps");
  if (steps && steps->is_array() && v.find("Version")) return ResourceKind::pipeline;
  return detect_estate(v);
}

// Members that only a request (or Describe* response) of the kind has, or
// that it is unlikely to lack: the evidence --kind needs when detection
// finds no kind (a request without its name, a pipeline's step arguments).
std::span<const char* const> own_members(ResourceKind k) {
  static constexpr const char* kTraining[] = {
      "TrainingJobName", "AlgorithmSpecification", "RoleArn", "OutputDataConfig",
      "ResourceConfig", "StoppingCondition", "InputDataConfig", "HyperParameters",
      "EnableManagedSpotTraining", "CheckpointConfig"};
  static constexpr const char* kTuning[] = {
      "HyperParameterTuningJobName", "HyperParameterTuningJobConfig", "TrainingJobDefinition",
      "TrainingJobDefinitions", "WarmStartConfig"};
  static constexpr const char* kProcessing[] = {"ProcessingJobName", "ProcessingResources",
                                                "AppSpecification", "ProcessingInputs",
                                                "ProcessingOutputConfig"};
  static constexpr const char* kTransform[] = {"TransformJobName", "TransformInput",
                                               "TransformOutput", "TransformResources"};
  static constexpr const char* kModel[] = {"ModelName", "PrimaryContainer", "Containers",
                                           "ExecutionRoleArn", "InferenceExecutionConfig"};
  static constexpr const char* kEndpointConfig[] = {"EndpointConfigName", "ProductionVariants",
                                                    "DataCaptureConfig", "AsyncInferenceConfig"};
  static constexpr const char* kEndpoint[] = {"EndpointName", "EndpointConfigName",
                                              "DeploymentConfig"};
  static constexpr const char* kPipeline[] = {"Steps", "Parameters", "PipelineExperimentConfig"};
  switch (k) {
    case ResourceKind::training_job: return kTraining;
    case ResourceKind::tuning_job: return kTuning;
    case ResourceKind::processing_job: return kProcessing;
    case ResourceKind::transform_job: return kTransform;
    case ResourceKind::model: return kModel;
    case ResourceKind::endpoint_config: return kEndpointConfig;
    case ResourceKind::endpoint: return kEndpoint;
    case ResourceKind::pipeline: return kPipeline;
    default: return estate_own_members(k);
  }
}

// Other formats people keep next to SageMaker definitions, by the members
// that give them away.
const char* other_format(const Value& v) {
  // Read as such at the top of a file (model/iac.h); not inside a bundle.
  if (v.find("States") && v.find("StartAt")) {
    return "an AWS Step Functions state machine definition (it has States and StartAt)";
  }
  if (v.find("AWSTemplateFormatVersion") || (v.find("Resources") && v.find("Resources")->is_object())) {
    return "a CloudFormation template (it has Resources)";
  }
  if (v.find("resource_changes") || v.find("planned_values") || v.find("terraform_version")) {
    return "a Terraform plan";
  }
  if (v.find("apiVersion") && v.find("kind")) return "a Kubernetes manifest (it has apiVersion and kind)";
  return nullptr;
}

const char* type_name(const Value& v) {
  if (v.is_array()) return "a list";
  if (v.is_string()) return "a string";
  if (v.is_null()) return "null";
  return "a scalar";
}

std::string string_member(const Value& v, const char* key) {
  const Value* m = v.find(key);
  return m && m->is_string() ? std::string(m->as_string()) : std::string();
}

// Pipeline step types and the kind of request their Arguments hold.
std::optional<ResourceKind> step_kind(std::string_view type) {
  if (type == "Training") return ResourceKind::training_job;
  if (type == "Tuning") return ResourceKind::tuning_job;
  if (type == "Processing") return ResourceKind::processing_job;
  if (type == "Transform") return ResourceKind::transform_job;
  if (type == "Model" || type == "CreateModel") return ResourceKind::model;
  return std::nullopt;
}

// Adds one resource per step of a known Type; Condition steps hold further
// steps in IfSteps/ElseSteps, which are walked the same way (the document's
// depth limit bounds the recursion).
void add_steps(const Value& steps, const std::string& steps_pointer, const Value* parameters,
               std::vector<Resource>& out) {
  const auto& items = steps.items();
  for (size_t i = 0; i < items.size(); ++i) {
    const Value& step = items[i];
    if (!step.is_object()) continue;
    const Value* args = step.find("Arguments");
    if (!args || !args->is_object()) continue;
    const std::string args_pointer = fmt::format("{}/{}/Arguments", steps_pointer, i);
    std::string type = string_member(step, "Type");
    if (auto kind = step_kind(type)) {
      Resource r;
      r.kind = *kind;
      r.step_name = string_member(step, "Name");
      r.name = r.step_name;
      r.root = args;
      r.pointer = args_pointer;
      r.in_pipeline = true;
      r.step_type = std::move(type);
      r.step_offset = step.offset();
      r.pipeline_parameters = parameters;
      r.unresolved_values = count_unresolved(*args);
      out.push_back(std::move(r));
      continue;
    }
    for (const char* branch : {"IfSteps", "ElseSteps"}) {
      const Value* b = args->find(branch);
      if (b && b->is_array()) add_steps(*b, args_pointer + "/" + branch, parameters, out);
    }
  }
}

}  // namespace

void add_pipeline_steps(const Value& pipeline, const std::string& base, std::vector<Resource>& out) {
  const Value* steps = pipeline.find("Steps");
  const Value* parameters = pipeline.find("Parameters");
  if (parameters && !parameters->is_array()) parameters = nullptr;
  if (steps && steps->is_array()) add_steps(*steps, base + "/Steps", parameters, out);
}

namespace {

void add_one(const Value& v, ResourceKind kind, const std::string& pointer, std::vector<Resource>& out) {
  if (kind == ResourceKind::pipeline) {
    add_pipeline_steps(v, pointer, out);
    return;
  }
  Resource r;
  r.kind = kind;
  r.name = string_member(v, info(kind).name_member);
  // A versioned model package is named by its group (CreateModelPackage
  // takes either name).
  if (r.name.empty() && kind == ResourceKind::model_package) {
    r.name = string_member(v, "ModelPackageGroupName");
  }
  r.root = &v;
  r.pointer = pointer;
  r.describe_response = v.find(info(kind).arn_member) != nullptr;
  out.push_back(std::move(r));
}

constexpr std::array<std::pair<IacFormat, const char*>, 4> kFormats = {{
    {IacFormat::cloudformation, "cloudformation"},
    {IacFormat::step_functions, "step-functions"},
    {IacFormat::terraform, "terraform"},
    {IacFormat::terraform_plan, "terraform-plan"},
}};

// A CloudFormation template or a Step Functions state machine, read into
// `out` (resources of kind `only` if given).
Status read_iac(const Document& doc, IacFormat format, std::optional<ResourceKind> only,
                ExtractResult& out) {
  out.translated = std::make_shared<ValueArena>();
  out.recognised = true;
  if (format == IacFormat::cloudformation) return iac::read_cloudformation(doc, only, out);
  iac::read_state_machine(doc.root(), "", iac::StateMachineRead{out.translated.get(), only, ""},
                          out.resources);
  return Status::success();
}

}  // namespace


const char* format_flag(IacFormat f) { return kFormats[static_cast<size_t>(f)].second; }

std::optional<IacFormat> parse_format_flag(std::string_view flag) {
  for (const auto& [f, name] : kFormats) {
    if (flag == name) return f;
  }
  return std::nullopt;
}

std::optional<ParameterDefault> parameter_default(const Resource& r, const Value& v) {
  if (r.pipeline_parameters == nullptr || !v.is_object() || v.members().size() != 1) {
    return std::nullopt;
  }
  const auto& [key, ref] = v.members().front();
  constexpr std::string_view kPrefix = "Parameters.";
  if (key != "Get" || !ref.is_string() || !ref.as_string().starts_with(kPrefix)) {
    return std::nullopt;
  }
  const std::string_view name = ref.as_string().substr(kPrefix.size());
  for (const Value& p : r.pipeline_parameters->items()) {
    const Value* n = p.is_object() ? p.find("Name") : nullptr;
    if (n == nullptr || !n->is_string() || n->as_string() != name) continue;
    const Value* d = p.find("DefaultValue");
    if (d == nullptr || d->is_null()) return std::nullopt;
    return ParameterDefault{name, d};
  }
  return std::nullopt;
}

const char* kind_name(ResourceKind k) { return info(k).name; }
const char* kind_flag(ResourceKind k) { return info(k).flag; }

std::string forced_kind_mismatch(const Value& v, ResourceKind forced, bool* other_kind) {
  if (other_kind != nullptr) *other_kind = false;
  if (!v.is_object()) return fmt::format("it is {}, not an object", type_name(v));
  if (auto detected = detect(v)) {
    if (*detected == forced) return "";
    if (other_kind != nullptr) *other_kind = true;
    if (*detected == ResourceKind::pipeline) {
      return "it looks like a SageMaker Pipelines definition (it has Steps and Version)";
    }
    return fmt::format("it looks like a {} (it has {})", kind_name(*detected),
                       name_member(*detected));
  }
  if (const char* other = other_format(v)) return fmt::format("it looks like {}", other);
  for (const char* m : own_members(forced)) {
    if (v.find(m)) return "";
  }
  std::string keys;
  size_t shown = 0;
  for (const auto& m : v.members()) {
    if (shown == 5) {
      keys += ", ...";
      break;
    }
    keys += fmt::format("{}{}", shown++ == 0 ? "" : ", ", m.first);
  }
  const std::string what = forced == ResourceKind::pipeline
                               ? std::string("a Pipelines definition")
                               : fmt::format("a {} request", create_operation(forced));
  return fmt::format("it has none of the members {} has ({}, ...){}", what,
                     fmt::join(own_members(forced).first(2), ", "),
                     keys.empty() ? std::string("; it is empty") : "; its members: " + keys);
}
const char* create_operation(ResourceKind k) { return info(k).operation; }
const char* name_member(ResourceKind k) { return info(k).name_member; }

std::optional<ResourceKind> parse_kind_flag(std::string_view flag) {
  for (const auto& k : kKinds) {
    if (flag == k.flag || flag == k.name) return k.kind;
  }
  return std::nullopt;
}

bool add_bundle_item(const Value& item, size_t index, std::optional<ResourceKind> forced,
                     std::vector<Resource>& out) {
  auto kind = forced ? (forced_kind_mismatch(item, *forced).empty() ? forced : std::nullopt)
                     : detect(item);
  if (!kind) return false;
  add_one(item, *kind, fmt::format("/{}", index), out);
  return true;
}

Status extract_bundle_item(const Document& doc, const Value& item, size_t index,
                           std::optional<ResourceKind> forced, std::vector<Resource>& out) {
  if (!add_bundle_item(item, index, forced, out)) {
    if (forced) {
      return error_at_offset(ErrorCode::input, doc.path(), doc.text(), item.offset(),
                             fmt::format("bundle item {} is not what --kind {} says: {}", index,
                                         kind_flag(*forced), forced_kind_mismatch(item, *forced)));
    }
    return error_at_offset(ErrorCode::input, doc.path(), doc.text(), item.offset(),
                           fmt::format("bundle item {} is not a recognised SageMaker resource "
                                       "(no TrainingJobName, ModelName, EndpointConfigName, ... "
                                       "member)",
                                       index));
  }
  return Status::success();
}

Result<ExtractResult> extract_resources(const Document& doc, std::optional<ResourceKind> forced,
                                        std::optional<IacFormat> format) {
  return extract_resources_in_module(doc, forced, format, nullptr);
}

Result<ExtractResult> extract_resources_in_module(const Document& doc,
                                                  std::optional<ResourceKind> forced,
                                                  std::optional<IacFormat> format,
                                                  const TerraformProviders* module) {
  ExtractResult out;
  const bool terraform_named =
      format == IacFormat::terraform || format == IacFormat::terraform_plan;
  // Terraform is recognised by format and content, or named with --kind;
  // another format named is not looked for here.
  if (const TerraformSource tf = terraform_source(doc, format, &out.reason);
      tf != TerraformSource::none) {
    // An aws_sfn_state_machine's inline definition is read as a Step
    // Functions state machine: its SageMaker tasks become resources.
    const auto machines = [forced](const StateMachineDefinition& m, ExtractResult& into) {
      iac::read_state_machine(*m.definition, "",
                              iac::StateMachineRead{into.translated.get(), forced, ""},
                              into.resources);
    };
    SG_TRY(extract_terraform(doc, tf, out, machines, module));
    if (forced) {
      std::erase_if(out.resources, [&](const Resource& r) { return r.kind != *forced; });
    }
    // Named with --kind, it is one even without SageMaker resources.
    if (terraform_named) out.recognised = true;
    return out;
  }
  if (terraform_named) return out;  // out.reason says why it is not
  const Value& root = doc.root();
  if (format) {
    out.reason = iac::format_mismatch(root, *format);
    if (!out.reason.empty()) return out;
  }
  if (const auto found = format ? format : iac::detect_format(root)) {
    SG_TRY(read_iac(doc, *found, forced, out));
    // Found by content with nothing of SageMaker in it (a template of S3
    // buckets): not a SageMaker document, as before. Named with --kind, it is.
    if (!format && !forced && out.resources.empty()) out.recognised = false;
    return out;
  }
  if (root.is_array()) {
    const auto items = root.items();
    // A list whose first item is not the kind asked for is not a bundle of
    // that kind (a folder walk skips it); a later item that is not is an
    // error in the bundle.
    if (forced && !items.empty()) {
      out.reason = forced_kind_mismatch(items[0], *forced, &out.other_kind);
      if (!out.reason.empty()) {
        out.reason = "its first item: " + out.reason;
        return out;
      }
    }
    out.resources.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      SG_TRY(extract_bundle_item(doc, items[i], i, forced, out.resources));
    }
    out.recognised = true;
    return out;
  }
  if (forced) {
    out.reason = forced_kind_mismatch(root, *forced, &out.other_kind);
    if (!out.reason.empty()) return out;
  }
  auto kind = forced ? forced : detect(root);
  if (!kind) return out;
  add_one(root, *kind, "", out.resources);
  out.recognised = true;
  return out;
}

}  // namespace sageguard
