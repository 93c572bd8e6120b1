#include "rules/rule_context.h"

#include "rules/kind_layout.h"
#include "sageguard/api_model.h"

namespace sageguard::rules {

Lookup lookup(const Value& scope, std::string_view path) {
  Lookup l;
  const Value* cur = &scope;
  l.parent = cur;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (is_unresolved_expression(*cur)) {
      l.state = LookupState::unresolved;
      return l;
    }
    const Value* next = cur->find(seg);
    if (!next) {
      l.state = LookupState::missing;
      return l;
    }
    if (next->is_null()) {  // YAML `Key:` with nothing, or JSON null: absent
      l.state = LookupState::missing;
      return l;
    }
    cur = next;
    if (!path.empty() && cur->is_object()) l.parent = cur;
  }
  if (is_unresolved_expression(*cur)) {
    l.state = LookupState::unresolved;
    return l;
  }
  l.state = LookupState::found;
  l.value = cur;
  return l;
}

std::string to_pointer(std::string_view path) {
  std::string out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    out += '/';
    out += json_pointer_escape(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
  return out;
}

std::string dotted(std::string_view path) {
  std::string out(path);
  for (char& c : out) {
    if (c == '/') c = '.';
  }
  return out;
}

Severities::Severities(const Policy& policy) {
  for (const RuleInfo& r : rule_catalog()) by_index_.push_back(policy.severity_of(r.id));
}

bool RuleContext::enabled(std::string_view rule) const { return severities_.of(rule) != Severity::off; }

void RuleContext::emit(std::string_view rule, uint64_t offset, std::string pointer,
                       std::string message) {
  out_.push_back(RawFinding{rule, offset, std::move(pointer), std::move(message)});
}

void RuleContext::emit_missing(std::string_view rule, const Lookup& l, const Value& scope,
                               std::string pointer, std::string message) {
  const Value* at = l.parent ? l.parent : &scope;
  emit(rule, at->offset(), std::move(pointer), std::move(message));
}

namespace {

void walk_instance_types(const Value& v, const Resource& r, std::string_view path, std::string ptr,
                         InstanceTypes& out) {
  if (path.empty()) {
    if (v.is_string()) {
      out.known.push_back({v.as_string(), &v, std::move(ptr), {}});
    } else if (is_unresolved_expression(v)) {
      const auto d = parameter_default(r, v);
      if (d && d->value->is_string()) {
        out.known.push_back({d->value->as_string(), &v, std::move(ptr), d->name});
      } else {
        out.unresolved = true;
      }
    }
    return;
  }
  if (is_unresolved_expression(v)) {
    out.unresolved = true;
    return;
  }
  size_t slash = path.find('/');
  std::string_view seg = path.substr(0, slash);
  std::string_view rest = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  if (seg == "[]") {
    if (!v.is_array()) return;
    for (size_t i = 0; i < v.items().size(); ++i) {
      walk_instance_types(v.items()[i], r, rest, ptr + "/" + std::to_string(i), out);
    }
    return;
  }
  if (const Value* next = v.find(seg)) {
    walk_instance_types(*next, r, rest, ptr + "/" + json_pointer_escape(seg), out);
  }
}

}  // namespace

InstanceTypes instance_types_of(const Value& scope, const Resource& r) {
  InstanceTypes out;
  for (auto path : layout_of(r.kind).instance_types) {
    walk_instance_types(scope, r, path, "", out);
  }
  return out;
}

std::string parameter_note(const InstanceType& t) {
  if (t.parameter.empty()) return "";
  return " (with the parameter's default " + std::string(t.type) + " for Parameters." +
         std::string(t.parameter) + ")";
}

}  // namespace sageguard::rules
