#include "sageguard/resource.h"

#include <fmt/format.h>

#include <array>

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

constexpr std::array<KindInfo, 8> kKinds = {{
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
}};

const KindInfo& info(ResourceKind k) { return kKinds[static_cast<size_t>(k)]; }

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
  return std::nullopt;
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
      out.push_back(std::move(r));
      continue;
    }
    for (const char* branch : {"IfSteps", "ElseSteps"}) {
      const Value* b = args->find(branch);
      if (b && b->is_array()) add_steps(*b, args_pointer + "/" + branch, parameters, out);
    }
  }
}

void add_pipeline_steps(const Value& pipeline, const std::string& base, std::vector<Resource>& out) {
  const Value* steps = pipeline.find("Steps");
  const Value* parameters = pipeline.find("Parameters");
  if (parameters && !parameters->is_array()) parameters = nullptr;
  if (steps && steps->is_array()) add_steps(*steps, base + "/Steps", parameters, out);
}

void add_one(const Value& v, ResourceKind kind, const std::string& pointer, std::vector<Resource>& out) {
  if (kind == ResourceKind::pipeline) {
    add_pipeline_steps(v, pointer, out);
    return;
  }
  Resource r;
  r.kind = kind;
  r.name = string_member(v, info(kind).name_member);
  r.root = &v;
  r.pointer = pointer;
  r.describe_response = v.find(info(kind).arn_member) != nullptr;
  out.push_back(std::move(r));
}

}  // namespace

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
  auto kind = forced ? (item.is_object() ? forced : std::nullopt) : detect(item);
  if (!kind) return false;
  add_one(item, *kind, fmt::format("/{}", index), out);
  return true;
}

Status extract_bundle_item(const Document& doc, const Value& item, size_t index,
                           std::optional<ResourceKind> forced, std::vector<Resource>& out) {
  if (!add_bundle_item(item, index, forced, out)) {
    return error_at_offset(ErrorCode::input, doc.path(), doc.text(), item.offset(),
                           fmt::format("bundle item {} is not a recognised SageMaker resource "
                                       "(no TrainingJobName, ModelName, EndpointConfigName, ... "
                                       "member)",
                                       index));
  }
  return Status::success();
}

Result<ExtractResult> extract_resources(const Document& doc, std::optional<ResourceKind> forced) {
  ExtractResult out;
  const Value& root = doc.root();
  if (root.is_array()) {
    const auto items = root.items();
    out.resources.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      SG_TRY(extract_bundle_item(doc, items[i], i, forced, out.resources));
    }
    out.recognised = true;
    return out;
  }
  auto kind = forced ? (root.is_object() ? forced : std::nullopt) : detect(root);
  if (!kind) return out;
  add_one(root, *kind, "", out.resources);
  out.recognised = true;
  return out;
}

}  // namespace sageguard
