// `sageguard deploy`: model, endpoint config and endpoint from a finished
// training job, carrying its tags, each request gated by the policy before
// anything is created; --dry-run prints the three requests, and with
// --from-describe plans them from a recorded DescribeTrainingJob without AWS.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>
#include <ostream>

#include "cli/aws_options.h"
#include "cli/common.h"
#include "sageguard/document.h"
#include "launch/deploy.h"
#include "cost/value_json.h"
#include "launch/job_watch.h"
#include "sageguard/report/check_report.h"

namespace sageguard::cli {

namespace {

struct DeployFlags {
  std::optional<std::string> policy;
  std::string training_job;
  std::string endpoint_name;
  std::string instance_type = "ml.m5.large";
  int instance_count = 1;
  std::string image;
  bool no_fix = false;
  bool dry_run = false;
  bool wait = false;
  std::optional<std::string> from_describe;
  AwsFlags aws;
};

// A recorded DescribeTrainingJob (`aws sagemaker describe-training-job`
// output, JSON or YAML) and the tags it carries, if any: Describe* answers
// have none, so a `Tags` array added to the record is used when present.
Result<std::pair<nlohmann::json, launch::TagList>> read_recorded_job(const std::string& path) {
  SG_ASSIGN_OR_RETURN(auto doc, load_document(path));
  const Value& root = doc->root();
  const Value* name = root.is_object() ? root.find("TrainingJobName") : nullptr;
  if (name == nullptr || !name->is_string() || name->as_string().empty()) {
    const LineCol at = doc->locate(root.offset());
    Error e = Error::at(ErrorCode::input, path, at.line, at.column,
                        "not a DescribeTrainingJob response: no TrainingJobName (record one with "
                        "`aws sagemaker describe-training-job --training-job-name NAME`)");
    e.source_line = std::string(doc->line_text(at.line));
    return e;
  }
  nlohmann::json job = cost::to_json(root);
  launch::TagList tags;
  if (auto it = job.find("Tags"); it != job.end()) tags = launch::tags_from_json(*it);
  return std::make_pair(std::move(job), std::move(tags));
}

int run_deploy(Io& io, const DeployFlags& f) {
  auto policy = load_effective_policy(f.policy);
  if (!policy.ok()) return report_error(io, policy.error());
  if (f.instance_count < 1) {
    return report_error(io, Error::make(ErrorCode::usage, "--instance-count must be at least 1"));
  }
  if (f.from_describe && !f.dry_run) {
    return report_error(io, Error::make(ErrorCode::usage,
                                        "--from-describe only plans: add --dry-run (a deployment "
                                        "reads the training job from SageMaker itself)"));
  }
  if (!f.from_describe && f.training_job.empty()) {
    return report_error(io, Error::make(ErrorCode::usage,
                                        "--training-job is required (or --dry-run "
                                        "--from-describe FILE)"));
  }

  launch::DeployRequest req;
  req.training_job = f.training_job;
  req.today = io.clock.today();
  req.endpoint_name = f.endpoint_name;
  req.instance_type = f.instance_type;
  req.instance_count = f.instance_count;
  req.image = f.image;
  req.fix = f.no_fix ? launch::FixMode::skip : launch::FixMode::apply;

  std::unique_ptr<aws::JsonClient> client;
  Result<launch::DeployPlan> plan = Error::make(ErrorCode::internal, "no plan");
  if (f.from_describe) {
    // No client at all: no region, credentials or network needed.
    auto recorded = read_recorded_job(*f.from_describe);
    if (!recorded.ok()) return report_error(io, recorded.error());
    const std::string recorded_name = recorded->first.value("TrainingJobName", std::string());
    if (!f.training_job.empty() && f.training_job != recorded_name) {
      return report_error(io, Error::make(ErrorCode::usage,
                                          "--training-job '" + f.training_job + "' but " +
                                              *f.from_describe + " records training job '" +
                                              recorded_name + "'"));
    }
    req.training_job = recorded_name;
    plan = launch::plan_deployment(recorded->first, recorded->second, req, *policy);
    if (!plan.ok()) {
      Error e = plan.error();
      if (e.file.empty() && e.code == ErrorCode::input) e.file = *f.from_describe;
      return report_error(io, e);
    }
  } else {
    auto c = make_client(f.aws, io);
    if (!c.ok()) return report_error(io, c.error());
    client = std::move(c).value();
    plan = launch::describe_and_plan(req, *policy, *client);
    if (!plan.ok()) return report_error(io, plan.error());
  }
  for (const auto* g : {&plan->model, &plan->endpoint_config, &plan->endpoint}) {
    for (const auto& c : g->changes) {
      io.err << fmt::format("fixed (in memory): {}:{}: {}: {}\n", c.file, c.line, c.rule, c.what);
    }
  }
  CheckResult combined = plan->combined();
  if (!combined.findings.empty()) io.err << report::check_text(combined);
  if (plan->refused) {
    io.err << fmt::format(
        "sageguard: deployment of training job '{}' refused by policy: nothing was created\n",
        plan->training_job);
    return 1;
  }
  if (f.dry_run) {
    nlohmann::json all = {{"CreateModel", plan->model.request},
                          {"CreateEndpointConfig", plan->endpoint_config.request},
                          {"CreateEndpoint", plan->endpoint.request}};
    io.out << all.dump(2) << "\n";
    io.err << "dry run: nothing was created\n";
    return 0;
  }
  auto out = launch::submit_deployment(std::move(plan).value(), *client);
  if (!out.ok()) return report_error(io, out.error());
  io.out << fmt::format("created model {}\ncreated endpoint config {}\ncreated endpoint {}\n  arn: {}\n",
                        out->plan.model.name, out->plan.endpoint_config.name,
                        out->plan.endpoint.name, out->endpoint_arn);
  io.out.flush();
  if (!f.wait) return 0;
  launch::WatchOptions wo;
  std::string last;
  wo.on_update = [&](const nlohmann::json& d) {
    std::string st = d.value("EndpointStatus", std::string("?"));
    if (st != last) io.err << fmt::format("{}  {}\n", out->plan.endpoint.name, st);
    last = st;
  };
  auto w = launch::wait_for_endpoint(*client, out->plan.endpoint.name, wo);
  if (!w.ok()) return report_error(io, w.error());
  if (w->end != launch::WatchEnd::completed) {
    std::string reason = w->last.value("FailureReason", std::string());
    io.err << fmt::format("sageguard: endpoint {} failed{}\n", out->plan.endpoint.name,
                          reason.empty() ? "" : ": " + reason);
    return 1;
  }
  io.out << fmt::format("endpoint {} is InService\n", out->plan.endpoint.name);
  return 0;
}

}  // namespace

Command deploy_command() {
  return {"deploy", "Deploy a trained model through the policy gate (tags carried over)",
          [](CLI::App& sub) -> Handler {
            auto f = std::make_shared<DeployFlags>();
            sub.add_option("--policy", f->policy, "Policy file (default: $SAGEGUARD_POLICY, "
                                                  "./sageguard.yaml, built-in)");
            sub.add_option("--training-job", f->training_job,
                           "The Completed training job (required unless --from-describe)");
            sub.add_option("--endpoint-name", f->endpoint_name,
                           "Endpoint name (default: the training job's name)");
            sub.add_option("--instance-type", f->instance_type,
                           "Hosting instance type (default ml.m5.large)");
            sub.add_option("--instance-count", f->instance_count,
                           "Initial instance count (default 1)");
            sub.add_option("--image", f->image,
                           "Inference image (default: the job's training image)");
            sub.add_flag("--no-fix", f->no_fix, "Do not fill in policy defaults before checking");
            sub.add_flag("--dry-run", f->dry_run, "Print the three requests; create nothing");
            sub.add_option("--from-describe", f->from_describe,
                           "With --dry-run: plan from a recorded DescribeTrainingJob (JSON or "
                           "YAML; a Tags array in it is used) instead of reading it from AWS");
            sub.add_flag("--wait", f->wait, "Wait until the endpoint is InService or Failed");
            add_aws_flags(sub, f->aws);
            return [f](Io& io) { return run_deploy(io, *f); };
          }};
}

}  // namespace sageguard::cli
