#include "rules/waivers.h"

#include <fmt/format.h>

#include "util/glob.h"

namespace sageguard::rules {

// Dates are validated YYYY-MM-DD by the policy loader, so string order is
// date order.
static bool expired(const Waiver& w, const std::string& today) { return w.expires < today; }

const Waiver* active_waiver(const Policy& policy, const Finding& f, const std::string& today) {
  for (const auto& w : policy.waivers) {
    if (w.rule == f.rule && glob_match(w.resource, f.resource.name) && !expired(w, today)) {
      return &w;
    }
  }
  return nullptr;
}

void expired_waiver_findings(const Policy& policy, const std::string& today,
                             std::vector<Finding>& out) {
  const Severity sev = policy.severity_of("waiver.expired");
  if (sev == Severity::off) return;
  for (size_t i = 0; i < policy.waivers.size(); ++i) {
    const Waiver& w = policy.waivers[i];
    if (!expired(w, today)) continue;
    Finding f;
    f.rule = "waiver.expired";
    f.severity = sev;
    f.file = w.origin.file;
    f.line = w.origin.line;
    f.column = w.origin.column;
    f.resource.kind = "Policy";
    f.resource.name = policy.source;
    f.path = fmt::format("/waivers/{}", i);
    f.message = fmt::format("waiver for {} on '{}' expired on {} and no longer applies ({})",
                            w.rule, w.resource, w.expires, w.reason);
    out.push_back(std::move(f));
  }
}

void expired_waiver_findings(const Policy& policy, const std::string& today, CheckResult& out) {
  const size_t before = out.findings.size();
  expired_waiver_findings(policy, today, out.findings);
  for (size_t i = before; i < out.findings.size(); ++i) out.summary.add(out.findings[i].severity);
}

}  // namespace sageguard::rules
