// Severity names and the Policy lookups the rules use.
#include "sageguard/policy.h"

#include "sageguard/rule_catalog.h"
#include "util/glob.h"

namespace sageguard {

const char* to_string(Severity s) {
  switch (s) {
    case Severity::off:
      return "off";
    case Severity::note:
      return "note";
    case Severity::warning:
      return "warning";
    case Severity::error:
      return "error";
  }
  return "off";
}

std::optional<Severity> parse_severity(std::string_view s) {
  if (s == "error") return Severity::error;
  if (s == "warning") return Severity::warning;
  if (s == "note") return Severity::note;
  if (s == "off") return Severity::off;
  return std::nullopt;
}

Severity Policy::severity_of(std::string_view rule_id) const {
  if (auto it = severities.find(rule_id); it != severities.end()) return it->second;
  if (const RuleInfo* r = find_rule(rule_id)) return r->default_severity;
  // An id outside the catalogue cannot come from a valid policy; keep it
  // silent rather than invent findings for it.
  return Severity::off;
}

const TagValueRule* Policy::value_rule(std::string_view key) const {
  for (const auto& r : tag_values) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

bool Policy::is_nvme(std::string_view instance_type) const {
  for (const auto& g : nvme_instance_types) {
    if (glob_match(g, instance_type)) return true;
  }
  return false;
}

std::optional<std::pair<int, int>> parse_notebook_platform(std::string_view id) {
  constexpr std::string_view kPrefix = "notebook-al";
  if (!id.starts_with(kPrefix)) return std::nullopt;
  id.remove_prefix(kPrefix.size());
  auto number = [&](std::string_view& s) -> std::optional<int> {
    int n = 0;
    size_t i = 0;
    for (; i < s.size() && i < 4 && s[i] >= '0' && s[i] <= '9'; ++i) n = n * 10 + (s[i] - '0');
    if (i == 0) return std::nullopt;
    s.remove_prefix(i);
    return n;
  };
  const auto al = number(id);
  if (!al || !id.starts_with("-v")) return std::nullopt;
  id.remove_prefix(2);
  const auto version = number(id);
  if (!version || !id.empty()) return std::nullopt;
  return std::pair{*al, *version};
}

bool Policy::is_production(
    std::string_view name,
    const std::vector<std::pair<std::string_view, std::string_view>>& tags) const {
  for (const auto& g : production_names) {
    if (glob_match(g, name)) return true;
  }
  for (const auto& [key, values] : production_tags) {
    for (const auto& [k, v] : tags) {
      if (k != key) continue;
      for (const auto& want : values) {
        if (v == want) return true;
      }
    }
  }
  return false;
}

}  // namespace sageguard
