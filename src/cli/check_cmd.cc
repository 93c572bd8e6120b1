// `sageguard check`: evaluate documents against the policy, report, and exit
// 1 when a finding is at or above --fail-on.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>

#include "sageguard/cost/budget_estimator.h"
#include "cli/common.h"
#include "check/check_windowed.h"
#include "sageguard/check.h"
#include "sageguard/report/check_report.h"
#include "util/bury.h"
#include "util/memory.h"

namespace sageguard::cli {

namespace {

struct CheckFlags {
  std::optional<std::string> policy;
  std::string format = "text";
  std::optional<std::string> output;
  std::string fail_on = "error";
  std::optional<std::string> kind;
  std::string max_file_size = "256M";
  std::optional<std::string> price_list;
  bool verbose = false;
  std::vector<std::string> paths;
};

// Bytes in the files named on the command line that are large enough to be
// read through a window (folders are not walked for this estimate).
uint64_t large_named_input(const std::vector<std::string>& paths) {
  uint64_t total = 0;
  for (const auto& p : paths) {
    std::error_code ec;
    const auto st = std::filesystem::status(p, ec);
    if (ec || !std::filesystem::is_regular_file(st)) continue;
    const auto size = std::filesystem::file_size(p, ec);
    if (!ec && size >= kWindowedFrom) total += size;
  }
  return total;
}

int run_check(Io& io, const CheckFlags& f) {
  CheckOptions opts;
  opts.today = io.clock.today();
  opts.threads = 0;  // the CLI asks for every usable CPU and for memory hints
  opts.memory_hints = true;
  if (f.kind) {
    opts.kind = parse_kind_flag(*f.kind);
    opts.format = parse_format_flag(*f.kind);
    if (!opts.kind && !opts.format) {
      return report_error(io, Error::make(ErrorCode::usage, "unknown --kind '" + *f.kind + "'"));
    }
  }
  auto size = parse_size(f.max_file_size);
  if (!size) {
    return report_error(io, Error::make(ErrorCode::usage,
                                        "invalid --max-file-size '" + f.max_file_size + "'"));
  }
  opts.read.max_file_size = *size;
  auto policy = load_effective_policy(f.policy);
  if (!policy.ok()) return report_error(io, policy.error());
  auto estimator = cost::budget_estimator(*policy, f.price_list);
  if (!estimator.ok()) return report_error(io, estimator.error());
  opts.estimator = std::move(estimator).value();
  // A large bundle yields findings (small strings) in proportion to its
  // size: have the heap they go to ready in huge pages, about as large.
  reserve_heap_in_huge_pages(large_named_input(f.paths));
  auto result = check_paths(f.paths, *policy, opts);
  if (!result.ok()) return report_error(io, result.error());

  // Files that could not be read are reported (stderr, and as parse.error
  // findings in the report) without hiding the others' findings; they make
  // the exit status 2, which wins over 1.
  for (const Error& e : result->errors) report_error(io, e);
  const Severity threshold = parse_severity(f.fail_on).value_or(Severity::error);
  const int status = !result->errors.empty()                       ? 2
                     : has_findings_at_or_above(*result, threshold) ? 1
                                                                    : 0;
  Status written;
  if (f.format == "json" || f.format == "sarif") {
    // In pieces, to stdout or the -o file: a large report is never held whole.
    written = emit_streamed(io, f.output, [&](const PieceSink& sink) {
      if (f.format == "json") {
        report::check_json(*result, sink);
      } else {
        report::check_sarif(*result, sink);
      }
    });
  } else {
    report::TextOptions t;
    t.color = io.out_is_tty && !f.output && std::getenv("NO_COLOR") == nullptr;
    t.verbose = f.verbose;
    written = emit_output(io, f.output, report::check_text(*result, t));
  }
  if (!written.ok()) return report_error(io, written.error());
  bury(std::move(result).value());  // freeing 100,000 strings is exit's job
  return status;
}

}  // namespace

Command check_command() {
  return {"check", "Check job and deployment definitions against the policy",
          [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<CheckFlags>();
            sub.add_option("--policy", f->policy, "Policy file (default: $SAGEGUARD_POLICY, "
                                                  "./sageguard.yaml, built-in)");
            sub.add_option("--format", f->format, "Output format")
                ->check(CLI::IsMember({"text", "json", "sarif"}));
            sub.add_option("-o,--output", f->output, "Write the report to FILE (atomically)");
            sub.add_option("--fail-on", f->fail_on, "Exit 1 on findings at or above this severity")
                ->check(CLI::IsMember({"error", "warning", "note"}));
            sub.add_option("--kind", f->kind,
                           "Treat input as this kind: training-job, tuning-job, processing-job, "
                           "transform-job, model, endpoint-config, endpoint, pipeline, "
                           "notebook-instance, domain, user-profile, space, automl-job, "
                           "automl-job-v2, data-quality-job-definition, "
                           "model-quality-job-definition, model-bias-job-definition, "
                           "model-explainability-job-definition, monitoring-schedule, "
                           "feature-group, model-package-group, model-package; or this "
                           "format: cloudformation, step-functions, terraform, terraform-plan");
            sub.add_option("--max-file-size", f->max_file_size,
                           "Refuse larger input files (default 256M)");
            sub.add_option("--price-list", f->price_list,
                           "AWS Price List offer file for budget.max-cost (default: the bundled "
                           "table)");
            sub.add_flag("--verbose", f->verbose,
                         "Name every file skipped while walking folders (else the first few)");
            sub.add_option("paths", f->paths, "Files or folders")->required();
            return [f](Io& io) { return run_check(io, *f); };
          }};
}

}  // namespace sageguard::cli
