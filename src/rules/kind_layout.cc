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
  }
  return kNone;
}

std::vector<Scope> scopes_of(const Resource& r) {
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
