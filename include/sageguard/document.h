// A parsed JSON or YAML document whose every value remembers the byte offset
// it came from, so findings can point at FILE:LINE:COL. A Document is immutable
// after parsing and safe to read from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sageguard/result.h"

namespace sageguard {

enum class ValueType : uint8_t { null, boolean, number, string, array, object };
enum class SourceFormat : uint8_t { json, yaml };

const char* to_string(ValueType t);

class Value;
using Member = std::pair<std::string, Value>;

// One JSON/YAML value. Objects keep their members in source order (duplicate
// keys are rejected by the readers). `offset` is the byte offset of the value's
// first character in the document's text.
class Value {
 public:
  Value() = default;
  static Value null_at(uint64_t off);
  static Value boolean_at(bool b, uint64_t off);
  static Value number_at(double d, bool integral, uint64_t off);
  static Value string_at(std::string s, uint64_t off);
  static Value array_at(uint64_t off);
  static Value object_at(uint64_t off);

  ValueType type() const { return type_; }
  bool is_null() const { return type_ == ValueType::null; }
  bool is_bool() const { return type_ == ValueType::boolean; }
  bool is_number() const { return type_ == ValueType::number; }
  bool is_string() const { return type_ == ValueType::string; }
  bool is_array() const { return type_ == ValueType::array; }
  bool is_object() const { return type_ == ValueType::object; }

  bool as_bool() const { return bool_; }
  double as_number() const { return number_; }
  // True when the number was written without fraction or exponent.
  bool is_integral() const { return integral_; }
  const std::string& as_string() const { return str_; }
  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }

  // Object member lookup (linear: request objects are small). nullptr if
  // absent or if this is not an object.
  const Value* find(std::string_view key) const;
  // Offset of the member's key (for "unknown member" findings); 0 if absent.
  uint64_t key_offset(std::string_view key) const;

  uint64_t offset() const { return offset_; }
  // For members only: offset of the key token. Stored on the value so that
  // a finding about a whole member can point at its key.
  uint64_t key_off() const { return key_offset_; }
  void set_key_offset(uint64_t o) { key_offset_ = o; }

  // Convenience for rules: `true` only for a boolean true.
  bool is_true() const { return type_ == ValueType::boolean && bool_; }

 private:
  ValueType type_ = ValueType::null;
  bool bool_ = false;
  bool integral_ = false;
  double number_ = 0;
  uint64_t offset_ = 0;
  uint64_t key_offset_ = 0;
  std::string str_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

// 1-based line and column (column counts Unicode code points from the start
// of the line, which equals bytes for ASCII).
struct LineCol {
  uint32_t line = 0;
  uint32_t column = 0;
};

class Document {
 public:
  Document(std::string path, std::string text, SourceFormat fmt, Value root);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  SourceFormat format() const { return format_; }
  const Value& root() const { return root_; }

  // Map a byte offset to line/column; O(log lines). The line index is built
  // in the constructor (a memchr pass), so lookups are const and thread-safe.
  LineCol locate(uint64_t offset) const;
  // The text of 1-based `line`, without its newline.
  std::string_view line_text(uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  SourceFormat format_;
  Value root_;
  std::vector<uint64_t> line_starts_;
};

struct ReadOptions {
  // Files larger than this are refused before reading (default 256 MiB).
  uint64_t max_file_size = 256ull * 1024 * 1024;
  // Deeper nesting is an input error, never a stack overflow.
  uint32_t max_depth = 512;
};

// Parse text as JSON or YAML, detected by content: JSON if the first
// non-whitespace byte is '{' or '['; YAML otherwise. Errors carry path and
// line/column and the offending source line.
Result<std::shared_ptr<const Document>> parse_document(std::string path, std::string text,
                                                       const ReadOptions& opts = {});
// Read a file (size-checked first), then parse_document.
Result<std::shared_ptr<const Document>> load_document(const std::string& path,
                                                      const ReadOptions& opts = {});

// Lower-level readers used by parse_document and the fuzzers. `text` is the
// whole file (a leading UTF-8 BOM is skipped); offsets are into `text`;
// `path` only labels errors. Input must already be valid UTF-8.
Result<Value> parse_json(const std::string& path, std::string_view text, uint32_t max_depth);
Result<Value> parse_yaml(const std::string& path, std::string_view text, uint32_t max_depth);

// Build an Error at `offset` of `text` (line/column and source line filled).
Error error_at_offset(ErrorCode code, const std::string& path, std::string_view text,
                      uint64_t offset, std::string message);

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string json_pointer_escape(std::string_view token);

}  // namespace sageguard
