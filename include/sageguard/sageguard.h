// sageguard for programs that embed it: load a policy, check SageMaker
// requests given as text or as files, fix a text, export the policy. The one
// header the common case needs. Every call is a pure function of its
// arguments and safe to make from several threads at once (a Policy is
// immutable and may be shared). Nothing here starts a thread, advises the
// kernel about memory or reads the clock unless the options ask for it.
//
//   sageguard::Result<sageguard::Policy> policy = sageguard::parse_policy("policy.yaml", yaml);
//   sageguard::CheckOptions opts;  opts.today = "2026-12-10";   // empty: the system clock
//   sageguard::Result<sageguard::CheckResult> r =
//       sageguard::check_text("req.json", request_text, *policy, opts);
//   for (const sageguard::Finding& f : r->findings)
//     std::cout << f.rule << ' ' << sageguard::to_string(f.severity) << '\n';
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sageguard/check.h"    // CheckOptions, check_paths
#include "sageguard/finding.h"  // Finding, CheckResult, WaivedFinding, CheckSummary
#include "sageguard/fix/fix.h"  // fix::FixOptions, fix::FixOutcome
#include "sageguard/policy.h"   // Policy, Severity, to_string, parse_policy
#include "sageguard/result.h"   // Result, Status, Error

namespace sageguard {

// The library's version ("0.1.0") and the optional features it was built
// with ("isa-l", ...), as `sageguard --version` prints them.
const char* version();
const std::vector<std::string>& features();

// ---- Policy --------------------------------------------------------------

// parse_policy(name, yaml_text) is declared in policy.h: `name` labels
// errors (FILE:LINE:COL) and becomes Policy::source.

// Reads and parses a policy file.
Result<Policy> load_policy(const std::string& path);

// ---- Check ---------------------------------------------------------------

// Checks one document given as text (JSON, YAML or, for a name ending in
// .jsonl/.ndjson, JSON lines; detected as `check` detects it). `name` is
// the file name findings and errors carry. The result is what
// `sageguard check --today <opts.today> <name>` reports for a file holding
// `text`: the same findings in the same order, lines, columns and paths,
// waived findings, waiver.expired for the policy's expired waivers, and the
// summary. A text holding no SageMaker document is an ErrorCode::input
// error, as a file named on the command line is. When the policy sets
// limits.max_job_cost_usd and opts.estimator is empty, budget.max-cost uses
// the bundled us-east-1 price table, as the CLI does by default.
Result<CheckResult> check_text(const std::string& name, std::string_view text,
                               const Policy& policy, const CheckOptions& opts = {});

// Checks files and folders (folders are walked for *.json, *.yaml, *.yml,
// *.jsonl, *.ndjson); what `sageguard check PATH...` reports. Files are
// checked on opts.threads threads (the default, 1, is the caller's alone).
Result<CheckResult> check_files(const std::vector<std::string>& paths, const Policy& policy,
                                const CheckOptions& opts = {});

// ---- Fix -----------------------------------------------------------------

using FixOptions = fix::FixOptions;
// The original and fixed text, the changes made and those that could not be
// made, and `check` on the fixed text.
using FixResult = fix::FixOutcome;

// Adds what the policy supplies and the rules ask for, as edits on `text`
// (format, key order and comments kept). Writes nothing.
Result<FixResult> fix_text(const std::string& name, std::string_view text, const Policy& policy,
                           const FixOptions& opts = {});

// ---- Export --------------------------------------------------------------

enum class ExportFormat {
  iam,         // one IAM policy document of Deny statements
  scp,         // service control policies, each within the SCP size limit
  sdk_config,  // the SageMaker Python SDK's intelligent-defaults config.yaml
  yaml,        // the effective policy, annotated with where each value came from
};

struct PolicyExport {
  std::vector<std::string> documents;  // one, except for scp (attach all of them)
  // What the format cannot carry ("<rule-id>: why"); only sageguard enforces those.
  std::vector<std::string> not_expressible;
};

Result<PolicyExport> export_policy(const Policy& policy, ExportFormat format);

}  // namespace sageguard
