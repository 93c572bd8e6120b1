// The findings part of the text report (a header per resource, a line per
// finding), shared by `check` and the per-account sections of `audit`.
// A pure function; thread-safe.
#pragma once

#include <span>
#include <string>

#include "sageguard/finding.h"
#include "sageguard/report/check_report.h"

namespace sageguard::report {

void append_findings_text(std::string& out, std::span<const Finding> findings, const TextOptions& opts);

}  // namespace sageguard::report
