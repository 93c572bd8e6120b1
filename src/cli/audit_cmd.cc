// `sageguard audit`: list and describe what runs in SageMaker (one or more
// regions), evaluate it with the rule engine, report. Exit 3 when anything
// could not be read, else 1 on findings at or above --fail-on, else 0.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <ostream>

#include "cli/account_options.h"
#include "cli/aws_options.h"
#include "cli/common.h"
#include "audit/audit.h"
#include "sageguard/audit/audit_kinds.h"
#include "sageguard/audit/rate_limited_transport.h"
#include "audit/run_options.h"
#include "sageguard/aws/ec2_regions.h"
#include "sageguard/aws/env.h"
#include "sageguard/aws/retry_strategy.h"
#include "sageguard/cost/budget_estimator.h"
#include "report/audit_html.h"
#include "report/audit_report.h"
#include "util/cpus.h"
#include "util/strings.h"

namespace sageguard::cli {

namespace {

struct AuditFlags {
  std::optional<std::string> policy;
  std::string kinds;
  std::optional<int> concurrency;  // default: audit::default_concurrency(max_tps)
  double max_tps = 20;
  std::string format = "text";
  std::optional<std::string> output;
  std::string fail_on = "error";
  std::vector<std::string> regions;
  std::string profile;
  std::string endpoint_url;
  bool debug = false;
  AwsFlags aws;  // --mfa-code, and the credentials chain every region shares
  AccountFlags accounts;
  std::optional<std::string> since;
  std::optional<std::string> status;
  std::optional<std::string> name;
  std::optional<std::string> save;
  std::optional<std::string> price_list;
  bool progress = true;
};

// One client per region, all sending through the same rate-limited transport.
Result<std::unique_ptr<aws::JsonClient>> region_client(const AuditFlags& f, const std::string& region,
                                                       std::shared_ptr<aws::HttpTransport> transport,
                                                       Io& io) {
  AwsFlags flags = f.aws;
  flags.region = region;
  flags.profile = f.profile;
  flags.endpoint_url = f.endpoint_url;
  flags.debug = f.debug;
  return make_client(flags, io, std::move(transport));
}

// The flags of the command's own credentials (the base of every account's role).
AwsFlags base_flags(const AuditFlags& f) {
  AwsFlags flags = f.aws;
  flags.profile = f.profile;
  flags.debug = f.debug;
  flags.endpoint_url = f.endpoint_url;
  return flags;
}

// --region all: the regions EC2 DescribeRegions says are enabled (asked in
// the profile's region, through the audit's rate-limited transport).
Result<std::vector<std::string>> enabled_regions(const AuditFlags& f,
                                                 std::shared_ptr<aws::HttpTransport> transport,
                                                 Io& io,
                                                 std::shared_ptr<aws::CredentialsProvider> credentials = nullptr) {
  aws::Ec2RegionsOptions o;
  o.profile = f.profile;
  o.transport = std::move(transport);
  AwsFlags flags = f.aws;
  flags.profile = f.profile;
  flags.debug = f.debug;
  o.credentials = credentials ? std::move(credentials) : credentials_for(flags, io);
  // The command's one --debug sink: accounts ask for their regions at once.
  o.trace = shared_trace(flags, io);
  return aws::enabled_regions(std::move(o));
}

struct AccountTargets {
  std::vector<std::unique_ptr<aws::JsonClient>> clients;
  std::vector<audit::RegionTarget> targets;
};

// Threads that assume the accounts' roles (and ask for their regions) at once.
constexpr size_t kAccountSetupThreads = 16;

// Every account of --accounts / --org-role, in each of its regions: one
// client per account and region, with its own rate limiter (each has its
// own SageMaker quota), all sending through one pool of connections. An
// account whose role cannot be assumed, or whose regions cannot be listed,
// goes to setup.account_failures; the others are audited.
Result<AccountTargets> audit_accounts(const AuditFlags& f, const std::vector<std::string>& regions,
                                      bool all_regions, aws::RetryMode mode,
                                      const audit::RateLimiterConfig& rl, audit::CollectOptions& co,
                                      aws::CurlTransportOptions curl_options, Io& io,
                                      audit::Inventory& setup) {
  const AwsFlags base = base_flags(f);
  auto plain = aws::make_curl_transport(curl_options);  // STS, Organizations, EC2
  SG_ASSIGN_OR_RETURN(auto plans, plan_accounts(f.accounts, base, io, plain));
  check_accounts(plans, kAccountSetupThreads);
  // Each account's regions: its own in the file, else the command's, else
  // with --region all the ones EC2 lists as enabled for that account.
  std::vector<std::vector<std::string>> account_regions(plans.size());
  {
    std::atomic<size_t> next{0};
    run_on_threads(std::max<size_t>(1, std::min(kAccountSetupThreads, plans.size())), [&] {
      for (size_t i = next++; i < plans.size(); i = next++) {
        AccountPlan& p = plans[i];
        if (!p.failure.empty()) continue;
        if (!p.regions.empty()) {
          account_regions[i] = p.regions;
        } else if (all_regions) {
          auto enabled = enabled_regions(f, plain, io, p.credentials);
          if (enabled.ok()) {
            account_regions[i] = std::move(enabled).value();
          } else {
            p.failure = enabled.error().message;
          }
        } else {
          account_regions[i] = regions;
        }
      }
    });
  }
  size_t target_count = 0;
  for (size_t i = 0; i < plans.size(); ++i) {
    if (!plans[i].name.empty()) setup.account_names[plans[i].id] = plans[i].name;
    if (plans[i].failure.empty()) target_count += account_regions[i].size();
  }
  // Enough workers for every account and region to reach --max-tps.
  if (!f.concurrency) {
    co.concurrency = audit::default_concurrency(
        f.max_tps * static_cast<double>(std::max<size_t>(1, target_count)));
  }
  curl_options.max_idle_handles = static_cast<size_t>(co.concurrency) + 1;
  std::shared_ptr<aws::HttpTransport> pool = aws::make_curl_transport(std::move(curl_options));
  AccountTargets out;
  for (size_t i = 0; i < plans.size(); ++i) {
    const AccountPlan& p = plans[i];
    if (!p.failure.empty()) {
      setup.account_failures.push_back({p.id, p.name, p.failure});
      continue;
    }
    AwsFlags flags = base;
    flags.credentials = std::make_shared<SharedCredentials>();
    flags.credentials->provider = p.credentials;
    flags.credentials->trace = shared_trace(base, io);
    flags.credentials->trace_made = true;
    for (const auto& r : account_regions[i]) {
      auto transport = std::make_shared<audit::RateLimitedTransport>(
          pool, std::make_shared<audit::RateLimiter>(rl), mode);
      flags.region = r;
      SG_ASSIGN_OR_RETURN(auto c, make_client(flags, io, transport));
      out.targets.push_back({c->config().region, c.get(), p.id});
      out.clients.push_back(std::move(c));
    }
  }
  return out;
}

std::string progress_line(const audit::CollectProgress& p) {
  const double rate = p.elapsed_seconds > 0 ? p.calls / p.elapsed_seconds : 0;
  std::string line = fmt::format("audit: listed {}{}, read {}/{}, {:.1f} calls/s", p.listed,
                                 p.listing ? "+" : "", p.done, p.listed, rate);
  const double per_item = p.done > 0 ? p.elapsed_seconds / static_cast<double>(p.done) : 0;
  if (!p.listing && p.done > 0 && p.done < p.listed) {
    line += fmt::format(", ETA {:.0f} s", per_item * static_cast<double>(p.listed - p.done));
  }
  return line;
}

int run_audit(Io& io, const AuditFlags& f) {
  std::vector<std::string> bad;
  audit::CollectOptions co;
  co.kinds = audit::parse_kinds(f.kinds, bad);
  if (!bad.empty()) {
    std::string known;
    for (const auto& k : audit::audit_kinds()) known += (known.empty() ? "" : ", ") + std::string(k.flag);
    return report_error(io, Error::make(ErrorCode::usage, "unknown kind in --kinds: '" + bad[0] +
                                                              "' (expected " + known + " or all)"));
  }
  if (f.concurrency && (*f.concurrency < 1 || *f.concurrency > audit::kMaxConcurrency)) {
    return report_error(io, Error::make(ErrorCode::usage, "--concurrency must be 1..256"));
  }
  if (!(f.max_tps > 0) || !std::isfinite(f.max_tps)) {
    return report_error(io, Error::make(ErrorCode::usage, "--max-tps must be a positive number"));
  }
  co.concurrency = f.concurrency.value_or(audit::default_concurrency(f.max_tps));
  if (f.since) {
    co.filter.creation_time_after = audit::parse_since(*f.since);
    if (!co.filter.creation_time_after) {
      return report_error(io, Error::make(ErrorCode::usage,
                                          "invalid --since '" + *f.since +
                                              "' (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"));
    }
  }
  co.filter.status = f.status;
  co.filter.name_glob = f.name;
  std::vector<std::string> regions = audit::split_regions(f.regions);
  const bool all_regions = std::find(regions.begin(), regions.end(), "all") != regions.end();
  if (all_regions && regions.size() > 1) {
    return report_error(io, Error::make(ErrorCode::usage,
                                        "--region all cannot be combined with named regions"));
  }
  if (regions.empty()) regions.push_back("");  // the profile's / environment's region
  auto policy = load_effective_policy(f.policy);
  if (!policy.ok()) return report_error(io, policy.error());
  // budget.max-cost: each resource is priced in its own region, as `check`
  // prices a document in the configured one.
  auto prices = cost::budget_prices(*policy, f.price_list);
  if (!prices.ok()) return report_error(io, prices.error());
  audit::RegionEstimators estimators;
  if (*prices) {
    estimators = [prices = *prices](const std::string& region) {
      return cost::make_cost_estimator(prices, region);
    };
  }

  // The SDKs' retry mode: standard unless AWS_RETRY_MODE / `retry_mode`
  // says adaptive, which alone lets throttling cut the request rate.
  auto retry = aws::resolve_retry_config(aws::process_env(), f.profile);
  if (!retry.ok()) return report_error(io, retry.error());
  audit::RateLimiterConfig rl;
  rl.max_tps = f.max_tps;
  auto curl_options = aws::CurlTransportOptions::from_env(aws::process_env());
  audit::Inventory setup;  // what the accounts' set-up found (failures, names)
  std::vector<std::unique_ptr<aws::JsonClient>> clients;
  std::vector<audit::RegionTarget> targets;
  if (f.accounts.active() || !f.accounts.only.empty() || !f.accounts.exclude.empty()) {
    auto planned = audit_accounts(f, regions, all_regions, retry->mode, rl, co, curl_options, io, setup);
    if (!planned.ok()) return report_error(io, planned.error());
    clients = std::move(planned->clients);
    targets = std::move(planned->targets);
  } else {
    auto limiter = std::make_shared<audit::RateLimiter>(rl);
    // One pooled connection per worker, so none is closed and reopened.
    curl_options.max_idle_handles = static_cast<size_t>(co.concurrency) + 1;
    auto transport = std::make_shared<audit::RateLimitedTransport>(
        aws::make_curl_transport(std::move(curl_options)), limiter, retry->mode);
    if (all_regions) {
      auto enabled = enabled_regions(f, transport, io);
      if (!enabled.ok()) return report_error(io, enabled.error());
      regions = std::move(enabled).value();
    }
    for (const auto& r : regions) {
      auto c = region_client(f, r, transport, io);
      if (!c.ok()) return report_error(io, c.error());
      targets.push_back({(*c)->config().region, c->get()});
      clients.push_back(std::move(*c));
    }
    // Credentials that are not configured at all are a set-up error (exit 2),
    // not a resource after resource failing to be read.
    if (!clients.empty()) {
      if (Status s = clients.front()->check_credentials(); !s.ok()) return report_error(io, s.error());
    }
  }

  const bool show_progress = f.progress && !f.debug && ::isatty(STDERR_FILENO) == 1;
  if (show_progress) {
    co.progress = [&io](const audit::CollectProgress& p) {
      io.err << "\r\x1b[K" << progress_line(p);
      io.err.flush();
    };
  }
  audit::Inventory inv = audit::collect_inventory(targets, co);
  inv.account_failures = std::move(setup.account_failures);
  inv.account_names = std::move(setup.account_names);
  CheckOptions opts;
  opts.today = io.clock.today();
  auto result = audit::evaluate_inventory(inv, *policy, opts, estimators);
  if (show_progress) {
    io.err << fmt::format("\r\x1b[Kaudit: listed {}, read {}, evaluated {} in {:.1f} s\n",
                          inv.stats.listed,
                          inv.described.size() + inv.vanished.size() + inv.unreadable.size(),
                          inv.described.size(), inv.stats.seconds);
  }
  if (!result.ok()) return report_error(io, result.error());

  if (f.save) {
    if (Status s = audit::save_inventory(*f.save, inv); !s.ok()) return report_error(io, s.error());
  }

  std::string body;
  if (f.format == "json") {
    body = report::audit_json(*result);
  } else if (f.format == "sarif") {
    body = report::check_sarif(result->check);
  } else if (f.format == "html") {
    body = report::audit_html(*result);
  } else {
    report::TextOptions t;
    t.color = io.out_is_tty && !f.output && std::getenv("NO_COLOR") == nullptr;
    body = report::audit_text(*result, t);
  }
  if (Status s = emit_output(io, f.output, body); !s.ok()) return report_error(io, s.error());
  for (const auto& l : inv.list_failures) {
    const std::string account = l.account.empty() ? "" : "account " + l.account + ": ";
    io.err << "sageguard: error: " << account << terminal_safe(l.error) << "\n";  // server text
  }
  if (result->incomplete()) {
    for (const auto& a : inv.account_failures) {
      io.err << "sageguard: error: account " << a.account << ": " << terminal_safe(a.error) << "\n";
    }
    io.err << fmt::format("sageguard: error: audit incomplete (the report is partial): {} "
                          "resource(s) unreadable, {} list call(s) failed",
                          result->unreadable, result->list_failures);
    if (result->account_failures > 0) {
      io.err << fmt::format(", {} account(s) not audited", result->account_failures);
    }
    io.err << "\n";
    return 3;
  }
  const Severity threshold = parse_severity(f.fail_on).value_or(Severity::error);
  return has_findings_at_or_above(result->check, threshold) ? 1 : 0;
}

}  // namespace

Command audit_command() {
  return {"audit", "Audit what runs in SageMaker against the policy",
          [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<AuditFlags>();
            sub.add_option("--policy", f->policy, "Policy file (default: $SAGEGUARD_POLICY, "
                                                  "./sageguard.yaml, built-in)");
            sub.add_option("--kinds", f->kinds,
                           "Comma-separated kinds: training-job, tuning-job, processing-job, "
                           "transform-job, model, endpoint-config, endpoint, "
                           "notebook-instance, domain, user-profile, space, automl-job, "
                           "data-quality-job-definition, model-quality-job-definition, "
                           "model-bias-job-definition, model-explainability-job-definition, "
                           "monitoring-schedule, feature-group, model-package-group, "
                           "model-package; or all (the default)");
            sub.add_option("--concurrency", f->concurrency,
                           "Requests in flight, 1..256 (default: --max-tps / 10, at least 16)");
            sub.add_option("--max-tps", f->max_tps,
                           "Never more than this many requests in any second as the service "
                           "counts them, retries included; the schedule leaves 100 ms for "
                           "delivery jitter (default 20)");
            sub.add_option("--format", f->format, "Output format")
                ->check(CLI::IsMember({"text", "json", "sarif", "html"}));
            sub.add_option("-o,--output", f->output, "Write the report to FILE (atomically)");
            sub.add_option("--fail-on", f->fail_on, "Exit 1 on findings at or above this severity")
                ->check(CLI::IsMember({"error", "warning", "note"}));
            sub.add_option("--region", f->regions,
                           "AWS region; repeat or comma-separate for several, or 'all' for "
                           "every region EC2 DescribeRegions lists as enabled (default: "
                           "AWS_REGION, profile)");
            sub.add_option("--profile", f->profile, "Shared config/credentials profile");
            sub.add_option("--endpoint-url", f->endpoint_url,
                           "SageMaker endpoint (default: AWS_ENDPOINT_URL_SAGEMAKER, "
                           "AWS_ENDPOINT_URL)");
            add_mfa_flag(sub, f->aws.mfa_code);
            sub.add_flag("--debug", f->debug, "Print the wire trace to stderr (secrets redacted)");
            sub.add_option("--since", f->since, "Only resources created after DATE (YYYY-MM-DD)");
            sub.add_option("--status", f->status,
                           "Only resources in this status (e.g. InProgress, InService); kinds "
                           "without that status are skipped");
            sub.add_option("--name", f->name, "Only resources whose name matches this glob");
            sub.add_option("--save", f->save,
                           "Also write the described resources to FILE as JSON lines");
            sub.add_option("--price-list", f->price_list,
                           "AWS Price List offer file for budget.max-cost (default: the bundled "
                           "table)");
            sub.add_flag("!--no-progress", f->progress, "No progress line on stderr");
            add_account_flags(sub, f->accounts);
            return [f](Io& io) { return run_audit(io, *f); };
          }};
}

}  // namespace sageguard::cli
