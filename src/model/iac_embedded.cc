// Definitions a template holds as JSON text (DefinitionString,
// PipelineDefinitionBody): the text is rebuilt byte by byte with, for each
// byte, the offset in the template it came from, so a finding inside the
// definition points into the template. JSON strings of a JSON template map
// exactly (escapes are decoded here as the reader decoded them); YAML
// scalars map by matching their bytes in order, which skips indentation and
// quoting, and point at the property where that fails.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/iac.h"
#include "sageguard/api_model.h"

namespace sageguard::iac {
namespace {

// U+E000 (private use): stands for a part the template cannot know.
constexpr std::string_view kPlaceholder = "\xEE\x80\x80";
// How far the matcher looks for the next byte of a YAML scalar (indentation,
// quotes, folded line breaks) before giving up on exact offsets.
constexpr uint64_t kMaxSkip = 256;

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<uint32_t> hex4(std::string_view text, uint64_t at) {
  if (at + 4 > text.size()) return std::nullopt;
  uint32_t v = 0;
  for (uint64_t i = at; i < at + 4; ++i) {
    const int d = hex_digit(text[i]);
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<uint32_t>(d);
  }
  return v;
}

size_t utf8_length(uint32_t cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

// The text being built and, per byte, its offset in the document.
struct Built {
  std::string text;
  std::vector<uint64_t> to_document;
};

class Builder {
 public:
  Builder(const Document& doc, Built& out) : text_(doc.text()), out_(out) {}

  // The decoded string `s`, whose text starts at s.offset().
  void append_string(const Value& s) {
    const std::string_view decoded = s.as_string();
    const size_t base = out_.text.size();
    out_.text.append(decoded);
    out_.to_document.resize(out_.text.size(), s.offset());
    map_scalar(s.offset(), decoded, base);
  }

  void append_placeholder(uint64_t at) {
    out_.text.append(kPlaceholder);
    out_.to_document.resize(out_.text.size(), at);
  }

  // `Fn::Sub`'s string: `${Name}` becomes a placeholder, `${!Literal}`
  // the text `${Literal}`.
  void append_sub(const Value& s) {
    Built raw;
    Builder inner(text_, raw);
    inner.append_string(s);
    const std::string_view t = raw.text;
    for (size_t i = 0; i < t.size();) {
      if (t.compare(i, 2, "${") == 0) {
        const size_t close = t.find('}', i);
        if (close != std::string_view::npos && i + 2 < t.size() && t[i + 2] == '!') {
          push(raw, i, 2);  // "${"
          i += 3;           // the '!' goes
          continue;
        }
        if (close != std::string_view::npos) {
          append_placeholder(raw.to_document[i]);
          i = close + 1;
          continue;
        }
      }
      push(raw, i, 1);
      ++i;
    }
  }

 private:
  Builder(std::string_view text, Built& out) : text_(text), out_(out) {}

  void push(const Built& from, size_t i, size_t n) {
    out_.text.append(from.text, i, n);
    for (size_t k = i; k < i + n; ++k) out_.to_document.push_back(from.to_document[k]);
  }

  // Maps decoded bytes [base, base + decoded.size()) of out_.text to the
  // scalar's text from `off`.
  void map_scalar(uint64_t off, std::string_view decoded, size_t base) {
    if (off >= text_.size()) return;
    uint64_t p = off;
    const char open = text_[p];
    const bool escapes = open == '"';
    if (open == '"' || open == '\'') {
      ++p;
    } else if (open == '|' || open == '>') {
      const void* nl = std::memchr(text_.data() + p, '\n', text_.size() - p);
      p = nl ? static_cast<uint64_t>(static_cast<const char*>(nl) - text_.data()) + 1 : text_.size();
    }
    for (size_t i = 0; i < decoded.size();) {
      const uint64_t limit = std::min<uint64_t>(text_.size(), p + kMaxSkip);
      size_t took = 0;
      while (p < limit && took == 0) {
        if (escapes && text_[p] == '\\' && p + 1 < text_.size()) {
          took = escape(p, i, base);
        } else if (text_[p] == decoded[i]) {
          out_.to_document[base + i] = p;
          ++p;
          took = 1;
        } else {
          ++p;
        }
      }
      if (took == 0) return;  // lost: the rest points at the scalar
      i += took;
    }
  }

  // One escape at `p` standing for the decoded bytes from i: maps them to
  // it, moves p past it; the number of decoded bytes (0 if it is not one).
  size_t escape(uint64_t& p, size_t i, size_t base) {
    const char e = text_[p + 1];
    const uint64_t at = p;
    size_t n = 1;
    if (e == 'u') {
      auto cp = hex4(text_, p + 2);
      if (!cp) return 0;
      p += 6;
      if (*cp >= 0xD800 && *cp < 0xDC00 && text_.compare(p, 2, "\\u") == 0) {
        if (auto lo = hex4(text_, p + 2); lo && *lo >= 0xDC00 && *lo < 0xE000) {
          cp = 0x10000 + ((*cp - 0xD800) << 10) + (*lo - 0xDC00);
          p += 6;
        }
      }
      n = utf8_length(*cp);
    } else {
      p += 2;
    }
    const size_t end = std::min(out_.to_document.size(), base + i + n);
    for (size_t k = base + i; k < end; ++k) out_.to_document[k] = at;
    return n;
  }

  std::string_view text_;
  Built& out_;
};

// Line/column of a parse error in the built text, back to a byte offset.
uint64_t offset_of(std::string_view text, uint32_t line, uint32_t column) {
  uint64_t p = 0;
  for (uint32_t l = 1; l < line && p < text.size(); ++p) {
    if (text[p] == '\n') ++l;
  }
  for (uint32_t c = 1; c < column && p < text.size(); ++p) {
    if ((static_cast<unsigned char>(text[p]) & 0xC0) != 0x80) ++c;
  }
  return std::min<uint64_t>(p, text.empty() ? 0 : text.size() - 1);
}

}  // namespace

bool has_placeholder(std::string_view s) { return s.find(kPlaceholder) != std::string_view::npos; }

uint64_t Origin::map(uint64_t off) const {
  if (to_document->empty()) return 0;
  return off < to_document->size() ? (*to_document)[off] : to_document->back();
}

Value copy_mapped(const Value& v, const Origin& origin, ValueArena& arena) {
  const uint64_t off = origin.map(v.offset());
  switch (v.type()) {
    case ValueType::null: return Value::null_at(off);
    case ValueType::boolean: return Value::boolean_at(v.as_bool(), off);
    case ValueType::number: return Value::number_at(v.as_number(), v.is_integral(), off);
    case ValueType::string: {
      const std::string_view s = arena.copy(v.as_string());
      if (!has_placeholder(s)) return Value::string_view_at(s, off);
      // A string with a part the template cannot know is not known either.
      auto* m = static_cast<Member*>(arena.allocate(sizeof(Member)));
      Value text = Value::string_view_at(s, off);
      text.set_key_offset(off);
      *m = Member{kUnresolvedMember, text};
      return Value::object_of(m, 1, off);
    }
    case ValueType::array: {
      const auto items = v.items();
      auto* out = static_cast<Value*>(arena.allocate(items.size() * sizeof(Value)));
      for (size_t i = 0; i < items.size(); ++i) out[i] = copy_mapped(items[i], origin, arena);
      return Value::array_of(out, static_cast<uint32_t>(items.size()), off);
    }
    case ValueType::object: {
      const auto members = v.members();
      auto* out = static_cast<Member*>(arena.allocate(members.size() * sizeof(Member)));
      for (size_t i = 0; i < members.size(); ++i) {
        Value c = copy_mapped(members[i].second, origin, arena);
        c.set_key_offset(origin.map(members[i].second.key_off()));
        out[i] = Member{arena.copy(members[i].first), c};
      }
      return Value::object_of(out, static_cast<uint32_t>(members.size()), off);
    }
  }
  return Value::null_at(off);
}

Result<std::optional<Value>> read_embedded_json(const Document& doc, const Value& v,
                                                std::string_view what, ValueArena& arena) {
  Built out;
  Builder b(doc, out);
  if (v.is_string()) {
    b.append_string(v);
  } else if (const Value* join = v.find("Fn::Join");
             join && v.members().size() == 1 && join->items().size() == 2 &&
             join->items()[0].is_string() && join->items()[1].is_array()) {
    const Value& delimiter = join->items()[0];
    const auto parts = join->items()[1].items();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) b.append_string(delimiter);
      if (parts[i].is_string()) {
        b.append_string(parts[i]);
      } else {
        b.append_placeholder(parts[i].offset());
      }
    }
  } else if (const Value* sub = v.find("Fn::Sub"); sub && v.members().size() == 1) {
    const Value* s = sub->is_array() && !sub->items().empty() ? &sub->items()[0] : sub;
    if (!s->is_string()) return std::optional<Value>();
    b.append_sub(*s);
  } else {
    return std::optional<Value>();
  }
  auto tree = parse_json(doc.path(), out.text, 512);
  if (!tree.ok()) {
    // Text with parts the template cannot know may only be JSON once they
    // are filled in (a number given by a parameter): left unresolved.
    if (has_placeholder(out.text)) return std::optional<Value>();
    const Error& e = tree.error();
    const uint64_t at = out.to_document.empty()
                            ? v.offset()
                            : out.to_document[offset_of(out.text, e.line, e.column)];
    return error_at_offset(ErrorCode::input, doc.path(), doc.text(), at,
                           fmt::format("{} is not valid JSON: {}", what, e.message));
  }
  // Copied while `out.text`, which the tree's strings may point into, lives.
  const Origin origin{&out.to_document};
  return std::optional<Value>(copy_mapped(tree->root(), origin, arena));
}

}  // namespace sageguard::iac
