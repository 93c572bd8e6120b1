// The check document's writer, shared with audit_json: the audit report is
// the check document with members added at the end of "summary" and after it.
#pragma once

#include <functional>

#include "report/json_writer.h"
#include "sageguard/report/check_report.h"

namespace sageguard::report {

// Writes the whole check document (docs/output-formats.md). `more_summary`
// writes extra members at the end of "summary"; `more` writes extra
// top-level members after "summary". Either may be empty.
void write_check_document(JsonWriter& w, const CheckResult& r,
                          const std::function<void(JsonWriter&)>& more_summary = {},
                          const std::function<void(JsonWriter&)>& more = {});

}  // namespace sageguard::report
