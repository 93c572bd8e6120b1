// Step Functions state machines (Amazon States Language): each Task state
// that calls a SageMaker Create* operation is a resource of the kind it
// creates, whose request is the state's Parameters (JSONPath) or Arguments
// (JSONata). The request is translated into request shape: a `"Key.$":
// "$.path"` member becomes `Key` holding an unresolved value, and so does a
// JSONata `{% ... %}` string; offsets stay those of the original text.
#include <algorithm>
#include <array>

#include "model/iac.h"
#include "sageguard/api_model.h"

namespace sageguard::iac {
namespace {

struct TaskOperation {
  std::string_view name;
  ResourceKind kind;
};
constexpr std::array<TaskOperation, 7> kOperations = {{
    {"createTrainingJob", ResourceKind::training_job},
    {"createHyperParameterTuningJob", ResourceKind::tuning_job},
    {"createProcessingJob", ResourceKind::processing_job},
    {"createTransformJob", ResourceKind::transform_job},
    {"createModel", ResourceKind::model},
    {"createEndpointConfig", ResourceKind::endpoint_config},
    {"createEndpoint", ResourceKind::endpoint},
}};

// The literal text of a Resource: a string, or what a CloudFormation
// Fn::Sub / Fn::Join around it spells out (`arn:${AWS::Partition}:states:::`)
// with the unknown parts in place.
std::string literal_text(const Value& v) {
  if (v.is_string()) return std::string(v.as_string());
  // A DefinitionString's `"arn:" + {"Ref": "AWS::Partition"} + ":states..."`.
  if (const Value* text = v.find(kUnresolvedMember)) return std::string(text->as_string());
  if (const Value* sub = v.find("Fn::Sub")) {
    const Value* s = sub->is_array() && !sub->items().empty() ? &sub->items()[0] : sub;
    return std::string(s->as_string());
  }
  if (const Value* join = v.find("Fn::Join"); join && join->items().size() == 2) {
    std::string out;
    for (const Value& part : join->items()[1].items()) {
      out += part.is_string() ? std::string(part.as_string()) : std::string("*");
    }
    return out;
  }
  return "";
}

// The kind a Task's Resource ARN creates: arn:<partition>:states:::sagemaker:
// createTrainingJob, with or without .sync / .waitForTaskToken.
std::optional<ResourceKind> task_kind(const Value& resource) {
  constexpr std::string_view kService = ":states:::sagemaker:";
  const std::string arn = literal_text(resource);
  const size_t at = arn.find(kService);
  if (at == std::string::npos) return std::nullopt;
  std::string_view op = std::string_view(arn).substr(at + kService.size());
  op = op.substr(0, op.find('.'));
  for (const auto& o : kOperations) {
    if (o.name == op) return o.kind;
  }
  return std::nullopt;
}

bool is_jsonata(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t')) s.remove_suffix(1);
  return s.size() >= 4 && s.starts_with("{%") && s.ends_with("%}");
}

Value unresolved(std::string_view text, uint64_t off, ValueArena& arena) {
  auto* m = static_cast<Member*>(arena.allocate(sizeof(Member)));
  Value v = Value::string_view_at(arena.copy(text), off);
  v.set_key_offset(off);
  *m = Member{kUnresolvedMember, v};
  return Value::object_of(m, 1, off);
}

// The request `v` (already in request offsets of the document) translated:
// `Key.$` members and JSONata strings become unresolved values.
Value translate(const Value& v, ValueArena& arena) {
  if (v.is_string() && is_jsonata(v.as_string())) return unresolved(v.as_string(), v.offset(), arena);
  if (is_unresolved_expression(v)) return v;
  if (v.is_array()) {
    const auto items = v.items();
    auto* out = static_cast<Value*>(arena.allocate(items.size() * sizeof(Value)));
    for (size_t i = 0; i < items.size(); ++i) out[i] = translate(items[i], arena);
    return Value::array_of(out, static_cast<uint32_t>(items.size()), v.offset());
  }
  if (!v.is_object()) return v;
  const auto members = v.members();
  auto* out = static_cast<Member*>(arena.allocate(members.size() * sizeof(Member)));
  for (size_t i = 0; i < members.size(); ++i) {
    std::string_view key = members[i].first;
    const Value& child = members[i].second;
    Value c;
    if (key.size() > 2 && key.ends_with(".$")) {
      key.remove_suffix(2);
      c = unresolved(child.is_string() ? child.as_string() : std::string_view("$"),
                     child.offset(), arena);
    } else {
      c = translate(child, arena);
    }
    c.set_key_offset(child.key_off());
    out[i] = Member{key, c};
  }
  return Value::object_of(out, static_cast<uint32_t>(members.size()), v.offset());
}

void add_task(const std::string& state_name, const Value& state, ResourceKind kind,
              const std::string& state_pointer, const StateMachineRead& how,
              std::vector<Resource>& out) {
  const char* field = "Parameters";
  const Value* request = state.find(field);
  if (request == nullptr) {
    field = "Arguments";
    request = state.find(field);
  }
  // A request that is one JSONata expression or path as a whole tells
  // nothing to check.
  if (request == nullptr || !request->is_object() || is_unresolved_expression(*request)) return;
  auto* root = static_cast<Value*>(how.arena->allocate(sizeof(Value)));
  *root = translate(*request, *how.arena);
  Resource r;
  r.kind = kind;
  const Value* name = root->find(name_member(kind));
  r.name = name && name->is_string() ? std::string(name->as_string()) : state_name;
  r.resource_id = state_name;
  r.root = root;
  r.pointer = state_pointer + "/" + field;
  r.unresolved_values = count_unresolved(*root);
  r.not_editable = how.not_editable;
  out.push_back(std::move(r));
}

}  // namespace

void read_state_machine(const Value& def, const std::string& pointer, const StateMachineRead& how,
                        std::vector<Resource>& out) {
  const Value* states = def.find("States");
  if (states == nullptr || !states->is_object()) return;
  for (const auto& [name_view, state] : states->members()) {
    if (!state.is_object()) continue;
    const std::string name(name_view);
    const std::string state_pointer = pointer + "/States/" + json_pointer_escape(name);
    const Value* type = state.find("Type");
    const std::string_view t = type && type->is_string() ? type->as_string() : std::string_view();
    if (t == "Task") {
      const Value* resource = state.find("Resource");
      if (resource == nullptr) continue;
      const auto kind = task_kind(*resource);
      if (kind && (!how.only || *how.only == *kind)) {
        add_task(name, state, *kind, state_pointer, how, out);
      }
    } else if (t == "Parallel") {
      const Value* branches = state.find("Branches");
      if (branches == nullptr) continue;
      for (size_t i = 0; i < branches->items().size(); ++i) {
        read_state_machine(branches->items()[i], state_pointer + "/Branches/" + std::to_string(i),
                           how, out);
      }
    } else if (t == "Map") {
      for (const char* inner : {"ItemProcessor", "Iterator"}) {
        if (const Value* sub = state.find(inner); sub && sub->is_object()) {
          read_state_machine(*sub, state_pointer + "/" + inner, how, out);
        }
      }
    }
  }
}

}  // namespace sageguard::iac
