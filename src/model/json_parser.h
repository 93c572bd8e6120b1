// The JSON reader behind parse_json, JsonItemStream and JsonWindowItems: a
// recursive-descent parser that records the byte offset of every value and
// key.
//
// Why hand-written: no packaged JSON library gives per-value source positions
// together with exact error offsets and duplicate-key detection (nlohmann's
// SAX interface has no positions for values; simdjson's DOM keeps none).
// UTF-8 validity is checked before we run (simdjson's SIMD validator), so the
// string scanner only has to find quotes, backslashes and control bytes.
//
// The parser reads one piece of text at a time (a window), whose first byte
// is at `base` in the whole input: recorded offsets are base + position, so
// a caller that slides the window over a large file gets the offsets a
// parse of the whole file would give. Internal to the model module.
#pragma once

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "model/tree_builder.h"
#include "sageguard/document.h"
#include "util/json_scan.h"
#include "util/strings.h"
#include "util/utf8.h"

namespace sageguard {

// The parser's small steps are inlined into parse_value/parse_object as they
// were when it had internal linkage: as inline members of a class with
// external linkage GCC left them out of line, and parsing took ~25% longer.
#define SG_PARSER_INLINE [[gnu::always_inline]] inline

class JsonParser {
 public:
  JsonParser(const std::string& path, std::string_view text, uint32_t max_depth,
             ValueArena& arena)
      : path_(path), s_(text.data()), n_(text.size()), max_depth_(max_depth), b_(arena) {}

  Result<Value> run() {
    skip_bom();
    skip_ws();
    Value root;
    if (!parse_value(TreeBuilder::outside(root), 0)) return std::move(*err_);
    skip_ws();
    if (pos_ != n_) return fail(pos_, "unexpected content after the end of the document");
    return root;
  }

  Error take_error() { return std::move(*err_); }

  // JSON lines one value at a time: blank lines are skipped, and anything
  // but blanks after a value on its line is an error. `got` is false at the
  // end of the text.
  bool line_next(Value& item, bool& got) {
    got = false;
    if (stream_ == Stream::start) {
      skip_bom();
      stream_ = Stream::items;
    }
    while (pos_ < n_ && is_blank(s_[pos_], /*newline=*/true)) ++pos_;
    if (pos_ >= n_) return true;
    if (!parse_value(TreeBuilder::outside(item), 0)) return false;
    while (pos_ < n_ && is_blank(s_[pos_], /*newline=*/false)) ++pos_;
    if (pos_ < n_ && s_[pos_] != '\n') {
      return failed(pos_, "expected one JSON value per line (JSON lines)");
    }
    got = true;
    return true;
  }

  // --- Reading a large input through a window (JsonWindowItems) ---

  // Where the next array_next/line_next call starts: the reader's state and
  // the absolute offset of its position.
  enum class Stream { start, items, after, done };
  struct Mark {
    Stream stream = Stream::start;
    uint64_t at = 0;
  };
  Mark mark() const { return {stream_, base_ + pos_}; }
  // The text is now `window`, whose first byte is at `base` in the input;
  // reading resumes at `m` (which the window must hold). Partial state of a
  // failed call is dropped.
  void resume(std::string_view window, uint64_t base, const Mark& m) {
    s_ = window.data();
    n_ = window.size();
    base_ = base;
    stream_ = m.stream;
    pos_ = m.at - base;
    b_.clear();
    err_.reset();
  }
  // Position in the current window: a call that ended at the window's end
  // may have been cut short by it.
  uint64_t window_pos() const { return pos_; }
  // Failures make no message with the source line: a windowed reader meets
  // one at most windows' ends, and gives up on the rest (its caller
  // re-reads the whole input for the exact error).
  void set_quiet() { quiet_ = true; }

  // The top-level array one item at a time, with parse_array's errors:
  // `got` is false once the array (and the text after it) is done.
  bool array_next(Value& item, bool& got) {
    got = false;
    if (stream_ == Stream::done) return true;
    if (stream_ == Stream::start) {
      skip_bom();
      skip_ws();
      if (pos_ >= n_ || s_[pos_] != '[') {
        return failed(pos_, fmt::format("expected '[', found {}", describe_here()));
      }
      bool empty = false;
      if (!enter_array(1, empty)) return false;
      stream_ = empty ? Stream::after : Stream::items;
    }
    if (stream_ == Stream::after) {
      skip_ws();
      if (pos_ != n_) return failed(pos_, "unexpected content after the end of the document");
      stream_ = Stream::done;
      return true;
    }
    skip_ws();
    if (!parse_value(TreeBuilder::outside(item), 1)) return false;
    bool closed = false;
    if (!array_separator(closed)) return false;
    if (closed) stream_ = Stream::after;
    got = true;
    return true;
  }

 private:
  Error fail(uint64_t at, std::string msg) {
    err_ = quiet_ ? Error::make(ErrorCode::input, std::move(msg))
                  : error_at_offset(ErrorCode::input, path_, std::string_view(s_, n_), at,
                                    std::move(msg));
    return *err_;
  }

  // At the start of the text: past a UTF-8 byte order mark.
  void skip_bom() {
    if (n_ >= 3 && std::memcmp(s_, "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
  }

  static bool is_blank(char c, bool newline) {
    return c == ' ' || c == '\t' || c == '\r' || (newline && c == '\n');
  }
  // The offset in the whole input of window position `p`.
  uint64_t off(uint64_t p) const { return base_ + p; }
  bool failed(uint64_t at, std::string msg) {
    fail(at, std::move(msg));
    return false;
  }

  SG_PARSER_INLINE void skip_ws() {
    while (pos_ < n_) {
      const char c = s_[pos_];
      if (c == '\n') {
        ++pos_;
        skip_indent();
      } else if (c == ' ' || c == '\r' || c == '\t') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  // Pretty-printed bundles indent every line: after a newline, skip spaces
  // eight at a time before the byte loop takes over.
  void skip_indent() {
    constexpr uint64_t kSpaces = 0x2020202020202020ull;
    while (pos_ + 8 <= n_) {
      uint64_t w;
      std::memcpy(&w, s_ + pos_, 8);
      if (w != kSpaces) break;
      pos_ += 8;
    }
  }

  std::string describe_here() const {
    if (pos_ >= n_) return "end of input";
    unsigned char c = static_cast<unsigned char>(s_[pos_]);
    if (c >= 0x20 && c < 0x7f) return fmt::format("'{}'", static_cast<char>(c));
    return fmt::format("byte 0x{:02x}", c);
  }

  using Slot = TreeBuilder::Slot;

  // Parses the value at pos_ into `out`, written only once it is complete.
  bool parse_value(const Slot& out, uint32_t depth) {
    if (pos_ >= n_) return failed(pos_, "unexpected end of input (truncated document?)");
    char c = s_[pos_];
    switch (c) {
      case '{': return parse_object(out, depth + 1);
      case '[': return parse_array(out, depth + 1);
      case '"': {
        const uint64_t at = pos_;
        std::string_view str;
        if (!parse_string(str)) return false;
        if (in_text(str)) {
          b_.at(out) = TreeBuilder::string_in_text(str, off(at));
        } else {
          b_.at(out) = b_.string(str, off(at));
        }
        return true;
      }
      case 't': return parse_literal("true", Value::boolean_at(true, off(pos_)), out);
      case 'f': return parse_literal("false", Value::boolean_at(false, off(pos_)), out);
      case 'n': return parse_literal("null", Value::null_at(off(pos_)), out);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
        return failed(pos_, fmt::format("expected a value, found {}", describe_here()));
    }
  }

  SG_PARSER_INLINE bool parse_literal(std::string_view word, Value v, const Slot& out) {
    if (n_ - pos_ < word.size() || std::memcmp(s_ + pos_, word.data(), word.size()) != 0) {
      return failed(pos_, fmt::format("expected a value, found {}", describe_here()));
    }
    pos_ += word.size();
    b_.at(out) = v;
    return true;
  }

  SG_PARSER_INLINE bool parse_number(const Slot& out) {
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
      b_.at(out) = Value::number_at(static_cast<double>(neg ? -iv : iv), true, off(start));
      return true;
    }
    double d = 0;
    auto [ptr, ec] = std::from_chars(s_ + start, s_ + p, d);
    if (ec == std::errc::result_out_of_range) {
      return failed(start, "number out of range");
    }
    if (ec != std::errc() || ptr != s_ + p) return failed(start, "invalid number");
    pos_ = p;
    b_.at(out) = Value::number_at(d, integral, off(start));
    return true;
  }

  bool read_hex4(uint64_t p, uint32_t& cp) {
    if (n_ - p < 4) return failed(p, "truncated \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex_digit_value(s_[p + i]);
      if (h < 0) return failed(p + i, "invalid hex digit in \\u escape");
      cp = (cp << 4) | static_cast<uint32_t>(h);
    }
    return true;
  }

  // Strings without escapes are views into the text, which outlives the
  // tree (parse_json's contract); only unescaped copies go to the arena.
  bool in_text(std::string_view v) const { return v.data() >= s_ && v.data() <= s_ + n_; }

  // The first position from `p` on holding a quote, a backslash or a
  // control byte (or n_).
  uint64_t skip_plain(uint64_t p) const {
    return p + json_plain_run(s_ + p, static_cast<size_t>(n_ - p), /*stop_at_non_ascii=*/false);
  }

  // At an opening quote; leaves pos_ after the closing quote. `view` points
  // into the text when the string has no escapes (the common case), else
  // into scratch_, valid until the next call.
  SG_PARSER_INLINE bool parse_string(std::string_view& view) {
    const uint64_t open = pos_;
    uint64_t p = pos_ + 1;
    p = skip_plain(p);
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
      p = skip_plain(p);
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
          uint32_t cp = 0;
          if (!read_hex4(p + 2, cp)) return false;
          uint64_t used = 6;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo = 0;
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

  SG_PARSER_INLINE bool check_depth(uint32_t depth) {
    if (depth > max_depth_) {
      return failed(pos_, fmt::format("nesting deeper than {} levels", max_depth_));
    }
    return true;
  }

  // The '[' at pos_ at nesting `depth`: steps past it, and past the ']' too
  // when the array is empty.
  SG_PARSER_INLINE bool enter_array(uint32_t depth, bool& empty) {
    if (!check_depth(depth)) return false;
    ++pos_;
    skip_ws();
    empty = pos_ < n_ && s_[pos_] == ']';
    if (empty) ++pos_;
    return true;
  }

  // After an array item: steps past ',' (more follow) or ']' (`closed`).
  SG_PARSER_INLINE bool array_separator(bool& closed) {
    skip_ws();
    if (pos_ >= n_) return failed(pos_, "unexpected end of input: unclosed '['");
    const char c = s_[pos_];
    if (c != ',' && c != ']') {
      return failed(pos_, fmt::format("expected ',' or ']' in array, found {}", describe_here()));
    }
    closed = c == ']';
    ++pos_;
    return true;
  }

  SG_PARSER_INLINE bool parse_array(const Slot& out, uint32_t depth) {
    const uint64_t at = pos_;
    bool closed = false;
    if (!enter_array(depth, closed)) return false;
    const size_t base = b_.open_array();
    while (!closed) {
      skip_ws();
      if (!parse_value(b_.new_item(), depth)) return false;
      if (!array_separator(closed)) return false;
    }
    b_.close_array_into(base, off(at), out);
    return true;
  }

  bool parse_object(const Slot& out, uint32_t depth) {
    if (!check_depth(depth)) return false;
    const uint64_t at = pos_;
    const size_t base = b_.open_object();
    ++pos_;
    skip_ws();
    if (pos_ < n_ && s_[pos_] == '}') {
      ++pos_;
      b_.close_object_into(base, off(at), out);
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
      const Slot slot = b_.new_member(key);
      if (!parse_value(slot, depth)) return false;
      b_.at(slot).set_key_offset(off(key_at));
      skip_ws();
      if (pos_ >= n_) return failed(pos_, "unexpected end of input: unclosed '{'");
      char c = s_[pos_];
      if (c == ',') {
        ++pos_;
        continue;
      }
      if (c == '}') {
        ++pos_;
        if (const size_t dup = b_.first_duplicate(base); dup != TreeBuilder::kNoDuplicate) {
          const Member& m = b_.open_members(base)[dup];
          return failed(m.second.key_off() - base_, fmt::format("duplicate key \"{}\"", m.first));
        }
        b_.close_object_into(base, off(at), out);
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
  Stream stream_ = Stream::start;
  uint64_t base_ = 0;
  bool quiet_ = false;
};

#undef SG_PARSER_INLINE

}  // namespace sageguard
