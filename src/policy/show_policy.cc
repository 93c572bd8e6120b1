// `policy show`: the effective policy as YAML that parse_policy reads back,
// every value annotated with where it came from (FILE:LINE or built-in), so a
// team can see which of its settings took effect and which are defaults.
#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include "sageguard/policy_export.h"
#include "sageguard/rule_catalog.h"

namespace sageguard {
namespace {

class Shower {
 public:
  explicit Shower(const Policy& p) : p_(p) {}

  std::string run() {
    out_ << YAML::Comment(fmt::format("effective sageguard policy from {}", p_.source));
    out_ << YAML::Newline << YAML::BeginMap;
    out_ << YAML::Key << "version" << YAML::Value << p_.version;
    from("version");
    rules();
    tags();
    out_ << YAML::Key << "vpc" << YAML::Value << YAML::BeginMap;
    list("subnets", p_.subnets, "vpc.subnets");
    list("security_groups", p_.security_groups, "vpc.security_groups");
    out_ << YAML::Key << "subnets_reach_s3" << YAML::Value << p_.subnets_reach_s3;
    from("vpc.subnets_reach_s3");
    out_ << YAML::EndMap;
    out_ << YAML::Key << "kms" << YAML::Value << YAML::BeginMap;
    optional("volume_key", p_.volume_key, "kms.volume_key");
    optional("output_key", p_.output_key, "kms.output_key");
    list("allowed", p_.kms_allowed, "kms.allowed");
    list("nvme_instance_types", p_.nvme_instance_types, "kms.nvme_instance_types");
    out_ << YAML::EndMap;
    out_ << YAML::Key << "spot" << YAML::Value << YAML::BeginMap;
    optional("checkpoint_s3_prefix", p_.checkpoint_s3_prefix, "spot.checkpoint_s3_prefix");
    out_ << YAML::Key << "max_wait_factor" << YAML::Value << fmt::format("{}", p_.max_wait_factor);
    from("spot.max_wait_factor");
    out_ << YAML::EndMap;
    limits();
    estate();
    waivers();
    out_ << YAML::EndMap;
    return std::string(out_.c_str()) + "\n";
  }

 private:
  std::string where(const std::string& setting) const {
    auto it = p_.origins.find(setting);
    if (it == p_.origins.end() || it->second.line == 0) return "built-in";
    return fmt::format("{}:{}", it->second.file, it->second.line);
  }
  void from(const std::string& setting) { out_ << YAML::Comment(where(setting)); }
  static std::string where(const Origin& o) {
    if (o.line == 0) return "built-in";
    return fmt::format("{}:{}", o.file, o.line);
  }

  void str(const std::string& s) { out_ << YAML::DoubleQuoted << s; }

  void list(const char* key, const std::vector<std::string>& items, const std::string& setting) {
    out_ << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& i : items) str(i);
    out_ << YAML::EndSeq;
    from(setting);
  }

  void optional(const char* key, const std::optional<std::string>& v, const std::string& setting) {
    out_ << YAML::Key << key << YAML::Value;
    if (v) {
      str(*v);
      from(setting);
    } else {
      out_ << YAML::Null << YAML::Comment("not set");
    }
  }

  void rules() {
    out_ << YAML::Key << "rules" << YAML::Value << YAML::BeginMap;
    for (const RuleInfo& r : rule_catalog()) {
      const std::string id(r.id);
      out_ << YAML::Key << id << YAML::Value << to_string(p_.severity_of(id));
      from("rules." + id);
    }
    out_ << YAML::EndMap;
  }

  void tags() {
    out_ << YAML::Key << "tags" << YAML::Value << YAML::BeginMap;
    list("required", p_.required_tags, "tags.required");
    out_ << YAML::Key << "values" << YAML::Value;
    if (p_.tag_values.empty()) {
      out_ << YAML::Flow << YAML::BeginMap << YAML::EndMap;
      from("tags.values");
    } else {
      out_ << YAML::BeginMap;
      for (const auto& r : p_.tag_values) {
        out_ << YAML::Key;
        str(r.key);
        out_ << YAML::Value << YAML::BeginMap;
        if (r.pattern) {
          out_ << YAML::Key << "pattern" << YAML::Value;
          str(*r.pattern);
          out_ << YAML::Comment(where(r.origin));
        }
        if (!r.allowed.empty()) {
          out_ << YAML::Key << "allowed" << YAML::Value << YAML::Flow << YAML::BeginSeq;
          for (const auto& a : r.allowed) str(a);
          out_ << YAML::EndSeq << YAML::Comment(where(r.origin));
        }
        out_ << YAML::EndMap;
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::Key << "defaults" << YAML::Value;
    if (p_.tag_defaults.empty()) {
      out_ << YAML::Flow << YAML::BeginMap << YAML::EndMap;
      from("tags.defaults");
    } else {
      out_ << YAML::BeginMap;
      for (const auto& [k, v] : p_.tag_defaults) {
        out_ << YAML::Key;
        str(k);
        out_ << YAML::Value;
        str(v);
        from("tags.defaults." + k);
      }
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndMap;
  }

  void limits() {
    out_ << YAML::Key << "limits" << YAML::Value << YAML::BeginMap;
    list("instance_types", p_.instance_types, "limits.instance_types");
    out_ << YAML::Key << "max_runtime_seconds" << YAML::Value;
    if (p_.max_runtime_seconds) {
      out_ << *p_.max_runtime_seconds;
      from("limits.max_runtime_seconds");
    } else {
      out_ << YAML::Null << YAML::Comment("not set");
    }
    out_ << YAML::Key << "max_job_cost_usd" << YAML::Value;
    if (p_.max_job_cost_usd) {
      out_ << fmt::format("{}", *p_.max_job_cost_usd);
      from("limits.max_job_cost_usd");
    } else {
      out_ << YAML::Null << YAML::Comment("not set");
    }
    out_ << YAML::Key << "min_instance_count" << YAML::Value;
    if (p_.min_instance_count) {
      out_ << *p_.min_instance_count;
      from("limits.min_instance_count");
    } else {
      out_ << YAML::Null << YAML::Comment("not set");
    }
    optional("min_notebook_platform", p_.min_notebook_platform, "limits.min_notebook_platform");
    out_ << YAML::EndMap;
  }

  // production, registry, images: the rest of the estate's settings.
  void estate() {
    out_ << YAML::Key << "production" << YAML::Value << YAML::BeginMap;
    list("names", p_.production_names, "production.names");
    out_ << YAML::Key << "tags" << YAML::Value << YAML::BeginMap;
    for (const auto& [key, values] : p_.production_tags) {
      out_ << YAML::Key;
      str(key);
      out_ << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const auto& v : values) str(v);
      out_ << YAML::EndSeq;
    }
    out_ << YAML::EndMap;
    out_ << YAML::EndMap;
    out_ << YAML::Key << "registry" << YAML::Value << YAML::BeginMap;
    out_ << YAML::Key << "manual_approval" << YAML::Value << p_.manual_approval;
    from("registry.manual_approval");
    out_ << YAML::EndMap;
    out_ << YAML::Key << "images" << YAML::Value << YAML::BeginMap;
    list("allowed_registries", p_.allowed_registries, "images.allowed_registries");
    out_ << YAML::EndMap;
  }

  void waivers() {
    out_ << YAML::Key << "waivers" << YAML::Value;
    if (p_.waivers.empty()) {
      out_ << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
      from("waivers");
      return;
    }
    out_ << YAML::BeginSeq;
    for (const auto& w : p_.waivers) {
      out_ << YAML::BeginMap;
      out_ << YAML::Key << "rule" << YAML::Value << w.rule << YAML::Comment(where(w.origin));
      out_ << YAML::Key << "resource" << YAML::Value;
      str(w.resource);
      out_ << YAML::Key << "reason" << YAML::Value;
      str(w.reason);
      out_ << YAML::Key << "expires" << YAML::Value << w.expires;
      out_ << YAML::EndMap;
    }
    out_ << YAML::EndSeq;
  }

  const Policy& p_;
  YAML::Emitter out_;
};

}  // namespace

std::string show_policy(const Policy& policy) { return Shower(policy).run(); }

}  // namespace sageguard
