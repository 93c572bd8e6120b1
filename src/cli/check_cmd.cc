// `sageguard check`: evaluate documents against the policy, report, and exit
// 1 when a finding is at or above --fail-on.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>

#include "cli/common.h"
#include "rules/check_windowed.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/check.h"
#include "sageguard/cost/price_table.h"
#include "sageguard/launch/cost_estimator.h"
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
    if (!opts.kind) {
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
  if (policy->max_job_cost_usd || f.price_list) {
    // budget.max-cost needs prices; the region only picks them (no AWS call).
    auto table = f.price_list ? cost::PriceTable::load_file(*f.price_list) : cost::PriceTable::builtin();
    if (!table.ok()) return report_error(io, table.error());
    auto region = aws::resolve_region(aws::process_env(), "", "");
    opts.estimator = launch::make_cost_estimator(
        std::make_shared<const cost::PriceTable>(std::move(table).value()),
        region.ok() ? *region : "us-east-1");
  }
  // A large bundle yields findings (small strings) in proportion to its
  // size: have the heap they go to ready in huge pages, about as large.
  reserve_heap_in_huge_pages(large_named_input(f.paths));
  auto result = check_paths(f.paths, *policy, opts);
  if (!result.ok()) return report_error(io, result.error());

  const Severity threshold = parse_severity(f.fail_on).value_or(Severity::error);
  const int status = has_findings_at_or_above(*result, threshold) ? 1 : 0;
  std::string body;
  if (f.format == "json" && (!f.output || f.output->empty() || *f.output == "-")) {
    // Straight to stdout in pieces: a large report is never held whole.
    report::check_json(*result, [&](std::string_view piece) {
      io.out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    });
    io.out.flush();
    bury(std::move(result).value());  // freeing 100,000 strings is exit's job
    return status;
  }
  if (f.format == "json") {
    body = report::check_json(*result);
  } else if (f.format == "sarif") {
    body = report::check_sarif(*result);
  } else {
    report::TextOptions t;
    t.color = io.out_is_tty && !f.output && std::getenv("NO_COLOR") == nullptr;
    body = report::check_text(*result, t);
  }
  if (Status s = emit_output(io, f.output, body); !s.ok()) return report_error(io, s.error());
  bury(std::move(result).value());
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
                           "transform-job, model, endpoint-config, endpoint, pipeline");
            sub.add_option("--max-file-size", f->max_file_size,
                           "Refuse larger input files (default 256M)");
            sub.add_option("--price-list", f->price_list,
                           "AWS Price List offer file for budget.max-cost (default: the bundled "
                           "table)");
            sub.add_option("paths", f->paths, "Files or folders")->required();
            return [f](Io& io) { return run_check(io, *f); };
          }};
}

}  // namespace sageguard::cli
