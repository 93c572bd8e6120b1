// spot.enabled, spot.max-wait, spot.checkpoint: managed spot training, the
// cheapest way to train, and the settings without which it fails or loses work.
#include <fmt/format.h>

#include "rules/kind_layout.h"
#include "rules/rule_context.h"

namespace sageguard::rules {

void check_spot(RuleContext& ctx) {
  if (!layout_of(ctx.resource().kind).spot) return;
  for_each_scope(ctx.resource(), [&](const Scope& s) {
    const Lookup spot = lookup(*s.obj, "EnableManagedSpotTraining");
    if (spot.state == LookupState::unresolved) return;
    const bool on = spot.state == LookupState::found && spot.value->is_true();
    const PointerRef spot_ptr{s.pointer, "EnableManagedSpotTraining"};
    const Lookup wait = lookup(*s.obj, "StoppingCondition/MaxWaitTimeInSeconds");
    const Lookup run = lookup(*s.obj, "StoppingCondition/MaxRuntimeInSeconds");
    const PointerRef wait_ptr{s.pointer, "StoppingCondition/MaxWaitTimeInSeconds"};

    if (!on) {
      if (ctx.enabled("spot.enabled")) {
        const uint64_t at = spot.value ? spot.value->offset() : s.obj->offset();
        ctx.emit("spot.enabled", at, spot_ptr,
                 "managed spot training is off (EnableManagedSpotTraining): spot capacity "
                 "typically costs up to 90% less");
      }
      if (wait.state == LookupState::found && ctx.enabled("spot.max-wait")) {
        ctx.emit("spot.max-wait", wait.value->offset(), wait_ptr,
                 "MaxWaitTimeInSeconds is set without managed spot training; the API rejects it");
      }
      return;
    }
    if (ctx.enabled("spot.max-wait") && wait.state != LookupState::unresolved) {
      if (wait.state == LookupState::missing) {
        ctx.emit_missing("spot.max-wait", wait, *s.obj, wait_ptr,
                         "managed spot training without StoppingCondition.MaxWaitTimeInSeconds");
      } else if (run.state == LookupState::found && wait.value->is_number() &&
                 run.value->is_number() && wait.value->as_number() < run.value->as_number()) {
        ctx.emit("spot.max-wait", wait.value->offset(), wait_ptr,
                 fmt::format("MaxWaitTimeInSeconds ({}) is below MaxRuntimeInSeconds ({})",
                             wait.value->as_number(), run.value->as_number()));
      }
    }
    if (ctx.enabled("spot.checkpoint")) {
      const Lookup ck = lookup(*s.obj, "CheckpointConfig/S3Uri");
      const PointerRef ck_ptr{s.pointer, "CheckpointConfig/S3Uri"};
      const char* what =
          "managed spot training without CheckpointConfig.S3Uri: an interruption restarts the "
          "job from zero";
      if (ck.state == LookupState::missing) {
        ctx.emit_missing("spot.checkpoint", ck, *s.obj, ck_ptr, what);
      } else if (ck.state == LookupState::found && is_empty_string(*ck.value)) {
        ctx.emit("spot.checkpoint", ck.value->offset(), ck_ptr,
                 std::string(what) + " (the URI is an empty string)");
      }
    }
  });
}

}  // namespace sageguard::rules
