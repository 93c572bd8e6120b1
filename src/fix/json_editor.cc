#include "fix/json_editor.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fix/text_scan.h"

namespace sageguard::fix {

std::string json_quote(const std::string& s) {
  // Keeps non-ASCII as UTF-8 (the input is UTF-8 already); escapes controls.
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

JsonEditor::JsonEditor(const Document& doc) : text_(doc.text()), nl_(newline_of(doc.text())) {
  const Value& root = doc.root();
  doc_style_ = style_of_container(root);
  // A document whose root is empty or compact still gets readable nested
  // values when it is pretty elsewhere; compact roots stay compact.
}

uint64_t JsonEditor::value_end(uint64_t off) const {
  const uint64_t n = text_.size();
  if (off >= n) return n;
  const char c = text_[off];
  if (c == '"') {
    uint64_t i = off + 1;
    while (i < n && text_[i] != '"') i += text_[i] == '\\' ? 2 : 1;
    return std::min(n, i + 1);
  }
  if (c == '{' || c == '[') {
    int depth = 0;
    for (uint64_t i = off; i < n; ++i) {
      const char d = text_[i];
      if (d == '"') {
        ++i;
        while (i < n && text_[i] != '"') i += text_[i] == '\\' ? 2 : 1;
      } else if (d == '{' || d == '[') {
        ++depth;
      } else if ((d == '}' || d == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return n;
  }
  uint64_t i = off;
  while (i < n && std::string_view(",}] \t\r\n").find(text_[i]) == std::string_view::npos) ++i;
  return i;
}

JsonEditor::Style JsonEditor::style_of_container(const Value& c) const {
  Style s = doc_style_;
  uint64_t first = 0, first_end = 0, second = 0;
  bool has_second = false;
  if (c.is_object() && !c.members().empty()) {
    const auto& m = c.members();
    first = m[0].second.key_off();
    const uint64_t key_end = value_end(first);
    const std::string_view colon = text_.substr(key_end, m[0].second.offset() - key_end);
    if (colon.find(':') != std::string_view::npos && colon.size() <= 8)
      s.colon = std::string(colon);
    first_end = value_end(m[0].second.offset());
    if (m.size() > 1) {
      has_second = true;
      second = m[1].second.key_off();
    }
  } else if (c.is_array() && !c.items().empty()) {
    first = c.items()[0].offset();
    first_end = value_end(first);
    if (c.items().size() > 1) {
      has_second = true;
      second = c.items()[1].offset();
    }
  } else {
    return s;
  }
  s.pretty = contains_newline(text_, c.offset() + 1, first);
  if (s.pretty) {
    const std::string outer = line_indent(text_, c.offset());
    const std::string inner = line_indent(text_, first);
    if (inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0) {
      s.unit = inner.substr(outer.size());
    }
  } else if (has_second && second > first_end) {
    const std::string_view comma = text_.substr(first_end, second - first_end);
    if (comma.find(',') != std::string_view::npos && comma.size() <= 8)
      s.comma = std::string(comma);
  } else {
    s.comma = s.colon.find(' ') != std::string::npos ? ", " : ",";
  }
  return s;
}

std::string JsonEditor::render_value(const NewValue& v, const std::string& indent,
                                     const Style& s) const {
  switch (v.kind) {
    case NewValue::Kind::string:
      return json_quote(v.str);
    case NewValue::Kind::boolean:
      return v.boolean ? "true" : "false";
    case NewValue::Kind::integer:
      return std::to_string(v.integer);
    case NewValue::Kind::object:
    case NewValue::Kind::array:
      break;
  }
  const bool obj = v.kind == NewValue::Kind::object;
  const size_t n = obj ? v.members.size() : v.items.size();
  if (n == 0) return obj ? "{}" : "[]";
  const std::string inner = indent + s.unit;
  std::string out(1, obj ? '{' : '[');
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) out += s.pretty ? "," : s.comma;
    if (s.pretty) out += nl_ + inner;
    if (obj) {
      out += json_quote(v.members[i].first) + s.colon + render_value(v.members[i].second, inner, s);
    } else {
      out += render_value(v.items[i], inner, s);
    }
  }
  if (s.pretty) out += nl_ + indent;
  out += obj ? '}' : ']';
  return out;
}

bool JsonEditor::can_insert(const Value& obj) const {
  return obj.is_object() && obj.offset() < text_.size() && text_[obj.offset()] == '{';
}

bool JsonEditor::can_replace(const Value& node) const {
  return !node.is_object() && !node.is_array() && node.offset() < text_.size();
}

bool JsonEditor::can_remove(const Value& obj, size_t index) const {
  return can_insert(obj) && obj.members().size() > 1 && index < obj.members().size();
}

bool JsonEditor::can_append(const Value& array) const {
  return array.is_array() && array.offset() < text_.size() && text_[array.offset()] == '[';
}

TextEdit JsonEditor::insert_edit(const Value& obj, const std::vector<const InsertOp*>& ins) const {
  const bool empty = obj.members().empty();
  const Style s = style_of_container(obj);
  std::string indent;  // indentation of the new members
  if (!empty) {
    if (s.pretty) indent = line_indent(text_, obj.members()[0].second.key_off());
  } else {
    indent = line_indent(text_, obj.offset()) + s.unit;
  }
  std::string body;
  for (size_t i = 0; i < ins.size(); ++i) {
    if (!empty || i > 0) body += s.pretty ? "," : s.comma;
    if (s.pretty) body += nl_ + indent;
    body += json_quote(ins[i]->key) + s.colon + render_value(ins[i]->value, indent, s);
  }
  if (!empty) return TextEdit{value_end(obj.members().back().second.offset()), 0, body};
  // `{}` or `{ }`: replace the inside.
  const uint64_t open = obj.offset();
  const uint64_t close = value_end(open) - 1;
  if (s.pretty) body += nl_ + line_indent(text_, open);
  return TextEdit{open + 1, close - (open + 1), body};
}

TextEdit JsonEditor::append_edit(const Value& arr,
                                 const std::vector<const NewValue*>& items) const {
  const bool empty = arr.items().empty();
  const Style s = style_of_container(arr);
  // Items mirror the first existing item (a compact one-line tag object
  // stays one line even inside a pretty array).
  Style item_style = s;
  if (!empty && arr.items()[0].is_object() && !arr.items()[0].members().empty()) {
    item_style = style_of_container(arr.items()[0]);
  }
  std::string indent;
  if (!empty) {
    if (s.pretty) indent = line_indent(text_, arr.items()[0].offset());
  } else {
    indent = line_indent(text_, arr.offset()) + s.unit;
  }
  std::string body;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!empty || i > 0) body += s.pretty ? "," : s.comma;
    if (s.pretty) body += nl_ + indent;
    body += render_value(*items[i], indent, item_style);
  }
  if (!empty) return TextEdit{value_end(arr.items().back().offset()), 0, body};
  const uint64_t open = arr.offset();
  const uint64_t close = value_end(open) - 1;
  if (s.pretty) body += nl_ + line_indent(text_, open);
  return TextEdit{open + 1, close - (open + 1), body};
}

std::vector<TextEdit> JsonEditor::render(const OpList& ops) const {
  std::vector<TextEdit> out;
  std::vector<std::pair<const Value*, std::vector<const InsertOp*>>> by_obj;
  for (const auto& op : ops.inserts) {
    auto it = std::find_if(by_obj.begin(), by_obj.end(),
                           [&](const auto& p) { return p.first == op.obj; });
    if (it == by_obj.end()) {
      by_obj.push_back({op.obj, {}});
      it = by_obj.end() - 1;
    }
    it->second.push_back(&op);
  }
  for (const auto& [obj, ins] : by_obj) out.push_back(insert_edit(*obj, ins));

  std::vector<std::pair<const Value*, std::vector<const NewValue*>>> by_arr;
  for (const auto& op : ops.appends) {
    auto it = std::find_if(by_arr.begin(), by_arr.end(),
                           [&](const auto& p) { return p.first == op.array; });
    if (it == by_arr.end()) {
      by_arr.push_back({op.array, {}});
      it = by_arr.end() - 1;
    }
    for (const auto& item : op.items) it->second.push_back(&item);
  }
  for (const auto& [arr, items] : by_arr) out.push_back(append_edit(*arr, items));

  for (const auto& op : ops.replaces) {
    const uint64_t off = op.node->offset();
    out.push_back(TextEdit{off, value_end(off) - off, render_value(op.value, "", doc_style_)});
  }
  for (const auto& op : ops.removes) {
    const auto& m = op.obj->members();
    if (op.index + 1 == m.size()) {
      const uint64_t from = value_end(m[op.index - 1].second.offset());
      out.push_back(TextEdit{from, value_end(m[op.index].second.offset()) - from, ""});
    } else {
      const uint64_t from = m[op.index].second.key_off();
      out.push_back(TextEdit{from, m[op.index + 1].second.key_off() - from, ""});
    }
  }
  return out;
}

}  // namespace sageguard::fix
