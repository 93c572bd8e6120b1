// parse_json, JsonItemStream and parse_json_lines: the public faces of the
// JSON reader in model/json_parser.h.
#include "model/json_parser.h"
#include "model/item_stream.h"
#include "model/tree_builder.h"
#include "sageguard/document.h"

namespace sageguard {

Result<ValueTree> parse_json(const std::string& path, std::string_view text, uint32_t max_depth) {
  ValueTree tree;
  SG_ASSIGN_OR_RETURN(Value root, JsonParser(path, text, max_depth, tree.arena()).run());
  tree.set_root(root);
  return tree;
}

struct JsonItemStream::Impl {
  Impl(const std::string& p, std::string_view text, uint32_t max_depth, ValueArena& arena,
       bool lines)
      : path(p), parser(path, text, max_depth, arena), lines(lines) {}

  std::string path;  // a copy: the parser refers to it (declared first)
  JsonParser parser;
  bool lines;
};

JsonItemStream::JsonItemStream(const std::string& path, std::string_view text,
                               uint32_t max_depth, ValueArena& arena, bool lines)
    : impl_(std::make_unique<Impl>(path, text, max_depth, arena, lines)) {}

JsonItemStream::~JsonItemStream() = default;

Result<bool> JsonItemStream::next(Value& item) {
  bool got = false;
  const bool ok = impl_->lines ? impl_->parser.line_next(item, got)
                               : impl_->parser.array_next(item, got);
  if (!ok) return impl_->parser.take_error();
  return got;
}

Result<ValueTree> parse_json_lines(const std::string& path, std::string_view text,
                                   uint32_t max_depth) {
  ValueTree tree;
  JsonItemStream items(path, text, max_depth, tree.arena(), /*lines=*/true);
  TreeBuilder lines(tree.arena());
  const size_t base = lines.open_array();
  for (;;) {
    Value v;
    SG_ASSIGN_OR_RETURN(bool got, items.next(v));
    if (!got) break;
    lines.add_item(v);
  }
  tree.set_root(lines.close_array(base, 0));
  return tree;
}

Value copy_value(const Value& v, ValueArena& arena) {
  switch (v.type()) {
    case ValueType::string: {
      Value out = Value::string_view_at(arena.copy(v.as_string()), v.offset());
      out.set_key_offset(v.key_off());
      return out;
    }
    case ValueType::array: {
      const auto items = v.items();
      auto* p = static_cast<Value*>(arena.allocate(items.size() * sizeof(Value)));
      for (size_t i = 0; i < items.size(); ++i) p[i] = copy_value(items[i], arena);
      Value out = Value::array_of(p, static_cast<uint32_t>(items.size()), v.offset());
      out.set_key_offset(v.key_off());
      return out;
    }
    case ValueType::object: {
      const auto members = v.members();
      auto* p = static_cast<Member*>(arena.allocate(members.size() * sizeof(Member)));
      for (size_t i = 0; i < members.size(); ++i) {
        p[i] = Member{arena.copy(members[i].first), copy_value(members[i].second, arena)};
      }
      Value out = Value::object_of(p, static_cast<uint32_t>(members.size()), v.offset());
      out.set_key_offset(v.key_off());
      return out;
    }
    default: return v;  // scalars hold no pointers
  }
}

}  // namespace sageguard
