#include "fix/yaml_editor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "fix/json_editor.h"
#include "fix/text_scan.h"

namespace sageguard::fix {

namespace {

bool is_space_or_eol(std::string_view t, uint64_t i) {
  return i >= t.size() || t[i] == ' ' || t[i] == '\n' || t[i] == '\r';
}

// Skip an anchor (&a) or tag (!t) in front of a node, as yaml-cpp's mark
// points at those.
uint64_t skip_properties(std::string_view t, uint64_t off) {
  while (off < t.size() && (t[off] == '&' || t[off] == '!')) {
    while (off < t.size() && !is_space_or_eol(t, off)) ++off;
    while (off < t.size() && t[off] == ' ') ++off;
  }
  return off;
}

bool only_spaces(std::string_view t, uint64_t from, uint64_t to) {
  for (uint64_t i = from; i < to; ++i) {
    if (t[i] != ' ') return false;
  }
  return true;
}

// Spaces, and "- " sequence indicators (a mapping that is a sequence item).
bool only_item_indent(std::string_view t, uint64_t from, uint64_t to) {
  for (uint64_t i = from; i < to; ++i) {
    if (t[i] == '-' && i + 1 < to && t[i + 1] == ' ') continue;
    if (t[i] != ' ') return false;
  }
  return true;
}

// A block scalar with the keep indicator (|+, >+, |2+, ...): its trailing
// blank lines are part of its value.
bool is_keep_block_scalar(std::string_view t, const Value& v) {
  if (!v.is_string()) return false;
  const uint64_t off = skip_properties(t, v.offset());
  if (off >= t.size() || (t[off] != '|' && t[off] != '>')) return false;
  for (uint64_t i = off + 1; !is_space_or_eol(t, i) && t[i] != '#'; ++i) {
    if (t[i] == '+') return true;
  }
  return false;
}

// The value a block ends with: the last member or item, all the way down.
const Value& last_leaf(const Value& v) {
  const Value* at = &v;
  for (;;) {
    if (at->is_object() && !at->members().empty()) {
      at = &at->members().back().second;
    } else if (at->is_array() && !at->items().empty()) {
      at = &at->items().back();
    } else {
      return *at;
    }
  }
}

// Where text added after a block that ends with `last` goes: at `end`,
// unless the block ends with a kept block scalar, whose trailing blank
// lines (which block_end leaves to what follows) belong to its value;
// then after them, or the scalar would lose them.
uint64_t after_kept_lines(std::string_view t, uint64_t end, const Value& last) {
  if (!is_keep_block_scalar(t, last_leaf(last))) return end;
  uint64_t pos = end;
  while (pos < t.size()) {
    uint64_t i = pos;
    while (i < t.size() && (t[i] == ' ' || t[i] == '\t')) ++i;
    if (i < t.size() && t[i] != '\n' && t[i] != '\r') break;
    pos = next_line(t, pos);
  }
  return pos;
}

}  // namespace

std::string yaml_scalar(const std::string& s) {
  auto plain_ok = [&] {
    if (s.empty() || s.front() == ' ' || s.back() == ' ' || s.back() == ':') return false;
    if (!std::isalpha(static_cast<unsigned char>(s.front())) && s.front() != '/' &&
        s.front() != '_') {
      return false;  // digits (numbers, dates) and YAML indicators
    }
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80) return false;
      if (!std::isalnum(u) && std::string_view(" _./@+=:-~").find(c) == std::string_view::npos) {
        return false;
      }
    }
    if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return false;
    std::string lower;
    for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const char* kReserved[] = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"};
    return std::none_of(std::begin(kReserved), std::end(kReserved),
                        [&](const char* r) { return lower == r; });
  };
  if (plain_ok()) return s;
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\x{:02x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

YamlEditor::YamlEditor(const Document& doc) : text_(doc.text()), nl_(newline_of(doc.text())) {
  // Learn the indentation unit and sequence style from the first examples.
  bool unit_found = false, seq_found = false;
  std::vector<const Value*> stack{&doc.root()};
  while (!stack.empty() && !(unit_found && seq_found)) {
    const Value* v = stack.back();
    stack.pop_back();
    for (const auto& it : v->items()) stack.push_back(&it);
    if (!is_block_mapping(*v)) {
      for (const auto& m : v->members()) stack.push_back(&m.second);
      continue;
    }
    for (const auto& m : v->members()) {
      const Value& child = m.second;
      const uint64_t key_col = column_of(text_, child.key_off());
      if (!unit_found && is_block_mapping(child)) {
        const uint64_t c = column_of(text_, child.members()[0].second.key_off());
        if (c > key_col) {
          unit_ = c - key_col;
          unit_found = true;
        }
      }
      if (!seq_found && is_block_sequence(child)) {
        indentless_sequences_ = column_of(text_, skip_properties(text_, child.offset())) == key_col;
        seq_found = true;
      }
    }
    for (auto m = v->members().rbegin(); m != v->members().rend(); ++m) stack.push_back(&m->second);
  }
}

bool YamlEditor::is_block_mapping(const Value& obj) const {
  if (!obj.is_object() || obj.members().empty()) return false;
  const uint64_t start = skip_properties(text_, obj.offset());
  if (start >= text_.size() || text_[start] == '{') return false;
  const uint64_t col = column_of(text_, obj.members()[0].second.key_off());
  for (size_t i = 0; i < obj.members().size(); ++i) {
    const uint64_t k = obj.members()[i].second.key_off();
    if (k >= text_.size() || column_of(text_, k) != col) return false;
    if (text_[k] == '{' || text_[k] == '[' || text_[k] == '?') return false;
    const uint64_t ls = line_start(text_, k);
    if (!(i == 0 ? only_item_indent(text_, ls, k) : only_spaces(text_, ls, k))) return false;
  }
  return true;
}

bool YamlEditor::is_block_sequence(const Value& arr) const {
  if (!arr.is_array() || arr.items().empty()) return false;
  const uint64_t start = skip_properties(text_, arr.offset());
  if (start >= text_.size() || text_[start] != '-' || !is_space_or_eol(text_, start + 1)) {
    return false;
  }
  const uint64_t dash_col = column_of(text_, start);
  for (const auto& item : arr.items()) {
    const uint64_t o = item.offset();
    if (o >= text_.size()) return false;
    const uint64_t ls = line_start(text_, o);
    const uint64_t dash = ls + dash_col;
    if (dash >= o || text_[dash] != '-' || !only_spaces(text_, ls, dash) ||
        !only_spaces(text_, dash + 1, o)) {
      return false;
    }
  }
  return true;
}

uint64_t YamlEditor::block_end(uint64_t off, uint64_t col, bool dash_at_col) const {
  uint64_t end = next_line(text_, off);
  uint64_t pos = end;
  while (pos < text_.size()) {
    uint64_t i = pos;
    while (i < text_.size() && text_[i] == ' ') ++i;
    const uint64_t next = next_line(text_, pos);
    if (i >= text_.size() || text_[i] == '\n' || text_[i] == '\r' || text_[i] == '#') {
      pos = next;  // blank or comment: belongs to whatever content follows
      continue;
    }
    const uint64_t indent = i - pos;
    const bool deeper = indent > col;
    const bool item =
        dash_at_col && indent == col && text_[i] == '-' && is_space_or_eol(text_, i + 1);
    if (!deeper && !item) break;
    end = pos = next;
  }
  return end;
}

uint64_t YamlEditor::member_end(const Value& obj, size_t index) const {
  const uint64_t key = obj.members()[index].second.key_off();
  const uint64_t col = column_of(text_, key);
  const Value& v = obj.members()[index].second;
  const bool indentless =
      is_block_sequence(v) && column_of(text_, skip_properties(text_, v.offset())) == col;
  return block_end(key, col, indentless);
}

uint64_t YamlEditor::scalar_end(uint64_t off) const {
  uint64_t i = off;
  while (i < text_.size() && text_[i] != '\n' && text_[i] != '\r' &&
         !(text_[i] == '#' && i > off && (text_[i - 1] == ' ' || text_[i - 1] == '\t'))) {
    ++i;
  }
  while (i > off && (text_[i - 1] == ' ' || text_[i - 1] == '\t')) --i;
  return i;
}

std::string YamlEditor::render_member(const std::string& key, const NewValue& v,
                                      uint64_t col) const {
  std::string out = std::string(col, ' ') + yaml_scalar(key) + ":";
  switch (v.kind) {
    case NewValue::Kind::string:
      return out + " " + yaml_scalar(v.str) + nl_;
    case NewValue::Kind::boolean:
      return out + (v.boolean ? " true" : " false") + nl_;
    case NewValue::Kind::integer:
      return out + " " + std::to_string(v.integer) + nl_;
    case NewValue::Kind::object:
      if (v.members.empty()) return out + " {}" + nl_;
      out += nl_;
      for (const auto& [k, child] : v.members) out += render_member(k, child, col + unit_);
      return out;
    case NewValue::Kind::array: {
      if (v.items.empty()) return out + " []" + nl_;
      out += nl_;
      const uint64_t dash = indentless_sequences_ ? col : col + unit_;
      for (const auto& item : v.items) out += render_item(item, dash, dash + 2);
      return out;
    }
  }
  return out;
}

std::string YamlEditor::render_item(const NewValue& v, uint64_t dash_col,
                                    uint64_t content_col) const {
  std::string out;
  if (v.kind == NewValue::Kind::object && !v.members.empty()) {
    for (const auto& [k, child] : v.members) out += render_member(k, child, content_col);
  } else if (v.kind == NewValue::Kind::string) {
    out = std::string(content_col, ' ') + yaml_scalar(v.str) + nl_;
  } else if (v.kind == NewValue::Kind::boolean) {
    out = std::string(content_col, ' ') + (v.boolean ? "true" : "false") + nl_;
  } else if (v.kind == NewValue::Kind::integer) {
    out = std::string(content_col, ' ') + std::to_string(v.integer) + nl_;
  } else {
    out = std::string(content_col, ' ') + (v.kind == NewValue::Kind::object ? "{}" : "[]") + nl_;
  }
  out[dash_col] = '-';
  return out;
}

std::string YamlEditor::at_line_start(uint64_t at, std::string body) const {
  if (at > 0 && at == text_.size() && text_[at - 1] != '\n') return nl_ + body;
  return body;
}

bool YamlEditor::can_insert(const Value& obj) const { return is_block_mapping(obj); }

bool YamlEditor::can_replace(const Value& node) const {
  const uint64_t off = node.offset();
  if (off >= text_.size()) return false;
  // An empty quoted string ("" or ''), which fix fills with the policy's value.
  if (node.is_string() && node.as_string().empty()) {
    const std::string_view q = text_.substr(off, 2);
    return q == "\"\"" || q == "''";
  }
  if (!node.is_bool() && !node.is_number()) return false;
  if (std::string_view("\"'&!*{[|>").find(text_[off]) != std::string_view::npos) return false;
  const std::string_view before =
      text_.substr(line_start(text_, off), off - line_start(text_, off));
  if (before.find_first_of("{[") != std::string_view::npos) return false;
  const std::string_view token = text_.substr(off, scalar_end(off) - off);
  return !token.empty() && token.find_first_of(",{}[]") == std::string_view::npos;
}

bool YamlEditor::can_remove(const Value& obj, size_t index) const {
  if (!is_block_mapping(obj) || obj.members().size() < 2 || index >= obj.members().size()) {
    return false;
  }
  const uint64_t k = obj.members()[index].second.key_off();
  return only_spaces(text_, line_start(text_, k), k);
}

bool YamlEditor::can_append(const Value& array) const { return is_block_sequence(array); }

std::vector<TextEdit> YamlEditor::render(const OpList& ops) const {
  std::vector<TextEdit> out;
  std::vector<std::pair<const Value*, std::string>> by_obj;
  for (const auto& op : ops.inserts) {
    auto it = std::find_if(by_obj.begin(), by_obj.end(),
                           [&](const auto& p) { return p.first == op.obj; });
    if (it == by_obj.end()) {
      by_obj.push_back({op.obj, ""});
      it = by_obj.end() - 1;
    }
    it->second +=
        render_member(op.key, op.value, column_of(text_, op.obj->members()[0].second.key_off()));
  }
  for (auto& [obj, body] : by_obj) {
    const uint64_t at = after_kept_lines(text_, member_end(*obj, obj->members().size() - 1),
                                         obj->members().back().second);
    const uint64_t col = column_of(text_, obj->members()[0].second.key_off());
    out.push_back(TextEdit{at, 0, std::move(body), 2 * col});
  }

  std::vector<std::pair<const Value*, std::string>> by_arr;
  for (const auto& op : ops.appends) {
    auto it = std::find_if(by_arr.begin(), by_arr.end(),
                           [&](const auto& p) { return p.first == op.array; });
    if (it == by_arr.end()) {
      by_arr.push_back({op.array, ""});
      it = by_arr.end() - 1;
    }
    const Value& first = op.array->items()[0];
    const uint64_t dash_col = column_of(text_, skip_properties(text_, op.array->offset()));
    uint64_t content_col = column_of(text_, first.is_object() && !first.members().empty()
                                                ? first.members()[0].second.key_off()
                                                : first.offset());
    if (content_col <= dash_col) content_col = dash_col + 2;
    for (const auto& item : op.items) it->second += render_item(item, dash_col, content_col);
  }
  for (auto& [arr, body] : by_arr) {
    const uint64_t dash_col = column_of(text_, skip_properties(text_, arr->offset()));
    const uint64_t at = after_kept_lines(
        text_, block_end(arr->items().back().offset(), dash_col, false), arr->items().back());
    // An indentless sequence ends where its parent mapping does: items first.
    out.push_back(TextEdit{at, 0, std::move(body), 2 * dash_col + 1});
  }

  for (const auto& op : ops.replaces) {
    const uint64_t off = op.node->offset();
    if (op.node->is_string()) {
      // "" or '' (can_replace): keep the quotes, which are safe in flow
      // and block context alike.
      std::string quoted;
      if (text_[off] == '"') {
        quoted = json_quote(op.value.str);
      } else {
        quoted = "'";
        for (char c : op.value.str) quoted += c == '\'' ? std::string("''") : std::string(1, c);
        quoted += "'";
      }
      out.push_back(TextEdit{off, 2, std::move(quoted)});
      continue;
    }
    std::string lit = op.value.kind == NewValue::Kind::boolean
                          ? (op.value.boolean ? "true" : "false")
                          : std::to_string(op.value.integer);
    out.push_back(TextEdit{off, scalar_end(off) - off, std::move(lit)});
  }
  for (const auto& op : ops.removes) {
    const uint64_t k = op.obj->members()[op.index].second.key_off();
    const uint64_t from = line_start(text_, k);
    out.push_back(TextEdit{from, member_end(*op.obj, op.index) - from, ""});
  }
  // A last line without a newline: the first block appended after it starts
  // a new line.
  TextEdit* first_at_end = nullptr;
  for (auto& e : out) {
    if (e.offset == text_.size() && !e.text.empty() &&
        (!first_at_end || e.priority > first_at_end->priority)) {
      first_at_end = &e;
    }
  }
  if (first_at_end) first_at_end->text = at_line_start(first_at_end->offset, first_at_end->text);
  return out;
}

}  // namespace sageguard::fix
