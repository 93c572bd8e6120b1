#include "fix/hcl_editor.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>

#include "fix/text_scan.h"
#include "model/terraform.h"
#include "sageguard/api_model.h"

namespace sageguard::fix {
namespace {

constexpr std::string_view kUnit = "  ";  // terraform fmt indents by two spaces

bool is_identifier(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

// A member written on one line: a scalar, a list (of scalars, or inline
// objects in an expression); a nested object or, in a block's body, a list
// of blocks takes lines of its own.
bool one_line(const NewValue& v, bool block) {
  if (v.kind == NewValue::Kind::object) return false;
  if (v.kind != NewValue::Kind::array) return true;
  return !block || std::none_of(v.items.begin(), v.items.end(),
                                [](const NewValue& i) { return i.kind == NewValue::Kind::object; });
}

// In a block's body an object is a nested block, except a map argument.
bool is_block(const std::string& key, const NewValue& v, bool block) {
  return block && key != "tags" && !terraform_map_argument(key) &&
         (v.kind == NewValue::Kind::object ||
          (v.kind == NewValue::Kind::array && !v.items.empty() &&
           v.items.front().kind == NewValue::Kind::object));
}

std::string key_text(const std::string& key, bool block) {
  return block || is_identifier(key) ? key : hcl_quote(key);
}

std::string inline_value(const NewValue& v) {
  switch (v.kind) {
    case NewValue::Kind::string:
      return hcl_quote(v.str);
    case NewValue::Kind::boolean:
      return v.boolean ? "true" : "false";
    case NewValue::Kind::integer:
      return std::to_string(v.integer);
    case NewValue::Kind::array: {
      std::vector<std::string> items;
      for (const NewValue& i : v.items) items.push_back(inline_value(i));
      return fmt::format("[{}]", fmt::join(items, ", "));
    }
    case NewValue::Kind::object: {
      if (v.members.empty()) return "{}";
      std::vector<std::string> members;
      for (const NewMember& m : v.members) {
        members.push_back(key_text(m.first, false) + " = " + inline_value(m.second));
      }
      return fmt::format("{{ {} }}", fmt::join(members, ", "));
    }
  }
  return "";
}

struct Renderer {
  const std::string& nl;

  // Members at `indent`, each run of one-line members aligned on `=` (to
  // at least `width` when it continues a run already in the file).
  void members(const std::vector<const NewMember*>& ms, const std::string& indent, bool block,
               uint64_t width, std::string& out) const {
    std::vector<const NewMember*> run;
    bool after_multi = false;
    const auto flush = [&] {
      uint64_t w = width;
      for (const NewMember* m : run) {
        w = std::max<uint64_t>(w, indent.size() + key_text(m->first, block).size());
      }
      for (const NewMember* m : run) {
        const std::string k = key_text(m->first, block);
        out += indent + k + std::string(w - indent.size() - k.size() + 1, ' ') + "= " +
               inline_value(m->second) + nl;
      }
      run.clear();
      width = 0;
    };
    for (const NewMember* m : ms) {
      if (one_line(m->second, block)) {
        if (after_multi) out += nl;
        after_multi = false;
        run.push_back(m);
        continue;
      }
      flush();
      if (!out.empty()) out += nl;
      multi(m->first, m->second, indent, block, out);
      after_multi = true;
    }
    flush();
  }

  void multi(const std::string& key, const NewValue& v, const std::string& indent, bool block,
             std::string& out) const {
    const std::string inner = indent + std::string(kUnit);
    if (is_block(key, v, block)) {
      std::vector<const NewValue*> bodies;
      if (v.kind == NewValue::Kind::object) {
        bodies.push_back(&v);
      } else {
        for (const NewValue& i : v.items) bodies.push_back(&i);
      }
      for (size_t i = 0; i < bodies.size(); ++i) {
        if (i > 0) out += nl;
        out += indent + key + " {" + nl;
        std::vector<const NewMember*> ms;
        for (const NewMember& m : bodies[i]->members) ms.push_back(&m);
        std::string body;
        members(ms, inner, true, 0, body);
        out += body + indent + "}" + nl;
      }
      return;
    }
    // An object expression (a map argument, or any object in one).
    out += indent + key_text(key, block) + " = {" + nl;
    std::vector<const NewMember*> ms;
    for (const NewMember& m : v.members) ms.push_back(&m);
    std::string body;
    members(ms, inner, false, 0, body);
    out += body + indent + "}" + nl;
  }
};

}  // namespace

std::string hcl_quote(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
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
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          // "${" and "%{" would start a template; doubling keeps them text.
          if ((c == '$' || c == '%') && i + 1 < s.size() && s[i + 1] == '{') out += s[i];
          out += s[i];
        }
    }
  }
  return out + "\"";
}

HclEditor::HclEditor(const Document& doc)
    : text_(doc.text()), root_(&doc.root()), nl_(newline_of(doc.text())), layout_(doc.text()) {}

bool HclEditor::contains_newline(uint64_t from, uint64_t to) const {
  return fix::contains_newline(text_, from, to);
}

std::optional<HclEditor::Body> HclEditor::body_of(const Value& obj) const {
  if (&obj == root_ || !obj.is_object() || is_unresolved_expression(obj)) return std::nullopt;
  uint64_t at = obj.offset();
  if (at >= text_.size()) return std::nullopt;
  bool block = false;
  if (text_[at] != '{') {
    // A block: its type, labels, then '{'.
    block = true;
    while (at < text_.size() && text_[at] != '{') {
      const uint64_t s = layout_.skip_token(at);
      if (s != at) {
        if (text_[at] != '"') return std::nullopt;  // a comment inside the header
        at = s;
      } else if (text_[at] == '\n' || text_[at] == '=') {
        return std::nullopt;
      } else {
        ++at;
      }
    }
    if (at >= text_.size()) return std::nullopt;
  }
  const auto close = layout_.match_close(at);
  if (!close || text_[*close] != '}') return std::nullopt;
  return Body{at, *close, block};
}

std::optional<size_t> HclEditor::attribute_line(const Value& member) const {
  const uint64_t key = member.key_off();
  const size_t i = layout_.line_index(key);
  const HclLine& l = layout_.lines()[i];
  if (!l.assign || l.eq <= key || member.offset() < l.eq || member.offset() >= l.end) {
    return std::nullopt;
  }
  if (!blank(text_.substr(l.start, key - l.start))) return std::nullopt;
  return i;
}

std::string HclEditor::indent_of(const Value& obj, const Body& b) const {
  for (const Member& m : obj.members()) {
    const uint64_t k = m.second.key_off();
    if (contains_newline(b.open, k)) return line_indent(text_, k);
  }
  return line_indent(text_, b.open) + std::string(kUnit);
}

bool HclEditor::can_insert(const Value& obj) const {
  const auto b = body_of(obj);
  // A comment after the closing brace is aligned with its neighbours': the
  // line that grows, or the lines put before it, would move it.
  if (!b || layout_.line_at(b->close).comment) return false;
  if (single_line(*b)) return obj.members().empty() || !b->block;
  // New lines go before the line of the closing brace.
  return blank(text_.substr(line_start(text_, b->close), b->close - line_start(text_, b->close)));
}

uint64_t HclEditor::scalar_end(uint64_t off) const {
  if (off < text_.size() && text_[off] == '"') return layout_.skip_token(off);
  uint64_t i = off;
  while (i < text_.size() &&
         (std::isalnum(static_cast<unsigned char>(text_[i])) != 0 || text_[i] == '.' ||
          text_[i] == '_' || text_[i] == '-' || text_[i] == '+')) {
    ++i;
  }
  return i;
}

bool HclEditor::can_replace(const Value& node) const {
  const uint64_t off = node.offset();
  if (off >= text_.size() || node.is_object() || node.is_array()) return false;
  if (text_.substr(off, 2) == "<<") return false;  // a heredoc stays as written
  const uint64_t end = scalar_end(off);
  return end > off && !contains_newline(off, end);
}

bool HclEditor::can_remove(const Value& obj, size_t index) const {
  if (index >= obj.members().size() || !body_of(obj)) return false;
  const auto line = attribute_line(obj.members()[index].second);
  if (!line) return false;
  const auto [first, last] = layout_.chain(*line);
  for (size_t i = first; i <= last; ++i) {
    const HclLine& l = layout_.lines()[i];
    if (l.comment || contains_newline(l.start, l.end - 1)) return false;
  }
  return true;
}

bool HclEditor::can_append(const Value& array) const {
  const uint64_t off = array.offset();
  if (!array.is_array() || off >= text_.size() || text_[off] != '[') return false;
  const auto close = layout_.match_close(off);
  return close && !contains_newline(off, *close) && !layout_.line_at(*close).comment;
}

void HclEditor::align(size_t first, size_t last, uint64_t width, size_t skip,
                      std::vector<TextEdit>& out) const {
  for (size_t i = first; i <= last; ++i) {
    if (i == skip) continue;
    const HclLine& l = layout_.lines()[i];
    const uint64_t want = width - layout_.column(l.lead_end) + 1;
    if (l.eq - l.lead_end != want)
      out.push_back({l.lead_end, l.eq - l.lead_end, std::string(want, ' ')});
  }
}

void HclEditor::insert_edits(const Value& obj, const std::vector<const InsertOp*>& ins,
                             std::vector<TextEdit>& out) const {
  const Body b = *body_of(obj);
  const Renderer r{nl_};
  std::vector<const NewMember*> lines, blocks;
  std::vector<NewMember> owned;
  owned.reserve(ins.size());
  for (const InsertOp* op : ins) owned.emplace_back(op->key, op->value);
  for (const NewMember& m : owned) (one_line(m.second, b.block) ? lines : blocks).push_back(&m);

  if (single_line(b)) {
    if (obj.members().empty() && !b.block && blocks.empty()) {
      // An empty map gains its members on its line: `tags = {}` stays a
      // one-line attribute, aligned with its neighbours as it was.
      std::string add;
      for (const NewMember& m : owned) {
        add +=
            (add.empty() ? " " : ", ") + key_text(m.first, false) + " = " + inline_value(m.second);
      }
      out.push_back({b.open + 1, b.close - b.open - 1, add + " "});
      return;
    }
    if (obj.members().empty()) {
      // {} becomes a body of its own lines.
      const std::string indent = line_indent(text_, b.open) + std::string(kUnit);
      std::vector<const NewMember*> all = lines;
      all.insert(all.end(), blocks.begin(), blocks.end());
      std::string body;
      r.members(all, indent, b.block, 0, body);
      out.push_back({b.open + 1, b.close - b.open - 1, nl_ + body + line_indent(text_, b.open)});
      return;
    }
    // { a = "b" } gains `, c = "d"` before its brace.
    uint64_t p = b.close;
    while (p > b.open + 1 && (text_[p - 1] == ' ' || text_[p - 1] == '\t')) --p;
    std::string add;
    for (const NewMember& m : owned) {
      add += (add.empty() && text_[p - 1] == ',' ? " " : ", ") + key_text(m.first, false) + " = " +
             inline_value(m.second);
    }
    out.push_back({p, 0, add});
    return;
  }

  const std::string indent = indent_of(obj, b);
  std::string at_end;
  bool joined = false;
  if (!lines.empty()) {
    // At the end of the first run of one-line attributes (realigned), where
    // Terraform style keeps a resource's arguments, when the run holds
    // nothing fmt would align differently (comments, heredocs).
    std::optional<size_t> anchor;
    for (const Member& m : obj.members()) {
      if ((anchor = attribute_line(m.second))) break;
    }
    if (anchor) {
      const auto [first, last] = layout_.chain(*anchor);
      bool clean = true;
      uint64_t width = 0;
      for (size_t i = first; i <= last; ++i) {
        const HclLine& l = layout_.lines()[i];
        clean = clean && !l.comment && !contains_newline(l.start, l.end - 1);
        width = std::max(width, layout_.column(l.lead_end));
      }
      if (clean) {
        for (const NewMember* m : lines) {
          width = std::max<uint64_t>(width, indent.size() + key_text(m->first, b.block).size());
        }
        align(first, last, width, SIZE_MAX, out);
        std::string text;
        r.members(lines, indent, b.block, width, text);
        const HclLine& last_line = layout_.lines()[last];
        out.push_back({last_line.end, 0, text, 1});
        joined = true;
      }
    }
    if (!joined) {
      if (!obj.members().empty()) at_end += nl_;
      r.members(lines, indent, b.block, 0, at_end);
    }
  }
  for (const NewMember* m : blocks) {
    if (!obj.members().empty() || !at_end.empty() || joined) at_end += nl_;
    r.multi(m->first, m->second, indent, b.block, at_end);
  }
  if (!at_end.empty()) out.push_back({line_start(text_, b.close), 0, at_end, 0});
}

std::vector<TextEdit> HclEditor::render(const OpList& ops) const {
  std::vector<TextEdit> out;
  std::map<uint64_t, std::pair<const Value*, std::vector<const InsertOp*>>> by_obj;
  for (const InsertOp& op : ops.inserts) {
    auto& entry = by_obj[op.obj->offset()];
    entry.first = op.obj;
    entry.second.push_back(&op);
  }
  for (const auto& [unused, entry] : by_obj) insert_edits(*entry.first, entry.second, out);
  // A value of another length moves the comment after it: the comments of
  // its run are aligned again, as fmt aligns them.
  std::map<size_t, int64_t> moved;
  for (const ReplaceOp& op : ops.replaces) {
    const uint64_t off = op.node->offset();
    const uint64_t end = scalar_end(off);
    const std::string text = inline_value(op.value);
    out.push_back({off, end - off, text});
    const size_t li = layout_.line_index(off);
    if (layout_.lines()[li].comment) {
      moved[li] += static_cast<int64_t>(text.size()) - static_cast<int64_t>(end - off);
    }
  }
  size_t done_to = 0;
  for (const auto& [li, unused] : moved) {
    if (li < done_to) continue;
    const auto [first, last] = layout_.comment_chain(li);
    done_to = last + 1;
    const auto end_col = [&](size_t j) {
      const auto it = moved.find(j);
      return static_cast<int64_t>(layout_.column(layout_.lines()[j].content_end)) +
             (it == moved.end() ? 0 : it->second);
    };
    int64_t width = 0;
    for (size_t j = first; j <= last; ++j) width = std::max(width, end_col(j));
    for (size_t j = first; j <= last; ++j) {
      const HclLine& l = layout_.lines()[j];
      const auto want = static_cast<uint64_t>(width - end_col(j) + 1);
      if (l.comment_at - l.content_end != want) {
        out.push_back({l.content_end, l.comment_at - l.content_end, std::string(want, ' ')});
      }
    }
  }
  for (const RemoveOp& op : ops.removes) {
    const size_t i = *attribute_line(op.obj->members()[op.index].second);
    const HclLine& l = layout_.lines()[i];
    out.push_back({l.start, l.end - l.start, ""});
    const auto [first, last] = layout_.chain(i);
    uint64_t width = 0;
    for (size_t j = first; j <= last; ++j) {
      if (j != i) width = std::max(width, layout_.column(layout_.lines()[j].lead_end));
    }
    if (width > 0) align(first, last, width, i, out);
  }
  for (const AppendOp& op : ops.appends) {
    const uint64_t open = op.array->offset();
    const uint64_t close = *layout_.match_close(open);
    std::vector<std::string> items;
    for (const NewValue& v : op.items) items.push_back(inline_value(v));
    const std::string joined = fmt::format("{}", fmt::join(items, ", "));
    if (op.array->items().empty()) {
      out.push_back({open + 1, close - open - 1, joined});
      continue;
    }
    uint64_t p = close;
    while (p > open + 1 && (text_[p - 1] == ' ' || text_[p - 1] == '\t')) --p;
    out.push_back({p, 0, (text_[p - 1] == ',' ? " " : ", ") + joined});
  }
  return out;
}

}  // namespace sageguard::fix
