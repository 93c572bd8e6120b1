#include "sageguard/rule_catalog.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <iterator>

namespace sageguard {
namespace {

// The kinds every request-level rule looks at.
constexpr std::string_view kEveryKind =
    "TrainingJob, HyperParameterTuningJob, ProcessingJob, TransformJob, Model, EndpointConfig, "
    "Endpoint, NotebookInstance, Domain, UserProfile, Space, AutoMLJob, AutoMLJobV2, "
    "DataQualityJobDefinition, ModelQualityJobDefinition, ModelBiasJobDefinition, "
    "ModelExplainabilityJobDefinition, MonitoringSchedule, FeatureGroup, ModelPackageGroup, "
    "ModelPackage";
constexpr std::string_view kComputeKinds =
    "TrainingJob, HyperParameterTuningJob, ProcessingJob, TransformJob, EndpointConfig";

constexpr std::array kRules = {
    RuleInfo{"request.invalid", Severity::error,
             "The request must satisfy the SageMaker API model (required members, patterns, "
             "lengths, counts, types).",
             "Correct the field named in the message; SageMaker would reject the request.", "",
             "", false,
             kEveryKind},
    RuleInfo{"tags.required", Severity::error,
             "Every resource carries the cost-allocation tags the policy requires.",
             "Add the missing tag (the policy's tags.defaults lets `sageguard fix` add it).",
             "tags=[{'Key': ..., 'Value': ...}]", "aws:RequestTag/${TagKey}", true,
             kEveryKind},
    RuleInfo{"tags.value", Severity::error,
             "Tag values are non-empty and match the policy's pattern or allowed list.",
             "Set the tag to a value the policy allows.", "tags", "aws:RequestTag/${TagKey}",
             false,
             kEveryKind},
    RuleInfo{"tags.invalid", Severity::error,
             "Tags respect AWS limits: at most 50, key 1-128 and value 0-256 characters, "
             "allowed characters, no aws: prefix, no duplicate keys.",
             "Rename, shorten or remove the offending tag.", "tags", "aws:TagKeys", false,
             kEveryKind},
    RuleInfo{"tags.propagation", Severity::error,
             "A model, endpoint config or endpoint made from a training job carries every tag "
             "that job has; in a template or Terraform module, an endpoint config carries the "
             "tags of the models it refers to, and an endpoint those of its config's models.",
             "Copy the training job's tags to the deployed resources (sageguard deploy does), "
             "and a model's tags to the endpoint configs and endpoints that serve it.",
             "tags (deploy() reuses training tags only when none are given)", "", false,
             "Model, EndpointConfig, Endpoint"},
    RuleInfo{"vpc.required", Severity::error,
             "The job runs inside the company VPC (subnets and security groups).",
             "Set VpcConfig with Subnets and SecurityGroupIds.",
             "subnets=[...], security_group_ids=[...]",
             "sagemaker:VpcSubnets, sagemaker:VpcSecurityGroupIds", true,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, Model, NotebookInstance, "
             "Domain, AutoMLJob, AutoMLJobV2, DataQualityJobDefinition, "
             "ModelQualityJobDefinition, ModelBiasJobDefinition, "
             "ModelExplainabilityJobDefinition, MonitoringSchedule"},
    RuleInfo{"vpc.allowed", Severity::error,
             "Subnets and security groups are in the policy's allow-list.",
             "Use a subnet and security group from the policy's vpc section.",
             "subnets, security_group_ids", "sagemaker:VpcSubnets, sagemaker:VpcSecurityGroupIds",
             false,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, Model, NotebookInstance, "
             "Domain, UserProfile, AutoMLJob, AutoMLJobV2, DataQualityJobDefinition, "
             "ModelQualityJobDefinition, ModelBiasJobDefinition, "
             "ModelExplainabilityJobDefinition, MonitoringSchedule"},
    RuleInfo{"encryption.inter-container", Severity::error,
             "Traffic between training containers is encrypted.",
             "Set EnableInterContainerTrafficEncryption to true.",
             "encrypt_inter_container_traffic=True", "sagemaker:InterContainerTrafficEncryption",
             true,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, AutoMLJob, AutoMLJobV2, "
             "DataQualityJobDefinition, ModelQualityJobDefinition, ModelBiasJobDefinition, "
             "ModelExplainabilityJobDefinition, MonitoringSchedule"},
    RuleInfo{"network.isolation", Severity::error,
             "Containers run with network isolation (no outbound internet).",
             "Set EnableNetworkIsolation to true.", "enable_network_isolation=True",
             "sagemaker:NetworkIsolation", true,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, Model, "
             "DataQualityJobDefinition, ModelQualityJobDefinition, ModelBiasJobDefinition, "
             "ModelExplainabilityJobDefinition, MonitoringSchedule"},
    RuleInfo{"kms.volume", Severity::error,
             "Storage volumes are encrypted with a customer-managed KMS key (not on local NVMe "
             "instance types, which SageMaker encrypts itself).",
             "Set the volume KMS key (ResourceConfig.VolumeKmsKeyId or the kind's equivalent).",
             "volume_kms_key=...", "sagemaker:VolumeKmsKeyArn", true,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, TransformJob, EndpointConfig, "
             "NotebookInstance, Domain, AutoMLJob, AutoMLJobV2, DataQualityJobDefinition, "
             "ModelQualityJobDefinition, ModelBiasJobDefinition, "
             "ModelExplainabilityJobDefinition, MonitoringSchedule, FeatureGroup"},
    RuleInfo{"kms.output", Severity::error,
             "Outputs are encrypted with a customer-managed KMS key.",
             "Set the output KMS key (OutputDataConfig.KmsKeyId or the kind's equivalent).",
             "output_kms_key=...", "sagemaker:OutputKmsKeyArn", true,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, TransformJob, EndpointConfig, "
             "AutoMLJob, AutoMLJobV2, DataQualityJobDefinition, ModelQualityJobDefinition, "
             "ModelBiasJobDefinition, ModelExplainabilityJobDefinition, MonitoringSchedule, "
             "FeatureGroup"},
    RuleInfo{"kms.allowed", Severity::error, "KMS keys are in the policy's allow-list.",
             "Use a key listed in the policy's kms.allowed.", "volume_kms_key, output_kms_key",
             "sagemaker:VolumeKmsKeyArn, sagemaker:OutputKmsKeyArn", false,
             kComputeKinds},
    RuleInfo{"spot.enabled", Severity::warning,
             "Training uses managed spot capacity to cut cost.",
             "Set EnableManagedSpotTraining with MaxWaitTimeInSeconds and a checkpoint location.",
             "use_spot_instances=True", "", true,
             "TrainingJob, HyperParameterTuningJob"},
    RuleInfo{"spot.max-wait", Severity::error,
             "Spot training has MaxWaitTimeInSeconds >= MaxRuntimeInSeconds; no max wait "
             "without spot.",
             "Set StoppingCondition.MaxWaitTimeInSeconds (>= MaxRuntimeInSeconds) or remove it.",
             "max_wait=...", "", true,
             "TrainingJob, HyperParameterTuningJob"},
    RuleInfo{"spot.checkpoint", Severity::warning,
             "Spot training writes checkpoints so an interruption does not restart from zero.",
             "Set CheckpointConfig.S3Uri.", "checkpoint_s3_uri=...", "", true,
             "TrainingJob, HyperParameterTuningJob"},
    RuleInfo{"instance.allowed", Severity::error,
             "Instance types are in the policy's allow-list.",
             "Pick an instance type matching limits.instance_types.", "instance_type=...",
             "sagemaker:InstanceTypes", false,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, TransformJob, EndpointConfig, "
             "NotebookInstance, DataQualityJobDefinition, ModelQualityJobDefinition, "
             "ModelBiasJobDefinition, ModelExplainabilityJobDefinition, MonitoringSchedule"},
    RuleInfo{"runtime.max", Severity::error,
             "MaxRuntimeInSeconds is set and within the policy's limit.",
             "Set StoppingCondition.MaxRuntimeInSeconds within limits.max_runtime_seconds.",
             "max_run=...", "", false,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, DataQualityJobDefinition, "
             "ModelQualityJobDefinition, ModelBiasJobDefinition, "
             "ModelExplainabilityJobDefinition, MonitoringSchedule"},
    RuleInfo{"budget.max-cost", Severity::error,
             "The job's worst-case cost stays within limits.max_job_cost_usd.",
             "Use fewer or cheaper instances, or a shorter MaxRuntime (it bounds the billed run, retries "
             "included; MaxWait is not billed).",
             "max_run",
             "", false,
             "TrainingJob, HyperParameterTuningJob, ProcessingJob, TransformJob"},
    RuleInfo{"network.direct-internet", Severity::error,
             "Notebook instances have no direct internet access: their traffic goes through "
             "the company VPC.",
             "Set DirectInternetAccess to Disabled (the notebook then needs SubnetId and "
             "SecurityGroupIds in a VPC that reaches what it uses).",
             "", "sagemaker:DirectInternetAccess", true,
             "NotebookInstance"},
    RuleInfo{"network.vpc-only", Severity::error,
             "Studio domains send all app traffic through the company VPC "
             "(AppNetworkAccessType VpcOnly).",
             "Set AppNetworkAccessType to VpcOnly with subnets and security groups from the "
             "policy's vpc section.",
             "", "sagemaker:AppNetworkAccessType", true,
             "Domain"},
    RuleInfo{"notebook.root-access", Severity::error,
             "Users of a notebook instance do not have root access.",
             "Set RootAccess to Disabled (lifecycle configurations still run as root).",
             "", "sagemaker:RootAccess", true,
             "NotebookInstance"},
    RuleInfo{"notebook.imds-v2", Severity::error,
             "A notebook instance accepts only IMDSv2, the session-token version of the "
             "instance metadata service (the API's default also accepts IMDSv1).",
             "Set InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion to "
             "\"2\" once the notebook's lifecycle scripts fetch a token before they call the "
             "metadata service.",
             "", "sagemaker:MinimumInstanceMetadataServiceVersion", true,
             "NotebookInstance"},
    RuleInfo{"notebook.platform", Severity::error,
             "A notebook instance runs a platform (Amazon Linux and JupyterLab version) no older "
             "than limits.min_notebook_platform.",
             "Set PlatformIdentifier to the policy's minimum or newer (e.g. notebook-al2-v3).",
             "", "", true,
             "NotebookInstance"},
    RuleInfo{"instance.min-count", Severity::error,
             "Production endpoints (the policy's production names or tags) run every variant on "
             "at least limits.min_instance_count instances, so one instance failing does not "
             "take them down.",
             "Raise InitialInstanceCount of each production variant to the policy's minimum.",
             "initial_instance_count=...", "", true,
             "EndpointConfig"},
    RuleInfo{"image.registry", Severity::error,
             "Container images come from the ECR registries of the accounts in "
             "images.allowed_registries (no public registries: not public.ecr.aws, not Docker "
             "Hub).",
             "Push the image to an allowed account's ECR repository and use its URI.",
             "image_uri=...", "", false,
             "Model, ModelPackage"},
    RuleInfo{"registry.manual-approval", Severity::error,
             "Model package versions are registered as PendingManualApproval, so a person "
             "approves each one before it is deployed.",
             "Set ModelApprovalStatus to PendingManualApproval explicitly (the API reference "
             "gives no default) and approve the version with UpdateModelPackage.",
             "approval_status='PendingManualApproval'", "sagemaker:ModelApprovalStatus", true,
             "ModelPackage"},
    RuleInfo{"waiver.expired", Severity::warning, "Waivers in the policy are not past their expiry.",
             "Renew the waiver with a new expiry and reason, or fix the resource and remove it.", "",
             "", false,
             "the policy file"},
    RuleInfo{"audit.unreadable", Severity::error,
             "Every resource `sageguard audit` lists can be described and its tags read.",
             "Grant sagemaker:List*, sagemaker:Describe* and sagemaker:ListTags to the auditing "
             "role, or rerun with a lower --max-tps if the service kept throttling.",
             "", "", false,
             "any resource audit lists"},
    RuleInfo{"parse.error", Severity::error,
             "Every file `sageguard check` is given can be read and parsed, and holds the "
             "SageMaker documents it is said to hold.",
             "Correct the file at the line and column named (JSON or YAML syntax, encoding, "
             "size), or check it with the right --kind; the other files are still checked.",
             "", "", false,
             "any file check reads"},
};

}  // namespace

std::span<const RuleInfo> rule_catalog() { return kRules; }

namespace {

// A collision-free hash of the catalogue's ids: the length and the first and
// last eight bytes mixed into one word, then a multiplier searched once (at
// first use) so every id gets its own slot. A lookup is a few instructions
// and one comparison instead of a walk over the catalogue. Should the ids
// ever defeat the search, lookups fall back to that walk.
class RuleIndex {
 public:
  RuleIndex() {
    for (uint64_t seed = 0x9E3779B97F4A7C15ull, tries = 0; tries < 100000; seed += 2, ++tries) {
      slots_.fill(0);
      bool clash = false;
      for (size_t i = 0; i < std::size(kRules) && !clash; ++i) {
        uint8_t& s = slots_[slot(kRules[i].id, seed)];
        clash = s != 0;
        s = static_cast<uint8_t>(i + 1);
      }
      if (!clash) {
        seed_ = seed;
        hashed_ = true;
        return;
      }
    }
  }

  int find(std::string_view id) const {
    if (!hashed_) {
      for (size_t i = 0; i < std::size(kRules); ++i) {
        if (kRules[i].id == id) return static_cast<int>(i);
      }
      return -1;
    }
    const uint8_t s = slots_[slot(id, seed_)];
    if (s == 0 || kRules[s - 1].id != id) return -1;
    return s - 1;
  }
  bool hashed() const { return hashed_; }

 private:
  static constexpr int kBits = 8;  // 256 slots for a catalogue of ~20 ids
  static uint64_t mix(std::string_view id) {
    uint64_t a = 0, b = 0;
    if (id.size() >= 8) {
      std::memcpy(&a, id.data(), 8);
      std::memcpy(&b, id.data() + id.size() - 8, 8);
    } else {
      for (const char c : id) a = (a << 8) | static_cast<unsigned char>(c);
    }
    return (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xC2B2AE3D27D4EB4Full) ^ id.size();
  }
  static size_t slot(std::string_view id, uint64_t seed) {
    return static_cast<size_t>((mix(id) * seed) >> (64 - kBits));
  }

  std::array<uint8_t, size_t{1} << kBits> slots_{};
  uint64_t seed_ = 0;
  bool hashed_ = false;
};
static_assert(std::size(kRules) < 255, "slots hold index + 1 in a byte");

}  // namespace

static const RuleIndex& rule_index_table() {
  static const RuleIndex index;
  return index;
}

int rule_index(std::string_view id) { return rule_index_table().find(id); }

bool rule_index_is_hashed() { return rule_index_table().hashed(); }

const RuleInfo* find_rule(std::string_view id) {
  const int i = rule_index(id);
  return i < 0 ? nullptr : &kRules[static_cast<size_t>(i)];
}

}  // namespace sageguard
