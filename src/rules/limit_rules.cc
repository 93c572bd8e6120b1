// instance.allowed, runtime.max: the policy's limits on what a job may use.
// (budget.max-cost needs prices and is evaluated in check.cc through the
// injected CostEstimator.)
#include <fmt/format.h>

#include "rules/kind_layout.h"
#include "rules/rule_context.h"
#include "util/glob.h"
#include "util/strings.h"

namespace sageguard::rules {

void check_limits(RuleContext& ctx) {
  const Policy& p = ctx.policy();
  const KindLayout& layout = layout_of(ctx.resource().kind);
  for_each_scope(ctx.resource(), [&](const Scope& s) {
    if (!p.instance_types.empty() && ctx.enabled("instance.allowed")) {
      // A type given by a pipeline parameter is checked at its default (a
      // run may pass another); one with no default stays unresolved.
      for (const auto& t : instance_types_of(*s.obj, ctx.resource()).known) {
        bool ok = false;
        for (const auto& g : p.instance_types) ok = ok || glob_match(g, t.type);
        if (ok) continue;
        ctx.emit("instance.allowed", t.at->offset(), s.pointer + t.pointer,
                 fmt::format("instance type '{}'{} is not allowed by the policy ({})", t.type,
                             parameter_note(t), join(p.instance_types, ", ")));
      }
    }
    if (p.max_runtime_seconds && !layout.max_runtime.empty() && ctx.enabled("runtime.max")) {
      const Lookup l = lookup(*s.obj, layout.max_runtime);
      const PointerRef ptr{s.pointer, layout.max_runtime};
      if (l.state == LookupState::missing) {
        ctx.emit_missing("runtime.max", l, *s.obj, ptr,
                         fmt::format("no StoppingCondition.MaxRuntimeInSeconds; the policy "
                                     "limits runs to {} s",
                                     *p.max_runtime_seconds));
      } else if (l.state == LookupState::found && l.value->is_number() &&
                 l.value->as_number() > static_cast<double>(*p.max_runtime_seconds)) {
        ctx.emit("runtime.max", l.value->offset(), ptr,
                 fmt::format("MaxRuntimeInSeconds {} is above the policy's limit of {} s",
                             l.value->as_number(), *p.max_runtime_seconds));
      }
    }
  });
  check_estate_limits(ctx);
}

}  // namespace sageguard::rules
