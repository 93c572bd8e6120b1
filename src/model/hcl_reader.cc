// HCL native syntax reader (Terraform `.tf` files), hand-written because no
// packaged C or C++ library reads HCL 2 with source offsets. It produces the
// same shape Terraform's JSON syntax (`.tf.json`) has, so one translator
// reads both:
//  - a body is an object; an attribute is a member holding its expression;
//  - a block `type "l1" "l2" { ... }` is a member `type` holding
//    {"l1": {"l2": body}} (labels nest as in the JSON syntax); repeated
//    blocks of one type are repeated members, in source order;
//  - literals (strings without interpolation, numbers, bools, null, tuples
//    and objects of literals) are values; anything else (references, calls,
//    templates, operators, for-expressions, ...) is {"Fn::Unresolved":
//    "<its source text>"} at the expression's offset, except jsonencode(x),
//    kept as {"Fn::jsonencode": x} so an inline definition can be read.
// Offsets: an attribute's key offset is its name, its value's offset its
// expression; a block's body (and label objects) carry the offset of the
// block's type keyword. Errors are input Errors at the offending byte.
#include <fmt/format.h>

#include <charconv>
#include <string>
#include <unordered_set>
#include <vector>

#include "model/tree_builder.h"
#include "sageguard/api_model.h"
#include "sageguard/document.h"
#include "util/utf8.h"

namespace sageguard {
namespace {

bool is_ident_start(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}
bool is_ident_char(unsigned char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

struct ParseError {
  uint64_t offset;
  std::string message;
};

class HclParser {
 public:
  HclParser(std::string_view text, uint32_t max_depth, ValueArena& arena)
      : text_(text), max_depth_(max_depth), b_(arena) {}

  // The whole file as a body; false with error() set on bad input.
  bool parse_file(Value& out) {
    if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
    return parse_body(out, /*top=*/true, pos_);
  }
  const ParseError& error() const { return err_; }

 private:
  bool fail(uint64_t at, std::string msg) {
    if (!failed_) err_ = {at, std::move(msg)};
    failed_ = true;
    return false;
  }
  bool eof() const { return pos_ >= text_.size(); }
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }

  // Skips blanks and comments; newlines too when `newlines`. A line
  // comment's newline is left in place so it still ends an attribute.
  bool skip(bool newlines) {
    while (!eof()) {
      const char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || (newlines && c == '\n')) {
        ++pos_;
      } else if (c == '#' || (c == '/' && peek(1) == '/')) {
        while (!eof() && peek() != '\n') ++pos_;
      } else if (c == '/' && peek(1) == '*') {
        const size_t end = text_.find("*/", pos_ + 2);
        if (end == std::string_view::npos) return fail(pos_, "unterminated /* comment");
        pos_ = end + 2;
      } else {
        break;
      }
    }
    return true;
  }

  bool enter(uint64_t at) {
    if (++depth_ > max_depth_) {
      return fail(at, fmt::format("nesting deeper than {} levels", max_depth_));
    }
    return true;
  }
  void leave() { --depth_; }

  std::string_view ident() {
    const size_t start = pos_;
    if (eof() || !is_ident_start(static_cast<unsigned char>(peek()))) return {};
    while (!eof() && is_ident_char(static_cast<unsigned char>(peek()))) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  Value unresolved(uint64_t start, uint64_t end) {
    std::string_view src = text_.substr(start, end - start);
    while (!src.empty() && (src.back() == ' ' || src.back() == '\t' || src.back() == '\r' ||
                            src.back() == '\n')) {
      src.remove_suffix(1);
    }
    const size_t base = b_.open_object();
    b_.add_member(kUnresolvedMember, TreeBuilder::string_in_text(src, start), start);
    return b_.close_object(base, start);
  }

  // body := (attribute | block)*; ends at '}' (nested) or end of file (top).
  bool parse_body(Value& out, bool top, uint64_t body_off) {
    const size_t base = b_.open_object();
    while (true) {
      if (!skip(true)) return false;
      if (eof()) {
        if (!top) return fail(pos_, "missing '}' to close the block");
        break;
      }
      if (peek() == '}') {
        if (top) return fail(pos_, "unexpected '}'");
        break;
      }
      const uint64_t name_off = pos_;
      const std::string_view name = ident();
      if (name.empty()) {
        return fail(pos_, "expected an attribute name or a block type");
      }
      if (!skip(false)) return false;
      Value v;
      if (peek() == '=' && peek(1) != '=') {
        ++pos_;
        for (const Member& m : b_.open_members(base)) {
          if (m.first == name && is_attribute_.count(m.second.offset()) != 0) {
            return fail(name_off, fmt::format("attribute '{}' is defined twice", name));
          }
        }
        if (!skip(false)) return false;
        if (!parse_expr(v, false)) return false;
        is_attribute_.insert(v.offset());
      } else {
        if (!parse_block(v, name_off)) return false;
      }
      if (!skip(false)) return false;
      if (!eof() && peek() != '\n' && peek() != '}') {
        return fail(pos_, "expected a newline after the attribute or block");
      }
      b_.add_member(name, v, name_off);
    }
    out = b_.close_object(base, body_off);
    return true;
  }

  // After the block type: labels, then { body }.
  bool parse_block(Value& out, uint64_t type_off) {
    if (!enter(type_off)) return false;
    std::vector<std::pair<std::string_view, uint64_t>> labels;
    while (true) {
      if (!skip(false)) return false;
      const uint64_t at = pos_;
      if (peek() == '"') {
        std::string decoded;
        bool literal = true;
        if (!parse_quoted(decoded, literal)) return false;
        if (!literal) return fail(at, "a block label cannot hold an interpolation");
        labels.emplace_back(b_.key(decoded), at);
      } else if (is_ident_start(static_cast<unsigned char>(peek()))) {
        labels.emplace_back(ident(), at);
      } else {
        break;
      }
    }
    if (peek() != '{') return fail(pos_, "expected '{' to open the block, or '=' for an attribute");
    ++pos_;
    Value body;
    if (!parse_body(body, false, type_off)) return false;
    ++pos_;  // '}'
    for (size_t i = labels.size(); i-- > 0;) {
      const size_t base = b_.open_object();
      b_.add_member(labels[i].first, body, labels[i].second);
      body = b_.close_object(base, type_off);
    }
    out = body;
    leave();
    return true;
  }

  // expr := or-expr ('?' expr ':' expr)?; a literal only when nothing but a
  // literal was read.
  bool parse_expr(Value& out, bool nl) {
    const uint64_t start = pos_;
    if (!enter(start)) return false;
    Value first;
    if (!parse_binary(first, nl, 0)) return false;
    const size_t save = pos_;
    if (!skip(nl)) return false;
    if (peek() == '?') {
      ++pos_;
      Value ignored;
      if (!skip(true) || !parse_expr(ignored, true) || !skip(true)) return false;
      if (peek() != ':') return fail(pos_, "expected ':' in a conditional expression");
      ++pos_;
      if (!skip(true) || !parse_expr(ignored, nl)) return false;
      out = unresolved(start, pos_);
    } else {
      pos_ = save;
      out = first;
    }
    leave();
    return true;
  }

  // Operators by precedence, lowest first.
  static int op_level(std::string_view t) {
    if (t == "||") return 1;
    if (t == "&&") return 2;
    if (t == "==" || t == "!=") return 3;
    if (t == "<" || t == ">" || t == "<=" || t == ">=") return 4;
    if (t == "+" || t == "-") return 5;
    if (t == "*" || t == "/" || t == "%") return 6;
    return 0;
  }
  std::string_view peek_op() const {
    const char c = peek();
    const char d = peek(1);
    if ((c == '|' && d == '|') || (c == '&' && d == '&') || (c == '=' && d == '=') ||
        (c == '!' && d == '=') || (c == '<' && d == '=') || (c == '>' && d == '=')) {
      return text_.substr(pos_, 2);
    }
    if (c == '<' || c == '>' || c == '+' || c == '*' || c == '/' || c == '%') {
      if (c == '/' && (d == '/' || d == '*')) return {};
      return text_.substr(pos_, 1);
    }
    if (c == '-') return text_.substr(pos_, 1);
    return {};
  }

  bool parse_binary(Value& out, bool nl, int min_level) {
    const uint64_t start = pos_;
    if (!parse_unary(out, nl)) return false;
    bool operated = false;
    while (true) {
      const size_t save = pos_;
      if (!skip(nl)) return false;
      const std::string_view op = peek_op();
      const int level = op_level(op);
      if (level == 0 || level <= min_level) {
        pos_ = save;
        break;
      }
      pos_ += op.size();
      if (!skip(true)) return false;
      Value rhs;
      if (!enter(pos_)) return false;
      if (!parse_binary(rhs, nl, level)) return false;
      leave();
      operated = true;
    }
    if (operated) out = unresolved(start, pos_);
    return true;
  }

  bool parse_unary(Value& out, bool nl) {
    const uint64_t start = pos_;
    if (peek() == '-' || peek() == '!') {
      const char op = peek();
      ++pos_;
      if (!skip(true)) return false;
      if (!enter(start)) return false;
      Value v;
      if (!parse_unary(v, nl)) return false;
      leave();
      out = (op == '-' && v.is_number()) ? Value::number_at(-v.as_number(), v.is_integral(), start)
                                          : unresolved(start, pos_);
      return true;
    }
    return parse_postfix(out, nl);
  }

  // primary followed by traversals: .name .0 [index] .* [*]
  bool parse_postfix(Value& out, bool nl) {
    const uint64_t start = pos_;
    bool reference = false;
    if (!parse_primary(out, reference)) return false;
    bool traversed = false;
    while (true) {
      const size_t save = pos_;
      if (!skip(nl)) return false;
      if (peek() == '.' && !is_digit(peek(1)) && peek(1) != '*' &&
          is_ident_start(static_cast<unsigned char>(peek(1)))) {
        ++pos_;
        ident();
      } else if (peek() == '.' && is_digit(peek(1))) {
        ++pos_;
        while (is_digit(peek())) ++pos_;
      } else if (peek() == '.' && peek(1) == '*') {
        pos_ += 2;
      } else if (peek() == '[' && peek(1) == '*') {
        pos_ += 2;
        if (!skip(true)) return false;
        if (peek() != ']') return fail(pos_, "expected ']' after '[*'");
        ++pos_;
      } else if (peek() == '[') {
        ++pos_;
        Value index;
        if (!skip(true) || !parse_expr(index, true) || !skip(true)) return false;
        if (peek() != ']') return fail(pos_, "expected ']' to close the index");
        ++pos_;
      } else {
        pos_ = save;
        break;
      }
      traversed = true;
    }
    if (traversed || reference) out = unresolved(start, pos_);
    return true;
  }

  bool parse_primary(Value& out, bool& reference) {
    const uint64_t start = pos_;
    if (eof()) return fail(pos_, "expected an expression, found the end of the file");
    const char c = peek();
    if (is_digit(c)) return parse_number(out);
    if (c == '"') {
      std::string decoded;
      bool literal = true;
      if (!parse_quoted(decoded, literal)) return false;
      out = literal ? b_.string(decoded, start) : unresolved(start, pos_);
      return true;
    }
    if (c == '<' && peek(1) == '<') return parse_heredoc(out);
    if (c == '[') return parse_tuple(out);
    if (c == '{') return parse_object(out);
    if (c == '(') {
      ++pos_;
      Value inner;
      if (!skip(true) || !parse_expr(inner, true) || !skip(true)) return false;
      if (peek() != ')') return fail(pos_, "expected ')'");
      ++pos_;
      out = is_unresolved_expression(inner) ? unresolved(start, pos_) : inner;
      return true;
    }
    if (is_ident_start(static_cast<unsigned char>(c))) {
      const std::string_view name = ident();
      const size_t after = pos_;
      if (!skip(false)) return false;
      if (peek() == '(' || (peek() == ':' && peek(1) == ':')) return parse_call(out, name, start);
      pos_ = after;
      if (name == "true" || name == "false") {
        out = Value::boolean_at(name == "true", start);
      } else if (name == "null") {
        out = Value::null_at(start);
      } else {
        reference = true;
        out = unresolved(start, pos_);
      }
      return true;
    }
    return fail(pos_, fmt::format("unexpected '{}' where an expression was expected",
                                  static_cast<unsigned char>(c) >= 0x20 && c != 0x7f
                                      ? std::string(1, c)
                                      : fmt::format("\\x{:02x}", static_cast<unsigned char>(c))));
  }

  bool parse_number(Value& out) {
    const uint64_t start = pos_;
    bool integral = true;
    while (is_digit(peek())) ++pos_;
    if (peek() == '.' && is_digit(peek(1))) {
      integral = false;
      ++pos_;
      while (is_digit(peek())) ++pos_;
    }
    if (peek() == 'e' || peek() == 'E') {
      const size_t save = pos_;
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!is_digit(peek())) {
        pos_ = save;
      } else {
        integral = false;
        while (is_digit(peek())) ++pos_;
      }
    }
    double d = 0;
    const char* b = text_.data() + start;
    const char* e = text_.data() + pos_;
    auto [p, ec] = std::from_chars(b, e, d);
    if (ec != std::errc() || p != e) return fail(start, "number out of range");
    out = Value::number_at(d, integral, start);
    return true;
  }

  // name(args...) or provider::ns::name(args...)
  bool parse_call(Value& out, std::string_view name, uint64_t start) {
    while (peek() == ':' && peek(1) == ':') {
      pos_ += 2;
      if (ident().empty()) return fail(pos_, "expected a function name after '::'");
      name = {};
    }
    if (!skip(false)) return false;
    if (peek() != '(') return fail(pos_, "expected '(' to call the function");
    ++pos_;
    std::vector<Value> args;
    while (true) {
      if (!skip(true)) return false;
      if (peek() == ')') break;
      Value a;
      if (!parse_expr(a, true)) return false;
      args.push_back(a);
      if (!skip(true)) return false;
      if (peek() == '.' && peek(1) == '.' && peek(2) == '.') {
        pos_ += 3;
        if (!skip(true)) return false;
      }
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') return fail(pos_, "expected ',' or ')' in the function call");
    }
    ++pos_;
    if (name == "jsonencode" && args.size() == 1) {
      const size_t base = b_.open_object();
      b_.add_member("Fn::jsonencode", args[0], start);
      out = b_.close_object(base, start);
    } else {
      out = unresolved(start, pos_);
    }
    return true;
  }

  // After '[' or '{': a for-expression? Consumes through the closing bracket.
  bool try_for(char close, bool& was_for) {
    const size_t save = pos_;
    was_for = false;
    if (ident() != "for" || !(peek() == ' ' || peek() == '\t' || peek() == '\n')) {
      pos_ = save;
      return true;
    }
    was_for = true;
    if (!skip(true)) return false;
    if (ident().empty()) return fail(pos_, "expected a variable name after 'for'");
    if (!skip(true)) return false;
    if (peek() == ',') {
      ++pos_;
      if (!skip(true) || ident().empty()) return fail(pos_, "expected a variable name");
      if (!skip(true)) return false;
    }
    if (ident() != "in") return fail(pos_, "expected 'in' in the for expression");
    Value ignored;
    if (!skip(true) || !parse_expr(ignored, true) || !skip(true)) return false;
    if (peek() != ':') return fail(pos_, "expected ':' in the for expression");
    ++pos_;
    if (!skip(true) || !parse_expr(ignored, true) || !skip(true)) return false;
    if (close == '}') {
      if (peek() != '=' || peek(1) != '>') return fail(pos_, "expected '=>' in the for expression");
      pos_ += 2;
      if (!skip(true) || !parse_expr(ignored, true) || !skip(true)) return false;
      if (peek() == '.' && peek(1) == '.' && peek(2) == '.') {
        pos_ += 3;
        if (!skip(true)) return false;
      }
    }
    const size_t before_if = pos_;
    if (ident() == "if") {
      if (!skip(true) || !parse_expr(ignored, true) || !skip(true)) return false;
    } else {
      pos_ = before_if;
    }
    if (peek() != close) return fail(pos_, fmt::format("expected '{}' to end the for expression", close));
    ++pos_;
    return true;
  }

  bool parse_tuple(Value& out) {
    const uint64_t start = pos_;
    if (!enter(start)) return false;
    ++pos_;
    if (!skip(true)) return false;
    bool was_for = false;
    if (!try_for(']', was_for)) return false;
    if (was_for) {
      out = unresolved(start, pos_);
      leave();
      return true;
    }
    std::vector<Value> items;
    while (true) {
      if (!skip(true)) return false;
      if (peek() == ']') break;
      Value v;
      if (!parse_expr(v, true)) return false;
      items.push_back(v);
      if (!skip(true)) return false;
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ']') return fail(pos_, "expected ',' or ']' in the list");
    }
    ++pos_;
    const size_t base = b_.open_array();
    for (const Value& v : items) b_.add_item(v);
    out = b_.close_array(base, start);
    leave();
    return true;
  }

  bool parse_object(Value& out) {
    const uint64_t start = pos_;
    if (!enter(start)) return false;
    ++pos_;
    if (!skip(true)) return false;
    bool was_for = false;
    if (!try_for('}', was_for)) return false;
    if (was_for) {
      out = unresolved(start, pos_);
      leave();
      return true;
    }
    std::vector<Member> members;
    bool literal_keys = true;
    while (true) {
      if (!skip(true)) return false;
      if (peek() == '}') break;
      const uint64_t key_off = pos_;
      std::string_view key;
      const size_t save = pos_;
      const std::string_view bare = ident();
      const size_t after = pos_;
      if (!bare.empty() && skip(false) && (peek() == '=' || peek() == ':') && peek(1) != '=') {
        key = bare;
        pos_ = after;
      } else {
        if (failed_) return false;
        pos_ = save;
        Value k;
        if (!parse_expr(k, true)) return false;
        if (k.is_string()) {
          key = k.as_string();
        } else if (k.is_number() || k.is_bool()) {
          key = text_.substr(key_off, pos_ - key_off);
        } else {
          literal_keys = false;
        }
      }
      if (!skip(true)) return false;
      if (peek() != '=' && peek() != ':') return fail(pos_, "expected '=' or ':' after the object key");
      ++pos_;
      if (!skip(true)) return false;
      Value v;
      if (!parse_expr(v, true)) return false;
      if (literal_keys) {
        for (const Member& m : members) {
          if (m.first == key) return fail(key_off, fmt::format("key '{}' appears twice in the object", key));
        }
        v.set_key_offset(key_off);
        members.push_back(Member{key, v});
      }
      if (!skip(false)) return false;
      if (peek() == ',') {
        ++pos_;
      } else if (peek() == '\n') {
        ++pos_;
      } else if (peek() != '}') {
        return fail(pos_, "expected ',', a newline or '}' after the object item");
      }
    }
    ++pos_;
    if (!literal_keys) {
      out = unresolved(start, pos_);
    } else {
      const size_t base = b_.open_object();
      for (const Member& m : members) b_.add_member(m.first, m.second, m.second.key_off());
      out = b_.close_object(base, start);
    }
    leave();
    return true;
  }


  // Skips an interpolation or directive body after "${" or "%{", through
  // its closing '}' (braces and strings inside are balanced).
  bool skip_template_part(uint64_t open) {
    Value ignored;
    if (!skip(true)) return false;
    if (peek() == '~') ++pos_;
    if (!skip(true)) return false;
    // Directives (%{ if x }, %{ for ... }, %{ endif }) are words and
    // expressions; reading them as a sequence of expressions is enough to
    // find their end.
    while (true) {
      if (!skip(true)) return false;
      if (peek() == '~' && peek(1) == '}') ++pos_;
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      if (eof()) return fail(open, "unterminated template interpolation");
      const size_t before = pos_;
      if (peek() == ',' || peek() == ':' || peek() == '=') {
        ++pos_;
        continue;
      }
      if (!parse_expr(ignored, true)) return false;
      if (pos_ == before) return fail(pos_, "unexpected character in the template");
    }
  }

  // A quoted template; `literal` stays true when it holds no interpolation
  // or directive. `decoded` has the escapes applied.
  bool parse_quoted(std::string& decoded, bool& literal) {
    const uint64_t open = pos_;
    ++pos_;
    if (!enter(open)) return false;
    while (true) {
      if (eof() || peek() == '\n') return fail(open, "unterminated string");
      const char c = peek();
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c == '\\') {
        if (!read_escape(decoded)) return false;
        continue;
      }
      if ((c == '$' || c == '%') && peek(1) == c && peek(2) == '{') {
        decoded += c;
        decoded += '{';
        pos_ += 3;
        continue;
      }
      if ((c == '$' || c == '%') && peek(1) == '{') {
        literal = false;
        pos_ += 2;
        if (!skip_template_part(pos_ - 2)) return false;
        continue;
      }
      decoded += c;
      ++pos_;
    }
    leave();
    return true;
  }

  bool read_escape(std::string& out) {
    const uint64_t at = pos_;
    const char e = peek(1);
    pos_ += 2;
    switch (e) {
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case 'u':
      case 'U': {
        const size_t n = e == 'u' ? 4 : 8;
        uint32_t cp = 0;
        for (size_t i = 0; i < n; ++i) {
          const char h = peek();
          uint32_t d = 0;
          if (h >= '0' && h <= '9') {
            d = static_cast<uint32_t>(h - '0');
          } else if (h >= 'a' && h <= 'f') {
            d = static_cast<uint32_t>(h - 'a' + 10);
          } else if (h >= 'A' && h <= 'F') {
            d = static_cast<uint32_t>(h - 'A' + 10);
          } else {
            return fail(at, "invalid unicode escape");
          }
          cp = cp * 16 + d;
          ++pos_;
        }
        // A surrogate or a value past U+10FFFF names no character.
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return fail(at, "invalid unicode escape");
        }
        utf8_append(out, cp);
        return true;
      }
      default:
        return fail(at, "invalid escape sequence in the string");
    }
  }

  // <<EOF or <<-EOF ... EOF
  bool parse_heredoc(Value& out) {
    const uint64_t start = pos_;
    pos_ += 2;
    const bool indented = peek() == '-';
    if (indented) ++pos_;
    const std::string_view marker = ident();
    if (marker.empty()) return fail(pos_, "expected a heredoc marker after '<<'");
    while (peek() == ' ' || peek() == '\t' || peek() == '\r') ++pos_;
    if (peek() != '\n') return fail(pos_, "expected a newline after the heredoc marker");
    ++pos_;
    std::vector<std::string_view> lines;
    while (true) {
      if (eof()) return fail(start, fmt::format("heredoc '{}' is never closed", marker));
      size_t end = text_.find('\n', pos_);
      if (end == std::string_view::npos) end = text_.size();
      std::string_view line = text_.substr(pos_, end - pos_);
      std::string_view trimmed = line;
      while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) {
        trimmed.remove_prefix(1);
      }
      while (!trimmed.empty() && (trimmed.back() == '\r' || trimmed.back() == ' ')) {
        trimmed.remove_suffix(1);
      }
      if (trimmed == marker) {
        pos_ = end;  // the newline after the marker ends the attribute
        break;
      }
      lines.push_back(line);
      pos_ = end < text_.size() ? end + 1 : end;
    }
    size_t strip = 0;
    if (indented) {
      strip = std::string_view::npos;
      for (std::string_view l : lines) {
        const size_t lead = l.find_first_not_of(" \t");
        if (lead == std::string_view::npos) continue;
        strip = std::min(strip, lead);
      }
      if (strip == std::string_view::npos) strip = 0;
    }
    std::string content;
    bool literal = true;
    for (std::string_view l : lines) {
      l.remove_prefix(std::min(strip, l.find_first_not_of(" \t") == std::string_view::npos
                                          ? l.size()
                                          : strip));
      for (size_t i = 0; i < l.size(); ++i) {
        const char c = l[i];
        if ((c == '$' || c == '%') && i + 2 < l.size() && l[i + 1] == c && l[i + 2] == '{') {
          content += c;
          content += '{';
          i += 2;
        } else if ((c == '$' || c == '%') && i + 1 < l.size() && l[i + 1] == '{') {
          literal = false;
        } else {
          content += c;
        }
      }
      content += '\n';
    }
    out = literal ? b_.string(content, start) : unresolved(start, pos_);
    return true;
  }

  std::string_view text_;
  uint32_t max_depth_;
  TreeBuilder b_;
  size_t pos_ = 0;
  uint32_t depth_ = 0;
  bool failed_ = false;
  ParseError err_{};
  // Offsets of attribute values, to tell a repeated attribute (an error)
  // from a repeated block (a list of blocks) in one body.
  std::unordered_set<uint64_t> is_attribute_;
};

}  // namespace

Result<ValueTree> parse_hcl(const std::string& path, std::string_view text, uint32_t max_depth) {
  ValueTree tree;
  HclParser p(text, max_depth, tree.arena());
  Value root;
  if (!p.parse_file(root)) {
    return error_at_offset(ErrorCode::input, path, text, p.error().offset,
                           "invalid HCL: " + p.error().message);
  }
  tree.set_root(root);
  return tree;
}

}  // namespace sageguard
