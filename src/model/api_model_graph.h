// The SageMaker API model table resolved into an immutable graph of shapes
// (members point straight at their shapes, patterns compiled by RE2 on first use) so
// validation does no lookups by name and no allocation. Built once on first
// use from the embedded data/sagemaker_api_model.json; read-only afterwards,
// so any number of threads may share it.
#pragma once

#include <re2/re2.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/ascii_dfa.h"
#include "sageguard/document.h"
#include "sageguard/result.h"

namespace sageguard::api_model {

enum class ShapeKind : uint8_t {
  structure, list, map, string, boolean, integer, long_, float_, double_, timestamp, blob
};

// Structures have at most this many members (SageMaker's largest has 28);
// the loader refuses more so validation can track presence in a bitset.
inline constexpr size_t kMaxMembers = 256;

struct Shape;

// A pattern, compiled on first use. Start-up matters (`check` of one file
// would otherwise spend most of its time compiling ~100 patterns it never
// uses), so the graph holds the text and RE2 runs when a value first meets
// it; std::call_once keeps that safe for concurrent checks.
//
// Most SageMaker patterns are one character class repeated (`[-0-9a-zA-Z]+`,
// `.*`); for those, ASCII text is decided by a byte table (built by asking
// RE2 about each ASCII character, so RE2 stays the only judge of the syntax)
// and only non-ASCII text goes to RE2, whose UTF-8 program is then compiled
// on first need (see Pattern::compile for why that is worth deferring).
// Most other patterns (ARNs, S3 URIs, job names) get an AsciiDfa, built the
// same way from RE2's answers, with the same non-ASCII fallback.
class Pattern {
 public:
  // `source` is botocore's pattern (for reports), `text` what RE2 compiles
  // (the generator's translation, or the same text).
  Pattern(std::string source, std::string text);
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // Whole-value match (the model's patterns are unanchored but mean it). A
  // pattern RE2 rejects matches everything (it is reported, not checked).
  bool full_match(std::string_view s) const;
  // Compiles if not done yet: RE2's error, or empty when the pattern is usable.
  const std::string& compile_error() const;
  const std::string& source() const { return source_; }
  const std::string& text() const { return text_; }
  // How ASCII values are decided (compiles if not done yet); for tests.
  enum class Engine : uint8_t { table, dfa, re2 };
  Engine engine() const;

 private:
  void ensure_compiled() const;
  void compile() const;
  void compile_utf8() const;

  std::string source_;
  std::string text_;
  mutable std::once_flag once_;       // compile(): the ASCII table, the DFA, or the program
  mutable std::atomic<bool> compiled_{false};  // once_ has run
  mutable std::once_flag utf8_once_;  // compile_utf8(): the program
  mutable std::unique_ptr<RE2> re_;  // null until compiled, or when RE2 rejected it
  mutable std::string error_;
  mutable bool simple_ = false;     // a single class repeated with * or +
  mutable bool nonempty_ = false;   // ... with +
  mutable bool ascii_[128] = {};    // class membership of each ASCII character
  mutable std::optional<AsciiDfa> dfa_;  // ASCII values of a pattern that is not simple_
};

// Names, patterns and enum values are views into the Graph's table text (or
// its parsed tree, for strings that had escapes).
struct MemberRef {
  std::string_view name;
  const Shape* shape = nullptr;
};

struct Shape {
  std::string_view name;
  ShapeKind kind = ShapeKind::string;
  // Length (strings, code points), count (lists), size (maps) or value
  // (numbers), depending on kind.
  bool has_min = false;
  bool has_max = false;
  double min = 0;
  double max = 0;
  // Botocore's pattern text (for messages) and its compiled form; `regex` is
  // null when the shape has no pattern or the pattern is not checked.
  std::string_view pattern;
  const Pattern* regex = nullptr;
  // Enum values in model order (messages) and sorted (lookup).
  std::vector<std::string_view> enum_values;
  std::vector<std::string_view> enum_sorted;
  // structure: members sorted by name; required as indexes into `members`.
  std::vector<MemberRef> members;
  std::vector<uint16_t> required;
  // Open-addressing hash of member names: slot holds index + 1, 0 = empty.
  std::vector<uint16_t> member_slots;
  // list element; map key and value.
  const Shape* member = nullptr;
  const Shape* key = nullptr;
  const Shape* value = nullptr;

  // Index into `members` or -1.
  int find_member(std::string_view name) const;
  // Fill member_slots once `members` is final.
  void index_members();
  bool enum_contains(std::string_view v) const;
};

struct Graph {
  std::string text;  // the table, and the tree read from it: the views point here
  ValueTree tree;
  std::string_view botocore_version;
  std::vector<std::unique_ptr<Shape>> shapes;                 // owns every shape
  std::vector<std::pair<std::string_view, const Shape*>> operations;  // sorted by name
  std::vector<std::unique_ptr<Pattern>> patterns;             // owns every pattern
  // Patterns the generator listed as skipped, with its reason. Patterns RE2
  // rejects show up in Pattern::compile_error (api_model_info collects them).
  std::vector<std::pair<std::string, std::string>> unchecked_patterns;

  const Shape* find_operation(std::string_view op) const;
};

// Build a graph from table text (the generator's format). Used by graph() and
// by tests that feed small hand-written tables.
Result<std::unique_ptr<const Graph>> build_graph(std::string_view table_json);

// The embedded table's graph, built on first call (thread-safe); the error if
// the embedded table is broken.
const Result<std::unique_ptr<const Graph>>& graph();

}  // namespace sageguard::api_model
