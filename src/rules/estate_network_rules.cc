// Where notebooks' and Studio's traffic may go: vpc.required / vpc.allowed
// for kinds that name subnets and security groups in members of their own
// (KindLayout::subnets / security_groups), network.direct-internet
// (notebook instances) and network.vpc-only (Studio domains).
#include <fmt/format.h>

#include <algorithm>

#include "rules/kind_layout.h"
#include "rules/rule_context.h"

namespace sageguard::rules {
namespace {

// The first of `paths` that exists (a notebook's SecurityGroupIds in a
// request, SecurityGroups in a Describe* response; a domain's user and
// space settings): what vpc.required judges. `unresolved` when one is an
// expression: say nothing then.
struct Ids {
  Lookup at;
  std::string_view path;
  bool unresolved = false;
};

Ids first_present(const Value& root, const std::vector<std::string_view>& paths) {
  Ids out;
  for (auto p : paths) {
    Lookup l = lookup(root, p);
    if (l.state == LookupState::unresolved) {
      out.unresolved = true;
      return out;
    }
    if (l.state == LookupState::found) {
      out.at = l;
      out.path = p;
      return out;
    }
    if (out.path.empty()) {
      out.at = l;
      out.path = p;
    }
  }
  return out;
}

bool names_an_id(const Value& v) {
  if (v.is_string()) return !v.as_string().empty();
  if (!v.is_array()) return true;  // request.invalid reports the type
  return std::any_of(v.items().begin(), v.items().end(),
                     [](const Value& i) { return !is_empty_string(i); });
}

void check_allowed_ids(RuleContext& ctx, const Value& v, std::string_view path,
                       const std::vector<std::string>& allowed, const char* what) {
  if (allowed.empty() || !ctx.enabled("vpc.allowed")) return;
  auto one = [&](const Value& id, const std::string& pointer) {
    if (!id.is_string() || id.as_string().empty()) return;
    if (std::find(allowed.begin(), allowed.end(), id.as_string()) != allowed.end()) return;
    ctx.emit("vpc.allowed", id.offset(), pointer,
             fmt::format("{} '{}' is not in the policy's allow-list", what, id.as_string()));
  };
  if (v.is_string()) {
    one(v, to_pointer(path));
    return;
  }
  if (!v.is_array()) return;
  for (size_t i = 0; i < v.items().size(); ++i) {
    one(v.items()[i], fmt::format("{}/{}", to_pointer(path), i));
  }
}

void check_ids(RuleContext& ctx, const std::vector<std::string_view>& paths, bool required,
               const std::vector<std::string>& allowed, const char* what) {
  if (paths.empty()) return;
  const Value& root = *ctx.resource().root;
  const Ids ids = first_present(root, paths);
  if (ids.unresolved) return;
  const char* kind = kind_name(ctx.resource().kind);
  if (ids.at.state == LookupState::missing || !names_an_id(*ids.at.value)) {
    if (required && ctx.enabled("vpc.required")) {
      const std::string msg =
          fmt::format("no {} ({}): the {} does not run inside the company VPC", what,
                      dotted(ids.path), kind);
      if (ids.at.state == LookupState::missing) {
        ctx.emit_missing("vpc.required", ids.at, root, to_pointer(ids.path), msg);
      } else {
        ctx.emit("vpc.required", ids.at.value->offset(), to_pointer(ids.path), msg);
      }
    }
    return;
  }
  // Every list present is held to the allow-list.
  for (auto p : paths) {
    const Lookup l = lookup(root, p);
    if (l.state == LookupState::found) check_allowed_ids(ctx, *l.value, p, allowed, what);
  }
}

// A string member that must hold `good`; absent means the API's default
// `fallback`, which is not it.
void check_setting(RuleContext& ctx, std::string_view rule, std::string_view member,
                   std::string_view good, std::string_view fallback, std::string_view why) {
  if (!ctx.enabled(rule)) return;
  const Value& root = *ctx.resource().root;
  const Lookup l = lookup(root, member);
  if (l.state == LookupState::unresolved) return;
  if (l.state == LookupState::missing) {
    ctx.emit_missing(rule, l, root, to_pointer(member),
                     fmt::format("{} is not set (it defaults to {}): {}", member, fallback, why));
    return;
  }
  if (!l.value->is_string() || l.value->as_string() == good) return;
  ctx.emit(rule, l.value->offset(), to_pointer(member),
           fmt::format("{} is {}: {}", member, l.value->as_string(), why));
}

}  // namespace

void check_estate_network(RuleContext& ctx) {
  const ResourceKind kind = ctx.resource().kind;
  const KindLayout& layout = layout_of(kind);
  using Required = KindLayout::FlatVpcRequired;
  if (ctx.enabled("vpc.required") || ctx.enabled("vpc.allowed")) {
    check_ids(ctx, layout.subnets, layout.flat_vpc_required != Required::none,
              ctx.policy().subnets, "subnets");
    check_ids(ctx, layout.security_groups, layout.flat_vpc_required == Required::both,
              ctx.policy().security_groups, "security groups");
  }
  if (kind == ResourceKind::notebook_instance) {
    check_setting(ctx, "network.direct-internet", "DirectInternetAccess", "Disabled", "Enabled",
                  "the notebook reaches the internet directly, around the company VPC");
  } else if (kind == ResourceKind::domain) {
    check_setting(ctx, "network.vpc-only", "AppNetworkAccessType", "VpcOnly",
                  "PublicInternetOnly",
                  "Studio apps reach the internet through SageMaker's network, not the "
                  "company VPC");
  }
}

}  // namespace sageguard::rules
