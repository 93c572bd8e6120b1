#include "model/terraform_plan_refs.h"

#include <vector>

#include "model/tree_builder.h"
#include "sageguard/api_model.h"

namespace sageguard::terraform {
namespace {

void add_module(const Value& module, const std::string& prefix, int depth,
                std::map<std::string, const Value*, std::less<>>& out) {
  if (depth > 64) return;
  if (const Value* rs = module.find("resources"); rs && rs->is_array()) {
    for (const Value& r : rs->items()) {
      const Value* address = r.find("address");
      const Value* expressions = r.find("expressions");
      if (address && address->is_string() && expressions && expressions->is_object()) {
        out[prefix + std::string(address->as_string())] = expressions;
      }
    }
  }
  if (const Value* calls = module.find("module_calls"); calls && calls->is_object()) {
    for (const auto& [name, call] : calls->members()) {
      if (const Value* m = call.find("module")) {
        add_module(*m, prefix + "module." + std::string(name) + ".", depth + 1, out);
      }
    }
  }
}

// The address without instance keys (`[0]`, `["a"]`), as the configuration
// names resources.
std::string without_keys(std::string_view address) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (char c : address) {
    if (depth > 0 && c == '"') quoted = !quoted;
    if (!quoted && c == '[') ++depth;
    if (depth == 0) out += c;
    if (!quoted && c == ']' && depth > 0) --depth;
  }
  return out;
}

// The first of an expression's references to a resource attribute
// (`type.name.attr`): Terraform lists the longest first.
std::string_view first_reference(const Value* expression) {
  const Value* refs = expression ? expression->find("references") : nullptr;
  if (!refs || !refs->is_array() || refs->items().empty()) return {};
  const Value& first = refs->items()[0];
  return first.is_string() ? first.as_string() : std::string_view();
}

bool known_after_apply(const Value* v) {
  if (v == nullptr) return false;
  const Value* text = v->find(kUnresolvedMember);
  return text && text->is_string() && text->as_string() == "(known after apply)";
}

// A copy of object `obj` whose member `key` is `v`.
Value with_member(const Value& obj, std::string_view key, const Value& v, ValueArena& arena) {
  TreeBuilder b(arena);
  const size_t base = b.open_object();
  for (const Member& m : obj.members()) {
    b.add_member(m.first, m.first == key ? v : m.second, m.second.key_off());
  }
  return b.close_object(base, obj.offset());
}

}  // namespace

PlanReferences::PlanReferences(const Value& plan) {
  const Value* config = plan.find("configuration");
  const Value* root = config ? config->find("root_module") : nullptr;
  if (root != nullptr) add_module(*root, "", 0, expressions_);
}

Value PlanReferences::with_references(std::string_view address, std::string_view type,
                                      ResourceKind kind, const Value& request, Translator& tr,
                                      ValueArena& arena) const {
  auto it = expressions_.find(without_keys(address));
  if (it == expressions_.end()) return request;
  const Value& expressions = *it->second;
  // References are relative to the resource's module: `module.ml.` for
  // module.ml.aws_sagemaker_endpoint.e.
  const size_t own = address.rfind(std::string(type) + ".");
  const std::string module =
      std::string(address.substr(0, own == std::string_view::npos ? 0 : own));
  const auto reference = [&](const Value* expression, const Value& at) -> std::optional<Value> {
    const std::string_view ref = first_reference(expression);
    if (ref.empty()) return std::nullopt;
    const std::string text = module + std::string(ref);
    return tr.unresolved(text, at.offset());
  };
  if (kind == ResourceKind::endpoint) {
    const Value* name = request.find("EndpointConfigName");
    if (!known_after_apply(name)) return request;
    const auto ref = reference(expressions.find("endpoint_config_name"), *name);
    return ref ? with_member(request, "EndpointConfigName", *ref, arena) : request;
  }
  if (kind != ResourceKind::endpoint_config) return request;
  const Value* variants = request.find("ProductionVariants");
  const Value* blocks = expressions.find("production_variants");
  if (!variants || !variants->is_array() || !blocks || !blocks->is_array()) return request;
  bool changed = false;
  TreeBuilder b(arena);
  const size_t base = b.open_array();
  for (size_t i = 0; i < variants->items().size(); ++i) {
    const Value& v = variants->items()[i];
    const Value* name = v.is_object() ? v.find("ModelName") : nullptr;
    std::optional<Value> ref;
    if (known_after_apply(name) && i < blocks->items().size()) {
      ref = reference(blocks->items()[i].find("model_name"), *name);
    }
    changed |= ref.has_value();
    b.add_item(ref ? with_member(v, "ModelName", *ref, arena) : v);
  }
  const Value list = b.close_array(base, variants->offset());
  return changed ? with_member(request, "ProductionVariants", list, arena) : request;
}

}  // namespace sageguard::terraform
