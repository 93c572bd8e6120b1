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

  // A volume key applies only where this member exists ("" = always): a
  // feature group's online store key when it has an online store.
  std::string_view volume_kms_when;
  // Local NVMe instance types take no volume key (jobs); a notebook's ML
  // storage volume is EBS whatever its instance type.
  bool volume_kms_nvme_exempt = true;

  // Kinds that name their subnets and security groups in members of their
  // own rather than in a VpcConfig object (notebooks, Studio). Each path
  // holds a string or a list of ids; the first path that exists counts.
  std::vector<std::string_view> subnets;
  std::vector<std::string_view> security_groups;
  enum class FlatVpcRequired : uint8_t { none, subnets, both };
  FlatVpcRequired flat_vpc_required = FlatVpcRequired::none;
};

const KindLayout& layout_of(ResourceKind k);

// A compute definition inside a resource: the resource root itself, one
// training definition of a tuning job, or a monitoring schedule's inline
// MonitoringJobDefinition (a schedule naming a job definition has none).
struct Scope {
  const Value* obj = nullptr;
  std::string pointer;  // relative to the resource root ("" or "/TrainingJobDefinition")
};
std::vector<Scope> scopes_of(const Resource& r);

// The same scopes, one call each, without building a list: the rules run per
// resource and most resources have exactly one scope (the root).
template <class Fn>
void for_each_scope(const Resource& r, Fn&& fn) {
  if (r.kind != ResourceKind::tuning_job && r.kind != ResourceKind::monitoring_schedule) {
    fn(Scope{r.root, {}});
    return;
  }
  for (const Scope& s : scopes_of(r)) fn(s);
}

}  // namespace sageguard::rules
