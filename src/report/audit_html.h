// The audit as one self-contained HTML page: inline CSS, an inline SVG bar
// chart, no script or style from the network. Totals are computed in the
// page from the embedded JSON data. Pure function; thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <string>

#include "audit/audit.h"

namespace sageguard::report {

// Summary by rule and by Project tag, the worst offenders, every finding
// with its remediation (from the rule catalogue), vanished resources.
std::string audit_html(const audit::AuditResult& r);

}  // namespace sageguard::report
