// A parsed JSON or YAML document whose every value remembers the byte offset
// it came from, so findings can point at FILE:LINE:COL. A Document is immutable
// after parsing and safe to read from several threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sageguard/result.h"

namespace sageguard {

enum class ValueType : uint8_t { null, boolean, number, string, array, object };
enum class SourceFormat : uint8_t { json, yaml, hcl };

const char* to_string(ValueType t);

class Value;
struct Member;
class ValueArena;

// One JSON/YAML value: 32 bytes, trivially copyable. Strings, members and
// items live in the arena of the ValueTree (or Document) that parsed them, so
// a Value is a view: keep its tree alive while using it. Objects keep their
// members in source order (duplicate keys are rejected by the readers).
// `offset` is the byte offset of the value's first character in the text.
//
// Why views into an arena: a request bundle becomes ~10x its size as a tree
// of owning std::string/std::vector nodes, and building and freeing that
// dominated `check` (malloc and page faults). Here one bump allocation per
// array/object/string keeps the tree about the size of the input.
class Value {
 public:
  Value() = default;
  static Value null_at(uint64_t off);
  static Value boolean_at(bool b, uint64_t off);
  static Value number_at(double d, bool integral, uint64_t off);
  // The bytes must outlive the Value (the readers copy them into the arena).
  static Value string_view_at(std::string_view s, uint64_t off);
  static Value array_of(const Value* items, uint32_t n, uint64_t off);
  static Value object_of(const Member* members, uint32_t n, uint64_t off);

  ValueType type() const { return type_; }
  bool is_null() const { return type_ == ValueType::null; }
  bool is_bool() const { return type_ == ValueType::boolean; }
  bool is_number() const { return type_ == ValueType::number; }
  bool is_string() const { return type_ == ValueType::string; }
  bool is_array() const { return type_ == ValueType::array; }
  bool is_object() const { return type_ == ValueType::object; }

  bool as_bool() const { return type_ == ValueType::boolean && flag_; }
  double as_number() const { return type_ == ValueType::number ? u_.number : 0.0; }
  // True when the number was written without fraction or exponent.
  bool is_integral() const { return type_ == ValueType::number && flag_; }
  // Empty unless a string.
  std::string_view as_string() const {
    return type_ == ValueType::string ? std::string_view(u_.str, size_) : std::string_view();
  }
  // Empty unless an array / object.
  std::span<const Value> items() const {
    return type_ == ValueType::array ? std::span<const Value>(u_.items, size_)
                                     : std::span<const Value>();
  }
  std::span<const Member> members() const;

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
  bool is_true() const { return type_ == ValueType::boolean && flag_; }

 private:
  static Value typed_at(ValueType t, uint64_t off);

  ValueType type_ = ValueType::null;
  bool flag_ = false;  // boolean value, or "integral" for numbers
  uint32_t size_ = 0;  // string bytes, item or member count
  uint64_t offset_ = 0;
  uint64_t key_offset_ = 0;
  union Payload {
    double number;
    const char* str;
    const Value* items;
    const Member* members;
  } u_{.number = 0};
};

struct Member {
  std::string_view first;  // the key
  Value second;
};

// The constructors are inline so a reader writes each field straight into
// its destination: copying a Value that was just written field by field
// makes the CPU wait for the stores (store-to-load forwarding fails when a
// 16-byte load spans several narrower stores), once per parsed value.
inline Value Value::typed_at(ValueType t, uint64_t off) {
  Value v;
  v.type_ = t;
  v.offset_ = off;
  return v;
}
inline Value Value::null_at(uint64_t off) { return typed_at(ValueType::null, off); }
inline Value Value::boolean_at(bool b, uint64_t off) {
  Value v = typed_at(ValueType::boolean, off);
  v.flag_ = b;
  return v;
}
inline Value Value::number_at(double d, bool integral, uint64_t off) {
  Value v = typed_at(ValueType::number, off);
  v.u_.number = d;
  v.flag_ = integral;
  return v;
}
inline Value Value::string_view_at(std::string_view s, uint64_t off) {
  Value v = typed_at(ValueType::string, off);
  v.u_.str = s.data();
  v.size_ = static_cast<uint32_t>(s.size());
  return v;
}
inline Value Value::array_of(const Value* items, uint32_t n, uint64_t off) {
  Value v = typed_at(ValueType::array, off);
  v.u_.items = items;
  v.size_ = n;
  return v;
}
inline Value Value::object_of(const Member* members, uint32_t n, uint64_t off) {
  Value v = typed_at(ValueType::object, off);
  v.u_.members = members;
  v.size_ = n;
  return v;
}

inline std::span<const Member> Value::members() const {
  return type_ == ValueType::object ? std::span<const Member>(u_.members, size_)
                                    : std::span<const Member>();
}

// A parsed tree with the memory it points into. Move-only; moving keeps every
// Value pointer valid (the arena stays where it is).
class ValueTree {
 public:
  ValueTree();
  ~ValueTree();
  ValueTree(ValueTree&&) noexcept;
  ValueTree& operator=(ValueTree&&) noexcept;
  const Value& root() const { return root_; }
  void set_root(Value v) { root_ = v; }
  ValueArena& arena() { return *arena_; }

 private:
  std::unique_ptr<ValueArena> arena_;
  Value root_;
};

// 1-based line and column (column counts Unicode code points from the start
// of the line, which equals bytes for ASCII).
struct LineCol {
  uint32_t line = 0;
  uint32_t column = 0;
};

struct ReadOptions {
  // Files larger than this are refused before reading (default 256 MiB).
  uint64_t max_file_size = 256ull * 1024 * 1024;
  // Deeper nesting is an input error, never a stack overflow.
  uint32_t max_depth = 512;
};

class Document {
 public:
  // The tree may point into `text`, which the Document owns: parse_document
  // builds the Document first, then parses its text in place.
  Document(std::string path, std::string text, SourceFormat fmt);
  // Text kept alive by `owner` (e.g. a mapped file).
  Document(std::string path, std::shared_ptr<const void> owner, std::string_view text,
           SourceFormat fmt);

  const std::string& path() const { return path_; }
  std::string_view text() const { return text_; }
  SourceFormat format() const { return format_; }
  const Value& root() const { return tree_.root(); }
  // True only for a bundle the library's check driver reads item by item
  // instead of parsing it whole: root() is null then. Never for a Document
  // from parse_document or load_document.
  bool deferred() const { return deferred_; }

  // Map a byte offset to line/column; O(log lines). The line index is built
  // on first use (a memchr pass, under std::call_once), so lookups are const
  // and thread-safe.
  LineCol locate(uint64_t offset) const;
  // The text of 1-based `line`, without its newline.
  std::string_view line_text(uint32_t line) const;

 private:
  friend Result<std::shared_ptr<const Document>> parse_document_impl(
      std::shared_ptr<Document> doc, const ReadOptions& opts, bool defer_items);
  friend Result<std::shared_ptr<const Document>> parse_deferred_whole(const Document& deferred,
                                                                      const ReadOptions& opts);
  friend std::shared_ptr<const Document> document_with_tree(std::shared_ptr<const Document> base,
                                                            ValueTree tree);
  std::string path_;
  std::shared_ptr<const void> text_owner_;
  std::string_view text_;
  SourceFormat format_;
  ValueTree tree_;
  bool deferred_ = false;
  const std::vector<uint64_t>& line_starts() const;
  void build_line_index() const;
  mutable std::once_flag line_index_once_;
  mutable std::vector<uint64_t> line_starts_;
};

// Parse text as JSON or YAML, detected by content: JSON if the first
// non-whitespace byte is '{' or '['; YAML otherwise. A path ending in .jsonl
// or .ndjson is read as JSON lines, one ending in .tf as HCL. Errors carry path and
// line/column and the offending source line.
Result<std::shared_ptr<const Document>> parse_document(std::string path, std::string text,
                                                       const ReadOptions& opts = {});
// Read a file (size-checked first), then parse_document.
Result<std::shared_ptr<const Document>> load_document(const std::string& path,
                                                      const ReadOptions& opts = {});

// Lower-level readers used by parse_document and the fuzzers. `text` is the
// whole file (a leading UTF-8 BOM is skipped); offsets are into `text`;
// `path` only labels errors. Input must already be valid UTF-8. The JSON
// readers' strings may point into `text`: keep it alive (and in place) for
// as long as the tree.
Result<ValueTree> parse_json(const std::string& path, std::string_view text, uint32_t max_depth);
Result<ValueTree> parse_yaml(const std::string& path, std::string_view text, uint32_t max_depth);
// HCL native syntax (Terraform `.tf`), in the shape of Terraform's JSON
// syntax; expressions the file cannot evaluate become kUnresolvedMember
// objects (src/model/hcl_reader.cc says how). parse_document reads a path
// ending in `.tf` with it.
Result<ValueTree> parse_hcl(const std::string& path, std::string_view text, uint32_t max_depth);
bool is_hcl_path(std::string_view path);
// JSON lines (.jsonl / .ndjson, as `audit --save` writes): one value per
// line, read as one array whose items keep their offsets in `text`.
Result<ValueTree> parse_json_lines(const std::string& path, std::string_view text,
                                   uint32_t max_depth);
// True for the file names parse_document reads as JSON lines.
bool is_json_lines_path(std::string_view path);
// The first byte of `text` that is not whitespace, after a UTF-8 BOM; 0 if
// there is none. It decides how parse_document reads a file: '{' or '[' as
// JSON, anything else as YAML; '[' is a bundle whose items can be read one
// at a time.
char first_significant_byte(std::string_view text);

// Build an Error at `offset` of `text` (line/column and source line filled).
Error error_at_offset(ErrorCode code, const std::string& path, std::string_view text,
                      uint64_t offset, std::string message);

// RFC 6901 escaping of one reference token ("~" -> "~0", "/" -> "~1").
std::string json_pointer_escape(std::string_view token);

}  // namespace sageguard
