#include "check/findings.h"

#include "sageguard/rule_catalog.h"

namespace sageguard::check {

Finding to_finding(const std::string& path, LineCol lc, const Resource& r,
                   const rules::Severities& severities, rules::RawFinding&& raw) {
  // One catalogue lookup answers both the severity and whether it is fixable.
  const int index = rule_index(raw.rule);
  Finding f;
  f.rule = std::string(raw.rule);
  f.severity = severities.of_index(index);
  f.file = path;
  f.line = lc.line;
  f.column = lc.column;
  f.resource.kind = kind_name(r.kind);
  f.resource.name = r.name;
  f.resource.id = r.resource_id;
  f.path = std::move(raw.pointer);
  f.message = std::move(raw.message);
  f.fixable = raw.fixable && index >= 0 && rule_catalog()[static_cast<size_t>(index)].fixable;
  return f;
}

}  // namespace sageguard::check
