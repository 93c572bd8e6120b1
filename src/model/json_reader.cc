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
#include <optional>
#include <cstring>
#include <unordered_set>

#include "sageguard/document.h"
#include "util/utf8.h"

namespace sageguard {
namespace {

class JsonParser {
 public:
  JsonParser(const std::string& path, std::string_view text, uint32_t max_depth)
      : path_(path), s_(text.data()), n_(text.size()), max_depth_(max_depth) {}

  Result<Value> run() {
    if (n_ >= 3 && std::memcmp(s_, "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
    skip_ws();
    Value root;
    if (!parse_value(root, 0)) return std::move(*err_);
    skip_ws();
    if (pos_ != n_) return fail(pos_, "unexpected content after the end of the document");
    return root;
  }

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
        uint64_t at = pos_;
        std::string str;
        if (!parse_string(str)) return false;
        out = Value::string_at(std::move(str), at);
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

  // At an opening quote; leaves pos_ after the closing quote.
  bool parse_string(std::string& out) {
    const uint64_t open = pos_;
    uint64_t p = pos_ + 1;
    uint64_t run = p;
    for (;;) {
      // Fast scan to the next byte that needs attention.
      while (p < n_) {
        unsigned char c = static_cast<unsigned char>(s_[p]);
        if (c == '"' || c == '\\' || c < 0x20) break;
        ++p;
      }
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
    out = Value::array_at(pos_);
    ++pos_;
    skip_ws();
    if (pos_ < n_ && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    auto& items = out.items();
    for (;;) {
      skip_ws();
      items.emplace_back();
      if (!parse_value(items.back(), depth)) return false;
      skip_ws();
      if (pos_ >= n_) return failed(pos_, "unexpected end of input: unclosed '['");
      char c = s_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == ']') {
        ++pos_;
        return true;
      }
      return failed(pos_, fmt::format("expected ',' or ']' in array, found {}", describe_here()));
    }
  }

  bool parse_object(Value& out, uint32_t depth) {
    if (!check_depth(depth)) return false;
    out = Value::object_at(pos_);
    ++pos_;
    skip_ws();
    if (pos_ < n_ && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    auto& members = out.members();
    std::unordered_set<std::string> seen;
    for (;;) {
      skip_ws();
      if (pos_ >= n_) return failed(pos_, "unexpected end of input: unclosed '{'");
      if (s_[pos_] != '"') {
        return failed(pos_, fmt::format("expected a member name in quotes, found {}",
                                        describe_here()));
      }
      const uint64_t key_at = pos_;
      std::string key;
      if (!parse_string(key)) return false;
      if (!is_new_key(members, seen, key)) {
        return failed(key_at, fmt::format("duplicate key \"{}\"", key));
      }
      skip_ws();
      if (pos_ >= n_ || s_[pos_] != ':') {
        return failed(pos_, fmt::format("expected ':' after member name, found {}",
                                        describe_here()));
      }
      ++pos_;
      skip_ws();
      members.emplace_back(std::move(key), Value());
      Value& v = members.back().second;
      if (!parse_value(v, depth)) return false;
      v.set_key_offset(key_at);
      skip_ws();
      if (pos_ >= n_) return failed(pos_, "unexpected end of input: unclosed '{'");
      char c = s_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == '}') {
        ++pos_;
        return true;
      }
      return failed(pos_, fmt::format("expected ',' or '}}' in object, found {}", describe_here()));
    }
  }

  // Duplicate detection: linear for the usual small objects; once an object
  // reaches kLinear members, a hash set (owning copies, since member strings
  // move when the vector grows) keeps a hostile million-key object linear.
  static bool is_new_key(const std::vector<Member>& members,
                         std::unordered_set<std::string>& seen, const std::string& key) {
    constexpr size_t kLinear = 16;
    if (members.size() < kLinear) {
      return std::none_of(members.begin(), members.end(),
                          [&](const Member& m) { return m.first == key; });
    }
    if (seen.empty()) {
      for (const auto& m : members) seen.insert(m.first);
    }
    return seen.insert(key).second;
  }

  const std::string& path_;
  const char* s_;
  uint64_t n_;
  uint64_t pos_ = 0;
  uint32_t max_depth_;
  std::optional<Error> err_;
};

}  // namespace

Result<Value> parse_json(const std::string& path, std::string_view text, uint32_t max_depth) {
  return JsonParser(path, text, max_depth).run();
}

}  // namespace sageguard
