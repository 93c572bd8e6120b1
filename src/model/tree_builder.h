// Assembles a ValueTree bottom-up for the readers. Children are collected on
// two reusable stacks and copied into the arena in one piece when their
// array/object closes, so a tree costs one allocation per container and no
// vector growth per node.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "model/value_arena.h"
#include "sageguard/document.h"
#include "util/strings.h"

namespace sageguard {

class TreeBuilder {
 public:
  explicit TreeBuilder(ValueArena& arena) : arena_(arena) {}

  // Copy `s` into the arena.
  Value string(std::string_view s, uint64_t off) {
    return Value::string_view_at(arena_.copy(s), off);
  }
  std::string_view key(std::string_view s) { return arena_.copy(s); }
  // `s` points into text that outlives the tree (no copy).
  static Value string_in_text(std::string_view s, uint64_t off) {
    return Value::string_view_at(s, off);
  }

  // Drops whatever a failed parse left on the stacks.
  void clear() {
    items_.clear();
    members_.clear();
  }

  size_t open_array() const { return items_.size(); }
  void add_item(const Value& v) { items_.push_back(v); }
  Value close_array(size_t base, uint64_t off) {
    Value v;
    close_array_into(base, off, outside(v));
    return v;
  }

  size_t open_object() const { return members_.size(); }
  void add_member(std::string_view key_in_arena, Value v, uint64_t key_off) {
    v.set_key_offset(key_off);
    members_.push_back(Member{key_in_arena, v});
  }
  Value close_object(size_t base, uint64_t off) {
    Value v;
    close_object_into(base, off, outside(v));
    return v;
  }
  // In-place building (the JSON reader): a value is parsed straight into
  // its slot on the stacks instead of into a temporary that is then copied
  // there, a copy that stalls on the temporary's just-written fields (see
  // Value::null_at). Slots are named by index, not by reference, because a
  // container nested in the value grows the stacks while it is parsed.
  struct Slot {
    enum class Kind : uint8_t { outside, item, member };
    Kind kind = Kind::outside;
    size_t index = 0;
    Value* outside = nullptr;
  };
  static Slot outside(Value& v) { return {Slot::Kind::outside, 0, &v}; }
  Slot new_item() {
    items_.emplace_back();
    return {Slot::Kind::item, items_.size() - 1, nullptr};
  }
  Slot new_member(std::string_view key_in_arena) {
    members_.push_back(Member{key_in_arena, Value()});
    return {Slot::Kind::member, members_.size() - 1, nullptr};
  }
  Value& at(const Slot& s) {
    switch (s.kind) {
      case Slot::Kind::item: return items_[s.index];
      case Slot::Kind::member: return members_[s.index].second;
      case Slot::Kind::outside: break;
    }
    return *s.outside;
  }
  void close_array_into(size_t base, uint64_t off, const Slot& s) {
    const size_t n = items_.size() - base;
    const Value* p = arena_.copy_array(items_.data() + base, n);
    items_.resize(base);
    at(s) = Value::array_of(p, static_cast<uint32_t>(n), off);
  }
  void close_object_into(size_t base, uint64_t off, const Slot& s) {
    const size_t n = members_.size() - base;
    const Member* p = arena_.copy_array(members_.data() + base, n);
    members_.resize(base);
    at(s) = Value::object_of(p, static_cast<uint32_t>(n), off);
  }

  // Members added since `base` so far (for duplicate detection).
  std::span<const Member> open_members(size_t base) const {
    return std::span<const Member>(members_.data() + base, members_.size() - base);
  }

  // The first member (in source order) whose key repeats an earlier one in
  // the object being built, or kNoDuplicate. Linear for small objects;
  // sorting keeps a hostile million-key object O(n log n). A plain index,
  // not std::optional: this runs for every object, and the optional came
  // back through memory as an 8-byte load over a just-stored 1-byte flag,
  // which the CPU cannot forward (a stall per object).
  static constexpr size_t kNoDuplicate = static_cast<size_t>(-1);
  size_t first_duplicate(size_t base) const {
    const auto m = open_members(base);
    if (m.size() > 16) return first_duplicate_sorted(m);
    // A fingerprint of length and three bytes settles almost every pair
    // with one integer compare, without going back to the key's text.
    uint32_t fp[16];
    for (size_t i = 0; i < m.size(); ++i) {
      const std::string_view k = m[i].first;
      fp[i] = static_cast<uint32_t>(k.size());
      if (!k.empty()) {
        fp[i] ^= (static_cast<uint32_t>(static_cast<unsigned char>(k.front())) << 8) ^
                 (static_cast<uint32_t>(static_cast<unsigned char>(k[k.size() / 2])) << 16) ^
                 (static_cast<uint32_t>(static_cast<unsigned char>(k.back())) << 24);
      }
      for (size_t j = 0; j < i; ++j) {
        if (fp[j] == fp[i] && same_bytes(m[j].first, k)) return i;
      }
    }
    return kNoDuplicate;
  }

 private:
  static size_t first_duplicate_sorted(std::span<const Member> m) {
    std::vector<uint32_t> order(m.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return m[a].first < m[b].first; });
    size_t first = kNoDuplicate;
    for (size_t i = 1; i < order.size(); ++i) {
      if (m[order[i]].first == m[order[i - 1]].first) first = std::min<size_t>(first, order[i]);
    }
    return first;
  }

  ValueArena& arena_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

}  // namespace sageguard
