// `sageguard cost`: cost per group from billing exports (--cur), from the
// SageMaker API (--jobs) or from recorded descriptions (--jobs
// --from-describes), or the equivalent SQL (--emit-sql). Exit 0 on success,
// 2 on bad input (the file named), 3 when an AWS call fails.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <memory>
#include <ostream>

#include "cli/account_options.h"
#include "cli/aws_options.h"
#include "cli/common.h"
#include "sageguard/cost/cost_sql.h"
#include "sageguard/cost/cur_reader.h"
#include "cost/job_cost.h"
#include "cost/job_fetch.h"
#include "sageguard/cost/price_table.h"
#include "cost/report_window.h"
#include "report/cost_reports.h"
#include "util/strings.h"

namespace sageguard::cli {

namespace {

struct CostFlags {
  bool jobs = false;
  std::vector<std::string> cur;
  std::vector<std::string> describes;
  std::string group_by;
  std::optional<std::string> since;
  std::optional<std::string> until;
  bool all_services = false;
  std::string measure = "unblended";
  bool strict = false;
  std::string format = "text";
  std::optional<std::string> output;
  std::optional<std::string> emit_sql;
  std::string sql_table = "cur2";
  std::optional<std::string> price_list;
  std::optional<std::string> as_of;
  unsigned threads = 2;
  unsigned concurrency = 4;
  AwsFlags aws;
  AccountFlags accounts;
};

std::vector<std::string> split_keys(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty() || !out.empty()) out.push_back(cur);
  return out;
}

std::string region_or_default(const std::string& flag) {
  if (!flag.empty()) return flag;
  for (const char* v : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const char* r = std::getenv(v);
    if (r && *r) return r;
  }
  return "us-east-1";
}

int emit(Io& io, const CostFlags& f, const cost::CostReport& rep) {
  std::string body;
  if (f.format == "json") body = report::cost_json(rep);
  else if (f.format == "csv") body = report::cost_csv(rep);
  else if (f.format == "html") body = report::cost_html(rep);
  else body = report::cost_text(rep);
  if (Status s = emit_output(io, f.output, body); !s.ok()) return report_error(io, s.error());
  return 0;
}

int run_cur(Io& io, const CostFlags& f, const cost::CurOptions& o) {
  auto rep = cost::read_cur(f.cur, o);
  if (!rep.ok()) return report_error(io, rep.error());
  if (rep->malformed_rows > 0) {
    io.err << "sageguard: warning: " << rep->malformed_rows << " malformed row(s) skipped\n";
    for (const auto& m : rep->malformed_samples) {
      // The reason may quote the billing file's own bytes.
      io.err << "  " << terminal_safe(m.file) << ":" << m.line << ": " << terminal_safe(m.reason)
             << "\n";
    }
    if (rep->malformed_rows > rep->malformed_samples.size()) {
      io.err << "  ... and " << rep->malformed_rows - rep->malformed_samples.size() << " more\n";
    }
  }
  if (rep->files.empty()) io.err << "sageguard: warning: no billing files found\n";
  return emit(io, f, *rep);
}

int run_jobs(Io& io, const CostFlags& f) {
  auto prices = f.price_list ? cost::PriceTable::load_file(*f.price_list) : cost::PriceTable::builtin();
  if (!prices.ok()) return report_error(io, prices.error());
  auto as_of = cost::parse_as_of(f.as_of);
  if (!as_of.ok()) return report_error(io, as_of.error());
  for (Status s : {cost::check_day("--since", f.since), cost::check_day("--until", f.until)}) {
    if (!s.ok()) return report_error(io, s.error());
  }
  cost::JobCostOptions jo;
  // Running resources are priced up to --as-of, else up to the command's
  // clock (--today / SAGEGUARD_TODAY pin it to the end of that day).
  jo.now_epoch = as_of->value_or(io.clock.now_epoch());
  jo.since = f.since;
  jo.until = f.until;
  std::vector<nlohmann::json> describes;
  std::vector<std::string> files;
  std::vector<cost::JobRecord> records;  // of other accounts (--accounts, --org-role)
  size_t failed_accounts = 0;
  if (!f.describes.empty()) {
    auto d = cost::load_describe_files(f.describes);
    if (!d.ok()) return report_error(io, d.error());
    describes = std::move(d->items);
    files = std::move(d->files);
    jo.region = region_or_default(f.aws.region);
  } else {
    Result<std::unique_ptr<aws::JsonClient>> client = std::unique_ptr<aws::JsonClient>();
    if (!f.accounts.requested()) {
      client = make_client(f.aws, io);
      if (!client.ok()) return report_error(io, client.error());
      jo.region = (*client)->config().region;
    }
    cost::FetchOptions fo;
    fo.concurrency = f.concurrency;
    cost::set_listing_window(f.since, f.until, fo);
    if (f.accounts.requested()) {
      auto failed = account_job_records(io, f.accounts, f.aws, fo, *prices, jo, records);
      if (!failed.ok()) return report_error(io, failed.error());
      failed_accounts = *failed;
    } else {
      auto d = cost::fetch_describes(**client, fo);
      if (!d.ok()) return report_error(io, d.error());
      describes = std::move(*d);
    }
  }
  auto own = cost::job_records(describes, *prices, jo);
  records.insert(records.begin(), std::make_move_iterator(own.begin()), std::make_move_iterator(own.end()));
  std::vector<std::string> stale;
  if (!f.describes.empty()) {
    auto checked = cost::check_offline_records(records, files, *as_of, jo.now_epoch);
    if (!checked.ok()) return report_error(io, checked.error());
    stale = std::move(*checked);
  }
  cost::CostReport rep = cost::aggregate_jobs(records, split_keys(f.group_by));
  rep.warnings.insert(rep.warnings.end(), stale.begin(), stale.end());
  for (const auto& w : rep.warnings) io.err << "sageguard: warning: " << w << "\n";
  const int rc = emit(io, f, rep);
  if (rc == 0 && failed_accounts > 0) {
    io.err << "sageguard: error: " << failed_accounts << " account(s) could not be read; the report covers the others\n";
    return 3;
  }
  return rc;
}

int run_cost(Io& io, const CostFlags& f) {
  cost::CurOptions o;
  o.group_by = split_keys(f.group_by);
  auto m = cost::measure_from_string(f.measure);
  if (!m) return report_error(io, Error::make(ErrorCode::usage, "unknown --measure '" + f.measure + "'"));
  o.measure = *m;
  o.all_services = f.all_services;
  o.since = f.since;
  o.until = f.until;
  o.strict = f.strict;
  o.threads = f.threads == 0 ? 1 : f.threads;
  if (f.emit_sql) {
    auto sql = cost::emit_cost_sql(o, *f.emit_sql == "athena" ? cost::SqlDialect::athena : cost::SqlDialect::duckdb,
                                   f.sql_table);
    if (!sql.ok()) return report_error(io, sql.error());
    if (Status s = emit_output(io, f.output, *sql); !s.ok()) return report_error(io, s.error());
    return 0;
  }
  const bool jobs = f.jobs || !f.describes.empty();
  if (f.accounts.requested() && (!f.jobs || !f.describes.empty())) {
    return report_error(io, Error::make(ErrorCode::usage, "--accounts, --org-role, --account and "
                                                          "--exclude-account apply to --jobs from the API only"));
  }
  if (jobs == !f.cur.empty()) {
    return report_error(io, Error::make(ErrorCode::usage, "give exactly one of --jobs or --cur PATH..."));
  }
  if (jobs) {
    if (f.measure != "unblended" || f.all_services || f.strict) {
      return report_error(io, Error::make(ErrorCode::usage,
                                          "--measure, --all-services and --strict apply to --cur only"));
    }
    return run_jobs(io, f);
  }
  return run_cur(io, f, o);
}

}  // namespace

Command cost_command() {
  return {"cost", "Cost per project, tag, job or month (billing exports or the SageMaker API)",
          [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<CostFlags>();
            sub.add_flag("--jobs", f->jobs, "Cost from the SageMaker API (jobs and endpoints)");
            sub.add_option("--cur", f->cur,
                           "CUR / CUR 2.0 / FOCUS CSV files, folders or manifests (plain or gzip)");
            sub.add_option("--from-describes", f->describes,
                           "With --jobs: recorded Describe* responses (JSON, JSON lines, or folders) "
                           "instead of calling AWS");
            sub.add_option("--group-by", f->group_by,
                           "Comma-separated tag keys and pseudo-keys: month, instance-type, account; --cur: resource; "
                           "--jobs: job, kind, experiment");
            sub.add_option("--since", f->since, "First usage day, YYYY-MM-DD (inclusive)");
            sub.add_option("--until", f->until, "Last usage day, YYYY-MM-DD (inclusive)");
            sub.add_flag("--all-services", f->all_services, "--cur: all services, not only SageMaker");
            sub.add_option("--measure", f->measure, "--cur: unblended, net, amortized, effective or public-on-demand")
                ->check(CLI::IsMember({"unblended", "net", "amortized", "effective", "public-on-demand"}));
            sub.add_flag("--strict", f->strict, "--cur: the first malformed row is an error");
            sub.add_option("--format", f->format, "Output format")
                ->check(CLI::IsMember({"text", "json", "csv", "html"}));
            sub.add_option("-o,--output", f->output, "Write the report to FILE (atomically)");
            sub.add_option("--emit-sql", f->emit_sql, "Print the aggregation as SQL over the CUR 2.0 table")
                ->check(CLI::IsMember({"athena", "duckdb"}));
            sub.add_option("--sql-table", f->sql_table, "Table name for --emit-sql (default cur2)");
            sub.add_option("--price-list", f->price_list, "--jobs: offer file or price table for prices");
            sub.add_option("--as-of", f->as_of,
                           "--jobs: count running resources up to this time (ISO-8601) instead of now; "
                           "required with --from-describes when a recorded resource was still running");
            sub.add_option("--threads", f->threads,
                           "--cur: threads (default 2): a file per thread, or one file split across them");
            sub.add_option("--concurrency", f->concurrency, "--jobs: parallel Describe calls (default 4)");
            add_aws_flags(sub, f->aws);
            add_account_flags(sub, f->accounts);
            return [f](Io& io) { return run_cost(io, *f); };
          }};
}

}  // namespace sageguard::cli
