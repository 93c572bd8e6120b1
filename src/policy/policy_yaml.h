// Typed access to yaml-cpp nodes for the policy loader: every read either
// yields a value or an ErrorCode::policy Error at the node's 1-based
// file:line:col with the source line attached. Not thread-safe to share one
// PolicyYaml between threads (it is a short-lived parse helper).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/policy.h"
#include "sageguard/result.h"

namespace sageguard::policy_internal {

class PolicyYaml {
 public:
  PolicyYaml(std::string path, std::string_view text) : path_(std::move(path)), text_(text) {}

  const std::string& path() const { return path_; }

  // 1-based line/column (yaml-cpp marks are 0-based); an unknown mark
  // becomes 0:0.
  Error error_at(const YAML::Mark& m, std::string message) const;
  Error error_at(uint32_t line, uint32_t column, std::string message) const;
  Error error_at(const YAML::Node& n, std::string message) const {
    return error_at(n.Mark(), std::move(message));
  }
  Origin origin(const YAML::Node& n) const;

  // Walk a mapping's entries in file order. Fails on a non-map node, a
  // non-scalar key, a duplicate key, or (when `allowed` is non-empty) a key
  // outside `allowed`. `what` names the mapping in messages ("kms").
  Status for_each_entry(const YAML::Node& map, std::string_view what,
                        const std::vector<std::string_view>& allowed,
                        const std::function<Status(const std::string& key, const YAML::Node& key_node,
                                                   const YAML::Node& value)>& fn) const;

  // Scalars. `what` is the setting's dotted name, used in messages.
  Result<std::string> read_string(const YAML::Node& n, std::string_view what) const;
  // A list of strings; a null node counts as an empty list.
  Result<std::vector<std::string>> read_string_list(const YAML::Node& n, std::string_view what) const;
  Result<int64_t> read_int(const YAML::Node& n, std::string_view what) const;
  Result<double> read_number(const YAML::Node& n, std::string_view what) const;

 private:
  std::string source_line(uint32_t line) const;

  std::string path_;
  std::string_view text_;
};

// True when a plain (unquoted) scalar; quoted scalars are always strings.
bool is_plain_scalar(const YAML::Node& n);

// YYYY-MM-DD naming a real calendar day.
bool is_valid_date(std::string_view s);

// yaml-cpp recurses once per nesting level; a hostile file (200,000 '[' or
// deeply indented maps) could exhaust a small thread stack. Returns the
// 1-based line and column where `text` goes deeper than `max_depth`, if it
// does. A conservative scan, not a YAML lexer: it may over-count, never under.
struct TextPosition {
  uint32_t line;
  uint32_t column;
};
std::optional<TextPosition> nesting_exceeds(std::string_view text, uint32_t max_depth);

}  // namespace sageguard::policy_internal
