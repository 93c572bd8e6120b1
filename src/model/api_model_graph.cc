#include "model/api_model_graph.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

// Defined by the build from data/sagemaker_api_model.json (tools/embed.cmake).
extern const std::string_view sageguard_embedded_sagemaker_api_model_json;

namespace sageguard::api_model {
namespace {

using json = nlohmann::json;

Error table_error(const std::string& what) {
  return Error::make(ErrorCode::internal, "SageMaker API model table: " + what);
}

bool parse_kind(const std::string& t, ShapeKind& out) {
  static const std::pair<const char*, ShapeKind> kKinds[] = {
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

// Every pattern is compiled once, shared by all shapes that use it. A
// pattern RE2 rejects is recorded and left unchecked rather than failing the
// whole table: one exotic pattern must not disable every other check.
class PatternCompiler {
 public:
  PatternCompiler(const json& translations, const json& skipped, Graph& g)
      : translations_(translations), skipped_(skipped), g_(g) {}

  const Pattern* compile(const std::string& pattern) {
    auto it = cache_.find(pattern);
    if (it != cache_.end()) return it->second;
    const Pattern* re = nullptr;
    if (skipped_.contains(pattern)) {
      const json& why = skipped_[pattern];
      g_.unchecked_patterns.emplace_back(pattern, why.is_string() ? why.get<std::string>() : "");
    } else {
      std::string text = pattern;
      if (translations_.contains(pattern) && translations_[pattern].is_string()) {
        text = translations_[pattern].get<std::string>();
      }
      g_.patterns.push_back(std::make_unique<Pattern>(pattern, std::move(text)));
      re = g_.patterns.back().get();
    }
    cache_.emplace(pattern, re);
    return re;
  }

 private:
  const json& translations_;
  const json& skipped_;
  Graph& g_;
  std::unordered_map<std::string, const Pattern*> cache_;
};

bool read_bound(const json& s, const char* key, bool& has, double& out) {
  if (!s.contains(key)) return true;
  if (!s[key].is_number()) return false;
  has = true;
  out = s[key].get<double>();
  return true;
}

Status fill_shape(const std::string& name, const json& s,
                  const std::unordered_map<std::string, Shape*>& by_name,
                  PatternCompiler& patterns, Shape& shape) {
  auto resolve = [&](const json& ref, const Shape*& out) -> Status {
    if (!ref.is_string()) return table_error("shape " + name + " has a non-string reference");
    auto it = by_name.find(ref.get<std::string>());
    if (it == by_name.end()) {
      return table_error("shape " + name + " refers to unknown shape " + ref.get<std::string>());
    }
    out = it->second;
    return Status::success();
  };
  if (!read_bound(s, "min", shape.has_min, shape.min) ||
      !read_bound(s, "max", shape.has_max, shape.max)) {
    return table_error("shape " + name + " has a non-numeric bound");
  }
  if (s.contains("pattern")) {
    shape.pattern = s["pattern"].get<std::string>();
    shape.regex = patterns.compile(shape.pattern);
  }
  if (s.contains("enum")) {
    for (const auto& e : s["enum"]) shape.enum_values.push_back(e.get<std::string>());
    for (const auto& e : shape.enum_values) shape.enum_sorted.emplace_back(e);
    std::sort(shape.enum_sorted.begin(), shape.enum_sorted.end());
  }
  if (s.contains("members")) {
    for (const auto& [mname, ref] : s["members"].items()) {
      MemberRef m;
      m.name = mname;
      SG_TRY(resolve(ref, m.shape));
      shape.members.push_back(std::move(m));
    }
    if (shape.members.size() > kMaxMembers) return table_error("shape " + name + " has too many members");
    std::sort(shape.members.begin(), shape.members.end(),
              [](const MemberRef& a, const MemberRef& b) { return a.name < b.name; });
    shape.index_members();
  }
  if (s.contains("required")) {
    for (const auto& r : s["required"]) {
      int idx = shape.find_member(r.get<std::string>());
      if (idx < 0) return table_error("shape " + name + " requires unknown member " + r.get<std::string>());
      shape.required.push_back(static_cast<uint16_t>(idx));
    }
  }
  if (s.contains("member")) SG_TRY(resolve(s["member"], shape.member));
  if (s.contains("key")) SG_TRY(resolve(s["key"], shape.key));
  if (s.contains("value")) SG_TRY(resolve(s["value"], shape.value));
  bool complete = (shape.kind != ShapeKind::list || shape.member) &&
                  (shape.kind != ShapeKind::map || (shape.key && shape.value));
  if (!complete) return table_error("shape " + name + " lacks its element shape");
  return Status::success();
}

Result<std::unique_ptr<const Graph>> build(const json& root) {
  if (!root.is_object() || !root.contains("shapes") || !root["shapes"].is_object() ||
      !root.contains("operations") || !root["operations"].is_object()) {
    return table_error("missing 'shapes' or 'operations'");
  }
  auto g = std::make_unique<Graph>();
  if (root.contains("botocore_version")) g->botocore_version = root["botocore_version"].get<std::string>();
  static const json kEmpty = json::object();
  const json& translations = root.contains("pattern_translations") ? root["pattern_translations"] : kEmpty;
  const json& skipped = root.contains("skipped_patterns") ? root["skipped_patterns"] : kEmpty;

  // Two passes: create every shape, then resolve references between them.
  std::unordered_map<std::string, Shape*> by_name;
  for (const auto& [name, s] : root["shapes"].items()) {
    auto shape = std::make_unique<Shape>();
    shape->name = name;
    if (!s.is_object() || !s.contains("type") || !s["type"].is_string() ||
        !parse_kind(s["type"].get<std::string>(), shape->kind)) {
      return table_error("shape " + name + " has no known type");
    }
    by_name.emplace(name, shape.get());
    g->shapes.push_back(std::move(shape));
  }
  PatternCompiler patterns(translations, skipped, *g);
  for (const auto& [name, s] : root["shapes"].items()) {
    SG_TRY(fill_shape(name, s, by_name, patterns, *by_name.at(name)));
  }
  for (const auto& [op, input] : root["operations"].items()) {
    auto it = input.is_string() ? by_name.find(input.get<std::string>()) : by_name.end();
    if (it == by_name.end() || it->second->kind != ShapeKind::structure) {
      return table_error("operation " + op + " has no input structure");
    }
    g->operations.emplace_back(op, it->second);
  }
  std::sort(g->operations.begin(), g->operations.end());
  return std::unique_ptr<const Graph>(std::move(g));
}

}  // namespace

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
    if (members[i].name == n) return static_cast<int>(i);
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

void Pattern::compile() const {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_encoding(RE2::Options::EncodingUTF8);
  auto re = std::make_unique<RE2>(text_, opts);
  if (!re->ok()) {
    error_ = "RE2 cannot compile it: " + re->error();
    return;
  }
  std::string_view body;
  if (split_simple_class(re->pattern(), body, nonempty_)) {
    RE2 cls(body, re->options());
    if (cls.ok()) {
      for (int c = 0; c < 128; ++c) {
        const char ch = static_cast<char>(c);
        ascii_[c] = RE2::FullMatch(std::string_view(&ch, 1), cls);
      }
      simple_ = true;
    }
  }
  re_ = std::move(re);
}

const std::string& Pattern::compile_error() const {
  std::call_once(once_, [this] { compile(); });
  return error_;
}

bool Pattern::full_match(std::string_view s) const {
  std::call_once(once_, [this] { compile(); });
  if (!re_) return true;  // rejected by RE2: reported by api_model_info, not checked
  if (simple_) {
    if (nonempty_ && s.empty()) return false;
    bool ascii = true;
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x80) {
        ascii = false;
        break;
      }
      if (!ascii_[u]) return false;  // an ASCII character outside the class
    }
    if (ascii) return true;
  }
  return re_->Match(s, 0, s.size(), RE2::ANCHOR_BOTH, nullptr, 0);
}

const Shape* Graph::find_operation(std::string_view op) const {
  auto it = std::lower_bound(operations.begin(), operations.end(), op,
                             [](const auto& e, std::string_view k) { return e.first < k; });
  if (it == operations.end() || it->first != op) return nullptr;
  return it->second;
}

Result<std::unique_ptr<const Graph>> build_graph(std::string_view table_json) {
  // nlohmann throws on type mismatches in get<>(); the library never throws,
  // so anything malformed becomes an internal error here.
  try {
    json root = json::parse(table_json, nullptr, /*allow_exceptions=*/false);
    if (root.is_discarded()) return table_error("not valid JSON");
    return build(root);
  } catch (const std::exception& e) {
    return table_error(e.what());
  }
}

const Result<std::unique_ptr<const Graph>>& graph() {
  // A function-local static is initialised exactly once, even under
  // concurrent first calls.
  static const Result<std::unique_ptr<const Graph>> g =
      build_graph(sageguard_embedded_sagemaker_api_model_json);
  return g;
}

}  // namespace sageguard::api_model
