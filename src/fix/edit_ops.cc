#include "fix/edit_ops.h"

#include <algorithm>
#include <iterator>

namespace sageguard::fix {

NewValue NewValue::of_string(std::string s) {
  NewValue v;
  v.kind = Kind::string;
  v.str = std::move(s);
  return v;
}

NewValue NewValue::of_bool(bool b) {
  NewValue v;
  v.kind = Kind::boolean;
  v.boolean = b;
  return v;
}

NewValue NewValue::of_int(int64_t i) {
  NewValue v;
  v.kind = Kind::integer;
  v.integer = i;
  return v;
}

NewValue NewValue::object() {
  NewValue v;
  v.kind = Kind::object;
  return v;
}

NewValue NewValue::array_of_strings(const std::vector<std::string>& items) {
  NewValue v;
  v.kind = Kind::array;
  for (const auto& s : items) v.items.push_back(of_string(s));
  return v;
}

NewValue NewValue::tag(const std::string& key, const std::string& value) {
  NewValue v = object();
  v.add("Key", of_string(key));
  v.add("Value", of_string(value));
  return v;
}

NewValue& NewValue::add(std::string key, NewValue v) {
  members.emplace_back(std::move(key), std::move(v));
  return *this;
}

void OpList::merge(OpList&& o) {
  std::move(o.inserts.begin(), o.inserts.end(), std::back_inserter(inserts));
  std::move(o.replaces.begin(), o.replaces.end(), std::back_inserter(replaces));
  std::move(o.removes.begin(), o.removes.end(), std::back_inserter(removes));
  std::move(o.appends.begin(), o.appends.end(), std::back_inserter(appends));
}

std::string apply_edits(std::string_view text, std::vector<TextEdit> edits) {
  // Stable: edits at the same offset keep the order they were produced in.
  std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.priority > b.priority;
  });
  std::string out;
  out.reserve(text.size() + 256);
  uint64_t pos = 0;
  for (const auto& e : edits) {
    const uint64_t at = std::max(e.offset, pos);  // overlaps are prevented by the editors
    out.append(text, pos, at - pos);
    out += e.text;
    pos = std::max(pos, std::min<uint64_t>(text.size(), e.offset + e.erase));
  }
  out.append(text, pos, std::string::npos);
  return out;
}

}  // namespace sageguard::fix
