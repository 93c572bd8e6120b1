// vpc.required, vpc.allowed, encryption.inter-container, network.isolation:
// where a job's traffic may go. Paths per kind come from kind_layout.
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "rules/code_fetch.h"
#include "rules/kind_layout.h"
#include "rules/rule_context.h"

namespace sageguard::rules {
namespace {

bool in_list(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// Subnets / SecurityGroupIds name at least one id: "" names none.
bool has_id(const Value& list) {
  return std::any_of(list.items().begin(), list.items().end(),
                     [](const Value& v) { return !is_empty_string(v); });
}

void check_vpc(RuleContext& ctx, const Scope& s, std::string_view path) {
  const Lookup l = lookup(*s.obj, path);
  if (l.state == LookupState::unresolved) return;
  const PointerRef ptr{s.pointer, path};
  if (l.state == LookupState::missing || !l.value->is_object()) {
    if (ctx.enabled("vpc.required") && l.state == LookupState::missing) {
      ctx.emit_missing("vpc.required", l, *s.obj, ptr,
                       fmt::format("no {}: the job does not run inside the company VPC",
                                   dotted(path)));
    }
    return;
  }
  const Value& vpc = *l.value;
  struct Part {
    const char* member;
    const char* what;
    const std::vector<std::string>* allowed;
  };
  const Part parts[] = {{"Subnets", "subnets", &ctx.policy().subnets},
                        {"SecurityGroupIds", "security groups", &ctx.policy().security_groups}};
  for (const auto& p : parts) {
    const Lookup m = lookup(vpc, p.member);
    if (m.state == LookupState::unresolved) continue;
    if (m.state == LookupState::missing || (m.value->is_array() && !has_id(*m.value))) {
      if (ctx.enabled("vpc.required")) {
        ctx.emit("vpc.required", m.value ? m.value->offset() : vpc.offset(),
                 ptr.str() + "/" + p.member, fmt::format("VpcConfig has no {}", p.what));
      }
      continue;
    }
    if (!m.value->is_array() || p.allowed->empty() || !ctx.enabled("vpc.allowed")) continue;
    for (size_t i = 0; i < m.value->items().size(); ++i) {
      const Value& id = m.value->items()[i];
      // "" is no id (request.invalid reports it), not one outside the list.
      if (!id.is_string() || id.as_string().empty() || in_list(*p.allowed, id.as_string())) {
        continue;
      }
      ctx.emit("vpc.allowed", id.offset(), fmt::format("{}/{}/{}", ptr.str(), p.member, i),
               fmt::format("{} '{}' is not in the policy's allow-list", p.what, id.as_string()));
    }
  }
}

enum class CodeGuard : bool { no, yes };

// With CodeGuard::yes (network isolation), a finding on a job that fetches
// its code over the network says fix must not turn the flag on, and why.
void check_flag(RuleContext& ctx, const Scope& s, std::string_view path, std::string_view rule,
                std::string_view what, CodeGuard guard = CodeGuard::no) {
  if (path.empty() || !ctx.enabled(rule)) return;
  const Lookup l = lookup(*s.obj, path);
  if (l.state == LookupState::unresolved) return;
  if (l.state == LookupState::found && !(l.value->is_bool() && !l.value->as_bool())) return;
  const PointerRef ptr{s.pointer, path};
  const std::optional<std::string> blocked =
      guard == CodeGuard::yes ? isolation_blocks_code(ctx.resource(), s) : std::nullopt;
  const std::string why = blocked ? "; not fixed automatically: " + *blocked : "";
  if (l.state == LookupState::missing) {
    ctx.emit_missing(
        rule, l, *s.obj, ptr,
        fmt::format("{} is not set ({} is off by default){}", dotted(path), what, why));
  } else {
    ctx.emit(rule, l.value->offset(), ptr,
             fmt::format("{} is false ({} is off){}", dotted(path), what, why));
  }
  if (blocked) ctx.mark_not_fixable();
}

}  // namespace

void check_network(RuleContext& ctx) {
  const KindLayout& layout = layout_of(ctx.resource().kind);
  for_each_scope(ctx.resource(), [&](const Scope& s) {
    if (!layout.vpc.empty() && (ctx.enabled("vpc.required") || ctx.enabled("vpc.allowed"))) {
      check_vpc(ctx, s, layout.vpc);
    }
    check_flag(ctx, s, layout.inter_container, "encryption.inter-container",
               "inter-container traffic encryption");
    check_flag(ctx, s, layout.isolation, "network.isolation", "network isolation",
               CodeGuard::yes);
  });
  check_estate_network(ctx);
}

}  // namespace sageguard::rules
