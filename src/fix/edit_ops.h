// The vocabulary between the fix planner and the format editors: values fix
// writes (NewValue), operations on the located Value tree (insert a member,
// replace a scalar, remove a member, append to an array), and byte edits on
// the original text. Plain value types; Value pointers point into a Document
// the caller keeps alive.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sageguard/document.h"

namespace sageguard::fix {

struct NewMember;

// A value fix writes. Objects keep member order (the order they are rendered).
struct NewValue {
  enum class Kind : uint8_t { string, boolean, integer, object, array };
  Kind kind = Kind::string;
  std::string str;
  bool boolean = false;
  int64_t integer = 0;
  std::vector<NewMember> members;
  std::vector<NewValue> items;

  static NewValue of_string(std::string s);
  static NewValue of_bool(bool b);
  static NewValue of_int(int64_t i);
  static NewValue object();
  static NewValue array_of_strings(const std::vector<std::string>& v);
  static NewValue tag(const std::string& key, const std::string& value);
  NewValue& add(std::string key, NewValue v);
  bool is_scalar() const { return kind != Kind::object && kind != Kind::array; }
};

// A member of an object NewValue. A class of its own rather than a
// std::pair: a pair of a type still being defined is rejected by clang with
// libstdc++ (the fuzzers' build), a vector of an incomplete class is not.
struct NewMember {
  NewMember(std::string k, NewValue v) : first(std::move(k)), second(std::move(v)) {}
  std::string first;
  NewValue second;
};

// Add `key: value` to the existing object `obj` (key absent from it).
struct InsertOp {
  const Value* obj = nullptr;
  std::string key;
  NewValue value;
};
// Replace the scalar `node` with `value` (a scalar).
struct ReplaceOp {
  const Value* node = nullptr;
  NewValue value;
};
// Remove member `index` of object `obj`.
struct RemoveOp {
  const Value* obj = nullptr;
  size_t index = 0;
};
// Append `items` to the existing array `array`.
struct AppendOp {
  const Value* array = nullptr;
  std::vector<NewValue> items;
};

struct OpList {
  std::vector<InsertOp> inserts;
  std::vector<ReplaceOp> replaces;
  std::vector<RemoveOp> removes;
  std::vector<AppendOp> appends;
  bool empty() const {
    return inserts.empty() && replaces.empty() && removes.empty() && appends.empty();
  }
  void merge(OpList&& o);  // appends o's operations, moved
};

// Replace bytes [offset, offset + erase) of the original text with `text`.
// Edits at the same offset apply higher `priority` first (YAML: text for a
// deeper block goes before text for its parent, which ends on the same line).
struct TextEdit {
  uint64_t offset = 0;
  uint64_t erase = 0;
  std::string text;
  uint64_t priority = 0;
};

// A format editor turns operations into byte edits. `can_apply` answers
// without side effects so the planner can drop a whole change that one of
// its operations cannot write; `render` assumes every op passed can_apply.
class FormatEditor {
 public:
  virtual ~FormatEditor() = default;
  virtual bool can_insert(const Value& obj) const = 0;
  virtual bool can_replace(const Value& node) const = 0;
  virtual bool can_remove(const Value& obj, size_t index) const = 0;
  virtual bool can_append(const Value& array) const = 0;
  // Inserts into the same object must be merged by the caller (one InsertOp
  // per key per object; nested objects merged member-wise).
  virtual std::vector<TextEdit> render(const OpList& ops) const = 0;
};

// Apply non-overlapping edits to `text` (any order on input).
std::string apply_edits(std::string_view text, std::vector<TextEdit> edits);

}  // namespace sageguard::fix
