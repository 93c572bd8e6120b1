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

}  // namespace sageguard
