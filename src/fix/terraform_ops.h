// Fix operations on a Terraform configuration. The planner works on the
// requests a configuration's resources translate into; this maps each
// operation back onto the configuration's own tree (the attribute, block or
// tags map the request member came from, named as Terraform names it) so
// the HCL or JSON editor can write it, or says why it cannot. Immutable
// after construction; safe to use from several threads.
#pragma once

#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "fix/edit_ops.h"
#include "fix/planner.h"
#include "sageguard/document.h"
#include "sageguard/policy.h"
#include "sageguard/resource.h"

namespace sageguard::fix {

class TerraformTargets {
 public:
  // `resources` as extract_resources read them from `doc` (kept alive by
  // the caller, like the document).
  TerraformTargets(const Document& doc, const std::vector<Resource>& resources);

  // `ops` (on `r`'s request) as operations on the document's own tree,
  // appended to `out`. A state machine task's parameters are a translated
  // tree whose nodes keep the offsets of the text they stand for: they
  // are found by offset. "" on success; otherwise why they cannot be
  // written, and nothing is appended.
  std::string to_source(const Resource& r, const OpList& ops, OpList& out) const;

  // Places a fixable rule looks at whose value Terraform decides (a
  // reference, a call, a `dynamic` block, tags given as merge(...) or a
  // variable): fix neither checks nor edits them, and says so, one note
  // each, for the rules `wanted` accepts and the policy supplies a value.
  std::vector<ChangeNote> unresolved_places(
      const Resource& r, const Policy& policy,
      const std::function<bool(const std::string&)>& wanted) const;

 private:
  struct TagsPlace {
    const Value* body = nullptr;  // the resource block's body
    const Value* own = nullptr;   // its `tags` argument, if any
  };
  void walk(const Value& request, const Value& source, bool top_level);
  void map_member(const Value& request, std::vector<const Value*> occurrences);
  // A request value in Terraform's shape: argument names, tags as a map,
  // templates escaped for the JSON syntax. "" or why not.
  std::string terraform_value(const NewValue& v, bool top_level, const std::string& key,
                              NewValue& out) const;
  std::string escaped(const std::string& s) const;

  const Document& doc_;
  bool json_ = false;
  std::unordered_map<const Value*, const Value*> source_;  // request node -> its source
  std::unordered_set<const Value*> roots_;                 // requests' roots
  std::unordered_map<const Value*, TagsPlace> tags_;       // a request's Tags -> its tags
  std::unordered_map<const Value*, TagsPlace> by_root_;    // a request's root -> its tags
  std::unordered_set<const Value*> in_document_;           // nodes of the document's tree
  std::unordered_map<uint64_t, const Value*> containers_;  // its objects and arrays by offset
  std::unordered_map<uint64_t, const Value*> scalars_;     // its scalars by offset
};

}  // namespace sageguard::fix
