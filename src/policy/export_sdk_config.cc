// `policy export --format sdk-config`: the SageMaker Python SDK's
// intelligent-defaults config.yaml. It fills gaps in what data scientists
// pass (an explicit argument wins) and cannot refuse anything, so it carries
// only values: flags that must be true, the team's keys, subnets and tag
// values from tags.defaults. Nothing is invented.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "sageguard/policy_export.h"

namespace sageguard {
namespace {

// SDK / API limits on what the config may carry.
constexpr size_t kMaxTags = 50;
constexpr size_t kMaxTagKey = 128;
constexpr size_t kMaxTagValue = 256;
constexpr size_t kMaxSubnets = 16;
constexpr size_t kMaxSecurityGroups = 5;

struct Settings {
  bool isolation = false;
  bool inter_container = false;
  std::optional<std::string> volume_key;
  std::optional<std::string> output_key;
  std::vector<std::string> subnets;
  std::vector<std::string> security_groups;
  std::vector<std::pair<std::string, std::string>> tags;

  bool has_vpc() const { return !subnets.empty() && !security_groups.empty(); }
};

bool on(const Policy& p, const char* rule) { return p.severity_of(rule) != Severity::off; }

Settings collect(const Policy& p, std::vector<std::string>& notes) {
  Settings s;
  s.isolation = on(p, "network.isolation");
  s.inter_container = on(p, "encryption.inter-container");
  if (on(p, "kms.volume")) {
    s.volume_key = p.volume_key;
    if (p.volume_key) {
      notes.push_back(
          "kms.volume: SageMaker rejects a volume key on local-NVMe instance types; the config "
          "sets the volume key for every training job, processing job and endpoint config, so "
          "jobs on such types must override it with None");
    }
  }
  if (on(p, "kms.output")) s.output_key = p.output_key;
  if (on(p, "vpc.required") || on(p, "vpc.allowed")) {
    if (!p.subnets.empty() && !p.security_groups.empty()) {
      s.subnets.assign(p.subnets.begin(),
                       p.subnets.begin() + static_cast<long>(std::min(p.subnets.size(), kMaxSubnets)));
      s.security_groups.assign(
          p.security_groups.begin(),
          p.security_groups.begin() +
              static_cast<long>(std::min(p.security_groups.size(), kMaxSecurityGroups)));
      if (p.subnets.size() > kMaxSubnets || p.security_groups.size() > kMaxSecurityGroups) {
        notes.push_back(fmt::format("vpc: VpcConfig takes at most {} subnets and {} security "
                                    "groups; the first ones are used",
                                    kMaxSubnets, kMaxSecurityGroups));
      }
    } else if (!p.subnets.empty() || !p.security_groups.empty()) {
      notes.push_back("vpc: left out; the SDK drops VpcConfig unless both subnets and security "
                      "groups are set");
    }
  }
  for (const auto& [key, value] : p.tag_defaults) {
    if (key.empty() || key.size() > kMaxTagKey || value.size() > kMaxTagValue ||
        key.starts_with("aws:")) {
      notes.push_back(fmt::format("tags: default for '{}' breaks AWS tag limits; left out", key));
    } else if (s.tags.size() == kMaxTags) {
      notes.push_back(fmt::format("tags: more than {} defaults; '{}' left out", kMaxTags, key));
    } else {
      s.tags.emplace_back(key, value);
    }
  }
  for (const auto& key : p.required_tags) {
    bool has_default = false;
    for (const auto& t : s.tags) has_default = has_default || t.first == key;
    if (!has_default) {
      notes.push_back(fmt::format("tags: required tag '{}' has no value in tags.defaults; the "
                                  "config cannot supply it",
                                  key));
    }
  }
  if (on(p, "spot.enabled") || on(p, "spot.max-wait") || on(p, "spot.checkpoint") ||
      on(p, "runtime.max")) {
    notes.push_back("spot, runtime: the SDK config has no keys for spot training or stopping "
                    "conditions; only sageguard enforces them");
  }
  return s;
}

void emit_string(YAML::Emitter& out, const std::string& s) {
  // Always quoted, so values such as "1.0", "yes" or "null" stay strings.
  out << YAML::DoubleQuoted << s;
}

void emit_vpc(YAML::Emitter& out, const Settings& s) {
  out << YAML::Key << "VpcConfig" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "SecurityGroupIds" << YAML::Value << YAML::BeginSeq;
  for (const auto& g : s.security_groups) emit_string(out, g);
  out << YAML::EndSeq << YAML::Key << "Subnets" << YAML::Value << YAML::BeginSeq;
  for (const auto& n : s.subnets) emit_string(out, n);
  out << YAML::EndSeq << YAML::EndMap;
}

void emit_tags(YAML::Emitter& out, const Settings& s) {
  if (s.tags.empty()) return;
  out << YAML::Key << "Tags" << YAML::Value << YAML::BeginSeq;
  for (const auto& [k, v] : s.tags) {
    out << YAML::BeginMap << YAML::Key << "Key" << YAML::Value;
    emit_string(out, k);
    out << YAML::Key << "Value" << YAML::Value;
    emit_string(out, v);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_key_map(YAML::Emitter& out, const char* outer, const char* inner, const std::string& v) {
  out << YAML::Key << outer << YAML::Value << YAML::BeginMap << YAML::Key << inner << YAML::Value;
  emit_string(out, v);
  out << YAML::EndMap;
}

void emit_training(YAML::Emitter& out, const Settings& s) {
  if (!(s.inter_container || s.isolation || s.output_key || s.volume_key || s.has_vpc() ||
        !s.tags.empty())) {
    return;
  }
  out << YAML::Key << "TrainingJob" << YAML::Value << YAML::BeginMap;
  if (s.inter_container) {
    out << YAML::Key << "EnableInterContainerTrafficEncryption" << YAML::Value << true;
  }
  if (s.isolation) out << YAML::Key << "EnableNetworkIsolation" << YAML::Value << true;
  if (s.output_key) emit_key_map(out, "OutputDataConfig", "KmsKeyId", *s.output_key);
  if (s.volume_key) emit_key_map(out, "ResourceConfig", "VolumeKmsKeyId", *s.volume_key);
  if (s.has_vpc()) emit_vpc(out, s);
  emit_tags(out, s);
  out << YAML::EndMap;
}

void emit_processing(YAML::Emitter& out, const Settings& s) {
  const bool network = s.inter_container || s.isolation || s.has_vpc();
  if (!(network || s.output_key || s.volume_key || !s.tags.empty())) return;
  out << YAML::Key << "ProcessingJob" << YAML::Value << YAML::BeginMap;
  if (network) {
    out << YAML::Key << "NetworkConfig" << YAML::Value << YAML::BeginMap;
    if (s.inter_container) {
      out << YAML::Key << "EnableInterContainerTrafficEncryption" << YAML::Value << true;
    }
    if (s.isolation) out << YAML::Key << "EnableNetworkIsolation" << YAML::Value << true;
    if (s.has_vpc()) emit_vpc(out, s);
    out << YAML::EndMap;
  }
  if (s.output_key) emit_key_map(out, "ProcessingOutputConfig", "KmsKeyId", *s.output_key);
  if (s.volume_key) {
    out << YAML::Key << "ProcessingResources" << YAML::Value << YAML::BeginMap;
    emit_key_map(out, "ClusterConfig", "VolumeKmsKeyId", *s.volume_key);
    out << YAML::EndMap;
  }
  emit_tags(out, s);
  out << YAML::EndMap;
}

void emit_model_and_endpoints(YAML::Emitter& out, const Settings& s) {
  if (s.isolation || s.has_vpc() || !s.tags.empty()) {
    out << YAML::Key << "Model" << YAML::Value << YAML::BeginMap;
    if (s.isolation) out << YAML::Key << "EnableNetworkIsolation" << YAML::Value << true;
    if (s.has_vpc()) emit_vpc(out, s);
    emit_tags(out, s);
    out << YAML::EndMap;
  }
  if (s.volume_key || !s.tags.empty()) {
    out << YAML::Key << "EndpointConfig" << YAML::Value << YAML::BeginMap;
    if (s.volume_key) {
      out << YAML::Key << "KmsKeyId" << YAML::Value;
      emit_string(out, *s.volume_key);
    }
    emit_tags(out, s);
    out << YAML::EndMap;
  }
  if (!s.tags.empty()) {
    out << YAML::Key << "Endpoint" << YAML::Value << YAML::BeginMap;
    emit_tags(out, s);
    out << YAML::EndMap;
  }
}

// The estate's kinds the SDK's config schema covers (sagemaker/config/
// config_schema.py): AutoMLJob, FeatureGroup and MonitoringSchedule.
// Notebooks, Studio and model package approval have no SDK config keys.
void emit_estate(YAML::Emitter& out, const Settings& s) {
  const bool automl_security = s.inter_container || s.volume_key || s.has_vpc();
  if (automl_security || s.output_key || !s.tags.empty()) {
    out << YAML::Key << "AutoMLJob" << YAML::Value << YAML::BeginMap;
    if (automl_security) {
      out << YAML::Key << "AutoMLJobConfig" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "SecurityConfig" << YAML::Value << YAML::BeginMap;
      if (s.inter_container) {
        out << YAML::Key << "EnableInterContainerTrafficEncryption" << YAML::Value << true;
      }
      if (s.volume_key) {
        out << YAML::Key << "VolumeKmsKeyId" << YAML::Value;
        emit_string(out, *s.volume_key);
      }
      if (s.has_vpc()) emit_vpc(out, s);
      out << YAML::EndMap << YAML::EndMap;
    }
    if (s.output_key) emit_key_map(out, "OutputDataConfig", "KmsKeyId", *s.output_key);
    emit_tags(out, s);
    out << YAML::EndMap;
  }
  if (s.volume_key || s.output_key || !s.tags.empty()) {
    out << YAML::Key << "FeatureGroup" << YAML::Value << YAML::BeginMap;
    if (s.output_key) {
      out << YAML::Key << "OfflineStoreConfig" << YAML::Value << YAML::BeginMap;
      emit_key_map(out, "S3StorageConfig", "KmsKeyId", *s.output_key);
      out << YAML::EndMap;
    }
    if (s.volume_key) {
      out << YAML::Key << "OnlineStoreConfig" << YAML::Value << YAML::BeginMap;
      emit_key_map(out, "SecurityConfig", "KmsKeyId", *s.volume_key);
      out << YAML::EndMap;
    }
    emit_tags(out, s);
    out << YAML::EndMap;
  }
  const bool network = s.inter_container || s.isolation || s.has_vpc();
  if (network || s.output_key || s.volume_key || !s.tags.empty()) {
    out << YAML::Key << "MonitoringSchedule" << YAML::Value << YAML::BeginMap;
    if (network || s.output_key || s.volume_key) {
      out << YAML::Key << "MonitoringScheduleConfig" << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "MonitoringJobDefinition" << YAML::Value << YAML::BeginMap;
      if (s.output_key) emit_key_map(out, "MonitoringOutputConfig", "KmsKeyId", *s.output_key);
      if (s.volume_key) {
        out << YAML::Key << "MonitoringResources" << YAML::Value << YAML::BeginMap;
        emit_key_map(out, "ClusterConfig", "VolumeKmsKeyId", *s.volume_key);
        out << YAML::EndMap;
      }
      if (network) {
        out << YAML::Key << "NetworkConfig" << YAML::Value << YAML::BeginMap;
        if (s.inter_container) {
          out << YAML::Key << "EnableInterContainerTrafficEncryption" << YAML::Value << true;
        }
        if (s.isolation) out << YAML::Key << "EnableNetworkIsolation" << YAML::Value << true;
        if (s.has_vpc()) emit_vpc(out, s);
        out << YAML::EndMap;
      }
      out << YAML::EndMap << YAML::EndMap;
    }
    emit_tags(out, s);
    out << YAML::EndMap;
  }
}

}  // namespace

Result<std::string> export_sdk_config(const Policy& policy, std::vector<std::string>* notes) {
  std::vector<std::string> local_notes;
  const Settings s = collect(policy, local_notes);
  if (notes != nullptr) notes->insert(notes->end(), local_notes.begin(), local_notes.end());

  YAML::Emitter out;
  out << YAML::Comment(fmt::format("SageMaker Python SDK defaults generated by sageguard from {}",
                                   policy.source));
  out << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "SchemaVersion" << YAML::Value << YAML::SingleQuoted << "1.0";
  out << YAML::Key << "SageMaker" << YAML::Value << YAML::BeginMap;
  emit_training(out, s);
  emit_processing(out, s);
  emit_model_and_endpoints(out, s);
  emit_estate(out, s);
  out << YAML::EndMap << YAML::EndMap;
  if (!out.good()) {
    return Error::make(ErrorCode::internal,
                       fmt::format("cannot write the SDK config: {}", out.GetLastError()));
  }
  return std::string(out.c_str()) + "\n";
}

}  // namespace sageguard
