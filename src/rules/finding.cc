// The question the CLI and the launch gate ask of a check's findings.
#include "sageguard/finding.h"

#include <algorithm>

namespace sageguard {

bool has_findings_at_or_above(const CheckResult& r, Severity threshold) {
  return std::any_of(r.findings.begin(), r.findings.end(),
                     [&](const Finding& f) { return f.severity >= threshold; });
}

}  // namespace sageguard
