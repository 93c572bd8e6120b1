#include "policy/policy_yaml.h"

#include <fmt/format.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <set>

namespace sageguard::policy_internal {

Error PolicyYaml::error_at(const YAML::Mark& m, std::string message) const {
  if (m.is_null() || m.line < 0 || m.column < 0) return error_at(0, 0, std::move(message));
  return error_at(static_cast<uint32_t>(m.line) + 1, static_cast<uint32_t>(m.column) + 1,
                  std::move(message));
}

Error PolicyYaml::error_at(uint32_t line, uint32_t column, std::string message) const {
  Error e = Error::at(ErrorCode::policy, path_, line, column, std::move(message));
  if (line > 0) e.source_line = source_line(line);
  return e;
}

Origin PolicyYaml::origin(const YAML::Node& n) const {
  const YAML::Mark m = n.Mark();
  if (m.is_null() || m.line < 0 || m.column < 0) return Origin{path_, 0, 0};
  return Origin{path_, static_cast<uint32_t>(m.line) + 1, static_cast<uint32_t>(m.column) + 1};
}

std::string PolicyYaml::source_line(uint32_t line) const {
  size_t start = 0;
  for (uint32_t l = 1; l < line; ++l) {
    size_t nl = text_.find('\n', start);
    if (nl == std::string_view::npos) return {};
    start = nl + 1;
  }
  size_t end = text_.find('\n', start);
  std::string_view s = text_.substr(start, end == std::string_view::npos ? end : end - start);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return std::string(s);
}

namespace {

const char* node_kind(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "nothing (null)";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "an undefined value";
}

}  // namespace

Status PolicyYaml::for_each_entry(
    const YAML::Node& map, std::string_view what, const std::vector<std::string_view>& allowed,
    const std::function<Status(const std::string&, const YAML::Node&, const YAML::Node&)>& fn)
    const {
  if (!map.IsMap()) {
    return error_at(map, fmt::format("'{}' must be a mapping, found {}", what, node_kind(map)));
  }
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    // Copies (cheap handles): yaml-cpp's `it->` yields a temporary proxy, so
    // references into it would dangle.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) return error_at(key, fmt::format("keys in '{}' must be strings", what));
    const std::string& k = key.Scalar();
    if (!seen.insert(k).second) {
      return error_at(key, fmt::format("duplicate key '{}' in '{}'", k, what));
    }
    if (!allowed.empty()) {
      bool known = false;
      for (std::string_view a : allowed) known = known || a == k;
      if (!known) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return error_at(key, fmt::format("unknown key '{}' in '{}' (expected one of: {})", k,
                                         what, list));
      }
    }
    SG_TRY(fn(k, key, value));
  }
  return Status::success();
}

bool is_plain_scalar(const YAML::Node& n) { return n.IsScalar() && n.Tag() == "?"; }

Result<std::string> PolicyYaml::read_string(const YAML::Node& n, std::string_view what) const {
  if (!n.IsScalar()) {
    return error_at(n, fmt::format("'{}' must be a string, found {}", what, node_kind(n)));
  }
  return n.Scalar();
}

Result<std::vector<std::string>> PolicyYaml::read_string_list(const YAML::Node& n,
                                                              std::string_view what) const {
  std::vector<std::string> out;
  if (n.IsNull()) return out;
  if (!n.IsSequence()) {
    return error_at(n, fmt::format("'{}' must be a list of strings, found {}", what, node_kind(n)));
  }
  for (const YAML::Node& item : n) {
    if (!item.IsScalar()) {
      return error_at(item, fmt::format("'{}' must be a list of strings; this item is {}", what,
                                        node_kind(item)));
    }
    out.push_back(item.Scalar());
  }
  return out;
}

Result<int64_t> PolicyYaml::read_int(const YAML::Node& n, std::string_view what) const {
  // Quoted scalars are strings in YAML; "86400" is not a number.
  if (is_plain_scalar(n)) {
    const std::string& s = n.Scalar();
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size()) return v;
  }
  return error_at(n, fmt::format("'{}' must be an integer", what));
}

Result<double> PolicyYaml::read_number(const YAML::Node& n, std::string_view what) const {
  if (is_plain_scalar(n)) {
    const std::string& s = n.Scalar();
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && p == s.data() + s.size() && std::isfinite(v)) return v;
  }
  return error_at(n, fmt::format("'{}' must be a number", what));
}

bool is_valid_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)},
                                        std::chrono::month{static_cast<unsigned>(num(5, 2))},
                                        std::chrono::day{static_cast<unsigned>(num(8, 2))}};
  return ymd.ok();
}

std::optional<TextPosition> nesting_exceeds(std::string_view text, uint32_t max_depth) {
  // Flow depth carries across lines; block depth is bounded per line by the
  // run of indentation and "- " / "? " indicators before the content (each
  // block level needs at least one more column). The sum bounds the depth
  // yaml-cpp will recurse to.
  uint32_t flow = 0;
  uint32_t line = 1;
  size_t i = 0;
  while (i < text.size()) {
    const size_t line_start = i;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '-' ||
                               text[i] == '?')) {
      ++i;
    }
    const auto block = static_cast<uint32_t>(i - line_start);
    if (block > max_depth * 4 || block / 4 + flow > max_depth) {
      return TextPosition{line, static_cast<uint32_t>(i - line_start) + 1};
    }
    char quote = 0;
    char prev = ' ';  // last non-blank character before `i` on this line
    bool after_blank = true;
    for (; i < text.size() && text[i] != '\n'; ++i) {
      const char c = text[i];
      if (quote != 0) {
        if (c == '\\' && quote == '"' && i + 1 < text.size() && text[i + 1] != '\n') {
          ++i;
        } else if (c == quote) {
          quote = 0;
          prev = c;
        }
        continue;
      }
      if (c == '#' && after_blank) {
        while (i < text.size() && text[i] != '\n') ++i;
        break;
      }
      // A quote opens a scalar only where a scalar may start; elsewhere
      // (don't) it is an ordinary character.
      if ((c == '\'' || c == '"') &&
          (prev == ' ' || prev == '[' || prev == '{' || prev == ',' || prev == ':')) {
        quote = c;
      } else if (c == '[' || c == '{') {
        if (++flow + block / 4 > max_depth) {
          return TextPosition{line, static_cast<uint32_t>(i - line_start) + 1};
        }
      } else if ((c == ']' || c == '}') && flow > 0) {
        --flow;
      }
      after_blank = c == ' ' || c == '\t';
      if (!after_blank) prev = c;
    }
    // Quoted scalars may span lines; ending them here only over-counts.
    if (i < text.size()) ++i;
    ++line;
  }
  return std::nullopt;
}

}  // namespace sageguard::policy_internal
