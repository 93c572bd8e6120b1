// What the rest of the estate may run with: notebook.root-access,
// notebook.imds-v2,
// notebook.platform (limits.min_notebook_platform), instance.min-count
// (limits.min_instance_count on production endpoint configs),
// image.registry (images.allowed_registries) and registry.manual-approval
// (registry.manual_approval).
#include <fmt/format.h>

#include <algorithm>

#include "rules/rule_context.h"

namespace sageguard::rules {
namespace {

void check_root_access(RuleContext& ctx) {
  if (!ctx.enabled("notebook.root-access")) return;
  const Value& root = *ctx.resource().root;
  const Lookup l = lookup(root, "RootAccess");
  if (l.state == LookupState::unresolved) return;
  if (l.state == LookupState::missing) {
    ctx.emit_missing("notebook.root-access", l, root, "/RootAccess",
                     "RootAccess is not set (it defaults to Enabled): notebook users can change "
                     "the instance as root");
  } else if (l.value->is_string() && l.value->as_string() == "Enabled") {
    ctx.emit("notebook.root-access", l.value->offset(), "/RootAccess",
             "RootAccess is Enabled: notebook users can change the instance as root");
  }
}

// botocore's documentation of CreateNotebookInstance: without the member the
// instance accepts IMDSv1 as well as IMDSv2.
void check_imds(RuleContext& ctx) {
  if (!ctx.enabled("notebook.imds-v2")) return;
  constexpr std::string_view kPath =
      "InstanceMetadataServiceConfiguration/MinimumInstanceMetadataServiceVersion";
  const Value& root = *ctx.resource().root;
  const Lookup l = lookup(root, kPath);
  if (l.state == LookupState::unresolved) return;
  if (l.state == LookupState::missing) {
    ctx.emit_missing("notebook.imds-v2", l, root, to_pointer(kPath),
                     "MinimumInstanceMetadataServiceVersion is not set (it defaults to 1): the "
                     "notebook answers IMDSv1 requests, which need no session token");
  } else if (l.value->is_string() && l.value->as_string() == "1") {
    ctx.emit("notebook.imds-v2", l.value->offset(), to_pointer(kPath),
             "MinimumInstanceMetadataServiceVersion is 1: the notebook answers IMDSv1 requests, "
             "which need no session token");
  }
}

// The API's default platform when PlatformIdentifier is absent (botocore's
// documentation of CreateNotebookInstance).
constexpr std::string_view kDefaultPlatform = "notebook-al2-v2";

void check_platform(RuleContext& ctx) {
  const auto& min = ctx.policy().min_notebook_platform;
  if (!min || !ctx.enabled("notebook.platform")) return;
  const auto want = parse_notebook_platform(*min);
  if (!want) return;  // the loader refuses such a policy
  const Value& root = *ctx.resource().root;
  const Lookup l = lookup(root, "PlatformIdentifier");
  if (l.state == LookupState::unresolved) return;
  if (l.state == LookupState::missing) {
    if (*parse_notebook_platform(kDefaultPlatform) >= *want) return;
    ctx.emit_missing("notebook.platform", l, root, "/PlatformIdentifier",
                     fmt::format("PlatformIdentifier is not set (it defaults to {}), older than "
                                 "the policy's minimum {}",
                                 kDefaultPlatform, *min));
    return;
  }
  if (!l.value->is_string()) return;
  const auto have = parse_notebook_platform(l.value->as_string());
  if (!have || *have >= *want) return;  // an unknown platform is request.invalid's
  ctx.emit("notebook.platform", l.value->offset(), "/PlatformIdentifier",
           fmt::format("platform {} is older than the policy's minimum {}",
                       l.value->as_string(), *min));
}

std::vector<std::pair<std::string_view, std::string_view>> tags_of(const Value& root) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  const Value* tags = root.find("Tags");
  if (tags == nullptr || !tags->is_array()) return out;
  for (const Value& t : tags->items()) {
    const Value* k = t.is_object() ? t.find("Key") : nullptr;
    const Value* v = t.is_object() ? t.find("Value") : nullptr;
    if (k && v && k->is_string() && v->is_string()) out.emplace_back(k->as_string(), v->as_string());
  }
  return out;
}

void check_min_count(RuleContext& ctx) {
  const Policy& p = ctx.policy();
  if (!p.min_instance_count || !ctx.enabled("instance.min-count")) return;
  const Resource& r = ctx.resource();
  if (!p.is_production(r.name, tags_of(*r.root))) return;
  const Value* variants = r.root->find("ProductionVariants");
  if (variants == nullptr || !variants->is_array()) return;
  for (size_t i = 0; i < variants->items().size(); ++i) {
    const Value& v = variants->items()[i];
    if (!v.is_object()) continue;
    // Serverless variants have no instances to count.
    const Value* count = v.find("InitialInstanceCount");
    if (count == nullptr || !count->is_number()) continue;
    if (count->as_number() >= static_cast<double>(*p.min_instance_count)) continue;
    ctx.emit("instance.min-count", count->offset(),
             fmt::format("/ProductionVariants/{}/InitialInstanceCount", i),
             fmt::format("production variant runs on {} instance(s); the policy asks for at "
                         "least {} for production endpoints",
                         count->as_number(), *p.min_instance_count));
  }
}

// The account of an ECR image URI (ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn]/...),
// or "" for any other registry.
std::string_view ecr_account(std::string_view image) {
  const size_t slash = image.find('/');
  if (slash == std::string_view::npos) return {};
  const std::string_view host = image.substr(0, slash);
  const size_t dot = host.find('.');
  if (dot != 12) return {};
  const std::string_view account = host.substr(0, 12);
  if (account.find_first_not_of("0123456789") != std::string_view::npos) return {};
  const std::string_view rest = host.substr(12);
  if (!rest.starts_with(".dkr.ecr.") && !rest.starts_with(".dkr.ecr-fips.")) return {};
  if (!rest.ends_with(".amazonaws.com") && !rest.ends_with(".amazonaws.com.cn")) return {};
  return account;
}

void check_image(RuleContext& ctx, const Value& image, const std::string& pointer) {
  if (!image.is_string() || image.as_string().empty()) return;
  const auto& allowed = ctx.policy().allowed_registries;
  const std::string_view account = ecr_account(image.as_string());
  if (!account.empty() && std::find(allowed.begin(), allowed.end(), account) != allowed.end()) {
    return;
  }
  const std::string why =
      account.empty()
          ? std::string("not an ECR registry (public registries such as public.ecr.aws and "
                        "Docker Hub are refused)")
          : fmt::format("account {} is not in images.allowed_registries", account);
  ctx.emit("image.registry", image.offset(), pointer,
           fmt::format("image '{}' is not from an allowed registry: {}", image.as_string(), why));
}

void check_containers(RuleContext& ctx, const Value* containers, const std::string& pointer) {
  if (containers == nullptr || !containers->is_array()) return;
  for (size_t i = 0; i < containers->items().size(); ++i) {
    const Value& c = containers->items()[i];
    if (!c.is_object()) continue;
    if (const Value* image = c.find("Image")) {
      check_image(ctx, *image, fmt::format("{}/{}/Image", pointer, i));
    }
  }
}

void check_images(RuleContext& ctx) {
  if (ctx.policy().allowed_registries.empty() || !ctx.enabled("image.registry")) return;
  const Value& root = *ctx.resource().root;
  if (ctx.resource().kind == ResourceKind::model) {
    if (const Value* c = root.find("PrimaryContainer"); c && c->is_object()) {
      if (const Value* image = c->find("Image")) check_image(ctx, *image, "/PrimaryContainer/Image");
    }
    check_containers(ctx, root.find("Containers"), "/Containers");
    return;
  }
  if (const Value* spec = root.find("InferenceSpecification"); spec && spec->is_object()) {
    check_containers(ctx, spec->find("Containers"), "/InferenceSpecification/Containers");
  }
  if (const Value* more = root.find("AdditionalInferenceSpecifications"); more && more->is_array()) {
    for (size_t i = 0; i < more->items().size(); ++i) {
      const Value& spec = more->items()[i];
      if (!spec.is_object()) continue;
      check_containers(ctx, spec.find("Containers"),
                       fmt::format("/AdditionalInferenceSpecifications/{}/Containers", i));
    }
  }
}

// A versioned package (one in a group) is registered for approval. A
// Describe* response shows today's status, which an approver may since have
// changed: only requests are judged.
void check_manual_approval(RuleContext& ctx) {
  const Resource& r = ctx.resource();
  if (!ctx.policy().manual_approval || r.describe_response ||
      !ctx.enabled("registry.manual-approval")) {
    return;
  }
  const Lookup group = lookup(*r.root, "ModelPackageGroupName");
  if (group.state != LookupState::found) return;
  const Lookup l = lookup(*r.root, "ModelApprovalStatus");
  if (l.state == LookupState::unresolved) return;
  if (l.state == LookupState::missing) {
    ctx.emit_missing("registry.manual-approval", l, *r.root, "/ModelApprovalStatus",
                     "ModelApprovalStatus is not set: register the version as "
                     "PendingManualApproval so that a person approves it");
  } else if (l.value->is_string() && l.value->as_string() != "PendingManualApproval") {
    ctx.emit("registry.manual-approval", l.value->offset(), "/ModelApprovalStatus",
             fmt::format("the version is registered as {}, not PendingManualApproval: it skips "
                         "manual approval",
                         l.value->as_string()));
  }
}

}  // namespace

void check_estate_limits(RuleContext& ctx) {
  switch (ctx.resource().kind) {
    case ResourceKind::notebook_instance:
      check_root_access(ctx);
      check_imds(ctx);
      check_platform(ctx);
      return;
    case ResourceKind::endpoint_config: check_min_count(ctx); return;
    case ResourceKind::model: check_images(ctx); return;
    case ResourceKind::model_package:
      check_images(ctx);
      check_manual_approval(ctx);
      return;
    default: return;
  }
}

}  // namespace sageguard::rules
