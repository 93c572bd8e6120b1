// The fixes, rule by rule. Paths come from rules::layout_of (the same table
// the rules read) and each fix runs only where the check reported the
// finding at exactly the pointer the rule uses, so fix and check cannot
// disagree about what is wrong.
#include "fix/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "rules/kind_layout.h"
#include "rules/rule_context.h"
#include "sageguard/api_model.h"

namespace sageguard::fix {

FindingIndex::FindingIndex(const std::vector<Finding>& findings) {
  for (const auto& f : findings) {
    keys_.emplace(f.resource.kind, f.resource.name, f.rule, f.path);
  }
}

bool FindingIndex::has(const Resource& r, const std::string& rule,
                       const std::string& pointer) const {
  return keys_.count({kind_name(r.kind), r.name, rule, pointer}) > 0;
}

namespace {

using rules::Lookup;
using rules::LookupState;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return out;
}

std::string dotted(std::string_view path) {
  std::string s(path);
  std::replace(s.begin(), s.end(), '/', '.');
  return s;
}

// Add `value` at `path` below `scope`, creating the missing objects on the
// way. False if the member exists already or something in the way is not a
// plain object (null, scalar, unresolved expression): fix does not guess.
bool ensure(const Value& scope, std::string_view path, NewValue value, OpList& ops, uint64_t& at) {
  const auto segs = split_path(path);
  const Value* cur = &scope;
  for (size_t i = 0; i < segs.size(); ++i) {
    if (!cur->is_object() || is_unresolved_expression(*cur)) return false;
    const Value* next = cur->find(segs[i]);
    if (!next) {
      for (size_t j = segs.size() - 1; j > i; --j) {
        NewValue o = NewValue::object();
        o.add(segs[j], std::move(value));
        value = std::move(o);
      }
      ops.inserts.push_back(InsertOp{cur, segs[i], std::move(value)});
      at = cur->offset();
      return true;
    }
    if (i + 1 == segs.size()) return false;
    cur = next;
  }
  return false;
}

class Planner {
 public:
  Planner(const Policy& p, const FindingIndex& f, const std::function<bool(const std::string&)>& w,
          std::vector<PlannedChange>& out)
      : policy_(p), found_(f), wanted_(w), out_(out) {}

  void plan(const Resource& r) {
    r_ = &r;
    plan_tags();
    const rules::KindLayout& layout = rules::layout_of(r.kind);
    for (const rules::Scope& s : rules::scopes_of(r)) {
      if (!layout.vpc.empty()) plan_vpc(s, layout.vpc);
      plan_flag(s, layout.isolation, "network.isolation");
      plan_flag(s, layout.inter_container, "encryption.inter-container");
      plan_volume_key(s, layout.volume_kms);
      for (auto path : layout.output_kms) plan_output_key(s, path);
      if (layout.spot) plan_spot(s);
    }
  }

 private:
  bool asked(const std::string& rule, const std::string& pointer) const {
    return wanted_(rule) && found_.has(*r_, rule, pointer);
  }

  void add(PlannedChange c) {
    if (c.ops.empty()) return;
    c.resource = r_;
    out_.push_back(std::move(c));
  }

  // One change setting `path` below the scope; nothing if it cannot be set.
  void set(const rules::Scope& s, std::string_view path, NewValue v, const std::string& rule,
           std::string what) {
    PlannedChange c;
    uint64_t at = 0;
    if (!ensure(*s.obj, path, std::move(v), c.ops, at)) return;
    c.notes.push_back({rule, at, s.pointer + rules::to_pointer(path), std::move(what)});
    add(std::move(c));
  }

  void plan_tags() {
    if (!asked("tags.required", "/Tags")) return;
    const Value& root = *r_->root;
    const Value* tags = root.find("Tags");
    if (tags && (is_unresolved_expression(*tags) || !tags->is_array())) return;
    std::vector<std::string> present;
    if (tags) {
      for (const auto& t : tags->items()) {
        const Value* k = t.is_object() ? t.find("Key") : nullptr;
        if (k && k->is_string()) present.emplace_back(k->as_string());
      }
    }
    for (const auto& want : policy_.required_tags) {
      if (std::find(present.begin(), present.end(), want) != present.end()) continue;
      auto def = std::find_if(policy_.tag_defaults.begin(), policy_.tag_defaults.end(),
                              [&](const auto& d) { return d.first == want; });
      if (def == policy_.tag_defaults.end()) continue;  // no default: the finding stays
      PlannedChange c;
      NewValue tag = NewValue::tag(def->first, def->second);
      const std::string what = fmt::format("added tag '{}' = '{}'", def->first, def->second);
      if (tags) {
        c.ops.appends.push_back(AppendOp{tags, {std::move(tag)}});
        c.notes.push_back({"tags.required", tags->offset(), "/Tags", what});
      } else {
        NewValue list;
        list.kind = NewValue::Kind::array;
        list.items.push_back(std::move(tag));
        uint64_t at = 0;
        if (!ensure(root, "Tags", std::move(list), c.ops, at)) return;
        c.notes.push_back({"tags.required", at, "/Tags", what});
      }
      add(std::move(c));
    }
  }

  void plan_vpc(const rules::Scope& s, std::string_view path) {
    // The SDK drops a VpcConfig without both parts; so does fix.
    if (policy_.subnets.empty() || policy_.security_groups.empty()) return;
    const std::string ptr = s.pointer + rules::to_pointer(path);
    const Lookup l = rules::lookup(*s.obj, path);
    if (l.state == LookupState::missing) {
      if (!asked("vpc.required", ptr)) return;
      NewValue vpc = NewValue::object();
      vpc.add("SecurityGroupIds", NewValue::array_of_strings(policy_.security_groups));
      vpc.add("Subnets", NewValue::array_of_strings(policy_.subnets));
      set(s, path, std::move(vpc), "vpc.required",
          fmt::format("added {} (subnets {}; security groups {})", dotted(path),
                      fmt::join(policy_.subnets, ", "), fmt::join(policy_.security_groups, ", ")));
      return;
    }
    if (l.state != LookupState::found || !l.value->is_object()) return;
    const rules::Scope vpc{l.value, ptr};
    const std::pair<const char*, const std::vector<std::string>*> parts[] = {
        {"Subnets", &policy_.subnets}, {"SecurityGroupIds", &policy_.security_groups}};
    for (const auto& [member, list] : parts) {
      if (l.value->find(member) || !asked("vpc.required", ptr + "/" + member)) continue;
      set(vpc, member, NewValue::array_of_strings(*list), "vpc.required",
          fmt::format("added {}.{} ({})", dotted(path), member, fmt::join(*list, ", ")));
    }
  }

  void plan_flag(const rules::Scope& s, std::string_view path, const std::string& rule) {
    if (path.empty()) return;
    const std::string ptr = s.pointer + rules::to_pointer(path);
    if (!asked(rule, ptr)) return;
    const Lookup l = rules::lookup(*s.obj, path);
    const std::string what = fmt::format("set {} to true", dotted(path));
    if (l.state == LookupState::missing) {
      set(s, path, NewValue::of_bool(true), rule, what);
    } else if (l.state == LookupState::found && l.value->is_bool() && !l.value->as_bool()) {
      PlannedChange c;
      c.ops.replaces.push_back(ReplaceOp{l.value, NewValue::of_bool(true)});
      c.notes.push_back({rule, l.value->offset(), ptr, what});
      add(std::move(c));
    }
  }

  bool on_nvme(const rules::Scope& s) const {
    for (const auto& t : rules::instance_types_of(*s.obj, r_->kind)) {
      if (policy_.is_nvme(t.value->as_string())) return true;
    }
    return false;
  }

  void plan_volume_key(const rules::Scope& s, std::string_view path) {
    if (path.empty() || !policy_.volume_key) return;
    // SageMaker rejects a volume key on local-NVMe instance types.
    if (!asked("kms.volume", s.pointer + rules::to_pointer(path)) || on_nvme(s)) return;
    // The key's parent holds the instance type; without it NVMe is unknown.
    if (const size_t slash = path.rfind('/'); slash != std::string_view::npos) {
      const Lookup parent = rules::lookup(*s.obj, path.substr(0, slash));
      if (parent.state != LookupState::found || !parent.value->is_object()) return;
    }
    set(s, path, NewValue::of_string(*policy_.volume_key), "kms.volume",
        fmt::format("set {} to {}", dotted(path), *policy_.volume_key));
  }

  void plan_output_key(const rules::Scope& s, std::string_view path) {
    if (!policy_.output_key || !asked("kms.output", s.pointer + rules::to_pointer(path))) return;
    set(s, path, NewValue::of_string(*policy_.output_key), "kms.output",
        fmt::format("set {} to {}", dotted(path), *policy_.output_key));
  }

  // prefix + <job name>/ (a tuning job's TrainingJobDefinitions[] entry adds
  // <DefinitionName>/ so definitions do not share checkpoints). Pipeline
  // steps have no job name: the step name stands in.
  std::optional<std::string> checkpoint_uri(const rules::Scope& s) const {
    if (!policy_.checkpoint_s3_prefix || r_->name.empty()) return std::nullopt;
    std::string uri = *policy_.checkpoint_s3_prefix;
    if (!uri.empty() && uri.back() != '/') uri += '/';
    uri += r_->name + "/";
    if (s.pointer.rfind("/TrainingJobDefinitions/", 0) == 0) {
      const Value* def = s.obj->find("DefinitionName");
      if (!def || !def->is_string()) return std::nullopt;
      uri += def->as_string();
      uri += "/";
    }
    return uri;
  }

  void plan_spot(const rules::Scope& s) {
    const Lookup spot = rules::lookup(*s.obj, "EnableManagedSpotTraining");
    if (spot.state == LookupState::unresolved) return;
    const bool on = spot.state == LookupState::found && spot.value->is_true();
    const Lookup run = rules::lookup(*s.obj, "StoppingCondition/MaxRuntimeInSeconds");
    const Lookup wait = rules::lookup(*s.obj, "StoppingCondition/MaxWaitTimeInSeconds");
    const Lookup ck = rules::lookup(*s.obj, "CheckpointConfig/S3Uri");
    const std::string wait_ptr = s.pointer + "/StoppingCondition/MaxWaitTimeInSeconds";
    const std::string ck_ptr = s.pointer + "/CheckpointConfig/S3Uri";
    const bool runtime_known =
        run.state == LookupState::found && run.value->is_number() && run.value->as_number() >= 1;
    const double runtime = runtime_known ? run.value->as_number() : 0;
    const int64_t max_wait =
        static_cast<int64_t>(std::ceil(std::max(1.0, policy_.max_wait_factor) * runtime));
    const bool wait_too_low = wait.state == LookupState::found && wait.value->is_number() &&
                              wait.value->as_number() < runtime;
    const auto uri = checkpoint_uri(s);
    const std::string max_wait_what =
        fmt::format("set StoppingCondition.MaxWaitTimeInSeconds to {} ({} x MaxRuntimeInSeconds)",
                    max_wait, policy_.max_wait_factor);

    if (!on) {
      const bool checkpoint_needed = policy_.severity_of("spot.checkpoint") != Severity::off &&
                                     ck.state == LookupState::missing;
      const bool can_enable = runtime_known && wait.state != LookupState::unresolved &&
                              (!checkpoint_needed || uri) &&
                              (spot.state == LookupState::missing || spot.value->is_bool());
      if (can_enable && asked("spot.enabled", s.pointer + "/EnableManagedSpotTraining")) {
        PlannedChange c;
        uint64_t at = 0;
        const std::string spot_ptr = s.pointer + "/EnableManagedSpotTraining";
        if (spot.state == LookupState::missing) {
          if (!ensure(*s.obj, "EnableManagedSpotTraining", NewValue::of_bool(true), c.ops, at))
            return;
        } else {
          c.ops.replaces.push_back(ReplaceOp{spot.value, NewValue::of_bool(true)});
          at = spot.value->offset();
        }
        c.notes.push_back({"spot.enabled", at, spot_ptr, "set EnableManagedSpotTraining to true"});
        if (wait.state == LookupState::missing) {
          if (!ensure(*s.obj, "StoppingCondition/MaxWaitTimeInSeconds", NewValue::of_int(max_wait),
                      c.ops, at)) {
            return;
          }
          c.notes.push_back({"spot.max-wait", at, wait_ptr, max_wait_what});
        } else if (wait_too_low) {
          c.ops.replaces.push_back(ReplaceOp{wait.value, NewValue::of_int(max_wait)});
          c.notes.push_back({"spot.max-wait", wait.value->offset(), wait_ptr, max_wait_what});
        } else if (!wait.value->is_number()) {
          return;
        }
        if (checkpoint_needed) {
          if (!ensure(*s.obj, "CheckpointConfig/S3Uri", NewValue::of_string(*uri), c.ops, at))
            return;
          c.notes.push_back({"spot.checkpoint", at, ck_ptr,
                             fmt::format("set CheckpointConfig.S3Uri to {}", *uri)});
        }
        add(std::move(c));
        return;
      }
      // Spot stays off: a MaxWait without spot makes the API refuse the job.
      if (wait.state == LookupState::found && asked("spot.max-wait", wait_ptr)) {
        const Value* sc = s.obj->find("StoppingCondition");
        const auto& m = sc->members();
        const auto it = std::find_if(m.begin(), m.end(), [](const Member& mm) {
          return mm.first == "MaxWaitTimeInSeconds";
        });
        PlannedChange c;
        c.ops.removes.push_back(RemoveOp{sc, static_cast<size_t>(it - m.begin())});
        c.notes.push_back({"spot.max-wait", wait.value->offset(), wait_ptr,
                           "removed StoppingCondition.MaxWaitTimeInSeconds (managed spot "
                           "training is off; the API rejects it)"});
        add(std::move(c));
      }
      return;
    }
    if (runtime_known && asked("spot.max-wait", wait_ptr)) {
      if (wait.state == LookupState::missing) {
        set(s, "StoppingCondition/MaxWaitTimeInSeconds", NewValue::of_int(max_wait),
            "spot.max-wait", max_wait_what);
      } else if (wait_too_low) {
        PlannedChange c;
        c.ops.replaces.push_back(ReplaceOp{wait.value, NewValue::of_int(max_wait)});
        c.notes.push_back({"spot.max-wait", wait.value->offset(), wait_ptr, max_wait_what});
        add(std::move(c));
      }
    }
    if (uri && ck.state == LookupState::missing && asked("spot.checkpoint", ck_ptr)) {
      set(s, "CheckpointConfig/S3Uri", NewValue::of_string(*uri), "spot.checkpoint",
          fmt::format("set CheckpointConfig.S3Uri to {}", *uri));
    }
  }

  const Policy& policy_;
  const FindingIndex& found_;
  const std::function<bool(const std::string&)>& wanted_;
  std::vector<PlannedChange>& out_;
  const Resource* r_ = nullptr;
};

}  // namespace

std::vector<PlannedChange> plan_fixes(const Policy& policy, const std::vector<Resource>& resources,
                                      const FindingIndex& found,
                                      const std::function<bool(const std::string&)>& wanted) {
  std::vector<PlannedChange> out;
  Planner p(policy, found, wanted, out);
  for (const auto& r : resources) p.plan(r);
  return out;
}

}  // namespace sageguard::fix
