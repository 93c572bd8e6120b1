// Decides what `fix` changes: for each resource and each finding the check
// reported, the operations that add what the policy supplies. Never invents
// a value: no policy value, no change. Pure function of its inputs.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "fix/edit_ops.h"
#include "sageguard/finding.h"
#include "sageguard/policy.h"
#include "sageguard/resource.h"

namespace sageguard::fix {

// What the check reported, by (kind, resource name, rule, pointer).
class FindingIndex {
 public:
  explicit FindingIndex(const std::vector<Finding>& findings);
  bool has(const Resource& r, const std::string& rule, const std::string& pointer) const;

 private:
  // Transparent, so `has` looks up views without building strings.
  std::set<std::tuple<std::string, std::string, std::string, std::string>, std::less<>> keys_;
};

// One line of "what fix changed".
struct ChangeNote {
  std::string rule;
  uint64_t at = 0;      // byte offset of the node changed or receiving the change
  std::string pointer;  // relative to the resource root
  std::string what;
};

// Operations that apply together or not at all (enabling spot needs its
// MaxWait, for instance), with their notes. A withheld change has no
// operations: fix will not make it because it could break the job, and
// `withheld` says why and what to do instead.
struct PlannedChange {
  const Resource* resource = nullptr;
  std::vector<ChangeNote> notes;
  OpList ops;
  std::string withheld;
};

// `wanted(rule)`: the rule is on (severity not off) and selected by
// --only/--skip.
std::vector<PlannedChange> plan_fixes(const Policy& policy, const std::vector<Resource>& resources,
                                      const FindingIndex& found,
                                      const std::function<bool(const std::string&)>& wanted);

}  // namespace sageguard::fix
