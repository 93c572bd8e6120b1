// Reads AWS billing exports (legacy CUR CSV, CUR 2.0 CSV, FOCUS CSV; plain or
// gzip; files, folders or manifests) and aggregates them into a
// CostReport while streaming. Functions are thread-safe; read_cur uses up to
// `threads` worker threads of its own.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sageguard/cost/byte_source.h"
#include "sageguard/cost/cost_report.h"
#include "sageguard/result.h"

namespace sageguard::cost {

struct CurOptions {
  // Tag keys as users write them ("Project", "Cost Center") and the
  // pseudo-keys "month" (YYYY-MM of the usage start), "instance-type" (the
  // part of UsageType after ':'), "resource" (ResourceId).
  //  legacy: column resourceTags/user:KEY (exact, else case-insensitive)
  //  CUR 2.0: resource_tags key user_<key> with spaces as '_', case-insensitive
  //  FOCUS: Tags key KEY or user:KEY (exact, else case-insensitive)
  std::vector<std::string> group_by;
  Measure measure = Measure::unblended;
  bool all_services = false;          // default: SageMaker line items only
  std::optional<std::string> since;   // YYYY-MM-DD, inclusive, on usage start
  std::optional<std::string> until;   // YYYY-MM-DD, inclusive
  bool strict = false;                // first malformed row is an Error
  std::size_t max_malformed_samples = 20;
  // Threads: several files are read one per thread; with fewer files than
  // threads, each file is decompressed and parsed on all of them in turn.
  unsigned threads = 2;
};

// What a set of paths expands to. A legacy period folder
// (<report>/<yyyymmdd-yyyymmdd>/) contributes only its latest assembly: the
// one its <report>-Manifest.json lists, else the assembly folder with the
// newest file (ties: lexically greatest name). A CUR 2.0 (Data Exports)
// partition <export>/data/BILLING_PERIOD=YYYY-MM/ contributes the files its
// manifest lists (the newest <export>-Manifest.json under
// <export>/metadata/BILLING_PERIOD=YYYY-MM/, "dataFiles"), else the files
// directly in it plus the execution folder with the newest file. A manifest
// given as a path (either kind) reads exactly the files it lists.
struct CurInputs {
  std::vector<std::string> files;
  std::vector<std::string> skipped;  // superseded assembly files, for messages
};
Result<CurInputs> resolve_cur_inputs(const std::vector<std::string>& paths);

// Resolves `paths` and aggregates every file. Error (io/input, with the file
// name) on unreadable/corrupt/truncated input, an unknown header, a bad
// option, or (strict) a malformed row.
Result<CostReport> read_cur(const std::vector<std::string>& paths, const CurOptions& options);

// Aggregates a single already-open source (tests, fuzzing, stdin).
Result<CostReport> read_cur_source(ByteSource& source, const CurOptions& options);

}  // namespace sageguard::cost
