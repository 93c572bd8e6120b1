// Where each practice lives in each kind of request (docs/aws-notes.md, "Where
// each practice lives"). Rules ask this table instead of hard-coding paths,
// so a new kind (CloudFormation, Terraform) only adds a layout. Static data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sageguard/resource.h"

namespace sageguard::rules {

// Paths are '/'-separated member names relative to a scope object; "" means
// the practice does not apply to the kind. A `[]` segment means "every
// element of this array" (e.g. "ProductionVariants/[]/InstanceType").
struct KindLayout {
  std::string_view vpc;
  std::string_view isolation;
  std::string_view inter_container;
  std::string_view volume_kms;
  std::vector<std::string_view> output_kms;  // each applies when its parent exists
  std::vector<std::string_view> instance_types;
  std::string_view max_runtime;
  bool spot = false;  // EnableManagedSpotTraining, MaxWait, CheckpointConfig
};

const KindLayout& layout_of(ResourceKind k);

// A compute definition inside a resource: the resource root itself, or one
// training definition of a tuning job.
struct Scope {
  const Value* obj = nullptr;
  std::string pointer;  // relative to the resource root ("" or "/TrainingJobDefinition")
};
std::vector<Scope> scopes_of(const Resource& r);

// The same scopes, one call each, without building a list: the rules run per
// resource and most resources have exactly one scope (the root).
template <class Fn>
void for_each_scope(const Resource& r, Fn&& fn) {
  if (r.kind != ResourceKind::tuning_job) {
    fn(Scope{r.root, {}});
    return;
  }
  for (const Scope& s : scopes_of(r)) fn(s);
}

}  // namespace sageguard::rules
