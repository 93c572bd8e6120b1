// `sageguard launch`: gate a CreateTrainingJob spec (check, fix in memory,
// refuse on error findings), then create the job idempotently; --dry-run
// prints the final request and its worst-case cost; --wait follows the job.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <memory>
#include <ostream>

#include "cli/aws_options.h"
#include "cli/common.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/cost/price_table.h"
#include "sageguard/cost/budget_estimator.h"
#include "cost/estimate.h"
#include "launch/job_watch.h"
#include "launch/launch.h"
#include "sageguard/report/check_report.h"
#include "util/files.h"

namespace sageguard::cli {

namespace {

struct LaunchFlags {
  std::optional<std::string> policy;
  bool dry_run = false;
  bool wait = false;
  bool no_fix = false;
  bool unique_name = false;
  std::optional<std::string> price_list;
  AwsFlags aws;
  std::string spec;
};

// Set by SIGINT while --wait follows a job: stop watching, not the job.
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void on_sigint(int) { g_interrupted = 1; }

Result<cost::PriceTable> load_prices(const std::optional<std::string>& path) {
  if (path) return cost::PriceTable::load_file(*path);
  return cost::PriceTable::builtin();
}

// What fix changed in memory and what the check still reports, on stderr.
void print_gate(Io& io, const launch::GateResult& g) {
  for (const auto& c : g.changes) {
    io.err << fmt::format("fixed (in memory): {}:{}: {}: {}\n", c.file, c.line, c.rule, c.what);
  }
  if (!g.check.findings.empty()) io.err << report::check_text(g.check);
}

int watch_job(Io& io, aws::JsonClient& client, const std::string& name,
              const cost::PriceOracle& prices) {
  const bool tty = &io.err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
  g_interrupted = 0;
  struct sigaction sa {};
  struct sigaction previous {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &previous);

  std::string last_line;
  launch::WatchOptions wo;
  wo.interrupted = [] { return g_interrupted != 0; };
  wo.on_update = [&](const nlohmann::json& d) {
    auto st = launch::parse_training_job_status(d, std::chrono::system_clock::now());
    std::string line = launch::format_status_line(st);
    if (tty) {
      io.err << "\r\033[K" << line;
      io.err.flush();
      return;
    }
    // Plain output: one line per change of state, not per poll.
    std::string key = st.status + "/" + st.secondary_status + "/" + std::to_string(st.interruptions);
    if (key != last_line) {
      io.err << line << "\n";
      last_line = key;
    }
  };
  auto w = launch::watch_training_job(client, name, wo);
  sigaction(SIGINT, &previous, nullptr);
  if (tty) io.err << "\n";
  if (!w.ok()) return report_error(io, w.error());
  if (w->end == launch::WatchEnd::interrupted) {
    io.err << fmt::format(
        "stopped watching; training job {} keeps running.\n"
        "  follow it:  aws sagemaker wait training-job-completed-or-stopped --training-job-name {}\n"
        "  status:     aws sagemaker describe-training-job --training-job-name {}\n"
        "  stop it:    aws sagemaker stop-training-job --training-job-name {}\n",
        name, name, name, name);
    return 130;
  }
  auto summary = launch::summarize_training_job(w->last, prices, client.config().region);
  io.out << launch::format_summary(summary);
  io.out.flush();
  return w->end == launch::WatchEnd::completed ? 0 : 1;
}

void print_estimate(Io& io, const launch::LaunchPlan& plan, const cost::PriceTable& prices,
                    const std::string& source) {
  if (!plan.estimate) {
    io.err << "worst-case cost: not estimated (" << plan.estimate_error << ")\n";
    return;
  }
  const cost::Estimate& e = *plan.estimate;
  if (!e.unknown_instance_types.empty()) {
    io.err << fmt::format("worst-case cost: unknown: no {} price for {} (pass --price-list with an "
                          "AWS Price List offer file)\n",
                          e.region, fmt::join(e.unknown_instance_types, ", "));
  } else if (e.worst_case_usd) {
    io.err << fmt::format("worst-case cost: {:.2f} USD ({})\n", *e.worst_case_usd,
                          cost::describe_basis(e));
  } else {
    io.err << "worst-case cost: unbounded\n";
  }
  for (const auto& n : e.notes) io.err << "  note: " << n << "\n";
  io.err << fmt::format("  prices: {}, as of {}\n", source,
                        prices.date().empty() ? "an unknown date" : prices.date());
}

int run_launch(Io& io, const LaunchFlags& f) {
  auto policy = load_effective_policy(f.policy);
  if (!policy.ok()) return report_error(io, policy.error());
  auto text = read_file_limited(f.spec, 256ull * 1024 * 1024);
  if (!text.ok()) {
    Error e = text.error();
    if (e.file.empty()) e.file = f.spec;
    return report_error(io, e);
  }
  auto table = load_prices(f.price_list);
  if (!table.ok()) return report_error(io, table.error());
  auto prices = std::make_shared<const cost::PriceTable>(std::move(table).value());

  launch::LaunchRequest req;
  req.spec_path = f.spec;
  req.today = io.clock.today();
  req.spec_text = std::move(text).value();
  req.fix = f.no_fix ? launch::FixMode::skip : launch::FixMode::apply;
  req.naming = f.unique_name ? launch::NameMode::unique : launch::NameMode::as_given;
  req.prices = prices;

  std::unique_ptr<aws::JsonClient> client;
  if (f.dry_run) {
    // A dry run sends nothing and must work without credentials; the region
    // only picks prices (us-east-1 when none is set; an invalid one is an error).
    auto region = aws::configured_region(aws::process_env(), f.aws.region, f.aws.profile);
    if (!region.ok()) return report_error(io, region.error());
    req.region = region->value_or("us-east-1");
  } else {
    auto c = make_client(f.aws, io);
    if (!c.ok()) return report_error(io, c.error());
    client = std::move(c).value();
    req.region = client->config().region;
  }

  auto plan = launch::plan_launch(req, *policy);
  if (!plan.ok()) return report_error(io, plan.error());
  print_gate(io, plan->gate);
  if (plan->refused) {
    io.err << fmt::format("sageguard: launch of '{}' refused by policy: nothing was sent\n",
                          plan->job_name);
    return 1;
  }
  if (f.dry_run) {
    io.out << plan->request.dump(2) << "\n";
    io.out.flush();
    print_estimate(io, *plan, *prices,
                   f.price_list ? *f.price_list : "the bundled table (approximate list prices)");
    io.err << fmt::format("dry run: training job '{}' was not created\n", plan->job_name);
    return 0;
  }
  auto out = launch::submit_launch(std::move(plan).value(), *client);
  if (!out.ok()) return report_error(io, out.error());
  io.out << fmt::format("launched training job {}\n  arn: {}\n", out->plan.job_name, out->job_arn);
  if (out->resolved_by_describe) {
    io.out << "  (a retried create found the job our first attempt had started)\n";
  }
  io.out.flush();
  if (!f.wait) return 0;
  return watch_job(io, *client, out->plan.job_name, *prices);
}

}  // namespace

Command launch_command() {
  return {"launch", "Check, fix and launch a training job through the policy gate",
          [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<LaunchFlags>();
            sub.add_option("--policy", f->policy, "Policy file (default: $SAGEGUARD_POLICY, "
                                                  "./sageguard.yaml, built-in)");
            sub.add_flag("--dry-run", f->dry_run,
                         "Print the final request and its worst-case cost; send nothing");
            sub.add_flag("--wait", f->wait, "Follow the job until it ends");
            sub.add_flag("--no-fix", f->no_fix, "Do not fill in policy defaults before checking");
            sub.add_flag("--unique-name", f->unique_name,
                         "Treat TrainingJobName as a base: <base>-<UTC timestamp>");
            sub.add_option("--price-list", f->price_list,
                           "AWS Price List offer file (default: the bundled table)");
            add_aws_flags(sub, f->aws);
            sub.add_option("spec", f->spec, "CreateTrainingJob request (JSON or YAML)")->required();
            return [f](Io& io) { return run_launch(io, *f); };
          }};
}

}  // namespace sageguard::cli
