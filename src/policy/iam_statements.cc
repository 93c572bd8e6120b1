#include "policy/iam_statements.h"

#include <fmt/format.h>

#include <cctype>
#include <set>

#include "sageguard/rule_catalog.h"

namespace sageguard::policy_internal {
namespace {

using Json = nlohmann::ordered_json;
using Actions = std::vector<std::string>;

constexpr const char* kTraining = "sagemaker:CreateTrainingJob";
constexpr const char* kProcessing = "sagemaker:CreateProcessingJob";
constexpr const char* kTransform = "sagemaker:CreateTransformJob";
constexpr const char* kTuning = "sagemaker:CreateHyperParameterTuningJob";
constexpr const char* kModel = "sagemaker:CreateModel";
constexpr const char* kEndpointConfig = "sagemaker:CreateEndpointConfig";
constexpr const char* kEndpoint = "sagemaker:CreateEndpoint";
constexpr const char* kAddTags = "sagemaker:AddTags";
constexpr const char* kNotebook = "sagemaker:CreateNotebookInstance";
constexpr const char* kDomain = "sagemaker:CreateDomain";
constexpr const char* kModelPackage = "sagemaker:CreateModelPackage";

// Which actions carry each condition key (docs/aws-notes.md, "IAM condition
// keys"). A Null-is-true Deny goes only where the request field exists:
// CreateEndpointConfig accepts the VPC keys but has no VpcConfig of its own,
// so requiring them there would refuse every endpoint config.
const Actions kVpcRequired = {kTraining, kProcessing, kTuning, kModel, kNotebook};
const Actions kVpcKeys = {kTraining, kProcessing, kTuning, kModel, kEndpointConfig, kNotebook};
const Actions kVolumeKms = {kTraining, kProcessing, kTransform, kTuning, kEndpointConfig, kNotebook};
const Actions kOutputKms = {kTraining, kProcessing, kTransform, kTuning};
const Actions kInterContainer = {kTraining, kProcessing, kTuning};
const Actions kIsolation = {kTraining, kProcessing, kTuning, kModel};
const Actions kInstanceTypes = {kTraining, kProcessing, kTransform, kTuning, kEndpointConfig};
// The estate's other Create* operations take tags too; they stay out of
// the tag statements, which every managed policy and SCP repeats once per
// required tag, so that a default policy still fits one managed policy.
const Actions kCreates = {kTraining,       kProcessing, kTransform, kTuning, kModel,
                          kEndpointConfig, kEndpoint,   kNotebook,  kDomain};

class Builder {
 public:
  Builder(const Policy& p, std::vector<std::string>* unexpressible)
      : p_(p), notes_(unexpressible) {}

  std::vector<Json> build() {
    tags_required();
    tags_value();
    vpc();
    flag("encryption.inter-container", "sagemaker:InterContainerTrafficEncryption",
         "InterContainerEncryption", kInterContainer);
    flag("network.isolation", "sagemaker:NetworkIsolation", "NetworkIsolation", kIsolation);
    kms();
    instance_types();
    estate();
    not_expressible();
    return std::move(out_);
  }

 private:
  // Only error-severity rules become Denies; a warning is advice, and
  // turning it into a refusal would change what the team agreed on.
  bool exported(std::string_view rule) {
    const Severity s = p_.severity_of(std::string(rule));
    if (s == Severity::error) return true;
    if (s != Severity::off && advisory_noted_.insert(std::string(rule)).second) {
      note(rule, fmt::format("severity {} is advisory; only error rules become Deny statements",
                             to_string(s)));
    }
    return false;
  }

  void note(std::string_view rule, const std::string& why) {
    if (notes_ != nullptr) notes_->push_back(fmt::format("{}: {}", rule, why));
  }

  static std::string sid_part(std::string_view s) {
    std::string out;
    bool upper = true;
    for (char c : s) {
      if (std::isalnum(static_cast<unsigned char>(c))) {
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
      } else {
        upper = true;
      }
    }
    return out;
  }

  void add(std::string sid, const Actions& actions, Json condition) {
    // Sids must be unique within a policy and alphanumeric.
    std::string unique = sid;
    for (int n = 2; !sids_.insert(unique).second; ++n) unique = sid + std::to_string(n);
    Json st;
    st["Sid"] = unique;
    st["Effect"] = "Deny";
    st["Action"] = actions;
    st["Resource"] = "*";
    st["Condition"] = std::move(condition);
    out_.push_back(std::move(st));
  }

  void tags_required() {
    if (p_.required_tags.empty() || !exported("tags.required")) return;
    for (const auto& key : p_.required_tags) {
      add("DenyMissingTag" + sid_part(key), kCreates,
          Json{{"Null", {{"aws:RequestTag/" + key, "true"}}}});
    }
  }

  void tags_value() {
    if (p_.tag_values.empty() || !exported("tags.value")) return;
    Actions actions = kCreates;
    actions.push_back(kAddTags);
    for (const auto& rule : p_.tag_values) {
      const std::string key = "aws:RequestTag/" + rule.key;
      // Null=false: judge the value only when the tag is present, so AddTags
      // with other keys is not refused (a missing tag is tags.required's job).
      if (!rule.allowed.empty()) {
        add("DenyTagValueNotAllowed" + sid_part(rule.key), actions,
            Json{{"StringNotEquals", {{key, rule.allowed}}}, {"Null", {{key, "false"}}}});
      }
      if (rule.pattern) {
        if (auto like = regex_to_string_like(*rule.pattern)) {
          add("DenyTagValuePattern" + sid_part(rule.key), actions,
              Json{{"StringNotLike", {{key, *like}}}, {"Null", {{key, "false"}}}});
        } else {
          note("tags.value",
               fmt::format("pattern '{}' for tag '{}' is a regular expression IAM cannot express "
                           "(StringLike knows only * and ?)",
                           *rule.pattern, rule.key));
        }
      }
    }
  }

  void vpc() {
    if (exported("vpc.required")) {
      add("DenyMissingVpcSubnets", kVpcRequired,
          Json{{"Null", {{"sagemaker:VpcSubnets", "true"}}}});
      add("DenyMissingVpcSecurityGroups", kVpcRequired,
          Json{{"Null", {{"sagemaker:VpcSecurityGroupIds", "true"}}}});
    }
    if ((!p_.subnets.empty() || !p_.security_groups.empty()) && exported("vpc.allowed")) {
      // ForAnyValue: refuse if any one subnet / group is outside the list;
      // false when the key is absent, which vpc.required covers.
      if (!p_.subnets.empty()) {
        add("DenyVpcSubnetNotAllowed", kVpcKeys,
            Json{{"ForAnyValue:StringNotEquals", {{"sagemaker:VpcSubnets", p_.subnets}}}});
      }
      if (!p_.security_groups.empty()) {
        add("DenyVpcSecurityGroupNotAllowed", kVpcKeys,
            Json{{"ForAnyValue:StringNotEquals",
                  {{"sagemaker:VpcSecurityGroupIds", p_.security_groups}}}});
      }
    }
  }

  // A boolean practice: refuse an explicit false and an omitted flag.
  void flag(std::string_view rule, const std::string& key, const std::string& name,
            const Actions& actions) {
    if (!exported(rule)) return;
    add("Deny" + name + "Off", actions, Json{{"Bool", {{key, "false"}}}});
    add("Deny" + name + "Missing", actions, Json{{"Null", {{key, "true"}}}});
  }

  void kms() {
    if (exported("kms.volume")) {
      Json cond{{"Null", {{"sagemaker:VolumeKmsKeyArn", "true"}}}};
      // SageMaker rejects a volume key on local-NVMe instance types: deny a
      // missing key only when every instance type in the request is not NVMe.
      if (!p_.nvme_instance_types.empty()) {
        cond["ForAllValues:StringNotLike"] = {{"sagemaker:InstanceTypes", p_.nvme_instance_types}};
      }
      add("DenyMissingVolumeKmsKey", kVolumeKms, std::move(cond));
    }
    if (exported("kms.output")) {
      add("DenyMissingOutputKmsKey", kOutputKms,
          Json{{"Null", {{"sagemaker:OutputKmsKeyArn", "true"}}}});
    }
    std::vector<std::string> allowed = p_.kms_allowed;
    if (allowed.empty()) {
      for (const auto& k : {p_.volume_key, p_.output_key}) {
        if (k && std::find(allowed.begin(), allowed.end(), *k) == allowed.end()) {
          allowed.push_back(*k);
        }
      }
    }
    if (allowed.empty() || !exported("kms.allowed")) return;
    add("DenyVolumeKmsKeyNotAllowed", kVolumeKms,
        Json{{"StringNotEquals", {{"sagemaker:VolumeKmsKeyArn", allowed}}},
             {"Null", {{"sagemaker:VolumeKmsKeyArn", "false"}}}});
    add("DenyOutputKmsKeyNotAllowed", kOutputKms,
        Json{{"StringNotEquals", {{"sagemaker:OutputKmsKeyArn", allowed}}},
             {"Null", {{"sagemaker:OutputKmsKeyArn", "false"}}}});
  }

  void instance_types() {
    if (p_.instance_types.empty() || !exported("instance.allowed")) return;
    add("DenyInstanceTypeNotAllowed", kInstanceTypes,
        Json{{"ForAnyValue:StringNotLike", {{"sagemaker:InstanceTypes", p_.instance_types}}}});
  }

  // A string setting that must hold `good`: an absent key is the API's
  // default, which is not it, and StringNotEquals is true for an absent key.
  void setting(std::string_view rule, const std::string& key, const std::string& good,
               const std::string& sid, const Actions& actions) {
    if (!exported(rule)) return;
    add(sid, actions, Json{{"StringNotEquals", {{key, good}}}});
  }

  void estate() {
    setting("network.direct-internet", "sagemaker:DirectInternetAccess", "Disabled",
            "DenyNotebookDirectInternetAccess", {kNotebook});
    setting("notebook.root-access", "sagemaker:RootAccess", "Disabled", "DenyNotebookRootAccess",
            {kNotebook});
    // An absent key is the API's default, 1, so StringNotEquals denying it is right.
    setting("notebook.imds-v2", "sagemaker:MinimumInstanceMetadataServiceVersion", "2",
            "DenyNotebookImdsV1", {kNotebook});
    setting("network.vpc-only", "sagemaker:AppNetworkAccessType", "VpcOnly",
            "DenyDomainNotVpcOnly", {kDomain});
    if (p_.manual_approval && exported("registry.manual-approval")) {
      // Only a status that is there: IAM cannot tell a version registered
      // without one from an unversioned package, which has none.
      add("DenyModelPackageNotPendingApproval", {kModelPackage},
          Json{{"StringNotEquals", {{"sagemaker:ModelApprovalStatus", "PendingManualApproval"}}},
               {"Null", {{"sagemaker:ModelApprovalStatus", "false"}}}});
      note("registry.manual-approval",
           "a model package version registered without ModelApprovalStatus is not denied: IAM "
           "cannot tell it from an unversioned package");
    }
  }

  void not_expressible() {
    static const std::pair<std::string_view, std::string_view> kWhy[] = {
        {"request.invalid", "SageMaker validates requests itself; no IAM key checks them"},
        {"tags.invalid", "AWS enforces its own tag limits; IAM keys cannot express them"},
        {"tags.propagation", "IAM cannot compare a resource's tags with its training job's"},
        {"spot.enabled", "no IAM condition key for managed spot training"},
        {"spot.max-wait", "no IAM condition key for stopping conditions"},
        {"spot.checkpoint", "no IAM condition key for checkpoint configuration"},
        {"runtime.max", "no IAM condition key for MaxRuntimeInSeconds"},
        {"budget.max-cost", "IAM cannot price a job"},
        {"waiver.expired", "waivers exist only in sageguard"},
        {"notebook.platform", "no IAM condition key for the notebook platform"},
        {"instance.min-count", "no IAM condition key for a variant's instance count"},
        {"image.registry", "no IAM condition key for a model's container images"},
    };
    for (const auto& [rule, why] : kWhy) {
      if (p_.severity_of(std::string(rule)) != Severity::off) note(rule, std::string(why));
    }
    for (const auto& w : p_.waivers) {
      if (p_.severity_of(w.rule) != Severity::error) continue;
      note(w.rule, fmt::format("waiver for '{}' (expires {}) is not applied: IAM cannot see "
                               "waivers, so matching resources are still denied",
                               w.resource, w.expires));
    }
  }

  const Policy& p_;
  std::vector<std::string>* notes_;
  std::vector<Json> out_;
  std::set<std::string> sids_;
  std::set<std::string> advisory_noted_;
};

bool is_regex_meta(char c) {
  return std::string_view("^$|()[]{}*+?.\\").find(c) != std::string_view::npos;
}

}  // namespace

std::vector<nlohmann::ordered_json> deny_statements(const Policy& policy,
                                                    std::vector<std::string>* unexpressible) {
  return Builder(policy, unexpressible).build();
}

std::optional<std::string> regex_to_string_like(std::string_view re) {
  std::string out;
  for (size_t i = 0; i < re.size(); ++i) {
    const char c = re[i];
    const char next = i + 1 < re.size() ? re[i + 1] : '\0';
    if (c == '\\') {
      // \. \- \@ ... are literals; \d \s \w \b are classes or assertions.
      if (next == '\0' || std::isalnum(static_cast<unsigned char>(next)) || next == '*' ||
          next == '?') {
        return std::nullopt;
      }
      out += next;
      ++i;
    } else if (c == '.') {
      if (next == '*') {
        out += '*';
        ++i;
      } else if (next == '+') {
        out += "?*";
        ++i;
      } else if (next == '?' || next == '{') {
        return std::nullopt;
      } else {
        out += '?';
      }
    } else if ((c == '^' && i == 0) || (c == '$' && i + 1 == re.size())) {
      continue;  // anchors add nothing to a whole-value match
    } else if (is_regex_meta(c)) {
      return std::nullopt;
    } else {
      // A quantifier after a literal (a+, b{2}) is not expressible.
      if (next == '*' || next == '+' || next == '?' || next == '{') return std::nullopt;
      out += c;
    }
  }
  // "${" starts an IAM policy variable.
  if (out.find("${") != std::string::npos) return std::nullopt;
  return out;
}

}  // namespace sageguard::policy_internal
