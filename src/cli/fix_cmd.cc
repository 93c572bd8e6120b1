// `sageguard fix`: add what the policy supplies and the rules ask for, keep
// everything else byte for byte, report what changed and what still fails.
// Streams: with `-o -` the fixed document owns stdout and with --diff the
// diff does; everything else (changes, remaining findings) then goes to stderr.
#include <CLI/CLI.hpp>
#include <memory>

#include "sageguard/cost/budget_estimator.h"
#include "cli/common.h"
#include "sageguard/fix/fix.h"
#include "sageguard/report/check_report.h"
#include "util/files.h"
#include "util/strings.h"

namespace sageguard::cli {

namespace {

struct FixFlags {
  std::optional<std::string> policy;
  bool in_place = false;
  std::optional<std::string> output;
  bool diff = false;
  std::vector<std::string> only;
  std::vector<std::string> skip;
  std::optional<std::string> kind;
  std::string max_file_size = "256M";
  std::optional<std::string> price_list;
  std::string path;
};

int run_fix(Io& io, const FixFlags& f) {
  if (f.in_place && f.output) {
    return report_error(io, Error::make(ErrorCode::usage, "--in-place and -o are exclusive"));
  }
  if (f.diff && f.output && *f.output == "-") {
    return report_error(
        io, Error::make(ErrorCode::usage, "--diff and -o - would both write to stdout"));
  }
  if (!f.in_place && !f.output && !f.diff) {
    return report_error(
        io, Error::make(ErrorCode::usage,
                        "say where the fixed document goes: --in-place or -o OUT (or --diff "
                        "alone to preview)"));
  }
  fix::FixOptions opts;
  opts.today = io.clock.today();
  opts.only = f.only;
  opts.skip = f.skip;
  if (f.kind) {
    opts.kind = parse_kind_flag(*f.kind);
    opts.format = parse_format_flag(*f.kind);
    if (!opts.kind && !opts.format) {
      return report_error(io, Error::make(ErrorCode::usage, "unknown --kind '" + *f.kind + "'"));
    }
  }
  auto size = parse_size(f.max_file_size);
  if (!size) {
    return report_error(
        io, Error::make(ErrorCode::usage, "invalid --max-file-size '" + f.max_file_size + "'"));
  }
  opts.read.max_file_size = *size;
  auto policy = load_effective_policy(f.policy);
  if (!policy.ok()) return report_error(io, policy.error());
  // The same estimator as check: what is left is what check would report.
  auto estimator = cost::budget_estimator(*policy, f.price_list);
  if (!estimator.ok()) return report_error(io, estimator.error());
  opts.estimator = std::move(estimator).value();
  auto outcome = fix::fix_file(f.path, *policy, opts);
  if (!outcome.ok()) return report_error(io, outcome.error());

  const bool doc_to_stdout = f.output && *f.output == "-";
  const bool to_file = f.output && !doc_to_stdout;
  std::ostream& report = (doc_to_stdout || f.diff) ? io.err : io.out;

  // Write first: if writing fails nothing claims success.
  if (f.in_place && outcome->fixed != outcome->original) {
    if (Status s = write_file_atomic(f.path, outcome->fixed); !s.ok()) {
      return report_error(io, s.error());
    }
  } else if (to_file) {
    if (Status s = write_file_atomic(*f.output, outcome->fixed); !s.ok()) {
      return report_error(io, s.error());
    }
  } else if (doc_to_stdout) {
    io.out << outcome->fixed;
  }
  if (f.diff) {
    io.out << fix::unified_diff(outcome->original, outcome->fixed, f.path,
                                to_file ? *f.output : f.path);
  }
  // A document or diff lost on stdout: nothing claims success.
  if (Status s = check_output(io); !s.ok()) return report_error(io, s.error());

  // File names and values come from the input: terminal-safe, as findings are.
  for (const auto& c : outcome->changes) {
    report << terminal_safe(c.file) << ":" << c.line << ": " << c.rule << ": "
           << terminal_safe(c.what) << "\n";
  }
  for (const auto& c : outcome->not_applied) {
    report << terminal_safe(c.file) << ":" << c.line << ": " << c.rule
           << ": not applied (cannot edit this part of the file safely): "
           << terminal_safe(c.what) << "\n";
  }
  for (const auto& c : outcome->withheld) {
    report << c.file << ":" << c.line << ": " << c.rule << ": not fixed (it could break the job): "
           << c.what << "\n";
  }
  CheckResult remaining = outcome->remaining;
  if (to_file) {
    for (auto& finding : remaining.findings) {
      if (finding.file == f.path) finding.file = *f.output;
    }
  }
  if (!remaining.findings.empty()) {
    report::TextOptions t;
    report << report::check_text(remaining, t);
  } else {
    report << outcome->changes.size() << " change(s); nothing left to fix\n";
  }
  report.flush();
  return has_findings_at_or_above(remaining, Severity::error) ? 1 : 0;
}

}  // namespace

Command fix_command() {
  return {"fix", "Add what the policy supplies to job and deployment definitions",
          [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<FixFlags>();
            sub.add_option("--policy", f->policy,
                           "Policy file (default: $SAGEGUARD_POLICY, "
                           "./sageguard.yaml, built-in)");
            sub.add_flag("--in-place", f->in_place, "Rewrite PATH (atomically)");
            sub.add_option("-o,--output", f->output,
                           "Write the fixed document to OUT (atomically; '-' for stdout)");
            sub.add_flag("--diff", f->diff, "Print a unified diff of the changes to stdout");
            sub.add_option("--only", f->only, "Fix only these rule ids (comma-separated)")
                ->delimiter(',');
            sub.add_option("--skip", f->skip, "Never fix these rule ids (comma-separated)")
                ->delimiter(',');
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
                           "AWS Price List offer file for budget.max-cost in the re-check "
                           "(default: the bundled table)");
            sub.add_option("path", f->path, "The file to fix")->required();
            return [f](Io& io) { return run_fix(io, *f); };
          }};
}

}  // namespace sageguard::cli
