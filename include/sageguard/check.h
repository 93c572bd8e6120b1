// `sageguard check` as a library call (the check driver): read files and
// walk folders, find resources, have the rule engine evaluate them, apply
// waivers, summarise. Stateless; concurrent calls with different arguments
// are safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sageguard/document.h"
#include "sageguard/finding.h"
#include "sageguard/policy.h"
#include "sageguard/resource.h"
#include "sageguard/cost_estimate.h"

namespace sageguard {

struct CheckOptions {
  std::optional<ResourceKind> kind;  // --kind
  std::optional<IacFormat> format;   // --kind naming a format (cloudformation, terraform, ...)
  ReadOptions read;
  std::string today;  // YYYY-MM-DD for waiver expiry; empty = current UTC date
  CostEstimator estimator;  // unset: budget.max-cost reports nothing (cost_estimate.h)
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

}  // namespace sageguard
