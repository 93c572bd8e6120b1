#include <fmt/format.h>

#include <algorithm>

#include "report/text_findings.h"
#include "sageguard/report/check_report.h"
#include "util/strings.h"

namespace sageguard::report {

namespace {

const char* colour(Severity s) {
  switch (s) {
    case Severity::error: return "\x1b[1;31m";
    case Severity::warning: return "\x1b[1;33m";
    case Severity::note: return "\x1b[1;36m";
    case Severity::off: break;
  }
  return "";
}

// Skipped files named without --verbose.
constexpr size_t kSkippedShown = 5;

std::string plural(int n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

}  // namespace

void append_findings_text(std::string& out, std::span<const Finding> findings, const TextOptions& opts) {
  const char* bold = opts.color ? "\x1b[1m" : "";
  const char* reset = opts.color ? "\x1b[0m" : "";
  // Findings arrive grouped by file and resource already (the engine emits
  // them per resource); print a header whenever the resource changes.
  std::string last;
  for (const auto& f : findings) {
    std::string where = f.file.empty() ? f.resource.region : f.file;
    std::string key = where + "\x1f" + f.resource.account + "\x1f" + f.resource.kind + "\x1f" + f.resource.name;
    if (key != last) {
      if (!last.empty()) out += "\n";
      std::string name = f.resource.name.empty() ? "(unnamed)" : terminal_safe(f.resource.name);
      out += fmt::format("{}{} {}{}", bold, f.resource.kind, name, reset);
      if (!f.resource.arn.empty()) out += fmt::format(" ({})", terminal_safe(f.resource.arn));
      out += "\n";
      last = std::move(key);
    }
    std::string loc = terminal_safe(
        f.file.empty() ? (f.resource.arn.empty() ? f.resource.name : f.resource.arn)
                       : fmt::format("{}:{}:{}", f.file, f.line, f.column));
    out += fmt::format("  {}: {}{}{}: {} [{}]\n", loc, opts.color ? colour(f.severity) : "",
                       to_string(f.severity), reset, terminal_safe(f.message), f.rule);
  }
}

std::string check_text(const CheckResult& r, const TextOptions& opts) {
  std::string out;
  append_findings_text(out, r.findings, opts);
  if (!r.findings.empty()) out += "\n";
  out += fmt::format("{}, {}: {}, {}, {}", plural(r.summary.files, "file"),
                     plural(r.summary.resources, "resource"), plural(r.summary.error, "error"),
                     plural(r.summary.warning, "warning"), plural(r.summary.note, "note"));
  if (!r.waived.empty()) out += fmt::format(", {} waived", r.waived.size());
  if (r.summary.unresolved > 0) {
    out += fmt::format(", {} unresolved", plural(r.summary.unresolved, "value"));
  }
  if (r.summary.unreadable > 0) {
    out += fmt::format(", {} unreadable", plural(r.summary.unreadable, "file"));
  }
  if (r.summary.skipped > 0) {
    // "not SageMaker documents" only when that is what every one is.
    const bool all_foreign = std::all_of(r.skipped.begin(), r.skipped.end(),
                                         [](const SkippedFile& s) { return s.not_sagemaker; });
    out += fmt::format(" ({} skipped{})", plural(r.summary.skipped, "file"),
                       all_foreign ? ": not SageMaker documents" : "");
  }
  out += "\n";
  // Name the skipped files: every one with --verbose, else the first few.
  const size_t shown = opts.verbose ? r.skipped.size() : std::min(r.skipped.size(), kSkippedShown);
  for (size_t i = 0; i < shown; ++i) {
    out += fmt::format("skipped {}: {}\n", terminal_safe(r.skipped[i].file),
                       terminal_safe(r.skipped[i].reason));
  }
  if (shown < r.skipped.size()) {
    out += fmt::format("... and {} more skipped (--verbose lists every one)\n",
                       r.skipped.size() - shown);
  }
  return out;
}

}  // namespace sageguard::report
