// Raw findings of the rule engine (byte offsets) made into Findings (file,
// line, column, severity, the resource they are about). Pure; thread-safe.
#pragma once

#include <string>

#include "rules/rule_context.h"
#include "sageguard/finding.h"

namespace sageguard::check {

// `lc` is where `raw.offset` lies in `path`.
Finding to_finding(const std::string& path, LineCol lc, const Resource& r,
                   const rules::Severities& severities, rules::RawFinding&& raw);

}  // namespace sageguard::check
