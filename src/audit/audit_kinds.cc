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

constexpr std::string_view kNotebookStatuses[] = {"Pending", "InService", "Stopping", "Stopped",
                                                  "Failed",  "Deleting",  "Updating"};
constexpr std::string_view kAutoMLStatuses[] = {"Completed", "InProgress", "Failed", "Stopped",
                                                "Stopping"};
constexpr std::string_view kScheduleStatuses[] = {"Pending", "Failed", "Scheduled", "Stopped"};

const std::array<AuditKindInfo, 20> kAuditKinds = {{
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
    // The rest of the estate.
    {ResourceKind::notebook_instance, "notebook-instance", "ListNotebookInstances",
     "NotebookInstances", "NotebookInstanceName", "NotebookInstanceArn",
     "DescribeNotebookInstance", kNotebookStatuses},
    {ResourceKind::domain, "domain", "ListDomains", "Domains", "DomainId", "DomainArn",
     "DescribeDomain", {}, "DomainName", "DomainId", false},
    // Listed without DomainIdEquals (an optional filter): one listing per
    // region covers every domain, and each summary names its domain.
    {.kind = ResourceKind::user_profile, .flag = "user-profile",
     .list_operation = "ListUserProfiles", .list_key = "UserProfiles",
     .name_key = "UserProfileName", .arn_key = "UserProfileArn",
     .describe_operation = "DescribeUserProfile", .list_filters = false, .parent_key = "DomainId",
     .name_contains_key = "UserProfileNameContains"},
    {.kind = ResourceKind::space, .flag = "space", .list_operation = "ListSpaces",
     .list_key = "Spaces", .name_key = "SpaceName", .arn_key = "SpaceArn",
     .describe_operation = "DescribeSpace", .list_filters = false, .parent_key = "DomainId",
     .name_contains_key = "SpaceNameContains"},
    // DescribeAutoMLJobV2 describes jobs made by either version.
    {ResourceKind::automl_job_v2, "automl-job", "ListAutoMLJobs", "AutoMLJobSummaries",
     "AutoMLJobName", "AutoMLJobArn", "DescribeAutoMLJobV2", kAutoMLStatuses},
    {ResourceKind::data_quality_job_definition, "data-quality-job-definition",
     "ListDataQualityJobDefinitions", "JobDefinitionSummaries", "JobDefinitionName",
     "MonitoringJobDefinitionArn", "DescribeDataQualityJobDefinition", {},
     "MonitoringJobDefinitionName"},
    {ResourceKind::model_quality_job_definition, "model-quality-job-definition",
     "ListModelQualityJobDefinitions", "JobDefinitionSummaries", "JobDefinitionName",
     "MonitoringJobDefinitionArn", "DescribeModelQualityJobDefinition", {},
     "MonitoringJobDefinitionName"},
    {ResourceKind::model_bias_job_definition, "model-bias-job-definition",
     "ListModelBiasJobDefinitions", "JobDefinitionSummaries", "JobDefinitionName",
     "MonitoringJobDefinitionArn", "DescribeModelBiasJobDefinition", {},
     "MonitoringJobDefinitionName"},
    {ResourceKind::model_explainability_job_definition, "model-explainability-job-definition",
     "ListModelExplainabilityJobDefinitions", "JobDefinitionSummaries", "JobDefinitionName",
     "MonitoringJobDefinitionArn", "DescribeModelExplainabilityJobDefinition", {},
     "MonitoringJobDefinitionName"},
    {ResourceKind::monitoring_schedule, "monitoring-schedule", "ListMonitoringSchedules",
     "MonitoringScheduleSummaries", "MonitoringScheduleName", "MonitoringScheduleArn",
     "DescribeMonitoringSchedule", kScheduleStatuses},
    {ResourceKind::feature_group, "feature-group", "ListFeatureGroups", "FeatureGroupSummaries",
     "FeatureGroupName", "FeatureGroupArn", "DescribeFeatureGroup", {}},
    {ResourceKind::model_package_group, "model-package-group", "ListModelPackageGroups",
     "ModelPackageGroupSummaryList", "ModelPackageGroupName", "ModelPackageGroupArn",
     "DescribeModelPackageGroup", {}},
    // A versioned package is described by its ARN (its name is its group's).
    {ResourceKind::model_package, "model-package", "ListModelPackages",
     "ModelPackageSummaryList", "ModelPackageName", "ModelPackageArn", "DescribeModelPackage", {},
     "ModelPackageArn", "ModelPackageArn", true, "ModelPackageType", "Both"},
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
      // automl-job audits jobs of both API versions through one listing.
      if (k == ResourceKind::automl_job) k = ResourceKind::automl_job_v2;
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
