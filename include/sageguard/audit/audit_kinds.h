// What `audit` needs to know per resource kind: the List/Describe operations,
// the keys of their answers, and the values StatusEquals accepts. Static
// data; thread-safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "sageguard/resource.h"

namespace sageguard::audit {

struct AuditKindInfo {
  ResourceKind kind;
  std::string_view flag;                // "training-job"
  std::string_view list_operation;      // "ListTrainingJobs"
  std::string_view list_key;            // "TrainingJobSummaries"
  std::string_view name_key;            // "TrainingJobName" (summary and Describe request)
  std::string_view arn_key;             // "TrainingJobArn"
  std::string_view describe_operation;  // "DescribeTrainingJob"
  std::span<const std::string_view> statuses;  // StatusEquals values; empty: no status filter
  // Where a kind's operations differ from the pattern above (the rest of
  // the estate): the summary member holding the name when it is not
  // name_key, the summary member whose value Describe* takes as name_key
  // (a domain's DomainId, a model package's ARN; "" = the name), and
  // whether List* takes NameContains and CreationTimeAfter.
  std::string_view summary_name_key = {};
  std::string_view describe_from = {};
  bool list_filters = true;
  // One more List* member, when set ({"ModelPackageType": "Both"}: the
  // default lists unversioned packages only).
  std::string_view list_extra_key = {};
  std::string_view list_extra_value = {};
  // Studio user profiles and spaces live in a domain: the summary member
  // naming it ("DomainId"), which Describe* takes, under the same name,
  // with name_key. Their summaries carry no ARN: ListTags waits for the
  // Describe* answer's arn_key. "" = a kind of its own.
  std::string_view parent_key = {};
  // The List* member taking a fragment of the name when list_filters is
  // false ("UserProfileNameContains"); its pattern allows no hyphen at
  // either end. "" = none.
  std::string_view name_contains_key = {};
};

// The auditable kinds in the order audit lists and reports them.
std::span<const AuditKindInfo> audit_kinds();
// nullptr for pipeline.
const AuditKindInfo* audit_kind(ResourceKind k);
// Parses a --kinds value ("training-job,model"); empty string and "all" =
// every auditable kind.
// Unknown or non-auditable names are returned in `bad`.
std::vector<ResourceKind> parse_kinds(std::string_view list, std::vector<std::string>& bad);

}  // namespace sageguard::audit
