// `sageguard estimate`: worst-case cost of specs before launch. Exit 0 when
// every spec has a bound within budget; 1 when a spec cannot be priced
// (unknown instance type, unbounded runtime, unresolved field) or exceeds
// the policy's limits.max_job_cost_usd; 2 on unreadable/invalid input.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <memory>
#include <ostream>

#include "cli/common.h"
#include "cost/estimate_specs.h"
#include "sageguard/cost/price_table.h"
#include "report/cost_reports.h"

namespace sageguard::cli {

namespace {

struct EstimateFlags {
  std::optional<std::string> policy;
  std::optional<std::string> price_list;
  std::string region;
  std::string format = "text";
  std::optional<std::string> output;
  std::vector<std::string> specs;
};

std::string default_region(const std::string& flag) {
  if (!flag.empty()) return flag;
  for (const char* v : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* r = std::getenv(v);
    if (r && *r) return r;
  }
  return "us-east-1";
}

int run_estimate(Io& io, const EstimateFlags& f) {
  auto policy = load_effective_policy(f.policy);
  if (!policy.ok()) return report_error(io, policy.error());
  auto prices = f.price_list ? cost::PriceTable::load_file(*f.price_list) : cost::PriceTable::builtin();
  if (!prices.ok()) return report_error(io, prices.error());
  const std::string region = default_region(f.region);
  auto run = cost::estimate_files(f.specs, region, *prices, policy->max_job_cost_usd);
  if (!run.ok()) return report_error(io, run.error());
  report::PriceInfo info{prices->source(), prices->date(), region};
  std::string body = f.format == "json" ? report::estimate_json(*run, info) : report::estimate_text(*run, info);
  if (Status s = emit_output(io, f.output, body); !s.ok()) return report_error(io, s.error());
  if (run->specs.empty()) {
    io.err << "sageguard: warning: no training, tuning, processing or transform job found\n";
  }
  return run->unpriceable > 0 || run->over_budget > 0 ? 1 : 0;
}

}  // namespace

Command estimate_command() {
  return {"estimate", "Worst-case cost of job definitions before launch", [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<EstimateFlags>();
            sub.add_option("--policy", f->policy, "Policy file (its limits.max_job_cost_usd is the budget)");
            sub.add_option("--price-list", f->price_list,
                           "AWS Price List offer file (AmazonSageMaker) or sageguard price table "
                           "(default: the bundled us-east-1 table)");
            sub.add_option("--region", f->region, "Region to price in (default: AWS_REGION, us-east-1)");
            sub.add_option("--format", f->format, "Output format")->check(CLI::IsMember({"text", "json"}));
            sub.add_option("-o,--output", f->output, "Write the report to FILE (atomically)");
            sub.add_option("specs", f->specs, "Job definitions (JSON/YAML files or folders)")->required();
            return [f](Io& io) { return run_estimate(io, *f); };
          }};
}

}  // namespace sageguard::cli
