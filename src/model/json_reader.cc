// JSON reader that records the byte offset of every value and key.
//
// Why hand-written: no packaged JSON library gives per-value source positions
// together with exact error offsets and duplicate-key detection (nlohmann's
// SAX interface has no positions for values; simdjson's DOM keeps none).
// UTF-8 validity is checked before we run (simdjson's SIMD validator), so the
// string scanner only has to find quotes, backslashes and control bytes.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>

#include "model/tree_builder.h"
#include "sageguard/document.h"
#include "util/utf8.h"

namespace sageguard {
namespace {

class JsonParser {
 public:
  JsonParser(const std::string& path, std::string_view text, uint32_t max_depth,
             ValueArena& arena)
      : path_(path), s_(text.data()), n_(text.size()), max_depth_(max_depth), b_(arena) {}

  Result<Value> run() {
    if (n_ >= 3 && std::memcmp(s_, "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    skip_ws();
    Value root;
    if (!parse_value(root, 0)) return std::move(*err_);
    skip_ws();
    if (pos_ != n_) return fail(pos_, "unexpected content after the end of the document");
    return root;
  }

  // Parse one value starting at `from` and return where it ended (for JSON
  // lines, where each line holds one value).
  bool parse_one(uint64_t from, Value& out, uint64_t& end) {
    pos_ = from;
    skip_ws();
    if (!parse_value(out, 0)) return false;
    end = pos_;
    return true;
  }
  Error take_error() { return std::move(*err_); }

 private:
  Error fail(uint64_t at, std::string msg) {
    err_ = error_at_offset(ErrorCode::input, path_, std::string_view(s_, n_), at,
                           std::move(msg));
    return *err_;
  }
  bool failed(uint64_t at, std::string msg) {
    fail(at, std::move(msg));
    return false;
  }

  void skip_ws() {
    while (pos_ < n_) {
      char c = s_[pos_];
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  std::string describe_here() const {
    if (pos_ >= n_) return "end of input";
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c >= 0x20 && c < 0x7f) return fmt::format("'{}'", static_cast<char>(c));
    return fmt::format("byte 0x{:02x}", c);
  }

  bool parse_value(Value& out, uint32_t depth) {
    if (pos_ >= n_) return failed(pos_, "unexpected end of input (truncated document?)");
    char c = s_[pos_];
    switch (c) {
      case '{': return parse_object(out, depth + 1);
      case '[': return parse_array(out, depth + 1);
      case '"': {
        const uint64_t at = pos_;
        std::string_view str;
        if (!parse_string(str)) return false;
        out = in_text(str) ? TreeBuilder::string_in_text(str, at) : b_.string(str, at);
        return true;
      }
      case 't': return parse_literal("true", Value::boolean_at(true, pos_), out);
      case 'f': return parse_literal("false", Value::boolean_at(false, pos_), out);
      case 'n': return parse_literal("null", Value::null_at(pos_), out);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
        return failed(pos_, fmt::format("expected a value, found {}", describe_here()));
    }
  }

  bool parse_literal(std::string_view word, Value v, Value& out) {
    if (n_ - pos_ < word.size() || std::memcmp(s_ + pos_, word.data(), word.size()) != 0) {
      return failed(pos_, fmt::format("expected a value, found {}", describe_here()));
    }
    pos_ += word.size();
    out = std::move(v);
    return true;
  }

  bool parse_number(Value& out) {
    const uint64_t start = pos_;
    uint64_t p = pos_;
    bool integral = true;
    if (p < n_ && s_[p] == '-') ++p;
    if (p >= n_ || !(s_[p] >= '0' && s_[p] <= '9')) return failed(p, "invalid number");
    if (s_[p] == '0') {
      ++p;
    } else {
      while (p < n_ && s_[p] >= '0' && s_[p] <= '9') ++p;
    }
    if (p < n_ && s_[p] == '.') {
      integral = false;
      ++p;
      if (p >= n_ || !(s_[p] >= '0' && s_[p] <= '9')) return failed(p, "invalid number");
      while (p < n_ && s_[p] >= '0' && s_[p] <= '9') ++p;
    }
    if (p < n_ && (s_[p] == 'e' || s_[p] == 'E')) {
      integral = false;
      ++p;
      if (p < n_ && (s_[p] == '+' || s_[p] == '-')) ++p;
      if (p >= n_ || !(s_[p] >= '0' && s_[p] <= '9')) return failed(p, "invalid number");
      while (p < n_ && s_[p] >= '0' && s_[p] <= '9') ++p;
    }
    pos_ = p;
    // Most numbers in requests are small integers: skip from_chars for them.
    if (integral && p - start <= 15) {
      const char* q = s_ + start;
      const bool neg = *q == '-';
      if (neg) ++q;
      int64_t iv = 0;
      for (; q < s_ + p; ++q) iv = iv * 10 + (*q - '0');
      out = Value::number_at(static_cast<double>(neg ? -iv : iv), true, start);
      return true;
    }
    double d = 0;
    auto [ptr, ec] = std::from_chars(s_ + start, s_ + p, d);
    if (ec == std::errc::result_out_of_range) {
      return failed(start, "number out of range");
    }
    if (ec != std::errc() || ptr != s_ + p) return failed(start, "invalid number");
    pos_ = p;
    out = Value::number_at(d, integral, start);
    return true;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool read_hex4(uint64_t p, uint32_t& cp) {
    if (n_ - p < 4) return failed(p, "truncated \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex(s_[p + i]);
      if (h < 0) return failed(p + i, "invalid hex digit in \\u escape");
      cp = (cp << 4) | static_cast<uint32_t>(h);
    }
    return true;
  }

  // Strings without escapes are views into the text, which outlives the
  // tree (parse_json's contract); only unescaped copies go to the arena.
  bool in_text(std::string_view v) const { return v.data() >= s_ && v.data() <= s_ + n_; }

  static bool needs_attention(unsigned char c) { return c == '"' || c == '\\' || c < 0x20; }

  // At an opening quote; leaves pos_ after the closing quote. `view` points
  // into the text when the string has no escapes (the common case), else
  // into scratch_, valid until the next call.
  bool parse_string(std::string_view& view) {
    const uint64_t open = pos_;
    uint64_t p = pos_ + 1;
    // Fast scan, eight bytes at a time while far from the end.
    while (p + 8 <= n_) {
      if (needs_attention(s_[p]) || needs_attention(s_[p + 1]) || needs_attention(s_[p + 2]) ||
          needs_attention(s_[p + 3]) || needs_attention(s_[p + 4]) ||
          needs_attention(s_[p + 5]) || needs_attention(s_[p + 6]) ||
          needs_attention(s_[p + 7])) {
        break;
      }
      p += 8;
    }
    while (p < n_ && !needs_attention(s_[p])) ++p;
    if (p < n_ && s_[p] == '"') {
      view = std::string_view(s_ + open + 1, p - open - 1);
      pos_ = p + 1;
      return true;
    }
    scratch_.assign(s_ + open + 1, p - open - 1);
    if (!parse_escaped(open, p)) return false;
    view = scratch_;
    return true;
  }

  // The slow path of parse_string: appends to scratch_ from `p` on.
  bool parse_escaped(uint64_t open, uint64_t p) {
    std::string& out = scratch_;
    uint64_t run = p;
    for (;;) {
      while (p < n_ && !needs_attention(s_[p])) ++p;
      if (p >= n_) return failed(open, "unterminated string");
      char c = s_[p];
      out.append(s_ + run, p - run);
      if (c == '"') {
        pos_ = p + 1;
        return true;
      }
      if (c != '\\') {
        return failed(p, "control character in string (escape it, e.g. \\n)");
      }
      if (p + 1 >= n_) return failed(open, "unterminated string");
      char e = s_[p + 1];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!read_hex4(p + 2, cp)) return false;
          uint64_t used = 6;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (n_ - (p + 6) < 2 || s_[p + 6] != '\\' || s_[p + 7] != 'u') {
              return failed(p, "unpaired surrogate in \\u escape");
            }
            if (!read_hex4(p + 8, lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return failed(p, "unpaired surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            used = 12;
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return failed(p, "unpaired surrogate in \\u escape");
          }
          utf8_append(out, cp);
          p += used;
          run = p;
          continue;
        }
        default: return failed(p, fmt::format("invalid escape '\\{}'", e));
      }
      p += 2;
      run = p;
    }
  }

  bool check_depth(uint32_t depth) {
    if (depth > max_depth_) {
      return failed(pos_, fmt::format("nesting deeper than {} levels", max_depth_));
    }
    return true;
  }

  bool parse_array(Value& out, uint32_t depth) {
    if (!check_depth(depth)) return false;
    const uint64_t at = pos_;
    const size_t base = b_.open_array();
    ++pos_;
    skip_ws();
    if (pos_ < n_ && s_[pos_] == ']') {
      ++pos_;
      out = b_.close_array(base, at);
      return true;
    }
    for (;;) {
      skip_ws();
      Value item;
      if (!parse_value(item, depth)) return false;
      b_.add_item(item);
      skip_ws();
      if (pos_ >= n_) return failed(pos_, "unexpected end of input: unclosed '['");
      char c = s_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == ']') {
        ++pos_;
        out = b_.close_array(base, at);
        return true;
      }
      return failed(pos_, fmt::format("expected ',' or ']' in array, found {}", describe_here()));
    }
  }

  bool parse_object(Value& out, uint32_t depth) {
    if (!check_depth(depth)) return false;
    const uint64_t at = pos_;
    const size_t base = b_.open_object();
    ++pos_;
    skip_ws();
    if (pos_ < n_ && s_[pos_] == '}') {
      ++pos_;
      out = b_.close_object(base, at);
      return true;
    }
    for (;;) {
      skip_ws();
      if (pos_ >= n_) return failed(pos_, "unexpected end of input: unclosed '{'");
      if (s_[pos_] != '"') {
        return failed(pos_, fmt::format("expected a member name in quotes, found {}",
                                        describe_here()));
      }
      const uint64_t key_at = pos_;
      std::string_view raw_key;
      if (!parse_string(raw_key)) return false;
      const std::string_view key = in_text(raw_key) ? raw_key : b_.key(raw_key);
      skip_ws();
      if (pos_ >= n_ || s_[pos_] != ':') {
        return failed(pos_, fmt::format("expected ':' after member name, found {}",
                                        describe_here()));
      }
      ++pos_;
      skip_ws();
      Value v;
      if (!parse_value(v, depth)) return false;
      b_.add_member(key, v, key_at);
      skip_ws();
      if (pos_ >= n_) return failed(pos_, "unexpected end of input: unclosed '{'");
      char c = s_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == '}') {
        ++pos_;
        if (auto dup = b_.first_duplicate(base)) {
          const Member& m = b_.open_members(base)[*dup];
          return failed(m.second.key_off(), fmt::format("duplicate key \"{}\"", m.first));
        }
        out = b_.close_object(base, at);
        return true;
      }
      return failed(pos_, fmt::format("expected ',' or '}}' in object, found {}", describe_here()));
    }
  }

  const std::string& path_;
  const char* s_;
  uint64_t n_;
  uint64_t pos_ = 0;
  uint32_t max_depth_;
  TreeBuilder b_;
  std::string scratch_;
  std::optional<Error> err_;
};

}  // namespace

Result<ValueTree> parse_json(const std::string& path, std::string_view text, uint32_t max_depth) {
  ValueTree tree;
  SG_ASSIGN_OR_RETURN(Value root, JsonParser(path, text, max_depth, tree.arena()).run());
  tree.set_root(root);
  return tree;
}

}  // namespace sageguard

namespace sageguard {

Result<ValueTree> parse_json_lines(const std::string& path, std::string_view text,
                                   uint32_t max_depth) {
  ValueTree tree;
  JsonParser parser(path, text, max_depth, tree.arena());
  TreeBuilder lines(tree.arena());
  const size_t base = lines.open_array();
  uint64_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  for (;;) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r' ||
                                 text[pos] == '\n')) {
      ++pos;
    }
    if (pos >= text.size()) break;
    Value v;
    uint64_t end = 0;
    if (!parser.parse_one(pos, v, end)) return parser.take_error();
    pos = end;
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\r')) ++pos;
    if (pos < text.size() && text[pos] != '\n') {
      return error_at_offset(ErrorCode::input, path, text, pos,
                             "expected one JSON value per line (JSON lines)");
    }
    lines.add_item(v);
  }
  tree.set_root(lines.close_array(base, 0));
  return tree;
}

}  // namespace sageguard
