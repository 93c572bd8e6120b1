// Waivers: accepted exceptions from the policy. A waiver applies to findings
// of its rule on resources whose name matches its glob, up to and including
// its expiry date; after that it no longer applies and is itself reported
// (waiver.expired). Pure functions.
#pragma once

#include <string>
#include <vector>

#include "sageguard/finding.h"
#include "sageguard/policy.h"

namespace sageguard::rules {

// The waiver that accepts `f` today, or nullptr.
const Waiver* active_waiver(const Policy& policy, const Finding& f, const std::string& today);

// One waiver.expired finding per expired waiver (pointing into the policy file).
void expired_waiver_findings(const Policy& policy, const std::string& today,
                             std::vector<Finding>& out);
// The same, appended to a result's findings and counted in its summary.
void expired_waiver_findings(const Policy& policy, const std::string& today, CheckResult& out);

}  // namespace sageguard::rules
