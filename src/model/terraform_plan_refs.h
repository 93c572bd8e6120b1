// What a plan knows only after apply but its `configuration` section names:
// the resource a value refers to (`"references": ["aws_sagemaker_model.m.name",
// ...]`). An endpoint config's model names and an endpoint's config name
// are read from there, so tags.propagation can relate them as it does in
// the .tf source. Pure; built once per plan, then read-only (thread-safe).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "model/terraform_translate.h"
#include "sageguard/resource.h"

namespace sageguard::terraform {

class PlanReferences {
 public:
  // The `expressions` of each resource of the plan's configuration, by
  // address (module calls' resources as `module.<name>.<address>`).
  explicit PlanReferences(const Value& plan);

  // `request` (the resource at plan address `address`, of `kind`) with each
  // production variant's ModelName (an endpoint config) or its
  // EndpointConfigName (an endpoint) that the plan knows only after apply
  // replaced by an unresolved value whose text is the reference its
  // configuration holds, in the module of `address`. `request` as it is
  // when there is nothing to replace.
  Value with_references(std::string_view address, std::string_view type, ResourceKind kind,
                        const Value& request, Translator& tr, ValueArena& arena) const;

 private:
  std::map<std::string, const Value*, std::less<>> expressions_;
};

}  // namespace sageguard::terraform
