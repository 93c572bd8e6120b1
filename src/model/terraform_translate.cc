#include "model/terraform_translate.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/terraform.h"
#include "sageguard/api_model.h"

namespace sageguard {

namespace {

// Arguments whose API member is not the argument in PascalCase, from the
// AWS provider's schema (5.100) and documentation. `top_level`: the
// provider names the member so only as a resource's own argument (nested
// blocks say kms_key_id for KmsKeyId).
struct Renamed {
  std::string_view argument;
  std::string_view member;
  bool top_level = false;
};
constexpr std::array<Renamed, 5> kRenamed = {{
    {"kms_key_arn", "KmsKeyId", true},  // aws_sagemaker_endpoint_configuration
    {"container", "Containers", true},  // aws_sagemaker_model: one block per container
    {"volume_size_in_gb", "VolumeSizeInGB"},
    {"enable_ssm_access", "EnableSSMAccess"},
    {"memory_size_in_mb", "MemorySizeInMB"},
}};

// Blocks that may repeat and become a list in the request; every other
// block nests at most once (max_items 1) and becomes an object.
bool is_list_block(std::string_view name) {
  return name == "production_variants" || name == "shadow_production_variants" ||
         name == "container" || name == "capture_options" || name == "alarms" ||
         name == "input_data_config" || name == "instance_groups" ||
         name == "debug_rule_configurations" || name == "profiler_rule_configurations" ||
         name == "tensor_board_output_config_list";
}

}  // namespace

bool terraform_map_argument(std::string_view name) {
  return name == "environment" || name == "hyper_parameters" || name == "hyperparameters" ||
         name == "static_hyper_parameters" || name == "rule_parameters";
}

std::string terraform_api_name(std::string_view argument) {
  for (const Renamed& r : kRenamed) {
    if (r.argument == argument) return std::string(r.member);
  }
  std::string out;
  out.reserve(argument.size());
  bool upper = true;
  for (char c : argument) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

std::optional<std::string> terraform_argument_name(std::string_view member, bool top_level) {
  for (const Renamed& r : kRenamed) {
    if (r.member == member && (top_level || !r.top_level)) return std::string(r.argument);
  }
  std::string out;
  for (size_t i = 0; i < member.size(); ++i) {
    const char c = member[i];
    if (c >= 'A' && c <= 'Z') {
      if (i > 0) out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  // An argument is an identifier; acronyms (VolumeSizeInGB) need the
  // table: only a name that maps back to the member is one.
  const bool identifier = !out.empty() && std::all_of(out.begin(), out.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!identifier || terraform_api_name(out) != member) return std::nullopt;
  return out;
}

namespace terraform {

bool is_meta_argument(std::string_view name) {
  static constexpr std::string_view kMeta[] = {
      "count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection",
      "timeouts", "id", "arn", "tags", "tags_all", "name", "name_prefix", "region"};
  for (std::string_view m : kMeta) {
    if (m == name) return true;
  }
  return false;
}

Value Translator::unresolved(std::string_view text, uint64_t off) {
  const size_t base = b_.open_object();
  b_.add_member(kUnresolvedMember, b_.string(text, off), off);
  return b_.close_object(base, off);
}

bool Translator::is_template(const Value& v) const {
  if (syntax_ != Syntax::json || !v.is_string()) return false;
  const std::string_view s = v.as_string();
  // "$${" and "%%{" are escapes for the literal characters.
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    if ((s[i] == '$' || s[i] == '%') && s[i + 1] == '{' && (i == 0 || s[i - 1] != s[i])) return true;
  }
  return false;
}

Value Translator::leaf(const Value& v, const Value* unknown, uint64_t off) {
  if (unknown != nullptr && unknown->is_true()) return unresolved("(known after apply)", off);
  if (is_unresolved_expression(v)) {
    const Value* text = v.find(kUnresolvedMember);
    return unresolved(text != nullptr && text->is_string() ? text->as_string() : "jsonencode(...)",
                      off);
  }
  if (is_template(v)) return unresolved(v.as_string(), off);
  switch (v.type()) {
    case ValueType::null: return Value::null_at(off);
    case ValueType::boolean: return Value::boolean_at(v.as_bool(), off);
    case ValueType::number: return Value::number_at(v.as_number(), v.is_integral(), off);
    case ValueType::string: return Value::string_view_at(v.as_string(), off);
    case ValueType::array:
    case ValueType::object: break;
  }
  return copy_value(v, arena_);
}

Value Translator::map_value(const Value& v, const Value* unknown, uint64_t off) {
  if (unknown != nullptr && unknown->is_true()) return unresolved("(known after apply)", off);
  if (!v.is_object() || is_unresolved_expression(v)) return leaf(v, nullptr, off);
  const size_t base = b_.open_object();
  for (const auto& [key, val] : v.members()) {
    if (val.is_null()) continue;
    const Value* u = unknown != nullptr ? unknown->find(key) : nullptr;
    b_.add_member(key, leaf(val, u, val.offset()), val.key_off());
  }
  return b_.close_object(base, off);
}

Value Translator::member_value(std::string_view name, const Value& v, const Value* unknown,
                               uint64_t off, int depth) {
  if (unknown != nullptr && unknown->is_true()) return unresolved("(known after apply)", off);
  if (v.is_null()) return v;
  if (terraform_map_argument(name)) return map_value(v, unknown, off);
  if (v.is_object() && !is_unresolved_expression(v)) {
    Value one = body(v, unknown, off, depth + 1, name);
    if (!is_list_block(name)) return one;
    const size_t base = b_.open_array();
    b_.add_item(one);
    return b_.close_array(base, off);
  }
  if (!v.is_array()) return leaf(v, unknown, off);
  const auto items = v.items();
  if (items.empty()) return syntax_ == Syntax::plan ? Value() : leaf(v, unknown, off);
  const bool blocks = items.front().is_object() && !is_unresolved_expression(items.front());
  const auto item_unknown = [&](size_t i) -> const Value* {
    return unknown != nullptr && unknown->is_array() && i < unknown->items().size()
               ? &unknown->items()[i]
               : nullptr;
  };
  // A block that nests once: its first (only) occurrence.
  if (blocks && !is_list_block(name)) {
    return body(items.front(), item_unknown(0), off, depth + 1);
  }
  const size_t base = b_.open_array();
  for (size_t i = 0; i < items.size(); ++i) {
    const Value* u = item_unknown(i);
    if (blocks && items[i].is_object()) {
      b_.add_item(body(items[i], u, items[i].offset(), depth + 1, name));
    } else {
      b_.add_item(leaf(items[i], u, items[i].offset()));
    }
  }
  return b_.close_array(base, off);
}

Value Translator::body(const Value& src, const Value* unknown, uint64_t off, int depth,
                       std::string_view block) {
  // Repeated blocks of one type (HCL) are repeated members: gather them.
  std::vector<std::pair<std::string_view, std::vector<const Value*>>> groups;
  for (const auto& [key, val] : src.members()) {
    auto it = std::find_if(groups.begin(), groups.end(), [name = key](const auto& g) { return g.first == name; });
    if (it == groups.end()) {
      groups.push_back({key, {&val}});
    } else {
      it->second.push_back(&val);
    }
  }
  if (unknown != nullptr && unknown->is_object()) {
    for (const auto& [key, val] : unknown->members()) {
      if (!val.is_true() || src.find(key) != nullptr) continue;
      groups.push_back({key, {&val}});
    }
  }
  const size_t base = b_.open_object();
  for (const auto& [key, occurrences] : groups) {
    if (depth == 0 && is_meta_argument(key)) continue;
    const Value& first = *occurrences.front();
    if (key == "dynamic") {
      // dynamic "x" { for_each = ..., content { ... } }: blocks generated
      // from a collection, unknown here.
      for (const Value* d : occurrences) {
        for (const auto& [label, content] : d->members()) {
          b_.add_member(b_.key(terraform_api_name(label)),
                        unresolved("dynamic \"" + std::string(label) + "\"", content.key_off()),
                        content.key_off());
        }
      }
      continue;
    }
    const Value* u = unknown != nullptr ? unknown->find(key) : nullptr;
    const uint64_t at = first.key_off() != 0 ? first.key_off() : first.offset();
    Value out;
    if (&first == u) {  // only in after_unknown
      out = unresolved("(known after apply)", at);
    } else if (occurrences.size() > 1 && is_list_block(key)) {
      const size_t list = b_.open_array();
      for (const Value* occ : occurrences) {
        if (occ->is_object()) b_.add_item(body(*occ, nullptr, occ->key_off(), depth + 1, key));
      }
      out = b_.close_array(list, at);
    } else {
      out = member_value(key, first, u, at, depth);
    }
    if (out.is_null()) continue;  // unset
    b_.add_member(b_.key(terraform_api_name(key)), out, at);
  }
  // Terraform names a production variant the API requires a name for.
  if ((block == "production_variants" || block == "shadow_production_variants") &&
      src.find("variant_name") == nullptr &&
      (unknown == nullptr || unknown->find("variant_name") == nullptr)) {
    b_.add_member("VariantName", unresolved("(generated by Terraform)", off), off);
  }
  return b_.close_object(base, off);
}

Value Translator::resource(const Value& src, const Value* unknown, uint64_t off,
                           std::string_view name_member, std::string_view name_argument,
                           const Value* tags) {
  const Value translated = body(src, unknown, off, 0);
  const size_t base = b_.open_object();
  if (!name_member.empty()) {
    const Value* name = src.find(name_argument);
    const Value* u = unknown != nullptr ? unknown->find(name_argument) : nullptr;
    if (name != nullptr && !name->is_null()) {
      b_.add_member(name_member, leaf(*name, u, name->key_off()), name->key_off());
    } else if (const Value* prefix = src.find("name_prefix"); prefix && !prefix->is_null()) {
      b_.add_member(name_member, unresolved("name_prefix", prefix->key_off()), prefix->key_off());
    } else {
      // Terraform generates the name.
      b_.add_member(name_member, unresolved("(generated by Terraform)", off), off);
    }
  }
  for (const auto& [key, val] : translated.members()) {
    if (key == name_member) continue;
    b_.add_member(key, val, val.key_off());
  }
  if (tags != nullptr) b_.add_member("Tags", *tags, tags->offset());
  return b_.close_object(base, off);
}

Value Translator::tags(const Value* defaults, const Value* own, const Value* unknown,
                       uint64_t off) {
  const auto open_map = [&](const Value* m) {
    return m != nullptr && !m->is_null() && (!m->is_object() || is_unresolved_expression(*m));
  };
  if ((unknown != nullptr && unknown->is_true()) || open_map(defaults) || open_map(own)) {
    return unresolved("tags", off);
  }
  std::vector<std::pair<std::string_view, Value>> merged;
  for (const Value* m : {defaults, own}) {
    if (m == nullptr || !m->is_object()) continue;
    for (const auto& [key, val] : m->members()) {
      const Value* u = unknown != nullptr ? unknown->find(key) : nullptr;
      Value v = leaf(val, u, val.offset());
      v.set_key_offset(val.key_off());
      auto it = std::find_if(merged.begin(), merged.end(), [name = key](const auto& e) { return e.first == name; });
      if (it != merged.end()) {
        it->second = v;
      } else {
        merged.emplace_back(key, v);
      }
    }
  }
  const size_t list = b_.open_array();
  for (const auto& [key, val] : merged) {
    const size_t base = b_.open_object();
    b_.add_member("Key", Value::string_view_at(key, val.key_off()), val.key_off());
    b_.add_member("Value", val, val.offset());
    b_.add_item(b_.close_object(base, val.key_off()));
  }
  return b_.close_array(list, off);
}

Value Translator::shift(const Value& v, uint64_t base, bool same_bytes, uint64_t off) {
  const auto at = [&](uint64_t o) { return same_bytes ? base + o : off; };
  switch (v.type()) {
    case ValueType::null: return Value::null_at(at(v.offset()));
    case ValueType::boolean: return Value::boolean_at(v.as_bool(), at(v.offset()));
    case ValueType::number:
      return Value::number_at(v.as_number(), v.is_integral(), at(v.offset()));
    case ValueType::string: return b_.string(v.as_string(), at(v.offset()));
    case ValueType::array: {
      const size_t list = b_.open_array();
      for (const Value& item : v.items()) b_.add_item(shift(item, base, same_bytes, off));
      return b_.close_array(list, at(v.offset()));
    }
    case ValueType::object: {
      const size_t obj = b_.open_object();
      for (const auto& [key, val] : v.members()) {
        b_.add_member(b_.key(key), shift(val, base, same_bytes, off), at(val.key_off()));
      }
      return b_.close_object(obj, at(v.offset()));
    }
  }
  return Value();
}

bool Translator::parse_json_text(std::string_view json, uint64_t content_off, bool same_bytes,
                                 uint64_t off, Value& out) {
  // The definition is a document of its own: the reader's depth limit.
  auto tree = parse_json("definition", json, ReadOptions{}.max_depth);
  if (!tree.ok()) return false;
  out = shift(tree->root(), content_off, same_bytes, off);
  return true;
}

}  // namespace terraform
}  // namespace sageguard
