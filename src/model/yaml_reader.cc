// YAML reader: yaml-cpp parses, we convert its nodes into located Values.
// yaml-cpp throws; every exception stops here and becomes an input Error.
// Plain scalars are resolved with the YAML 1.2 core schema (so `true`, `3`,
// `null` mean what they mean in JSON); quoted scalars stay strings.
#include <fmt/format.h>
#include <re2/re2.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <sstream>
#include <unordered_set>
#include <vector>

#include "model/tree_builder.h"
#include "model/yaml_documents.h"
#include "sageguard/document.h"

namespace sageguard {
namespace {

// Aliases let a small file describe a huge tree ("billion laughs"); refuse
// documents that expand past this many values per input byte (plus slack).
constexpr uint64_t kExpansionPerByte = 4;
constexpr uint64_t kExpansionSlack = 100000;

bool resolve_plain_scalar(const std::string& s, uint64_t off, Value& out) {
  static const RE2 kNull("null|Null|NULL|~|");
  static const RE2 kTrue("true|True|TRUE");
  static const RE2 kFalse("false|False|FALSE");
  static const RE2 kInt("[-+]?[0-9]+");
  static const RE2 kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (RE2::FullMatch(s, kNull)) {
    out = Value::null_at(off);
  } else if (RE2::FullMatch(s, kTrue)) {
    out = Value::boolean_at(true, off);
  } else if (RE2::FullMatch(s, kFalse)) {
    out = Value::boolean_at(false, off);
  } else if (RE2::FullMatch(s, kInt) || RE2::FullMatch(s, kFloat)) {
    const bool integral = RE2::FullMatch(s, kInt);
    const char* b = s.data();
    if (*b == '+') ++b;
    double d = 0;
    auto [p, ec] = std::from_chars(b, s.data() + s.size(), d);
    if (ec != std::errc() || p != s.data() + s.size()) return false;
    out = Value::number_at(d, integral, off);
  } else {
    return false;
  }
  return true;
}

// yaml-cpp 0.7 ends a quoted scalar at the end of input when its closing
// quote is missing, so `Name: "abc` would be read as "abc". A quoted scalar
// starting at `off` must close before the end of the text.
bool quoted_scalar_closes(std::string_view text, uint64_t off) {
  if (off >= text.size()) return true;
  const char q = text[off];
  if (q != '"' && q != '\'') return true;  // plain or block scalar
  for (uint64_t p = off + 1; p < text.size(); ++p) {
    if (q == '"' && text[p] == '\\') {
      ++p;
    } else if (text[p] == q) {
      if (q == '\'' && p + 1 < text.size() && text[p + 1] == '\'') {
        ++p;  // '' is an escaped quote inside single quotes
      } else {
        return true;
      }
    }
  }
  return false;
}

// YAML allows no C0 control characters but tab and line breaks, and no DEL.
std::optional<uint64_t> first_control_byte(std::string_view text) {
  for (uint64_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) return i;
  }
  return std::nullopt;
}

// The long-form member of a CloudFormation short-form tag ("!Ref" -> "Ref",
// "!GetAtt" -> "Fn::GetAtt"); "" for any other tag, whose node is read as
// if untagged (as before).
std::string_view intrinsic_member(const std::string& tag) {
  static constexpr std::string_view kFunctions[] = {
      "Base64", "Cidr",   "FindInMap", "GetAtt", "GetAZs", "ImportValue", "Join", "Select",
      "Split",  "Sub",    "Transform", "If",     "Equals", "And",         "Or",   "Not",
      "Length", "ToJsonString"};
  static const std::string kPrefixed[] = {
      "Fn::Base64", "Fn::Cidr",   "Fn::FindInMap", "Fn::GetAtt", "Fn::GetAZs", "Fn::ImportValue",
      "Fn::Join",   "Fn::Select", "Fn::Split",     "Fn::Sub",    "Fn::Transform", "Fn::If",
      "Fn::Equals", "Fn::And",    "Fn::Or",        "Fn::Not",    "Fn::Length", "Fn::ToJsonString"};
  if (tag.size() < 2 || tag[0] != '!') return {};
  const std::string_view name = std::string_view(tag).substr(1);
  if (name == "Ref") return "Ref";
  if (name == "Condition") return "Condition";
  for (size_t i = 0; i < std::size(kFunctions); ++i) {
    if (name == kFunctions[i]) return kPrefixed[i];
  }
  return {};
}

class YamlConverter {
 public:
  YamlConverter(const std::string& path, std::string_view text, uint32_t max_depth,
                ValueArena& arena)
      : path_(path), text_(text), max_depth_(max_depth),
        budget_(text.size() * kExpansionPerByte + kExpansionSlack), b_(arena) {}

  bool convert(const YAML::Node& n, Value& out, uint32_t depth) {
    if (const std::string_view fn = intrinsic_member(n.Tag()); !fn.empty()) {
      return convert_intrinsic(n, fn, out, depth);
    }
    return convert_plain(n, out, depth);
  }

  // `!Ref x`, `!GetAtt a.b`, `!Sub ...`: CloudFormation's short forms, read
  // as their long forms ({"Ref": "x"}, {"Fn::GetAtt": ["a", "b"]}) the way
  // CloudFormation and cfn-lint read them. The object and its member sit at
  // the tag; the operand at the text after it.
  bool convert_intrinsic(const YAML::Node& n, std::string_view fn, Value& out, uint32_t depth) {
    const uint64_t off = offset_of(n);
    const uint64_t operand_off = after_tag(off);
    Value operand;
    if (fn == "Fn::GetAtt" && n.IsScalar()) {
      // `!GetAtt Resource.Attribute`: split at the first dot.
      const std::string& s = n.Scalar();
      const size_t dot = s.find('.');
      const size_t base = b_.open_array();
      b_.add_item(b_.string(std::string_view(s).substr(0, dot), operand_off));
      if (dot != std::string::npos) {
        b_.add_item(b_.string(std::string_view(s).substr(dot + 1), operand_off + dot + 1));
      }
      operand = b_.close_array(base, operand_off);
    } else if (!convert_plain(n, operand, depth + 1, operand_off)) {
      return false;
    }
    const size_t base = b_.open_object();
    b_.add_member(b_.key(fn), operand, off);
    out = b_.close_object(base, off);
    return true;
  }

  // The offset of a tagged node's content: past `!Tag` and the blanks after it.
  uint64_t after_tag(uint64_t off) const {
    uint64_t p = off;
    if (p >= text_.size() || text_[p] != '!') return off;
    while (p < text_.size() && text_[p] != ' ' && text_[p] != '\t' && text_[p] != '\n' &&
           text_[p] != '\r' && text_[p] != '[' && text_[p] != '{') {
      ++p;
    }
    while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) ++p;
    return p < text_.size() && text_[p] != '\n' && text_[p] != '\r' ? p : off;
  }

  bool convert_plain(const YAML::Node& n, Value& out, uint32_t depth,
                     std::optional<uint64_t> at = std::nullopt) {
    const uint64_t off = at.value_or(offset_of(n));
    if (depth > max_depth_) return failed(off, fmt::format("nesting deeper than {} levels", max_depth_));
    if (budget_ == 0) return failed(off, "document expands too much through aliases");
    --budget_;
    switch (n.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = Value::null_at(off);
        return true;
      case YAML::NodeType::Scalar: {
        const std::string& s = n.Scalar();
        const std::string& tag = n.Tag();
        if (tag == "?" && resolve_plain_scalar(s, off, out)) return true;
        if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float") {
          if (resolve_plain_scalar(s, off, out) && out.is_number()) return true;
          return failed(off, fmt::format("'{}' is not a number", s));
        }
        if (tag == "tag:yaml.org,2002:bool") {
          if (resolve_plain_scalar(s, off, out) && out.is_bool()) return true;
          return failed(off, fmt::format("'{}' is not a boolean", s));
        }
        if (!quoted_scalar_closes(text_, off)) {
          return failed(off, "unterminated quoted string");
        }
        out = b_.string(s, off);
        return true;
      }
      case YAML::NodeType::Sequence: {
        const size_t base = b_.open_array();
        for (const auto& child : n) {
          Value item;
          if (!convert(child, item, depth + 1)) return false;
          b_.add_item(item);
        }
        out = b_.close_array(base, off);
        return true;
      }
      case YAML::NodeType::Map: {
        const size_t base = b_.open_object();
        std::unordered_set<std::string> seen;
        for (const auto& kv : n) {
          const uint64_t key_off = offset_of(kv.first);
          if (!kv.first.IsScalar()) return failed(key_off, "mapping keys must be plain strings");
          const std::string& key = kv.first.Scalar();
          if (!seen.insert(key).second) {
            return failed(key_off, fmt::format("duplicate key \"{}\"", key));
          }
          Value v;
          if (!convert(kv.second, v, depth + 1)) return false;
          b_.add_member(b_.key(key), v, key_off);
        }
        out = b_.close_object(base, off);
        return true;
      }
    }
    return failed(off, "unsupported YAML node");
  }

  uint64_t offset_of(const YAML::Node& n) const {
    const YAML::Mark m = n.Mark();
    if (m.pos < 0) return 0;
    return static_cast<uint64_t>(m.pos);
  }

  bool failed(uint64_t off, std::string msg) {
    err_ = error_at_offset(ErrorCode::input, path_, text_, off, std::move(msg));
    return false;
  }

  Error take_error() { return std::move(*err_); }

 private:
  const std::string& path_;
  std::string_view text_;
  uint32_t max_depth_;
  uint64_t budget_;
  TreeBuilder b_;
  std::optional<Error> err_;
};

// yaml-cpp recurses once per nesting level while parsing; bound the depth of
// flow collections and indentation before handing it the text so a hostile
// file cannot overflow the stack. Block nesting is bounded by line count and
// indentation, which the converter's depth check covers after parsing.
std::optional<uint64_t> flow_depth_exceeded(std::string_view text, uint32_t max_depth) {
  uint32_t depth = 0;
  char quote = 0;
  for (uint64_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
      if (c == '\n') quote = 0;  // a crude guard, not a YAML lexer
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

// Block-style nesting, measured the way YAML's indentation opens blocks: a
// stack of the columns of enclosing blocks. A key line indented further than
// the innermost block opens one more level; a "- " sequence marker opens a level
// at its own column and another for the item's content. The first block
// deeper than `max_depth` is reported, before yaml-cpp (whose parser
// recurses per level) sees the text.
// A block sequence marker: '-' then a space (or the end of the line).
bool is_dash(std::string_view text, uint64_t i) {
  return i < text.size() && text[i] == '-' &&
         (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n' || text[i + 1] == '\r');
}

// Whether the rest of the line holds a mapping key (": " or a trailing ':').
// Quoted text with a colon also counts: an overestimate is safe here.
bool starts_mapping(std::string_view text, uint64_t i) {
  for (; i < text.size() && text[i] != '\n'; ++i) {
    if (text[i] != ':') continue;
    if (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n' || text[i + 1] == '\r') {
      return true;
    }
  }
  return false;
}

std::optional<uint64_t> indent_depth_exceeded(std::string_view text, uint32_t max_depth) {
  std::vector<uint64_t> open;  // columns of the enclosing blocks, increasing
  auto enter = [&](uint64_t column) {
    while (!open.empty() && open.back() > column) open.pop_back();
    if (open.empty() || open.back() < column) open.push_back(column);
    return open.size() > max_depth;
  };
  uint64_t line_start = 0;
  while (line_start < text.size()) {
    uint64_t i = line_start;
    while (i < text.size() && text[i] == ' ') ++i;
    const bool blank = i >= text.size() || text[i] == '\n' || text[i] == '\r' || text[i] == '#';
    if (!blank) {
      // Only a key or a "- " opens a block; other lines (a scalar on its own
      // line, continuation and block-scalar text) nest nothing.
      if ((is_dash(text, i) || starts_mapping(text, i)) && enter(i - line_start)) return i;
      // Compact forms: "- - - x" is three sequences on one line, "- a: 1" a
      // mapping inside a sequence item; a scalar item ("- x") opens nothing.
      while (is_dash(text, i)) {
        i += 1;
        while (i < text.size() && text[i] == ' ') ++i;
        if ((is_dash(text, i) || starts_mapping(text, i)) && enter(i - line_start)) return i;
      }
    }
    const void* nl = std::memchr(text.data() + i, '\n', text.size() - i);
    if (!nl) break;
    line_start = static_cast<uint64_t>(static_cast<const char*>(nl) - text.data()) + 1;
  }
  return std::nullopt;
}

// Finds where a second document starts, without building nodes. Why not
// YAML::LoadAll: in yaml-cpp 0.7 it loops for ever, allocating a null node per
// turn, on input such as "," (upstream issue #1040, fixed after 0.7 by PR
// #1319): HandleNextDocument keeps returning true without consuming a token.
// Here the parser is asked for at most two documents, so that cannot happen.
class SecondDocumentFinder : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> first_node;
  int documents = 0;

  void OnDocumentStart(const YAML::Mark&) override { ++documents; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                const std::string&) override {
    note(m);
  }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& m) {
    if (documents == 2 && !first_node) first_node = m;
  }
};

}  // namespace

// Offset of the second document's first node, if the text has one. Only text
// with a "---" or "..." marker can hold a second document, so the common
// single-document file is parsed once.
std::optional<uint64_t> yaml_second_document_offset(const std::string& text) {
  if (text.find("---") == std::string::npos && text.find("...") == std::string::npos) {
    return std::nullopt;
  }
  std::istringstream in(text);
  YAML::Parser parser(in);
  SecondDocumentFinder finder;
  if (!parser.HandleNextDocument(finder) || !parser.HandleNextDocument(finder)) {
    return std::nullopt;
  }
  const YAML::Mark m = finder.first_node.value_or(YAML::Mark());
  return m.pos > 0 ? static_cast<uint64_t>(m.pos) : 0;
}

// yaml-cpp refuses nesting a little under 500 levels (its parser's
// recursion guard throws DeepRecursion, whose message reads "bad file").
// YAML is held to this limit so the checks below find the first too-deep
// line first and say so plainly; JSON keeps --max-depth's full range.
constexpr uint32_t kYamlMaxDepth = 496;

Result<ValueTree> parse_yaml(const std::string& path, std::string_view text,
                             uint32_t max_depth_option) {
  const uint32_t max_depth = std::min(max_depth_option, kYamlMaxDepth);
  if (auto at = first_control_byte(text)) {
    return error_at_offset(
        ErrorCode::input, path, text, *at,
        fmt::format("control character (byte 0x{:02x}) is not allowed in YAML",
                    static_cast<unsigned char>(text[*at])));
  }
  if (auto at = flow_depth_exceeded(text, max_depth)) {
    return error_at_offset(ErrorCode::input, path, text, *at,
                           fmt::format("nesting deeper than {} levels", max_depth));
  }
  if (auto at = indent_depth_exceeded(text, max_depth)) {
    return error_at_offset(ErrorCode::input, path, text, *at,
                           fmt::format("nesting deeper than {} levels", max_depth));
  }
  try {
    const std::string owned(text);
    // YAML::Load reads only the first document (one HandleNextDocument call).
    const YAML::Node doc = YAML::Load(owned);
    if (auto second = yaml_second_document_offset(owned)) {
      return error_at_offset(ErrorCode::input, path, text, *second,
                             "more than one YAML document in a file; use a list instead");
    }
    ValueTree tree;
    YamlConverter conv(path, text, max_depth, tree.arena());
    Value root;
    if (!conv.convert(doc, root, 0)) return conv.take_error();
    if (!root.is_object() && !root.is_array()) {
      return error_at_offset(ErrorCode::input, path, text, root.offset(),
                             "expected a mapping or a list at the top of the document");
    }
    tree.set_root(root);
    return tree;
  } catch (const YAML::DeepRecursion& e) {
    // Not expected past the checks above; kept so yaml-cpp's "bad file" never
    // reaches a user.
    const uint64_t off = e.mark.pos >= 0 ? static_cast<uint64_t>(e.mark.pos) : 0;
    return error_at_offset(ErrorCode::input, path, text, off,
                           fmt::format("nesting deeper than {} levels", max_depth));
  } catch (const YAML::Exception& e) {
    // Mark is 0-based line/column; convert through the offset when we have it.
    uint64_t off = e.mark.pos >= 0 ? static_cast<uint64_t>(e.mark.pos) : 0;
    return error_at_offset(ErrorCode::input, path, text, off, e.msg);
  } catch (const std::exception& e) {
    return Error::at(ErrorCode::input, path, 0, 0, fmt::format("cannot read YAML: {}", e.what()));
  }
}

}  // namespace sageguard
