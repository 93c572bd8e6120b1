#include "sageguard/audit/audit_kinds.h"

#include <array>
#include <string>

namespace sageguard::audit {
namespace {

// StatusEquals enums from the SageMaker API model.
constexpr std::string_view kJobStatuses[] = {"InProgress", "Completed", "Failed", "Stopping",
                                             "Stopped"};
constexpr std::string_view kTuningStatuses[] = {"Completed", "InProgress", "Failed", "Stopped",
                                                "Stopping", "Deleting", "DeleteFailed"};
constexpr std::string_view kEndpointStatuses[] = {
    "OutOfService", "Creating", "Updating", "SystemUpdating", "RollingBack",
    "InService",    "Deleting", "Failed",   "UpdateRollbackFailed"};

const std::array<AuditKindInfo, 7> kAuditKinds = {{
    {ResourceKind::training_job, "training-job", "ListTrainingJobs", "TrainingJobSummaries",
     "TrainingJobName", "TrainingJobArn", "DescribeTrainingJob", kJobStatuses},
    {ResourceKind::tuning_job, "tuning-job", "ListHyperParameterTuningJobs",
     "HyperParameterTuningJobSummaries", "HyperParameterTuningJobName",
     "HyperParameterTuningJobArn", "DescribeHyperParameterTuningJob", kTuningStatuses},
    {ResourceKind::processing_job, "processing-job", "ListProcessingJobs",
     "ProcessingJobSummaries", "ProcessingJobName", "ProcessingJobArn", "DescribeProcessingJob",
     kJobStatuses},
    {ResourceKind::transform_job, "transform-job", "ListTransformJobs", "TransformJobSummaries",
     "TransformJobName", "TransformJobArn", "DescribeTransformJob", kJobStatuses},
    {ResourceKind::model, "model", "ListModels", "Models", "ModelName", "ModelArn",
     "DescribeModel", {}},
    {ResourceKind::endpoint_config, "endpoint-config", "ListEndpointConfigs", "EndpointConfigs",
     "EndpointConfigName", "EndpointConfigArn", "DescribeEndpointConfig", {}},
    {ResourceKind::endpoint, "endpoint", "ListEndpoints", "Endpoints", "EndpointName",
     "EndpointArn", "DescribeEndpoint", kEndpointStatuses},
}};

}  // namespace

std::span<const AuditKindInfo> audit_kinds() { return kAuditKinds; }

const AuditKindInfo* audit_kind(ResourceKind k) {
  for (const auto& i : kAuditKinds) {
    if (i.kind == k) return &i;
  }
  return nullptr;
}

std::vector<ResourceKind> parse_kinds(std::string_view list, std::vector<std::string>& bad) {
  std::vector<ResourceKind> out;
  auto add = [&](ResourceKind k) {
    for (ResourceKind have : out) {
      if (have == k) return;
    }
    out.push_back(k);
  };
  if (list.empty() || list == "all") {
    for (const auto& i : kAuditKinds) out.push_back(i.kind);
    return out;
  }
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string_view::npos) comma = list.size();
    std::string_view item = list.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) {
      auto k = parse_kind_flag(item);
      if (k && audit_kind(*k)) {
        add(*k);
      } else {
        bad.emplace_back(item);
      }
    }
    start = comma + 1;
  }
  // Report in the table's order whatever order the flag named them in.
  std::vector<ResourceKind> ordered;
  for (const auto& i : kAuditKinds) {
    for (ResourceKind k : out) {
      if (k == i.kind) ordered.push_back(k);
    }
  }
  return ordered;
}

}  // namespace sageguard::audit
