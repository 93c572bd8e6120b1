// Why the tree edit needs no verification, where the text edit does: the
// text path writes bytes into a document and parses it again, so
// same_untouched_values (fix/verify.h) must show that no other value moved
// or changed (a YAML block scalar that gained a line, a key that slid into
// another mapping). Here no text is written and nothing is parsed: a
// container is rebuilt only when an operation names it or a value below
// it, and then every member or item no operation names is copied as the
// very Value it was (same bytes, same view into the parsed text). An
// untouched value therefore cannot differ from the original by
// construction. What remains to match the text path is what its parse of
// the edited text would read for the edited values themselves, which is
// where edit_tree refuses (see the header). tree_edit_test compares the two
// paths over the repository's requests.
#include "fix/tree_edit.h"

#include <algorithm>
#include <cstdlib>

#include "model/value_arena.h"
#include "util/utf8.h"

namespace sageguard::fix {

namespace {

// Below 2^53 a double holds every integer exactly, as a parse would.
constexpr int64_t kExactInteger = int64_t{1} << 53;

class TreeEditor {
 public:
  TreeEditor(const OpList& ops, ValueArena& arena, uint32_t max_depth)
      : ops_(ops), arena_(arena), max_depth_(max_depth) {}

  // True (and `out` set) when `v`, at nesting `depth` (its container's),
  // changes; false leaves `out` alone.
  bool edit(const Value& v, uint32_t depth, Value& out) {
    if (failed_) return false;
    switch (v.type()) {
      case ValueType::array: return edit_array(v, depth + 1, out);
      case ValueType::object: return edit_object(v, depth + 1, out);
      default: break;
    }
    for (const auto& op : ops_.replaces) {
      if (op.node == &v) {
        ++applied_;
        out = make(op.value, v.offset(), depth);
        out.set_key_offset(v.key_off());
        return true;
      }
    }
    return false;
  }

  // Every operation met its node, and nothing was refused.
  bool complete() const {
    const size_t total =
        ops_.inserts.size() + ops_.replaces.size() + ops_.removes.size() + ops_.appends.size();
    return !failed_ && applied_ == total;
  }

 private:
  bool edit_array(const Value& v, uint32_t depth, Value& out) {
    const auto items = v.items();
    size_t added = 0;
    for (const auto& op : ops_.appends) {
      if (op.array == &v) added += op.items.size();
    }
    Value* copy = nullptr;  // allocated at the first change
    for (size_t i = 0; i < items.size(); ++i) {
      Value edited;
      if (!edit(items[i], depth, edited)) continue;
      if (!copy) copy = fresh_items(items, added);
      copy[i] = edited;
    }
    if (added == 0 && !copy) return false;
    if (!copy) copy = fresh_items(items, added);
    size_t at = items.size();
    for (const auto& op : ops_.appends) {
      if (op.array != &v) continue;
      ++applied_;
      for (const auto& item : op.items) copy[at++] = make(item, v.offset(), depth);
    }
    out = Value::array_of(copy, static_cast<uint32_t>(at), v.offset());
    out.set_key_offset(v.key_off());
    return true;
  }

  Value* fresh_items(std::span<const Value> items, size_t added) {
    auto* copy = static_cast<Value*>(arena_.allocate((items.size() + added) * sizeof(Value)));
    std::copy(items.begin(), items.end(), copy);
    return copy;
  }

  bool edit_object(const Value& v, uint32_t depth, Value& out) {
    const auto members = v.members();
    size_t removed = 0;
    size_t added = 0;
    for (const auto& op : ops_.removes) {
      if (op.obj == &v) ++removed;
    }
    for (const auto& op : ops_.inserts) {
      if (op.obj == &v) ++added;
    }
    // Edited values by member index, filled in when a member changes.
    Member* copy = nullptr;
    for (size_t i = 0; i < members.size(); ++i) {
      Value edited;
      if (!edit(members[i].second, depth, edited)) continue;
      if (!copy) copy = fresh_members(members, added);
      copy[i].second = edited;
    }
    if (removed == 0 && added == 0 && !copy) return false;
    if (!copy) copy = fresh_members(members, added);
    size_t n = members.size();
    if (removed > 0) {
      // Drop removed members, keeping the others' order.
      size_t kept = 0;
      for (size_t i = 0; i < members.size(); ++i) {
        if (is_removed(v, i)) {
          ++applied_;
          continue;
        }
        copy[kept++] = copy[i];
      }
      n = kept;
    }
    for (const auto& op : ops_.inserts) {
      if (op.obj != &v) continue;
      ++applied_;
      const bool taken = std::any_of(copy, copy + n, [&](const Member& m) {
        return m.first == op.key;
      });
      if (taken || !valid(op.key)) return fail();
      Value value = make(op.value, v.offset(), depth);
      value.set_key_offset(v.offset());
      copy[n++] = Member{arena_.copy(op.key), value};
    }
    out = Value::object_of(copy, static_cast<uint32_t>(n), v.offset());
    out.set_key_offset(v.key_off());
    return true;
  }

  Member* fresh_members(std::span<const Member> members, size_t added) {
    auto* copy = static_cast<Member*>(arena_.allocate((members.size() + added) * sizeof(Member)));
    std::copy(members.begin(), members.end(), copy);
    return copy;
  }

  bool is_removed(const Value& obj, size_t index) const {
    return std::any_of(ops_.removes.begin(), ops_.removes.end(),
                       [&](const RemoveOp& op) { return op.obj == &obj && op.index == index; });
  }

  // `v` as a Value at offset `at`, inside a container at nesting `depth`.
  Value make(const NewValue& v, uint64_t at, uint32_t depth) {
    switch (v.kind) {
      case NewValue::Kind::string:
        if (!valid(v.str)) return fail_value();
        return Value::string_view_at(arena_.copy(v.str), at);
      case NewValue::Kind::boolean: return Value::boolean_at(v.boolean, at);
      case NewValue::Kind::integer:
        if (v.integer <= -kExactInteger || v.integer >= kExactInteger) return fail_value();
        return Value::number_at(static_cast<double>(v.integer), true, at);
      case NewValue::Kind::object: {
        if (depth + 1 >= max_depth_) return fail_value();
        auto* members = static_cast<Member*>(arena_.allocate(v.members.size() * sizeof(Member)));
        for (size_t i = 0; i < v.members.size(); ++i) {
          if (!valid(v.members[i].first)) return fail_value();
          Value value = make(v.members[i].second, at, depth + 1);
          value.set_key_offset(at);
          members[i] = Member{arena_.copy(v.members[i].first), value};
        }
        return Value::object_of(members, static_cast<uint32_t>(v.members.size()), at);
      }
      case NewValue::Kind::array: {
        if (depth + 1 >= max_depth_) return fail_value();
        auto* items = static_cast<Value*>(arena_.allocate(v.items.size() * sizeof(Value)));
        for (size_t i = 0; i < v.items.size(); ++i) items[i] = make(v.items[i], at, depth + 1);
        return Value::array_of(items, static_cast<uint32_t>(v.items.size()), at);
      }
    }
    return fail_value();
  }

  static bool valid(std::string_view s) { return utf8_is_valid(s); }
  bool fail() {
    failed_ = true;
    return false;
  }
  Value fail_value() {
    failed_ = true;
    return Value();
  }

  const OpList& ops_;
  ValueArena& arena_;
  uint32_t max_depth_;
  size_t applied_ = 0;
  bool failed_ = false;
};

}  // namespace

std::optional<ValueTree> edit_tree(const Value& root, const OpList& ops, uint32_t max_depth) {
  ValueTree tree;
  TreeEditor editor(ops, tree.arena(), max_depth);
  Value edited = root;
  editor.edit(root, 0, edited);
  if (!editor.complete()) return std::nullopt;
  tree.set_root(edited);
  return tree;
}

}  // namespace sageguard::fix
