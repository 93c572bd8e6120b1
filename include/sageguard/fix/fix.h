// `sageguard fix` as a library call: add what the policy supplies and the
// rules ask for, as text edits on the original document (format, key order,
// comments and untouched bytes are kept), then re-check the result.
// Stateless; concurrent calls with different arguments are safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sageguard/check.h"
#include "sageguard/document.h"
#include "sageguard/finding.h"
#include "sageguard/policy.h"

namespace sageguard::fix {

struct FixOptions {
  std::optional<ResourceKind> kind;  // --kind
  std::optional<IacFormat> format;   // --kind naming a format (cloudformation, terraform, ...)
  std::vector<std::string> only;     // rule ids to fix (empty = every fixable rule)
  std::vector<std::string> skip;     // rule ids never to fix
  ReadOptions read;
  std::string today;  // YYYY-MM-DD for waiver expiry; empty = current UTC date
  // For budget.max-cost in the re-check, as CheckOptions::estimator: give
  // the one `check` would use, so `remaining` is what check reports.
  CostEstimator estimator;
};

// One applied change, "file:line: rule: what". `line` is the 1-based line
// in the ORIGINAL text of the node that was changed or that received it.
struct FixChange {
  std::string rule;
  std::string file;
  uint32_t line = 0;
  ResourceRef resource;
  std::string path;  // JSON Pointer relative to the resource, of what was set
  std::string what;  // e.g. "set EnableNetworkIsolation to true"
};

struct FixOutcome {
  std::string original;  // the input text, byte for byte
  std::string fixed;     // equal to `original` when nothing changed
  std::vector<FixChange> changes;
  // Changes the rules ask for and the policy supplies, but that fix cannot
  // write safely (flow-style YAML, a null or expression in the way), and
  // Terraform values only Terraform can work out (`what` says which and
  // why); the findings stay in `remaining`.
  std::vector<FixChange> not_applied;
  // Changes fix will not make because they could break the job (isolation
  // for code fetched from S3, a VPC whose subnets may not reach S3, a max
  // wait out of the API's range, ...): `what` says why and what to do. The
  // findings stay in `remaining`.
  std::vector<FixChange> withheld;
  CheckResult remaining;  // `check` on the fixed text, exactly as check reports it
  // `fixed`, parsed (the one parse the re-check read): for a caller that
  // wants the fixed request as a tree rather than text.
  std::shared_ptr<const Document> fixed_document;
};

// Fix one document's text (a request, template, state machine, or Terraform
// `.tf` / `.tf.json` configuration; a Terraform plan is refused). Errors: the
// text does not parse, holds no recognised kind, or the edited text fails to re-parse into the same
// resources (an internal error; nothing is written by the caller then).
Result<FixOutcome> fix_text(const std::string& path, std::string text, const Policy& policy,
                            const FixOptions& opts);

// fix_text for a document the caller has parsed and checked already (a
// gate that checks every request and fixes only some): `before` is what
// check_document(*doc, true, policy, ...) reported for it with opts' kind,
// read options, date and estimator, without the expired-waiver findings.
// Saves fix_text's first parse and check; the outcome is fix_text's.
// opts.today: the date `before` was checked for (empty: the current one).
Result<FixOutcome> fix_checked(const std::shared_ptr<const Document>& doc, const CheckResult& before,
                               const Policy& policy, const FixOptions& opts);

// fix_checked for a caller that wants the fixed request as a tree, not as
// text (the Python gate builds Python objects from it): the same changes,
// applied to a JSON doc's parsed tree and re-checked there, instead of
// written into the text, parsed again and verified. `fixed_document` holds the same
// values fix_checked's would, `remaining` the same findings, except that
// those about values fix added point at the place they were added to in
// the original text. `fixed` is "" when the tree was edited (no text was
// written) and `original` when nothing changed. Where a tree edit could
// differ from the text edit (YAML, src/fix/tree_edit.h) this is fix_checked.
Result<FixOutcome> fix_checked_tree(const std::shared_ptr<const Document>& doc,
                                    const CheckResult& before, const Policy& policy,
                                    const FixOptions& opts);

// Read `path` (size-checked) and fix it. Does not write anything.
Result<FixOutcome> fix_file(const std::string& path, const Policy& policy, const FixOptions& opts);

// A unified diff (`diff -u` format, 3 lines of context) from `before` to
// `after`, with "--- from" / "+++ to" headers; "" when they are equal.
// `patch -p0` applies it.
std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& from, const std::string& to);

// The rule ids fix knows how to repair.
const std::vector<std::string>& fixable_rules();

}  // namespace sageguard::fix
