#include "report/json_writer.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "util/json_scan.h"
#include "util/utf8.h"

namespace sageguard::report {

namespace {

// The sequence starting at s[i] (a byte >= 0x80): its length and whether it
// is well-formed. An ill-formed one's length is its maximal subpart: the
// longest prefix that could still have begun a valid sequence (Unicode 3.9).
std::pair<size_t, bool> utf8_sequence_at(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    need = 1;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 2;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 3;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return {1, false};
  }
  size_t k = 1;
  for (; k <= need && i + k < s.size(); ++k) {
    const auto d = static_cast<unsigned char>(s[i + k]);
    if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF)) break;
  }
  return {k, k == need + 1};
}

}  // namespace

void JsonWriter::newline_indent(size_t depth) {
  out_ += '\n';
  out_.append(depth * 2, ' ');
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (counts_.empty()) return;  // the top-level value
  if (counts_.back()++ > 0) out_ += ',';
  newline_indent(counts_.size());
}

void JsonWriter::key(std::string_view k) {
  if (counts_.back()++ > 0) out_ += ',';
  newline_indent(counts_.size());
  quoted(k);
  out_ += ": ";
  after_key_ = true;
}

void JsonWriter::open(char c) {
  before_value();
  out_ += c;
  counts_.push_back(0);
}

void JsonWriter::close(char c) {
  const bool empty = counts_.back() == 0;
  counts_.pop_back();
  if (!empty) newline_indent(counts_.size());
  out_ += c;
  maybe_flush();
}

void JsonWriter::value(std::string_view s) {
  before_value();
  quoted(s);
}

void JsonWriter::value(int64_t n) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", n);
}

void JsonWriter::value(uint64_t n) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", n);
}

void JsonWriter::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
}

void JsonWriter::value(double d) {
  before_value();
  out_ += nlohmann::json(d).dump();
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

// Escapes as nlohmann does (", \, and control characters; \u00xx in lower
// case); invalid UTF-8 becomes U+FFFD rather than an error, since findings
// quote user text.
void JsonWriter::quoted(std::string_view s) {
  out_ += '"';
  // Most text needs no escaping at all: copy it whole.
  const size_t plain = json_plain_run(s.data(), s.size(), /*stop_at_non_ascii=*/true);
  if (plain == s.size()) {
    out_.append(s);
    out_ += '"';
    return;
  }
  size_t run = 0;
  auto flush = [&](size_t upto) { out_.append(s.data() + run, upto - run); };
  // Validity is only asked when a non-ASCII byte turns up (most text is ASCII).
  enum { unknown, yes, no } valid = unknown;
  for (size_t i = plain; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) continue;
    if (c >= 0x80) {
      if (valid == unknown) valid = utf8_is_valid(s) ? yes : no;
      if (valid == yes) continue;
    }
    flush(i);
    run = i + 1;
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\b': out_ += "\\b"; break;
      case '\f': out_ += "\\f"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out_), "\\u{:04x}", c);
        } else {
          // Invalid text: keep each well-formed sequence; replace each
          // maximal ill-formed subpart with one U+FFFD (as nlohmann does).
          const auto [len, ok] = utf8_sequence_at(s, i);
          if (ok) {
            out_.append(s.data() + i, len);
          } else {
            out_ += "\xEF\xBF\xBD";
          }
          i += len - 1;
          run = i + 1;
        }
    }
  }
  flush(s.size());
  out_ += '"';
}

}  // namespace sageguard::report
