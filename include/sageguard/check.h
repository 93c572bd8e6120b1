// `sageguard check` as a library call: load documents, find resources,
// evaluate every rule, apply waivers, summarise. Stateless; concurrent calls
// with different arguments are safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sageguard/document.h"
#include "sageguard/finding.h"
#include "sageguard/policy.h"
#include "sageguard/resource.h"

namespace sageguard {

// Worst-case cost of one resource, for budget.max-cost. Supplied by the cost
// module (prices live there; the rule engine does not depend on it).
struct CostEstimate {
  double worst_case_usd = 0;
  std::string basis;  // e.g. "ml.p3.2xlarge x 2 x 48.0 h at 3.825 USD/h"
  std::vector<std::string> unpriced;  // instance types without a price
};
using CostEstimator = std::function<std::optional<CostEstimate>(const Resource&)>;

struct CheckOptions {
  std::optional<ResourceKind> kind;  // --kind
  std::optional<IacFormat> format;   // --kind cloudformation / step-functions
  ReadOptions read;
  std::string today;  // YYYY-MM-DD for waiver expiry; empty = current UTC date
  CostEstimator estimator;  // unset: budget.max-cost reports nothing
  // Threads check_paths may use: files are checked in parallel, and a
  // single large bundle is cut into pieces checked in parallel. 0: one per
  // CPU this process may run on. Output is the same for any value. The
  // default, 1, starts no thread: a library caller asks for them.
  size_t threads = 1;
  // Ask the kernel for transparent huge pages for large findings lists and
  // thread heaps (madvise). A process-level choice, so off unless asked;
  // the CLI asks. Output is the same either way.
  bool memory_hints = false;
};

// Check files and folders (folders are walked for *.json, *.yaml, *.yml,
// *.jsonl, *.ndjson). An input error in one file (missing, unreadable,
// invalid, unrecognised though named explicitly, not of --kind) does not
// stop the others: it is listed in CheckResult::errors and as a parse.error
// finding at the file's place; the caller decides the exit status. Files
// found by walking that hold no SageMaker document (or none of --kind) are
// listed in CheckResult::skipped. Named FIFOs and devices are read once, as
// a stream, within ReadOptions::max_file_size.
Result<CheckResult> check_paths(const std::vector<std::string>& paths, const Policy& policy,
                                const CheckOptions& opts);

// Check one parsed document; appends to `out` (findings, waived, summary:
// files, resources, skipped, and the active findings counted by severity).
// `named` says whether the file was named on the command line.
Status check_document(const Document& doc, bool named, const Policy& policy,
                      const CheckOptions& opts, CheckResult& out);

// Today's date in UTC as YYYY-MM-DD.
std::string utc_today();

}  // namespace sageguard
