// Reporters for check and audit results: pure functions from a CheckResult
// to bytes (docs/output-formats.md). Thread-safe; no I/O.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "sageguard/finding.h"

namespace sageguard::report {

struct TextOptions {
  bool color = false;    // ANSI colours (the CLI enables them on a TTY only)
  bool verbose = false;  // name every skipped file (else the first few and a count)
};

// One line per finding, `file:line:col: severity: message [rule]`, grouped by
// resource, then a summary line.
std::string check_text(const CheckResult& r, const TextOptions& opts = {});
// The JSON document of docs/output-formats.md (with audit fields when set).
std::string check_json(const CheckResult& r);
// The same bytes, handed to `sink` in pieces of about 64 KiB as they are
// written (for large reports on stdout).
void check_json(const CheckResult& r, const std::function<void(std::string_view)>& sink);
// SARIF 2.1.0, one run, rules from the rule catalogue; waived findings are
// included as suppressed results.
std::string check_sarif(const CheckResult& r);
// The same bytes, handed to `sink` in pieces of about 64 KiB as they are
// written: memory stays flat in the number of findings.
void check_sarif(const CheckResult& r, const std::function<void(std::string_view)>& sink);

}  // namespace sageguard::report
