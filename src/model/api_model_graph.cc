#include "model/api_model_graph.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "sageguard/document.h"
#include "util/strings.h"

// Defined by the build from data/sagemaker_api_model.json (tools/embed.cmake).
extern const std::string_view sageguard_embedded_sagemaker_api_model_json;

namespace sageguard::api_model {
namespace {

Error table_error(std::string_view what) {
  return Error::make(ErrorCode::internal, "SageMaker API model table: " + std::string(what));
}

std::string str(std::string_view s) { return std::string(s); }

bool parse_kind(std::string_view t, ShapeKind& out) {
  static const std::pair<std::string_view, ShapeKind> kKinds[] = {
      {"structure", ShapeKind::structure}, {"list", ShapeKind::list},
      {"map", ShapeKind::map},             {"string", ShapeKind::string},
      {"boolean", ShapeKind::boolean},     {"integer", ShapeKind::integer},
      {"long", ShapeKind::long_},          {"float", ShapeKind::float_},
      {"double", ShapeKind::double_},      {"timestamp", ShapeKind::timestamp},
      {"blob", ShapeKind::blob}};
  for (const auto& [name, kind] : kKinds) {
    if (t == name) {
      out = kind;
      return true;
    }
  }
  return false;
}

// A member of `obj` that must be a string when present; nullopt if absent,
// an error if present with another type.
Result<std::optional<std::string_view>> string_member(const Value& obj, std::string_view key,
                                                      std::string_view owner) {
  const Value* v = obj.find(key);
  if (v == nullptr) return std::optional<std::string_view>();
  if (!v->is_string()) return table_error(str(owner) + ": '" + str(key) + "' is not a string");
  return std::optional<std::string_view>(v->as_string());
}

// Every pattern is compiled once, shared by all shapes that use it. A
// pattern RE2 rejects is recorded and left unchecked rather than failing the
// whole table: one exotic pattern must not disable every other check.
class PatternCompiler {
 public:
  PatternCompiler(const Value& translations, const Value& skipped, Graph& g)
      : translations_(translations), skipped_(skipped), g_(g) {}

  const Pattern* compile(std::string_view pattern) {
    auto it = cache_.find(pattern);
    if (it != cache_.end()) return it->second;
    const Pattern* re = nullptr;
    if (const Value* why = skipped_.find(pattern)) {
      g_.unchecked_patterns.emplace_back(pattern, str(why->as_string()));
    } else {
      std::string_view text = pattern;
      if (const Value* t = translations_.find(pattern); t != nullptr && t->is_string()) {
        text = t->as_string();
      }
      g_.patterns.push_back(std::make_unique<Pattern>(str(pattern), str(text)));
      re = g_.patterns.back().get();
    }
    cache_.emplace(pattern, re);
    return re;
  }

 private:
  const Value& translations_;
  const Value& skipped_;
  Graph& g_;
  std::unordered_map<std::string_view, const Pattern*> cache_;
};

bool read_bound(const Value& s, std::string_view key, bool& has, double& out) {
  const Value* v = s.find(key);
  if (v == nullptr) return true;
  if (!v->is_number()) return false;
  has = true;
  out = v->as_number();
  return true;
}

using ShapeIndex = std::unordered_map<std::string_view, Shape*>;

Status fill_shape(std::string_view name, const Value& s, const ShapeIndex& by_name,
                  PatternCompiler& patterns, Shape& shape) {
  auto resolve = [&](const Value* ref, const Shape*& out) -> Status {
    if (ref == nullptr) return Status::success();
    if (!ref->is_string()) return table_error("shape " + str(name) + " has a non-string reference");
    auto it = by_name.find(ref->as_string());
    if (it == by_name.end()) {
      return table_error("shape " + str(name) + " refers to unknown shape " + str(ref->as_string()));
    }
    out = it->second;
    return Status::success();
  };
  const std::string owner = "shape " + str(name);
  if (!read_bound(s, "min", shape.has_min, shape.min) ||
      !read_bound(s, "max", shape.has_max, shape.max)) {
    return table_error(owner + " has a non-numeric bound");
  }
  SG_ASSIGN_OR_RETURN(auto pattern, string_member(s, "pattern", owner));
  if (pattern) {
    shape.pattern = *pattern;
    shape.regex = patterns.compile(shape.pattern);
  }
  if (const Value* e = s.find("enum")) {
    if (!e->is_array()) return table_error(owner + ": 'enum' is not a list");
    for (const Value& v : e->items()) {
      if (!v.is_string()) return table_error(owner + " has a non-string enum value");
      shape.enum_values.push_back(v.as_string());
    }
    shape.enum_sorted = shape.enum_values;
    std::sort(shape.enum_sorted.begin(), shape.enum_sorted.end());
  }
  if (const Value* m = s.find("members")) {
    if (!m->is_object()) return table_error(owner + ": 'members' is not an object");
    if (m->members().size() > kMaxMembers) return table_error(owner + " has too many members");
    for (const Member& mem : m->members()) {
      MemberRef ref;
      ref.name = mem.first;
      SG_TRY(resolve(&mem.second, ref.shape));
      shape.members.push_back(ref);
    }
    std::sort(shape.members.begin(), shape.members.end(),
              [](const MemberRef& a, const MemberRef& b) { return a.name < b.name; });
    shape.index_members();
  }
  if (const Value* r = s.find("required")) {
    if (!r->is_array()) return table_error(owner + ": 'required' is not a list");
    for (const Value& v : r->items()) {
      int idx = shape.find_member(v.as_string());
      if (!v.is_string() || idx < 0) {
        return table_error(owner + " requires unknown member " + str(v.as_string()));
      }
      shape.required.push_back(static_cast<uint16_t>(idx));
    }
  }
  SG_TRY(resolve(s.find("member"), shape.member));
  SG_TRY(resolve(s.find("key"), shape.key));
  SG_TRY(resolve(s.find("value"), shape.value));
  bool complete = (shape.kind != ShapeKind::list || shape.member) &&
                  (shape.kind != ShapeKind::map || (shape.key && shape.value));
  if (!complete) return table_error(owner + " lacks its element shape");
  return Status::success();
}

}  // namespace

Result<std::unique_ptr<const Graph>> build_graph(std::string_view table_json) {
  // The graph keeps its own copy of the text and the tree parsed from it:
  // every name, pattern and enum value below is a view into one of them.
  auto g = std::make_unique<Graph>();
  g->text.assign(table_json);
  auto parsed = parse_json("<SageMaker API model table>", g->text, 64);
  if (!parsed) return table_error("not valid JSON: " + parsed.error().message);
  g->tree = std::move(parsed).value();
  const Value& root = g->tree.root();
  const Value* shapes = root.find("shapes");
  const Value* operations = root.find("operations");
  if (!root.is_object() || shapes == nullptr || !shapes->is_object() || operations == nullptr ||
      !operations->is_object()) {
    return table_error("missing 'shapes' or 'operations'");
  }
  SG_ASSIGN_OR_RETURN(auto version, string_member(root, "botocore_version", "the table"));
  if (version) g->botocore_version = *version;
  const Value kEmpty;  // null: find() on it finds nothing
  const Value* translations = root.find("pattern_translations");
  const Value* skipped = root.find("skipped_patterns");

  // Two passes: create every shape, then resolve references between them.
  ShapeIndex by_name;
  by_name.reserve(shapes->members().size());
  g->shapes.reserve(shapes->members().size());
  for (const Member& m : shapes->members()) {
    auto shape = std::make_unique<Shape>();
    shape->name = m.first;
    const Value* type = m.second.find("type");
    if (type == nullptr || !type->is_string() || !parse_kind(type->as_string(), shape->kind)) {
      return table_error("shape " + str(m.first) + " has no known type");
    }
    by_name.emplace(m.first, shape.get());
    g->shapes.push_back(std::move(shape));
  }
  PatternCompiler patterns(translations ? *translations : kEmpty, skipped ? *skipped : kEmpty, *g);
  for (const Member& m : shapes->members()) {
    SG_TRY(fill_shape(m.first, m.second, by_name, patterns, *by_name.at(m.first)));
  }
  for (const Member& m : operations->members()) {
    auto it = m.second.is_string() ? by_name.find(m.second.as_string()) : by_name.end();
    if (it == by_name.end() || it->second->kind != ShapeKind::structure) {
      return table_error("operation " + str(m.first) + " has no input structure");
    }
    g->operations.emplace_back(m.first, it->second);
  }
  std::sort(g->operations.begin(), g->operations.end());
  return std::unique_ptr<const Graph>(std::move(g));
}

namespace {
// Member names are distinct ASCII identifiers; length and three characters
// spread them well enough for a table at most half full, and cost far less
// than hashing every byte.
uint32_t name_hash(std::string_view s) {
  if (s.empty()) return 0;
  auto at = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i])); };
  return static_cast<uint32_t>(s.size()) * 0x9E3779B1u ^ at(0) * 0x85EBCA77u ^ at(s.size() - 1) * 0xC2B2AE3Du ^
         at(s.size() / 2) * 0x27D4EB2Fu;
}
}  // namespace

void Shape::index_members() {
  size_t size = 4;
  while (size < members.size() * 2) size *= 2;
  member_slots.assign(size, 0);
  for (size_t i = 0; i < members.size(); ++i) {
    size_t h = name_hash(members[i].name) & (size - 1);
    while (member_slots[h] != 0) h = (h + 1) & (size - 1);
    member_slots[h] = static_cast<uint16_t>(i + 1);
  }
}

int Shape::find_member(std::string_view n) const {
  if (member_slots.empty()) return -1;
  const size_t mask = member_slots.size() - 1;
  for (size_t h = name_hash(n) & mask; member_slots[h] != 0; h = (h + 1) & mask) {
    const size_t i = member_slots[h] - 1u;
    if (same_bytes(members[i].name, n)) return static_cast<int>(i);
  }
  return -1;
}

bool Shape::enum_contains(std::string_view v) const {
  return std::binary_search(enum_sorted.begin(), enum_sorted.end(), v);
}

namespace {

// `body` followed by `*` or `+` where body is `.` or one bracket class
// without nested brackets, optionally in one group: `[-0-9a-zA-Z]+`,
// `([\p{L}\p{Z}\p{N}_.:/=+\-@]*)`.
bool split_simple_class(std::string_view re, std::string_view& body, bool& plus) {
  // A group around the whole pattern does not change what it matches.
  if (re.size() > 2 && re.front() == '(' && re.back() == ')' && re[1] != '?' &&
      re.find_first_of("()", 1) == re.size() - 1) {
    re = re.substr(1, re.size() - 2);
  }
  if (re.size() < 2 || (re.back() != '*' && re.back() != '+')) return false;
  plus = re.back() == '+';
  body = re.substr(0, re.size() - 1);
  if (body == ".") return true;
  if (body.size() < 3 || body.front() != '[' || body.back() != ']') return false;
  for (size_t i = 1; i + 1 < body.size(); ++i) {
    if (body[i] == '\\') {
      ++i;
    } else if (body[i] == '[' || body[i] == ']') {
      return false;
    }
  }
  return true;
}

}  // namespace

Pattern::Pattern(std::string source, std::string text)
    : source_(std::move(source)), text_(std::move(text)) {}

// Decides how values will be matched, compiling as little as it can: RE2
// compiles Unicode classes slowly in UTF-8 (the tag pattern
// `([\p{L}\p{Z}\p{N}_.:/=+\-@]*)` took ~2.5 ms, and the class alone as
// much again, most of a one-file `check`), and nearly every value is ASCII.
// For a single repeated class the ASCII table comes from the class compiled
// for Latin-1, whose first 128 characters are ASCII's; the UTF-8 program is
// built only when a non-ASCII value or a report needs it.
void Pattern::compile() const {
  std::string_view body;
  if (split_simple_class(text_, body, nonempty_)) {
    if (const auto members = ascii_members(std::string(body))) {
      for (size_t c = 0; c < 128; ++c) ascii_[c] = (*members)[c];
      simple_ = true;
      return;
    }
  }
  // Anything else our automaton covers (ARNs, S3 URIs, job names) gets one,
  // again from RE2's answers; the UTF-8 program waits for a non-ASCII value.
  if (auto dfa = AsciiDfa::build(text_); dfa.ok()) {
    dfa_.emplace(std::move(dfa).value());
    return;
  }
  compile_utf8();
}

// The pattern as RE2 reads it for any value. The table's text is JSON, hence
// valid UTF-8, so a class that compiled for Latin-1 above compiles here too
// and the ASCII table never disagrees with this program (a test compares
// every pattern with RE2 on mixed ASCII and non-ASCII values).
void Pattern::compile_utf8() const {
  std::call_once(utf8_once_, [this] {
    RE2::Options opts;
    opts.set_log_errors(false);
    opts.set_encoding(RE2::Options::EncodingUTF8);
    auto re = std::make_unique<RE2>(text_, opts);
    if (!re->ok()) {
      error_ = "RE2 cannot compile it: " + re->error();
      return;
    }
    re_ = std::move(re);
  });
}

void Pattern::ensure_compiled() const {
  // std::call_once calls pthread_once through the PLT, after setting two
  // thread-locals, on every call; full_match runs ~50 times per request,
  // so the common case (compiled long ago) is one acquire load instead.
  if (compiled_.load(std::memory_order_acquire)) return;
  std::call_once(once_, [this] {
    compile();
    compiled_.store(true, std::memory_order_release);
  });
}

const std::string& Pattern::compile_error() const {
  ensure_compiled();
  compile_utf8();
  return error_;
}

Pattern::Engine Pattern::engine() const {
  ensure_compiled();
  return simple_ ? Engine::table : dfa_ ? Engine::dfa : Engine::re2;
}

bool Pattern::full_match(std::string_view s) const {
  ensure_compiled();
  if (simple_) {
    if (nonempty_ && s.empty()) return false;
    // Eight bytes a step: one test finds a non-ASCII byte, and the eight
    // table lookups are independent of each other (no branch per byte).
    // An ASCII character outside the class fails the value whatever else
    // it holds, so the order of the two tests does not change the answer.
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    bool ascii = true;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      if (w & 0x8080808080808080ull) {
        ascii = false;
        break;
      }
      const bool in = ascii_[p[i]] & ascii_[p[i + 1]] & ascii_[p[i + 2]] & ascii_[p[i + 3]] &
                      ascii_[p[i + 4]] & ascii_[p[i + 5]] & ascii_[p[i + 6]] & ascii_[p[i + 7]];
      if (!in) return false;  // an ASCII character outside the class
    }
    for (; ascii && i < n; ++i) {
      if (p[i] >= 0x80) {
        ascii = false;
      } else if (!ascii_[p[i]]) {
        return false;
      }
    }
    if (ascii) return true;
    compile_utf8();
  } else if (dfa_) {
    const AsciiDfa::Match m = dfa_->match(s);
    if (m != AsciiDfa::Match::not_ascii) return m == AsciiDfa::Match::yes;
    compile_utf8();
  }
  if (!re_) return true;  // rejected by RE2: reported by api_model_info, not checked
  return re_->Match(s, 0, s.size(), RE2::ANCHOR_BOTH, nullptr, 0);
}

const Shape* Graph::find_operation(std::string_view op) const {
  auto it = std::lower_bound(operations.begin(), operations.end(), op,
                             [](const auto& e, std::string_view k) { return e.first < k; });
  if (it == operations.end() || it->first != op) return nullptr;
  return it->second;
}

const Result<std::unique_ptr<const Graph>>& graph() {
  // A function-local static is initialised exactly once, even under
  // concurrent first calls.
  static const Result<std::unique_ptr<const Graph>> g =
      build_graph(sageguard_embedded_sagemaker_api_model_json);
  return g;
}

}  // namespace sageguard::api_model
