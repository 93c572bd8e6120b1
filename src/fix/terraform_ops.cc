#include "fix/terraform_ops.h"

#include <fmt/format.h>

#include <algorithm>

#include "model/terraform.h"
#include "rules/kind_layout.h"
#include "rules/rule_context.h"
#include "sageguard/api_model.h"

namespace sageguard::fix {
namespace {

// The resource blocks of a configuration, by address (type.name).
std::unordered_map<std::string, const Value*> resource_bodies(const Value& root) {
  std::unordered_map<std::string, const Value*> out;
  for (const Member& r : root.members()) {
    if (r.first != "resource") continue;
    each_block_object(r.second, [&](const Value& by_type) {
      for (const Member& typed : by_type.members()) {
        const std::string type(typed.first);
        each_block_object(typed.second, [&](const Value& named) {
          for (const Member& entry : named.members()) {
            const std::string address = type + "." + std::string(entry.first);
            each_block_object(entry.second, [&](const Value& body) { out.emplace(address, &body); });
          }
        });
      }
    });
  }
  return out;
}

void collect(const Value& v, std::unordered_set<const Value*>& out) {
  out.insert(&v);
  if (v.is_object()) {
    for (const Member& m : v.members()) collect(m.second, out);
  } else if (v.is_array()) {
    for (const Value& item : v.items()) collect(item, out);
  }
}

std::string expression_text(const Value& v) {
  const Value* text = v.find(kUnresolvedMember);
  return text != nullptr && text->is_string() ? std::string(text->as_string()) : "an expression";
}

// The first unresolved value on `path` below `scope`, or nullptr.
const Value* unresolved_on(const Value& scope, std::string_view path) {
  const Value* cur = &scope;
  while (true) {
    if (is_unresolved_expression(*cur)) return cur;
    if (path.empty() || !cur->is_object()) return nullptr;
    const size_t slash = path.find('/');
    cur = cur->find(path.substr(0, slash));
    if (cur == nullptr) return nullptr;
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  }
}

NewValue tags_map(const std::vector<NewValue>& tags) {
  NewValue map = NewValue::object();
  for (const NewValue& t : tags) {
    std::string key;
    NewValue value;
    for (const NewMember& m : t.members) {
      if (m.first == "Key") key = m.second.str;
      if (m.first == "Value") value = m.second;
    }
    map.add(key, std::move(value));
  }
  return map;
}

}  // namespace

TerraformTargets::TerraformTargets(const Document& doc, const std::vector<Resource>& resources)
    : doc_(doc), json_(doc.format() == SourceFormat::json) {
  collect(doc.root(), in_document_);
  for (const Value* v : in_document_) {
    // A block's body shares its offset with its label objects: the body
    // (found last, deepest) wins, and only an object expression is looked
    // for by offset anyway.
    (v->is_object() || v->is_array() ? containers_ : scalars_)[v->offset()] = v;
  }
  const auto bodies = resource_bodies(doc.root());
  for (const Resource& r : resources) {
    if (r.root == nullptr || in_document_.count(r.root) != 0) continue;
    const auto it = bodies.find(r.resource_id);
    if (it == bodies.end()) continue;
    const Value& body = *it->second;
    roots_.insert(r.root);
    const Value* own = body.find("tags");
    by_root_[r.root] = TagsPlace{&body, own};
    if (const Value* tags = r.root->find("Tags")) tags_[tags] = TagsPlace{&body, own};
    walk(*r.root, body, true);
  }
}

void TerraformTargets::walk(const Value& request, const Value& source, bool top_level) {
  source_[&request] = &source;
  for (const Member& m : request.members()) {
    if (top_level && m.first == "Tags") continue;
    std::vector<const Value*> occurrences;
    for (const Member& s : source.members()) {
      if (terraform_api_name(s.first) == m.first) occurrences.push_back(&s.second);
    }
    if (!occurrences.empty()) map_member(m.second, std::move(occurrences));
  }
}

void TerraformTargets::map_member(const Value& request, std::vector<const Value*> occ) {
  if (is_unresolved_expression(request)) return;
  // A block the JSON syntax writes as a list of objects.
  const bool blocks_in_list = occ.size() == 1 && occ[0]->is_array() && !occ[0]->items().empty() &&
                              occ[0]->items().front().is_object();
  if (request.is_object()) {
    const Value* src = blocks_in_list ? &occ[0]->items().front() : occ[0];
    if (src->is_object() && !is_unresolved_expression(*src)) walk(request, *src, false);
    return;
  }
  if (!request.is_array()) {
    source_[&request] = occ[0];
    return;
  }
  std::vector<const Value*> items;
  if (occ.size() == 1 && occ[0]->is_array()) {
    source_[&request] = occ[0];
    for (const Value& item : occ[0]->items()) items.push_back(&item);
  } else {
    items = std::move(occ);  // repeated blocks
  }
  const auto& req = request.items();
  for (size_t i = 0; i < req.size() && i < items.size(); ++i) {
    if (req[i].is_object()) {
      if (items[i]->is_object() && !is_unresolved_expression(*items[i])) {
        walk(req[i], *items[i], false);
      }
    } else {
      source_[&req[i]] = items[i];
    }
  }
}

std::string TerraformTargets::escaped(const std::string& s) const {
  if (!json_) return s;  // the HCL editor escapes as it quotes
  // The JSON syntax reads every string as a template: "${" and "%{" are
  // written "$${" and "%%{" to stay literal.
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] == '$' || s[i] == '%') && i + 1 < s.size() && s[i + 1] == '{') out += s[i];
    out += s[i];
  }
  return out;
}

std::string TerraformTargets::terraform_value(const NewValue& v, bool top_level,
                                              const std::string& key, NewValue& out) const {
  out = v;
  out.members.clear();
  out.items.clear();
  if (v.kind == NewValue::Kind::string) out.str = escaped(v.str);
  for (const NewMember& m : v.members) {
    NewValue inner;
    std::string name = m.first;
    if (!terraform_map_argument(key)) {
      const auto arg = terraform_argument_name(m.first, top_level);
      if (!arg) return fmt::format("no Terraform argument is known for {}", m.first);
      name = *arg;
    }
    if (std::string why = terraform_value(m.second, false, name, inner); !why.empty()) return why;
    out.members.emplace_back(std::move(name), std::move(inner));
  }
  for (const NewValue& item : v.items) {
    NewValue inner;
    if (std::string why = terraform_value(item, false, key, inner); !why.empty()) return why;
    out.items.push_back(std::move(inner));
  }
  return "";
}

std::string TerraformTargets::to_source(const Resource& r, const OpList& ops, OpList& out) const {
  OpList mapped;
  const bool translated = roots_.count(r.root) != 0;
  // The file's own node (API names) for a node of a definition, its
  // source (Terraform names) for a node of a translated resource.
  const auto source_of = [&](const Value* v) -> const Value* {
    if (in_document_.count(v) != 0) return v;  // a pipeline inside jsonencode({...})
    if (translated) {
      const auto it = source_.find(v);
      return it == source_.end() ? nullptr : it->second;
    }
    const auto& index = v->is_object() || v->is_array() ? containers_ : scalars_;
    const auto it = index.find(v->offset());
    return it != index.end() && it->second->type() == v->type() ? it->second : nullptr;
  };
  const std::string nowhere =
      "the place to change is not written in the file as an argument fix can follow (a JSON "
      "string, a generated value): change it by hand";
  const auto tags_in = [&](const TagsPlace& at, std::vector<NewValue> items) -> std::string {
    for (NewValue& t : items) {
      for (NewMember& m : t.members) m.second.str = escaped(m.second.str);
    }
    NewValue map = tags_map(items);
    if (at.own == nullptr) {
      mapped.inserts.push_back(InsertOp{at.body, "tags", std::move(map)});
      return "";
    }
    if (!at.own->is_object() || is_unresolved_expression(*at.own)) {
      return fmt::format(
          "tags is `{}`, which only Terraform can work out: add the tag where it "
          "is defined",
          at.own->is_null() ? "null" : expression_text(*at.own));
    }
    for (NewMember& m : map.members) {
      if (at.own->find(m.first) != nullptr) return "the tag is in tags already";
      mapped.inserts.push_back(InsertOp{at.own, m.first, std::move(m.second)});
    }
    return "";
  };
  for (const InsertOp& op : ops.inserts) {
    const bool top = roots_.count(op.obj) != 0;
    if (top && op.key == "Tags") {
      if (std::string why = tags_in(by_root_.at(op.obj), op.value.items); !why.empty()) return why;
      continue;
    }
    const Value* src = source_of(op.obj);
    if (src == nullptr) return nowhere;
    if (!translated) {  // the file's own tree: API names already
      mapped.inserts.push_back(InsertOp{src, op.key, op.value});
      continue;
    }
    const auto arg = terraform_argument_name(op.key, top);
    if (!arg) return fmt::format("no Terraform argument is known for {}", op.key);
    if (src->find(*arg) != nullptr) {
      return fmt::format("{} is set already in a form fix cannot follow", *arg);
    }
    NewValue v;
    if (std::string why = terraform_value(op.value, false, *arg, v); !why.empty()) return why;
    mapped.inserts.push_back(InsertOp{src, *arg, std::move(v)});
  }
  for (const AppendOp& op : ops.appends) {
    if (const auto t = tags_.find(op.array); t != tags_.end()) {
      if (std::string why = tags_in(t->second, op.items); !why.empty()) return why;
      continue;
    }
    const Value* src = source_of(op.array);
    if (src == nullptr || !src->is_array()) return nowhere;
    AppendOp a{src, {}};
    for (const NewValue& item : op.items) {
      NewValue v;
      if (!translated) {
        v = item;
      } else if (std::string why = terraform_value(item, false, "", v); !why.empty()) {
        return why;
      }
      a.items.push_back(std::move(v));
    }
    mapped.appends.push_back(std::move(a));
  }
  for (const ReplaceOp& op : ops.replaces) {
    const Value* src = source_of(op.node);
    if (src == nullptr || is_unresolved_expression(*src) ||
        !(src->is_string() || src->is_bool() || src->is_number() || src->is_null())) {
      return nowhere;
    }
    NewValue v = op.value;
    if (!!translated && v.kind == NewValue::Kind::string) v.str = escaped(v.str);
    mapped.replaces.push_back(ReplaceOp{src, std::move(v)});
  }
  for (const RemoveOp& op : ops.removes) {
    const Value* src = source_of(op.obj);
    if (src == nullptr || op.index >= op.obj->members().size()) return nowhere;
    const std::string_view key = op.obj->members()[op.index].first;
    const auto& members = src->members();
    const auto it = std::find_if(members.begin(), members.end(), [&](const Member& m) {
      return (translated ? terraform_api_name(m.first) : std::string(m.first)) == key;
    });
    if (it == members.end()) return nowhere;
    mapped.removes.push_back(RemoveOp{src, static_cast<size_t>(it - members.begin())});
  }
  out.merge(std::move(mapped));
  return "";
}

std::vector<ChangeNote> TerraformTargets::unresolved_places(
    const Resource& r, const Policy& policy,
    const std::function<bool(const std::string&)>& wanted) const {
  std::vector<ChangeNote> out;
  if (roots_.count(r.root) == 0) return out;
  const auto note = [&](const std::string& rule, const Value& at, const std::string& pointer,
                        const std::string& what) {
    out.push_back(ChangeNote{rule, at.offset(), pointer,
                             fmt::format("{} is `{}`, which only Terraform can work out: fix "
                                         "neither checks nor edits it; {}",
                                         pointer.substr(1), expression_text(at), what)});
  };
  const bool tag_defaults = std::any_of(
      policy.required_tags.begin(), policy.required_tags.end(), [&](const std::string& t) {
        return std::any_of(policy.tag_defaults.begin(), policy.tag_defaults.end(),
                           [&](const auto& d) { return d.first == t; });
      });
  if (const Value* tags = r.root->find("Tags"); tags != nullptr &&
                                                is_unresolved_expression(*tags) && tag_defaults &&
                                                wanted("tags.required")) {
    const TagsPlace& place = by_root_.at(r.root);
    const bool own = place.own != nullptr && is_unresolved_expression(*place.own);
    out.push_back(ChangeNote{
        "tags.required", tags->offset(), "/Tags",
        own ? fmt::format("tags is `{}`, which only Terraform can work out: fix neither checks "
                          "nor edits it; make sure it holds the required tags",
                          expression_text(*place.own))
            : "the provider's default_tags are an expression only Terraform can work out: fix "
              "neither checks nor edits the tags; make sure they hold the required tags"});
  }
  const rules::KindLayout& layout = rules::layout_of(r.kind);
  for (const rules::Scope& s : rules::scopes_of(r)) {
    const auto place = [&](std::string_view path, const std::string& rule, bool supplied,
                           const std::string& what) {
      if (path.empty() || !supplied || !wanted(rule)) return;
      if (const Value* u = unresolved_on(*s.obj, path)) {
        note(rule, *u, s.pointer + rules::to_pointer(path), what);
      }
    };
    place(layout.vpc, "vpc.required", !policy.subnets.empty() && !policy.security_groups.empty(),
          "make sure it names the policy's subnets and security groups");
    place(layout.isolation, "network.isolation", true, "make sure it is true");
    place(layout.inter_container, "encryption.inter-container", true, "make sure it is true");
    place(layout.volume_kms, "kms.volume", policy.volume_key.has_value(),
          "make sure it names an allowed key");
    for (std::string_view p : layout.output_kms) {
      place(p, "kms.output", policy.output_key.has_value(), "make sure it names an allowed key");
    }
  }
  return out;
}

}  // namespace sageguard::fix
