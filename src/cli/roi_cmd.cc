// `sageguard roi`: per experiment, the final metric against the cost, the
// Pareto frontier and the marginal cost of the last improvement. Jobs come
// from the SageMaker API or from recorded descriptions (--from-describes).
// Exit 0 on success, 2 on bad input, 3 when an AWS call fails.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <memory>
#include <ostream>

#include "cli/account_options.h"
#include "cli/aws_options.h"
#include "cli/common.h"
#include "cost/job_cost.h"
#include "cost/job_fetch.h"
#include "sageguard/cost/price_table.h"
#include "cost/roi.h"
#include "report/cost_reports.h"

namespace sageguard::cli {

namespace {

struct RoiFlags {
  std::string metric;
  std::string goal = "max";
  std::optional<std::string> group_by;
  std::optional<double> value_per_unit;
  std::string format = "text";
  std::optional<std::string> output;
  std::vector<std::string> describes;
  std::optional<std::string> price_list;
  std::optional<std::string> since;
  std::optional<std::string> until;
  std::optional<std::string> as_of;
  unsigned concurrency = 4;
  AwsFlags aws;
  AccountFlags accounts;
};

int run_roi(Io& io, const RoiFlags& f) {
  auto prices = f.price_list ? cost::PriceTable::load_file(*f.price_list) : cost::PriceTable::builtin();
  if (!prices.ok()) return report_error(io, prices.error());
  cost::JobCostOptions jo;
  jo.since = f.since;
  jo.until = f.until;
  std::optional<double> as_of;
  if (f.as_of) {
    as_of = cost::parse_time(nlohmann::json(*f.as_of));
    if (!as_of) return report_error(io, Error::make(ErrorCode::usage, "--as-of must be an ISO-8601 time"));
    jo.now_epoch = *as_of;
  } else {
    jo.now_epoch = io.clock.now_epoch();
  }
  std::vector<nlohmann::json> describes;
  std::vector<std::string> files;
  std::vector<cost::JobRecord> records;  // of other accounts (--accounts, --org-role)
  size_t failed_accounts = 0;
  if (f.accounts.requested() && !f.describes.empty()) {
    return report_error(io, Error::make(ErrorCode::usage, "--accounts, --org-role, --account and "
                                                          "--exclude-account apply to the API only, "
                                                          "not --from-describes"));
  }
  if (!f.describes.empty()) {
    auto d = cost::load_describe_files(f.describes);
    if (!d.ok()) return report_error(io, d.error());
    describes = std::move(d->items);
    files = std::move(d->files);
    jo.region = f.aws.region;
    if (jo.region.empty()) {
      const char* r = std::getenv("AWS_REGION");
      jo.region = r && *r ? r : "us-east-1";
    }
  } else {
    cost::FetchOptions fo;
    fo.concurrency = f.concurrency;
    fo.endpoints = false;  // experiments are training (and processing/transform) work
    if (f.accounts.requested()) {
      auto failed = account_job_records(io, f.accounts, f.aws, fo, *prices, jo, records);
      if (!failed.ok()) return report_error(io, failed.error());
      failed_accounts = *failed;
    } else {
      auto client = make_client(f.aws, io);
      if (!client.ok()) return report_error(io, client.error());
      jo.region = (*client)->config().region;
      auto d = cost::fetch_describes(**client, fo);
      if (!d.ok()) return report_error(io, d.error());
      describes = std::move(*d);
    }
  }
  cost::RoiOptions ro;
  ro.metric = f.metric;
  ro.goal = f.goal == "min" ? cost::Goal::min : cost::Goal::max;
  ro.group_by = f.group_by;
  ro.value_per_unit = f.value_per_unit;
  auto own = cost::job_records(describes, *prices, jo);
  records.insert(records.begin(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
  if (!f.describes.empty()) {
    auto stale = cost::check_offline_records(records, files, as_of, jo.now_epoch);
    if (!stale.ok()) return report_error(io, stale.error());
    for (const auto& w : *stale) io.err << "sageguard: warning: " << w << "\n";
  }
  auto rep = cost::roi_report(records, ro);
  if (!rep.ok()) return report_error(io, rep.error());
  std::string body;
  if (f.format == "json") body = report::roi_json(*rep);
  else if (f.format == "html") body = report::roi_html(*rep);
  else body = report::roi_text(*rep);
  if (Status s = emit_output(io, f.output, body); !s.ok()) return report_error(io, s.error());
  if (rep->experiments.empty()) io.err << "sageguard: warning: no experiment found\n";
  if (failed_accounts > 0) {
    io.err << "sageguard: error: " << failed_accounts << " account(s) could not be read; the report covers the others\n";
    return 3;
  }
  return 0;
}

}  // namespace

Command roi_command() {
  return {"roi", "Metric against cost per experiment, with the Pareto frontier", [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<RoiFlags>();
            sub.add_option("--metric", f->metric, "FinalMetricDataList MetricName, e.g. validation:auc")
                ->required();
            sub.add_option("--goal", f->goal, "max: higher is better (default); min: lower is better")
                ->check(CLI::IsMember({"max", "min"}));
            sub.add_option("--group-by", f->group_by,
                           "Tag key naming the experiment (default: ExperimentConfig.ExperimentName, "
                           "else the tuning job, else the job)");
            sub.add_option("--value-per-unit", f->value_per_unit,
                           "USD one unit of metric is worth: adds ROI = (value - cost) / cost");
            sub.add_option("--format", f->format, "Output format")->check(CLI::IsMember({"text", "json", "html"}));
            sub.add_option("-o,--output", f->output, "Write the report to FILE (atomically)");
            sub.add_option("--from-describes", f->describes,
                           "Recorded Describe* responses (JSON, JSON lines, or folders) instead of AWS");
            sub.add_option("--price-list", f->price_list, "Offer file or price table for prices");
            sub.add_option("--since", f->since, "First start day, YYYY-MM-DD (inclusive)");
            sub.add_option("--until", f->until, "Last start day, YYYY-MM-DD (inclusive)");
            sub.add_option("--as-of", f->as_of,
                           "Count running jobs up to this time (ISO-8601); required with --from-describes "
                           "when a recorded job was still running");
            sub.add_option("--concurrency", f->concurrency, "Parallel Describe calls (default 4)");
            add_aws_flags(sub, f->aws);
            add_account_flags(sub, f->accounts);
            return [f](Io& io) { return run_roi(io, *f); };
          }};
}

}  // namespace sageguard::cli
