// What the Python extension needs from the library, in plain types: load a
// policy, check or fix one request given as JSON text. Every call returns
// values (never throws) and is safe from several threads at once; a
// PolicyHandle is immutable apart from its estimator cache, which is locked.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sageguard/document.h"

namespace sageguard::python {

struct PolicyHandle;  // a loaded policy plus its budget estimators, shared

struct PolicyLoad {
  std::shared_ptr<const PolicyHandle> policy;  // null on error
  std::string error;                           // "FILE:LINE:COL: message"
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
};

PolicyLoad load_policy_file(const std::string& path);
PolicyLoad parse_policy_text(const std::string& label, const std::string& text);
// The CLI's lookup order: $SAGEGUARD_POLICY, ./sageguard.yaml, built-in.
PolicyLoad resolve_policy();
std::string policy_source(const PolicyHandle& p);

struct OutFinding {
  std::string rule;
  std::string severity;  // "error" | "warning" | "note"
  std::string message;
  std::string path;           // JSON pointer into the resource
  std::string sdk_parameter;  // SDK argument names, "" if none
  std::string remedy;         // the catalogue's SDK hint, e.g. "use_spot_instances=True"
  bool fixable = false;
  std::string resource_kind;
  std::string resource_name;
};

struct CheckOut {
  std::vector<OutFinding> findings;
  std::string error;  // non-empty: an internal failure, nothing was decided
};

struct FixOut {
  // The fixed request (JSON); equal to the input when unchanged, and "" when
  // fix edited the parsed tree only (fix_request's `as_tree`).
  std::string text;
  bool changed = false;
  // The fixed request's tree, when changed: the extension builds the fixed
  // request's Python objects from it instead of parsing text.
  std::shared_ptr<const Document> document;
  std::shared_ptr<const Document> original;  // the request's parse, when changed
  std::vector<std::string> changes;      // "rule: what" for each applied edit
  std::vector<std::string> not_applied;  // "rule: what" fix could not write
  CheckOut remaining;
};

// `kind`: "" (detect from content), an operation name ("CreateTrainingJob"),
// a kind name ("TrainingJob") or a --kind flag ("training-job"); "Pipeline"
// for a Pipelines definition. `region` picks budget.max-cost prices ("" =
// the AWS environment's region, as `sageguard check` does). `label` names
// the text in messages. A text that is not a request of that kind gives a
// request.invalid finding, never an error.
CheckOut check_request(const std::string& json, const std::string& kind, const PolicyHandle& p,
                       const std::string& region, const std::string& label);
// `as_tree`: the caller needs only `document` (fix::fix_checked_tree edits the
// parsed tree; no text is written unless that cannot be done exactly).
FixOut fix_request(const std::string& json, const std::string& kind, const PolicyHandle& p,
                   const std::string& region, const std::string& label, bool as_tree = false);

// True if `kind` names something check_request understands.
bool known_kind(const std::string& kind);

}  // namespace sageguard::python
