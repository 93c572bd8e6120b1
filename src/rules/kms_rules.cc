// kms.volume, kms.output, kms.allowed: customer-managed keys for storage
// volumes and outputs. Volume keys are not applicable on local-NVMe instance
// types (SageMaker encrypts those disks itself and rejects a key).
#include <fmt/format.h>

#include <algorithm>

#include "rules/kind_layout.h"
#include "rules/rule_context.h"

namespace sageguard::rules {
namespace {

// Why a volume key does not apply to this scope, or "" if it does.
std::string volume_key_exemption(const RuleContext& ctx, const Scope& s) {
  const auto types = instance_types_of(*s.obj, ctx.resource().kind);
  for (const auto& t : types) {
    if (ctx.policy().is_nvme(t.value->as_string())) return std::string(t.value->as_string());
  }
  if (ctx.resource().kind == ResourceKind::endpoint_config && types.empty()) {
    return "serverless";  // no instance-backed variant: no volume to encrypt
  }
  return "";
}

void check_allowed(RuleContext& ctx, const Value& key, const PointerRef& ptr) {
  const auto& allowed = ctx.policy().kms_allowed;
  if (allowed.empty() || !key.is_string() || !ctx.enabled("kms.allowed")) return;
  if (std::find(allowed.begin(), allowed.end(), key.as_string()) != allowed.end()) return;
  ctx.emit("kms.allowed", key.offset(), ptr,
           fmt::format("KMS key '{}' is not in the policy's allow-list", key.as_string()));
}

}  // namespace

void check_kms(RuleContext& ctx) {
  const KindLayout& layout = layout_of(ctx.resource().kind);
  for_each_scope(ctx.resource(), [&](const Scope& s) {
    if (!layout.volume_kms.empty()) {
      const Lookup l = lookup(*s.obj, layout.volume_kms);
      const PointerRef ptr{s.pointer, layout.volume_kms};
      if (l.state == LookupState::found) {
        check_allowed(ctx, *l.value, ptr);
      } else if (l.state == LookupState::missing && ctx.enabled("kms.volume") &&
                 volume_key_exemption(ctx, s).empty()) {
        ctx.emit_missing("kms.volume", l, *s.obj, ptr,
                         fmt::format("no volume KMS key ({}): storage volumes use an "
                                     "AWS-managed key",
                                     dotted(layout.volume_kms)));
      }
    }
    for (auto path : layout.output_kms) {
      const Lookup l = lookup(*s.obj, path);
      const PointerRef ptr{s.pointer, path};
      if (l.state == LookupState::found) {
        check_allowed(ctx, *l.value, ptr);
        continue;  // next output path
      }
      // Applies only where the output exists: a job without an output config
      // (or an endpoint config without async output / data capture) has no
      // output to encrypt; a missing required config is request.invalid.
      if (l.state != LookupState::missing || !ctx.enabled("kms.output")) continue;
      const std::string_view parent = path.substr(0, path.rfind('/'));
      if (lookup(*s.obj, parent).state != LookupState::found) continue;
      ctx.emit_missing("kms.output", l, *s.obj, ptr,
                       fmt::format("no output KMS key ({}): outputs use an AWS-managed key",
                                   dotted(path)));
    }
  });
}

}  // namespace sageguard::rules
