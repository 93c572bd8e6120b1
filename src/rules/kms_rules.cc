// kms.volume, kms.output, kms.allowed: customer-managed keys for storage
// volumes and outputs. Volume keys are not applicable on local-NVMe instance
// types (SageMaker encrypts those disks itself and rejects a key). An empty
// key ("KmsKeyId": "", as Describe* output and AWS's examples carry it) is
// no key.
#include <fmt/format.h>

#include <algorithm>

#include "rules/kind_layout.h"
#include "rules/rule_context.h"

namespace sageguard::rules {
namespace {

// Whether a volume key applies to this scope, and the instance type that
// decided it when it came from a pipeline parameter's default.
struct VolumeKeyNeed {
  bool applies = true;
  const InstanceType* via_parameter = nullptr;
};

VolumeKeyNeed volume_key_need(const InstanceTypes& types, const RuleContext& ctx) {
  VolumeKeyNeed need;
  if (!layout_of(ctx.resource().kind).volume_kms_nvme_exempt) return need;
  for (const auto& t : types.known) {
    if (ctx.policy().is_nvme(t.type)) return {false, nullptr};
    if (!t.parameter.empty()) need.via_parameter = &t;
  }
  // A type only known at run time could be an NVMe one: say nothing.
  if (types.unresolved) return {false, nullptr};
  if (ctx.resource().kind == ResourceKind::endpoint_config && types.known.empty()) {
    return {false, nullptr};  // serverless: no instance-backed variant, no volume
  }
  return need;
}

void check_allowed(RuleContext& ctx, const Value& key, const PointerRef& ptr) {
  const auto& allowed = ctx.policy().kms_allowed;
  if (allowed.empty() || !key.is_string() || !ctx.enabled("kms.allowed")) return;
  if (std::find(allowed.begin(), allowed.end(), key.as_string()) != allowed.end()) return;
  ctx.emit("kms.allowed", key.offset(), ptr,
           fmt::format("KMS key '{}' is not in the policy's allow-list", key.as_string()));
}

// A key that is absent, or present as "": the finding points at the empty
// value itself, or at the object that lacks the member.
void emit_no_key(RuleContext& ctx, std::string_view rule, const Lookup& l, const Value& scope,
                 const PointerRef& ptr, std::string message) {
  if (l.state == LookupState::found) {
    ctx.emit(rule, l.value->offset(), ptr, std::move(message) + " (the key is an empty string)");
  } else {
    ctx.emit_missing(rule, l, scope, ptr, std::move(message));
  }
}

}  // namespace

void check_kms(RuleContext& ctx) {
  const KindLayout& layout = layout_of(ctx.resource().kind);
  for_each_scope(ctx.resource(), [&](const Scope& s) {
    if (!layout.volume_kms.empty() &&
        (layout.volume_kms_when.empty() ||
         lookup(*s.obj, layout.volume_kms_when).state == LookupState::found)) {
      const Lookup l = lookup(*s.obj, layout.volume_kms);
      const PointerRef ptr{s.pointer, layout.volume_kms};
      const bool empty = l.state == LookupState::found && is_empty_string(*l.value);
      if (l.state == LookupState::found && !empty) {
        check_allowed(ctx, *l.value, ptr);
      } else if (l.state != LookupState::unresolved && ctx.enabled("kms.volume")) {
        const InstanceTypes types = instance_types_of(*s.obj, ctx.resource());
        const VolumeKeyNeed need = volume_key_need(types, ctx);
        if (need.applies) {
          emit_no_key(ctx, "kms.volume", l, *s.obj, ptr,
                      fmt::format("no volume KMS key ({}): storage volumes use an AWS-managed "
                                  "key{}",
                                  dotted(layout.volume_kms),
                                  need.via_parameter ? parameter_note(*need.via_parameter) : ""));
        }
      }
    }
    for (auto path : layout.output_kms) {
      const Lookup l = lookup(*s.obj, path);
      const PointerRef ptr{s.pointer, path};
      const bool empty = l.state == LookupState::found && is_empty_string(*l.value);
      if (l.state == LookupState::found && !empty) {
        check_allowed(ctx, *l.value, ptr);
        continue;  // next output path
      }
      // Applies only where the output exists: a job without an output config
      // (or an endpoint config without async output / data capture) has no
      // output to encrypt; a missing required config is request.invalid.
      if (l.state == LookupState::unresolved || !ctx.enabled("kms.output")) continue;
      const std::string_view parent = path.substr(0, path.rfind('/'));
      if (!empty && lookup(*s.obj, parent).state != LookupState::found) continue;
      emit_no_key(ctx, "kms.output", l, *s.obj, ptr,
                  fmt::format("no output KMS key ({}): outputs use an AWS-managed key",
                              dotted(path)));
    }
  });
}

}  // namespace sageguard::rules
