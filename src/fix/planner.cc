// The fixes, rule by rule. Paths come from rules::layout_of (the same table
// the rules read) and each fix runs only where the check reported the
// finding at exactly the pointer the rule uses, so fix and check cannot
// disagree about what is wrong.
#include "fix/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "rules/code_fetch.h"
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
  using View = std::tuple<std::string_view, std::string_view, std::string_view, std::string_view>;
  return keys_.find(View{kind_name(r.kind), r.name, rule, pointer}) != keys_.end();
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
// way, or put a scalar `value` in place of an empty string or null there.
// False if the member holds something else already or something in the way
// is not a plain object (null, scalar, unresolved expression): fix does not
// guess.
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
    if (i + 1 == segs.size()) {
      // "" and null set nothing (the rules say so): fill them in place.
      if (!value.is_scalar() || !(next->is_null() || rules::is_empty_string(*next))) return false;
      ops.replaces.push_back(ReplaceOp{next, std::move(value)});
      at = next->offset();
      return true;
    }
    cur = next;
  }
  return false;
}

// The API's integers (MaxWaitTimeInSeconds) are 32-bit.
constexpr double kMaxApiInteger = std::numeric_limits<int32_t>::max();

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
      plan_isolation(s, layout.isolation);
      plan_flag(s, layout.inter_container, "encryption.inter-container");
      plan_volume_key(s, layout.volume_kms);
      for (auto path : layout.output_kms) plan_output_key(s, path);
      if (layout.spot) plan_spot(s);
    }
    plan_estate();
  }

 private:
  bool asked(const std::string& rule, const std::string& pointer) const {
    return wanted_(rule) && found_.has(*r_, rule, pointer);
  }

  void add(PlannedChange c) {
    if (c.ops.empty() && c.withheld.empty()) return;
    c.resource = r_;
    out_.push_back(std::move(c));
  }

  // A change fix will not make because it could break the job.
  void withhold(const std::string& rule, uint64_t at, std::string pointer, std::string why) {
    PlannedChange c;
    c.notes.push_back({rule, at, std::move(pointer), ""});
    c.withheld = std::move(why);
    add(std::move(c));
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
      // Inside the VPC the job reaches S3 (data, code, model artifacts,
      // outputs) only through a gateway endpoint or NAT in those subnets.
      if (!policy_.subnets_reach_s3) {
        withhold("vpc.required", l.parent ? l.parent->offset() : s.obj->offset(), ptr,
                 fmt::format("moving the job into subnets {} could cut it off from S3 (its "
                             "data, code and outputs); once they reach S3 through a gateway "
                             "endpoint or NAT, say so with vpc.subnets_reach_s3: true in the "
                             "policy, or add {} by hand",
                             fmt::join(policy_.subnets, ", "), dotted(path)));
        return;
      }
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
      if (!asked("vpc.required", ptr + "/" + member)) continue;
      const std::string what =
          fmt::format("added {}.{} ({})", dotted(path), member, fmt::join(*list, ", "));
      const Value* ids = l.value->find(member);
      if (ids == nullptr) {
        set(vpc, member, NewValue::array_of_strings(*list), "vpc.required", what);
      } else if (ids->is_array()) {
        fill_ids(*ids, *list, "vpc.required", ptr + "/" + member, what);
      }
    }
  }

  // A list of ids that names none ([] or only ""): the empty strings take
  // the policy's ids in place and the rest are appended.
  void fill_ids(const Value& ids, const std::vector<std::string>& list, const std::string& rule,
                std::string pointer, const std::string& what) {
    const auto& items = ids.items();
    const auto blank = [](const Value& v) { return rules::is_empty_string(v); };
    if (items.size() > list.size() || !std::all_of(items.begin(), items.end(), blank)) return;
    PlannedChange c;
    for (size_t i = 0; i < items.size(); ++i) {
      c.ops.replaces.push_back(ReplaceOp{&items[i], NewValue::of_string(list[i])});
    }
    if (items.size() < list.size()) {
      AppendOp more{&ids, {}};
      for (size_t i = items.size(); i < list.size(); ++i) {
        more.items.push_back(NewValue::of_string(list[i]));
      }
      c.ops.appends.push_back(std::move(more));
    }
    c.notes.push_back({rule, ids.offset(), std::move(pointer), what});
    add(std::move(c));
  }

  void plan_isolation(const rules::Scope& s, std::string_view path) {
    if (path.empty()) return;
    const std::string ptr = s.pointer + rules::to_pointer(path);
    if (!asked("network.isolation", ptr)) return;
    if (auto why = rules::isolation_blocks_code(*r_, s)) {
      const Lookup l = rules::lookup(*s.obj, path);
      withhold("network.isolation", l.value ? l.value->offset() : s.obj->offset(), ptr,
               std::move(*why));
      return;
    }
    plan_flag(s, path, "network.isolation");
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

  // SageMaker rejects a volume key on local-NVMe instance types; a type
  // only known at run time (a pipeline parameter without a default) might
  // be one.
  bool volume_key_refused(const rules::Scope& s) const {
    if (!rules::layout_of(r_->kind).volume_kms_nvme_exempt) return false;
    const rules::InstanceTypes types = rules::instance_types_of(*s.obj, *r_);
    if (types.unresolved) return true;
    return std::any_of(types.known.begin(), types.known.end(),
                       [&](const rules::InstanceType& t) { return policy_.is_nvme(t.type); });
  }

  void plan_volume_key(const rules::Scope& s, std::string_view path) {
    if (path.empty() || !policy_.volume_key) return;
    if (!asked("kms.volume", s.pointer + rules::to_pointer(path)) || volume_key_refused(s)) {
      return;
    }
    // The key's parent holds the instance type; without it NVMe is unknown.
    // (Kinds without instance types, AutoML's security config, a feature
    // group's online store, get the parents they lack.)
    const rules::KindLayout& layout = rules::layout_of(r_->kind);
    if (const size_t slash = path.rfind('/');
        slash != std::string_view::npos && !layout.instance_types.empty()) {
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

  // Where checkpoints go: prefix + <job name>/ (a tuning job's
  // TrainingJobDefinitions[] entry adds <DefinitionName>/ so definitions do
  // not share checkpoints). A pipeline step runs once per execution under
  // one step name, so its URI joins the execution id in, as the SageMaker
  // Python SDK builds per-execution paths:
  // {"Std:Join": {"On": "/", "Values": [prefix, {"Get": "Execution.PipelineExecutionId"}, step]}}.
  struct CheckpointUri {
    NewValue value;
    std::string shown;  // for the change note
  };
  std::optional<CheckpointUri> checkpoint_uri(const rules::Scope& s) const {
    if (!policy_.checkpoint_s3_prefix || r_->name.empty()) return std::nullopt;
    std::vector<std::string> parts{r_->name};
    if (s.pointer.rfind("/TrainingJobDefinitions/", 0) == 0) {
      const Value* def = s.obj->find("DefinitionName");
      if (!def || !def->is_string() || def->as_string().empty()) return std::nullopt;
      parts.emplace_back(def->as_string());
    }
    std::string prefix = *policy_.checkpoint_s3_prefix;
    if (!r_->in_pipeline) {
      if (!prefix.empty() && prefix.back() != '/') prefix += '/';
      for (const auto& p : parts) prefix += p + "/";
      return CheckpointUri{NewValue::of_string(prefix), prefix};
    }
    while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
    NewValue values;
    values.kind = NewValue::Kind::array;
    values.items.push_back(NewValue::of_string(prefix));
    NewValue execution_id = NewValue::object();
    execution_id.add("Get", NewValue::of_string("Execution.PipelineExecutionId"));
    values.items.push_back(std::move(execution_id));
    for (const auto& p : parts) values.items.push_back(NewValue::of_string(p));
    NewValue join = NewValue::object();
    join.add("On", NewValue::of_string("/"));
    join.add("Values", std::move(values));
    NewValue expr = NewValue::object();
    expr.add("Std:Join", std::move(join));
    return CheckpointUri{std::move(expr),
                         fmt::format("{}/<Execution.PipelineExecutionId>/{} (one prefix per "
                                     "pipeline execution)",
                                     prefix, fmt::join(parts, "/"))};
  }

  // Why turning spot on could break the job ("" if it cannot).
  template <typename TooLong>
  static std::string spot_unsafe(const rules::Scope& s, bool wait_out_of_range,
                                 const TooLong& too_long) {
    if (wait_out_of_range) return too_long();
    const Lookup keep = rules::lookup(*s.obj, "ResourceConfig/KeepAlivePeriodInSeconds");
    if (keep.state == LookupState::found && keep.value->is_number() &&
        keep.value->as_number() > 0) {
      return "the job keeps a warm pool (ResourceConfig.KeepAlivePeriodInSeconds), which "
             "SageMaker does not offer with managed spot training: choose one of the two by hand";
    }
    return "";
  }

  void plan_spot(const rules::Scope& s) {
    const Lookup spot = rules::lookup(*s.obj, "EnableManagedSpotTraining");
    if (spot.state == LookupState::unresolved) return;
    const bool on = spot.state == LookupState::found && spot.value->is_true();
    const Lookup run = rules::lookup(*s.obj, "StoppingCondition/MaxRuntimeInSeconds");
    const Lookup wait = rules::lookup(*s.obj, "StoppingCondition/MaxWaitTimeInSeconds");
    const Lookup ck = rules::lookup(*s.obj, "CheckpointConfig/S3Uri");
    const std::string spot_ptr = s.pointer + "/EnableManagedSpotTraining";
    const std::string wait_ptr = s.pointer + "/StoppingCondition/MaxWaitTimeInSeconds";
    const std::string ck_ptr = s.pointer + "/CheckpointConfig/S3Uri";
    const bool runtime_known =
        run.state == LookupState::found && run.value->is_number() && run.value->as_number() >= 1;
    const double runtime = runtime_known ? run.value->as_number() : 0;
    // factor x MaxRuntime, range-checked before it becomes an integer: the
    // API takes a 32-bit one (a NaN or infinite product fails the test).
    const double product = std::ceil(std::max(1.0, policy_.max_wait_factor) * runtime);
    const bool wait_fits = product <= kMaxApiInteger;
    const int64_t max_wait = wait_fits ? static_cast<int64_t>(product) : 0;
    const bool wait_too_low = wait.state == LookupState::found && wait.value->is_number() &&
                              wait.value->as_number() < runtime;
    const bool wait_needed = wait.state == LookupState::missing || wait_too_low;
    // Messages are written only when used (a gate plans on every call).
    const auto too_long = [&] {
      return fmt::format(
          "MaxWaitTimeInSeconds would be {} x MaxRuntimeInSeconds = {:.15g}, above the largest "
          "the API accepts ({:.15g}): set it by hand, or lower MaxRuntimeInSeconds or the "
          "policy's spot.max_wait_factor",
          policy_.max_wait_factor, product, kMaxApiInteger);
    };
    const uint64_t wait_at = wait.value ? wait.value->offset() : s.obj->offset();
    const bool ck_missing = ck.state == LookupState::missing ||
                            (ck.state == LookupState::found && rules::is_empty_string(*ck.value));
    const auto uri = checkpoint_uri(s);
    const auto max_wait_what = [&] {
      return fmt::format(
          "set StoppingCondition.MaxWaitTimeInSeconds to {} ({} x MaxRuntimeInSeconds)", max_wait,
          policy_.max_wait_factor);
    };

    if (!on) {
      const bool checkpoint_needed =
          policy_.severity_of("spot.checkpoint") != Severity::off && ck_missing;
      const bool can_enable = runtime_known && wait.state != LookupState::unresolved &&
                              (!checkpoint_needed || uri) &&
                              (spot.state == LookupState::missing || spot.value->is_bool());
      const std::string unsafe = can_enable ? spot_unsafe(s, wait_needed && !wait_fits, too_long)
                                            : std::string();
      if (can_enable && !unsafe.empty() && asked("spot.enabled", spot_ptr)) {
        withhold("spot.enabled", spot.value ? spot.value->offset() : s.obj->offset(), spot_ptr,
                 unsafe);
      } else if (can_enable && asked("spot.enabled", spot_ptr)) {
        PlannedChange c;
        uint64_t at = 0;
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
          c.notes.push_back({"spot.max-wait", at, wait_ptr, max_wait_what()});
        } else if (wait_too_low) {
          c.ops.replaces.push_back(ReplaceOp{wait.value, NewValue::of_int(max_wait)});
          c.notes.push_back({"spot.max-wait", wait.value->offset(), wait_ptr, max_wait_what()});
        } else if (!wait.value->is_number()) {
          return;
        }
        if (checkpoint_needed) {
          if (!ensure(*s.obj, "CheckpointConfig/S3Uri", uri->value, c.ops, at)) return;
          c.notes.push_back({"spot.checkpoint", at, ck_ptr,
                             fmt::format("set CheckpointConfig.S3Uri to {}", uri->shown)});
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
    if (runtime_known && wait_needed && asked("spot.max-wait", wait_ptr)) {
      if (!wait_fits) {
        withhold("spot.max-wait", wait_at, wait_ptr, too_long());
      } else if (wait.state == LookupState::missing) {
        set(s, "StoppingCondition/MaxWaitTimeInSeconds", NewValue::of_int(max_wait),
            "spot.max-wait", max_wait_what());
      } else {
        PlannedChange c;
        c.ops.replaces.push_back(ReplaceOp{wait.value, NewValue::of_int(max_wait)});
        c.notes.push_back({"spot.max-wait", wait.value->offset(), wait_ptr, max_wait_what()});
        add(std::move(c));
      }
    }
    if (uri && ck_missing && asked("spot.checkpoint", ck_ptr)) {
      PlannedChange c;
      uint64_t at = 0;
      if (!ensure(*s.obj, "CheckpointConfig/S3Uri", uri->value, c.ops, at)) return;
      c.notes.push_back({"spot.checkpoint", at, ck_ptr,
                         fmt::format("set CheckpointConfig.S3Uri to {}", uri->shown)});
      add(std::move(c));
    }
  }

  // A top-level string member set to `value`: added where missing, replaced
  // where it holds another string.
  void set_member(const char* member, const std::string& value, const std::string& rule,
                  std::string what) {
    const std::string ptr = rules::to_pointer(member);
    if (!asked(rule, ptr)) return;
    const Lookup l = rules::lookup(*r_->root, member);
    if (l.state == LookupState::missing) {
      set(rules::Scope{r_->root, ""}, member, NewValue::of_string(value), rule, std::move(what));
    } else if (l.state == LookupState::found && l.value->is_string()) {
      PlannedChange c;
      c.ops.replaces.push_back(ReplaceOp{l.value, NewValue::of_string(value)});
      c.notes.push_back({rule, l.value->offset(), ptr, std::move(what)});
      add(std::move(c));
    }
  }

  bool has_ids(const char* path) const {
    const Lookup l = rules::lookup(*r_->root, path);
    if (l.state != LookupState::found) return false;
    if (l.value->is_string()) return !l.value->as_string().empty();
    return l.value->is_array() && !l.value->items().empty();
  }

  // The rest of the estate: settings whose value is the policy's (or the
  // practice's only good one).
  void plan_estate() {
    switch (r_->kind) {
      case ResourceKind::notebook_instance: plan_notebook(); break;
      case ResourceKind::domain:
        if (!asked("network.vpc-only", "/AppNetworkAccessType")) break;
        // VpcOnly needs the domain's subnets and its apps' security groups.
        if (!has_ids("SubnetIds") || !has_ids("DefaultUserSettings/SecurityGroups")) {
          withhold("network.vpc-only", r_->root->offset(), "/AppNetworkAccessType",
                   "VpcOnly needs SubnetIds and DefaultUserSettings.SecurityGroups, which the "
                   "domain lacks: add them first");
          break;
        }
        set_member("AppNetworkAccessType", "VpcOnly", "network.vpc-only",
                   "set AppNetworkAccessType to VpcOnly");
        break;
      case ResourceKind::model_package:
        set_member("ModelApprovalStatus", "PendingManualApproval", "registry.manual-approval",
                   "set ModelApprovalStatus to PendingManualApproval");
        break;
      case ResourceKind::endpoint_config: plan_min_count(); break;
      default: break;
    }
  }

  void plan_notebook() {
    const Value& root = *r_->root;
    // Into the policy's VPC: one subnet and the security groups, under the
    // same guard as a job's VpcConfig.
    bool in_vpc = has_ids("SubnetId");
    if (asked("vpc.required", "/SubnetId") && !policy_.subnets.empty() &&
        !policy_.security_groups.empty()) {
      in_vpc = policy_.subnets_reach_s3 && root.find("SubnetId") == nullptr;
      if (!policy_.subnets_reach_s3) {
        withhold("vpc.required", root.offset(), "/SubnetId",
                 fmt::format("moving the notebook into subnet {} could cut it off from S3; once "
                             "the policy's subnets reach S3 say so with vpc.subnets_reach_s3: "
                             "true, or add SubnetId by hand",
                             policy_.subnets.front()));
      } else {
        set_member("SubnetId", policy_.subnets.front(), "vpc.required",
                   fmt::format("set SubnetId to {}", policy_.subnets.front()));
      }
    }
    if (asked("vpc.required", "/SecurityGroupIds") && !policy_.security_groups.empty() &&
        in_vpc && root.find("SecurityGroupIds") == nullptr) {
      set(rules::Scope{&root, ""}, "SecurityGroupIds",
          NewValue::array_of_strings(policy_.security_groups), "vpc.required",
          fmt::format("added SecurityGroupIds ({})", fmt::join(policy_.security_groups, ", ")));
    }
    if (asked("network.direct-internet", "/DirectInternetAccess")) {
      // The API refuses Disabled without a subnet: the notebook would have
      // no network at all.
      if (!in_vpc) {
        withhold("network.direct-internet", root.offset(), "/DirectInternetAccess",
                 "without a SubnetId the API refuses DirectInternetAccess Disabled: put the "
                 "notebook in a VPC subnet first");
      } else {
        set_member("DirectInternetAccess", "Disabled", "network.direct-internet",
                   "set DirectInternetAccess to Disabled");
      }
    }
    set_member("RootAccess", "Disabled", "notebook.root-access", "set RootAccess to Disabled");
    plan_imds(root);
    if (policy_.min_notebook_platform) {
      set_member("PlatformIdentifier", *policy_.min_notebook_platform, "notebook.platform",
                 fmt::format("set PlatformIdentifier to {}", *policy_.min_notebook_platform));
    }
  }

  // IMDSv2 only refuses the metadata requests that carry no session token; a
  // lifecycle configuration's scripts may send such requests, and the fix
  // cannot read them, so a notebook with one is left to a person.
  void plan_imds(const Value& root) {
    constexpr const char* kPath =
        "InstanceMetadataServiceConfiguration/MinimumInstanceMetadataServiceVersion";
    if (!asked("notebook.imds-v2", rules::to_pointer(kPath))) return;
    if (const Value* lc = root.find("LifecycleConfigName"); lc != nullptr && !lc->is_null()) {
      withhold("notebook.imds-v2", root.offset(), rules::to_pointer(kPath),
               "the notebook runs a lifecycle configuration whose scripts may call the metadata "
               "service without a token (IMDSv1); set the minimum version to 2 once they fetch "
               "one");
      return;
    }
    set_member(kPath, "2", "notebook.imds-v2",
               "set InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion "
               "to 2");
  }

  void plan_min_count() {
    if (!policy_.min_instance_count) return;
    const Value* variants = r_->root->find("ProductionVariants");
    if (variants == nullptr || !variants->is_array()) return;
    for (size_t i = 0; i < variants->items().size(); ++i) {
      const std::string ptr = fmt::format("/ProductionVariants/{}/InitialInstanceCount", i);
      const Value* count = variants->items()[i].is_object()
                               ? variants->items()[i].find("InitialInstanceCount")
                               : nullptr;
      if (count == nullptr || !count->is_number() || !asked("instance.min-count", ptr)) continue;
      PlannedChange c;
      c.ops.replaces.push_back(ReplaceOp{count, NewValue::of_int(*policy_.min_instance_count)});
      c.notes.push_back({"instance.min-count", count->offset(), ptr,
                         fmt::format("set InitialInstanceCount to {}",
                                     *policy_.min_instance_count)});
      add(std::move(c));
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
