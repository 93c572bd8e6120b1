#include "fix/verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

namespace sageguard::fix {

namespace {

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

// Whether an operation's node is `v`: the same node, or its translation
// (Step Functions parameters are read into request shape in a separate
// tree whose nodes keep the offsets, and types, of the text they stand for).
bool same_node(const Value* op_node, const Value& v) {
  return op_node == &v || (op_node->offset() == v.offset() && op_node->type() == v.type());
}

class Verifier {
 public:
  explicit Verifier(const OpList& ops) : ops_(ops) {}

  // The pointer of the first difference, or nullopt.
  std::optional<std::string> diff(const Value& a, const Value& b, const std::string& at) const {
    if (replaced(a)) return std::nullopt;
    if (a.type() != b.type()) return at;
    switch (a.type()) {
      case ValueType::null: return std::nullopt;
      case ValueType::boolean: return a.as_bool() == b.as_bool() ? std::nullopt : std::optional(at);
      case ValueType::number:
        return a.as_number() == b.as_number() && a.is_integral() == b.is_integral()
                   ? std::nullopt
                   : std::optional(at);
      case ValueType::string:
        return a.as_string() == b.as_string() ? std::nullopt : std::optional(at);
      case ValueType::array: return diff_array(a, b, at);
      case ValueType::object: return diff_object(a, b, at);
    }
    return at;
  }

 private:
  bool replaced(const Value& v) const {
    return std::any_of(ops_.replaces.begin(), ops_.replaces.end(),
                       [&](const ReplaceOp& op) { return same_node(op.node, v); });
  }
  bool removed(const Value& obj, size_t index) const {
    return std::any_of(ops_.removes.begin(), ops_.removes.end(), [&](const RemoveOp& op) {
      return same_node(op.obj, obj) && op.index == index;
    });
  }
  bool inserted(const Value& obj, std::string_view key) const {
    return std::any_of(ops_.inserts.begin(), ops_.inserts.end(), [&](const InsertOp& op) {
      return same_node(op.obj, obj) && op.key == key;
    });
  }
  size_t appended(const Value& arr) const {
    size_t n = 0;
    for (const auto& op : ops_.appends) {
      if (same_node(op.array, arr)) n += op.items.size();
    }
    return n;
  }

  std::optional<std::string> diff_array(const Value& a, const Value& b,
                                        const std::string& at) const {
    const auto x = a.items();
    const auto y = b.items();
    if (y.size() != x.size() + appended(a)) return at;
    for (size_t i = 0; i < x.size(); ++i) {
      if (auto d = diff(x[i], y[i], fmt::format("{}/{}", at, i))) return d;
    }
    return std::nullopt;
  }

  // The `n`th member named `key` (HCL repeats a block's type as a member
  // per block), or nullptr.
  static const Value* nth(const Value& obj, std::string_view key, size_t n) {
    for (const auto& m : obj.members()) {
      if (m.first == key && n-- == 0) return &m.second;
    }
    return nullptr;
  }
  static size_t occurrences(const Value& obj, std::string_view key) {
    const auto ms = obj.members();
    return static_cast<size_t>(
        std::count_if(ms.begin(), ms.end(), [&](const Member& m) { return m.first == key; }));
  }

  std::optional<std::string> diff_object(const Value& a, const Value& b,
                                         const std::string& at) const {
    const auto x = a.members();
    for (size_t i = 0; i < x.size(); ++i) {
      const std::string here = at + "/" + pointer_token(x[i].first);
      size_t before = 0;
      for (size_t j = 0; j < i; ++j) before += x[j].first == x[i].first ? 1 : 0;
      const Value* other = nth(b, x[i].first, before);
      if (removed(a, i)) {
        if (other != nullptr) return here;
        continue;
      }
      if (other == nullptr) return here;
      if (auto d = diff(x[i].second, *other, here)) return d;
    }
    // Every other member of the result is one an insert added.
    for (const auto& m : b.members()) {
      if (occurrences(b, m.first) > occurrences(a, m.first) && !inserted(a, m.first)) {
        return at + "/" + pointer_token(m.first);
      }
    }
    return std::nullopt;
  }

  const OpList& ops_;
};

}  // namespace

Status same_untouched_values(const Value& before, const Value& after, const OpList& ops,
                             const std::string& path) {
  const Verifier v(ops);
  const auto d = v.diff(before, after, "");
  if (!d) return Status::success();
  Error e = Error::make(ErrorCode::internal,
                        fmt::format("fix would change '{}', which it did not mean to edit; "
                                    "nothing was written",
                                    d->empty() ? "/" : *d));
  e.file = path;
  return e;
}

}  // namespace sageguard::fix
