// tags.propagation: resources made from a training job must carry its tags.
// Works across the resources of one document: Pipelines Model steps that
// take a Training step's artifacts, and bundles where a Model's
// ModelDataUrl is a training job's output, an EndpointConfig names that
// Model and an Endpoint names that EndpointConfig. In infrastructure as
// code (a template, a Terraform module) a Model's own tags also follow to
// the EndpointConfig that refers to it (by `!Ref`, `!GetAtt X.ModelName`,
// `aws_sagemaker_model.x.name` or its literal name) and to the Endpoint
// that refers to that config. The rule reads facts
// copied out of each resource (PropagationFacts), so a bundle read one item
// at a time is related in one final pass, after its last item, without
// keeping or re-reading the items. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rule_context.h"

namespace sageguard::rules {

// A member of a resource's Tags array.
struct TagFact {
  std::string key;
  std::optional<std::string> value;  // when Value is a string
  uint64_t offset = 0;               // of Value (meaningful when it is present)
};

// A ModelDataUrl of a model: a pipeline's training step output, or a URL.
struct ModelDataFact {
  std::optional<std::string> step;  // {"Get": "Steps.<step>.ModelArtifacts.S3ModelArtifacts"}
  std::optional<std::string> url;   // a string
};

// What tags.propagation needs of one resource.
struct PropagationFacts {
  ResourceKind kind = ResourceKind::training_job;
  bool in_pipeline = false;
  std::string name;       // Resource::name
  std::string step_name;  // Resource::step_name
  // Infrastructure as code: Resource::resource_id, and the name member when
  // it is a literal (a generated name is never matched).
  std::string resource_id;
  std::string literal_name;
  // Training jobs: where SageMaker writes the model ("" when unknown).
  std::string artifact_url;
  // Models: their ModelDataUrls; endpoint configs: their variants' ModelName
  // ("" when not a string); endpoints: EndpointConfigName ("" when not a string).
  std::vector<ModelDataFact> model_data;
  std::vector<std::string> variant_models;
  std::string endpoint_config;
  // The same as references to a resource of the same template or module:
  // its id (logical id, Terraform address), "" when the value is none.
  std::vector<std::string> variant_model_refs;
  std::string endpoint_config_ref;
  // Tags: nullopt when Tags is not an array. Keys that are not strings are
  // left out.
  std::optional<std::vector<TagFact>> tags;
  bool tags_unresolved = false;  // Tags is an unresolved expression
  bool tag_keys_unresolved = false;  // a member of Tags whose Key is not known
  uint64_t tags_at = 0;          // Tags' offset, or the resource root's when absent
};

// The id of the resource `v` refers to: CloudFormation's {"Ref": X} or
// {"Fn::GetAtt": [X, attribute]} (or "X.attribute"), Terraform's
// `<tf_type>.X.name` / `.id` (an index after X allowed; in the JSON syntax
// as "${...}"), which give `X` and `<tf_type>.X`; "" for anything else.
std::string referenced_resource(const Value& v, std::string_view attribute,
                                std::string_view tf_type);

// Whether `r` can take part in tags.propagation at all (a training job as the
// source; a model, endpoint config or endpoint as a derived resource).
bool takes_part_in_propagation(const Resource& r);

// The facts of a resource for which takes_part_in_propagation() holds.
PropagationFacts propagation_facts(const Resource& r);

// A training job's facts appended to `pool` in a compact form (no
// allocation of its own: a bundle of 20,000 jobs keeps them in one string),
// and read back, from `pos`, which it moves past them. For resources of
// kind training_job only.
void append_source_facts(const Resource& r, std::string& pool);
PropagationFacts read_source_facts(std::string_view pool, size_t& pos);

// `out[i]` receives the tags.propagation findings of `facts[i]` (offsets are
// those recorded in the facts). Callers check the rule's severity first.
void check_propagation(const std::vector<PropagationFacts>& facts,
                       std::vector<std::vector<RawFinding>>& out);

}  // namespace sageguard::rules
