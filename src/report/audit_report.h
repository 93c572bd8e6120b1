// Reporters for `sageguard audit`: the check reporters' JSON and text with
// the audit's own facts added (regions, every audited resource, vanished
// resources, unreadable count, call statistics). Pure functions; thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <string>

#include "audit/audit.h"
#include "sageguard/report/check_report.h"

namespace sageguard::report {

// check_json plus "audit": {regions, resources[], vanished[], calls, ...} and
// summary.listed / summary.vanished / summary.unreadable.
std::string audit_json(const audit::AuditResult& r);
// check_text plus one line on vanished, unreadable and calls.
std::string audit_text(const audit::AuditResult& r, const TextOptions& opts = {});

}  // namespace sageguard::report
