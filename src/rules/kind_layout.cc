#include "rules/kind_layout.h"

#include <fmt/format.h>

namespace sageguard::rules {

namespace {

const KindLayout kTraining{
    .vpc = "VpcConfig",
    .isolation = "EnableNetworkIsolation",
    .inter_container = "EnableInterContainerTrafficEncryption",
    .volume_kms = "ResourceConfig/VolumeKmsKeyId",
    .output_kms = {"OutputDataConfig/KmsKeyId"},
    .instance_types = {"ResourceConfig/InstanceType", "ResourceConfig/InstanceGroups/[]/InstanceType"},
    .max_runtime = "StoppingCondition/MaxRuntimeInSeconds",
    .spot = true,
};
// A tuning job's training definition: the training layout, plus the tuning
// job's own resource config (HyperParameterTuningResourceConfig) which may
// replace ResourceConfig.
const KindLayout kTuningDefinition{
    .vpc = "VpcConfig",
    .isolation = "EnableNetworkIsolation",
    .inter_container = "EnableInterContainerTrafficEncryption",
    .volume_kms = "ResourceConfig/VolumeKmsKeyId",
    .output_kms = {"OutputDataConfig/KmsKeyId"},
    .instance_types = {"ResourceConfig/InstanceType",
                       "ResourceConfig/InstanceGroups/[]/InstanceType",
                       "HyperParameterTuningResourceConfig/InstanceType",
                       "HyperParameterTuningResourceConfig/InstanceConfigs/[]/InstanceType"},
    .max_runtime = "StoppingCondition/MaxRuntimeInSeconds",
    .spot = true,
};
const KindLayout kProcessing{
    .vpc = "NetworkConfig/VpcConfig",
    .isolation = "NetworkConfig/EnableNetworkIsolation",
    .inter_container = "NetworkConfig/EnableInterContainerTrafficEncryption",
    .volume_kms = "ProcessingResources/ClusterConfig/VolumeKmsKeyId",
    .output_kms = {"ProcessingOutputConfig/KmsKeyId"},
    .instance_types = {"ProcessingResources/ClusterConfig/InstanceType"},
    .max_runtime = "StoppingCondition/MaxRuntimeInSeconds",
};
const KindLayout kTransform{
    .volume_kms = "TransformResources/VolumeKmsKeyId",
    .output_kms = {"TransformOutput/KmsKeyId"},
    .instance_types = {"TransformResources/InstanceType"},
};
const KindLayout kModel{
    .vpc = "VpcConfig",
    .isolation = "EnableNetworkIsolation",
};
const KindLayout kEndpointConfig{
    .volume_kms = "KmsKeyId",
    .output_kms = {"AsyncInferenceConfig/OutputConfig/KmsKeyId", "DataCaptureConfig/KmsKeyId"},
    .instance_types = {"ProductionVariants/[]/InstanceType",
                       "ShadowProductionVariants/[]/InstanceType"},
};
const KindLayout kNone{};

// The rest of the estate.
const KindLayout kNotebook{
    .volume_kms = "KmsKeyId",
    .instance_types = {"InstanceType"},
    .volume_kms_nvme_exempt = false,
    // DescribeNotebookInstance says SecurityGroups for the request's
    // SecurityGroupIds.
    .subnets = {"SubnetId"},
    .security_groups = {"SecurityGroupIds", "SecurityGroups"},
    .flat_vpc_required = KindLayout::FlatVpcRequired::both,
};
// A domain's KmsKeyId encrypts its EFS home volumes and the apps' EBS
// volumes: a volume key. Its subnets are required by the service; security
// groups are the default user and space settings'.
const KindLayout kDomain{
    .volume_kms = "KmsKeyId",
    .subnets = {"SubnetIds"},
    .security_groups = {"DefaultUserSettings/SecurityGroups", "DefaultSpaceSettings/SecurityGroups"},
    .flat_vpc_required = KindLayout::FlatVpcRequired::subnets,
};
const KindLayout kUserProfile{
    .security_groups = {"UserSettings/SecurityGroups"},
};
const KindLayout kAutoML{
    .vpc = "AutoMLJobConfig/SecurityConfig/VpcConfig",
    .inter_container = "AutoMLJobConfig/SecurityConfig/EnableInterContainerTrafficEncryption",
    .volume_kms = "AutoMLJobConfig/SecurityConfig/VolumeKmsKeyId",
    .output_kms = {"OutputDataConfig/KmsKeyId"},
};
const KindLayout kAutoMLV2{
    .vpc = "SecurityConfig/VpcConfig",
    .inter_container = "SecurityConfig/EnableInterContainerTrafficEncryption",
    .volume_kms = "SecurityConfig/VolumeKmsKeyId",
    .output_kms = {"OutputDataConfig/KmsKeyId"},
};
// The four monitoring job definitions differ only in their output config's
// name.
KindLayout monitoring_definition(std::string_view output_kms) {
  return KindLayout{
      .vpc = "NetworkConfig/VpcConfig",
      .isolation = "NetworkConfig/EnableNetworkIsolation",
      .inter_container = "NetworkConfig/EnableInterContainerTrafficEncryption",
      .volume_kms = "JobResources/ClusterConfig/VolumeKmsKeyId",
      .output_kms = {output_kms},
      .instance_types = {"JobResources/ClusterConfig/InstanceType"},
      .max_runtime = "StoppingCondition/MaxRuntimeInSeconds",
  };
}
const KindLayout kDataQuality = monitoring_definition("DataQualityJobOutputConfig/KmsKeyId");
const KindLayout kModelQuality = monitoring_definition("ModelQualityJobOutputConfig/KmsKeyId");
const KindLayout kModelBias = monitoring_definition("ModelBiasJobOutputConfig/KmsKeyId");
const KindLayout kExplainability =
    monitoring_definition("ModelExplainabilityJobOutputConfig/KmsKeyId");
// Relative to the schedule's inline MonitoringJobDefinition (its scope).
const KindLayout kSchedule{
    .vpc = "NetworkConfig/VpcConfig",
    .isolation = "NetworkConfig/EnableNetworkIsolation",
    .inter_container = "NetworkConfig/EnableInterContainerTrafficEncryption",
    .volume_kms = "MonitoringResources/ClusterConfig/VolumeKmsKeyId",
    .output_kms = {"MonitoringOutputConfig/KmsKeyId"},
    .instance_types = {"MonitoringResources/ClusterConfig/InstanceType"},
    .max_runtime = "StoppingCondition/MaxRuntimeInSeconds",
};
// The online store's key is its storage key; the offline store's S3 key
// encrypts what it writes out.
const KindLayout kFeatureGroup{
    .volume_kms = "OnlineStoreConfig/SecurityConfig/KmsKeyId",
    .output_kms = {"OfflineStoreConfig/S3StorageConfig/KmsKeyId"},
    .volume_kms_when = "OnlineStoreConfig",
};

}  // namespace

const KindLayout& layout_of(ResourceKind k) {
  switch (k) {
    case ResourceKind::training_job: return kTraining;
    case ResourceKind::tuning_job: return kTuningDefinition;
    case ResourceKind::processing_job: return kProcessing;
    case ResourceKind::transform_job: return kTransform;
    case ResourceKind::model: return kModel;
    case ResourceKind::endpoint_config: return kEndpointConfig;
    case ResourceKind::endpoint:
    case ResourceKind::pipeline: return kNone;
    case ResourceKind::notebook_instance: return kNotebook;
    case ResourceKind::domain: return kDomain;
    case ResourceKind::user_profile: return kUserProfile;
    case ResourceKind::automl_job: return kAutoML;
    case ResourceKind::automl_job_v2: return kAutoMLV2;
    case ResourceKind::data_quality_job_definition: return kDataQuality;
    case ResourceKind::model_quality_job_definition: return kModelQuality;
    case ResourceKind::model_bias_job_definition: return kModelBias;
    case ResourceKind::model_explainability_job_definition: return kExplainability;
    case ResourceKind::monitoring_schedule: return kSchedule;
    case ResourceKind::feature_group: return kFeatureGroup;
    case ResourceKind::space:
    case ResourceKind::model_package_group:
    case ResourceKind::model_package: return kNone;
  }
  return kNone;
}

std::vector<Scope> scopes_of(const Resource& r) {
  if (r.kind == ResourceKind::monitoring_schedule) {
    const Value* c = r.root->find("MonitoringScheduleConfig");
    const Value* d = c && c->is_object() ? c->find("MonitoringJobDefinition") : nullptr;
    if (d == nullptr || !d->is_object()) return {};
    return {Scope{d, "/MonitoringScheduleConfig/MonitoringJobDefinition"}};
  }
  if (r.kind != ResourceKind::tuning_job) return {Scope{r.root, ""}};
  std::vector<Scope> out;
  if (const Value* d = r.root->find("TrainingJobDefinition"); d && d->is_object()) {
    out.push_back({d, "/TrainingJobDefinition"});
  }
  if (const Value* ds = r.root->find("TrainingJobDefinitions"); ds && ds->is_array()) {
    for (size_t i = 0; i < ds->items().size(); ++i) {
      if (ds->items()[i].is_object()) {
        out.push_back({&ds->items()[i], fmt::format("/TrainingJobDefinitions/{}", i)});
      }
    }
  }
  return out;
}

}  // namespace sageguard::rules
