// Launch: gate, name, estimate, create. The gate runs on the user's text so
// findings point at their file; a unique name is applied afterwards and the
// final request is gated again, so what is sent is exactly what was checked.
#include "launch/launch.h"

#include <fmt/format.h>

#include "sageguard/cost/budget_estimator.h"
#include "sageguard/launch/job_name.h"

namespace sageguard::launch {

namespace {

// fix writes CheckpointConfig.S3Uri as <policy prefix><job name>/; with a
// unique name each run must get its own checkpoints, or a new job would
// resume from the previous run's.
void rename_checkpoint(nlohmann::json& request, const Policy& policy, const std::string& base,
                       const std::string& unique) {
  if (!policy.checkpoint_s3_prefix) return;
  auto cp = request.find("CheckpointConfig");
  if (cp == request.end() || !cp->is_object()) return;
  auto uri = cp->find("S3Uri");
  if (uri == cp->end() || !uri->is_string()) return;
  std::string prefix = *policy.checkpoint_s3_prefix;
  if (!prefix.empty() && prefix.back() != '/') prefix += '/';
  if (uri->get<std::string>() == prefix + base + "/" || uri->get<std::string>() == prefix + base) {
    *uri = prefix + unique + "/";
  }
}

}  // namespace

Result<LaunchPlan> plan_launch(const LaunchRequest& req, const Policy& policy) {
  std::shared_ptr<const cost::PriceOracle> prices = req.prices;
  if (!prices) {
    SG_ASSIGN_OR_RETURN(prices, cost::builtin_prices());
  }
  GateOptions go;
  go.fix = req.fix;
  go.today = req.today;
  go.estimator = cost::make_cost_estimator(prices, req.region);

  LaunchPlan plan;
  SG_ASSIGN_OR_RETURN(plan.gate, gate_document(req.spec_path, req.spec_text,
                                               ResourceKind::training_job, policy, go));
  plan.request = plan.gate.request;
  plan.job_name = plan.gate.name;
  plan.refused = plan.gate.refused;
  if (req.naming == NameMode::unique && !plan.refused) {
    const std::string unique =
        name_from_base(plan.job_name, req.now.value_or(std::chrono::system_clock::now()));
    plan.request["TrainingJobName"] = unique;
    rename_checkpoint(plan.request, policy, plan.job_name, unique);
    plan.job_name = unique;
    // The renamed request is what goes out, so it is what must pass.
    GateOptions again = go;
    again.fix = FixMode::skip;
    SG_ASSIGN_OR_RETURN(GateResult final_gate,
                        gate_request(req.spec_path + " (as sent)", plan.request,
                                     ResourceKind::training_job, policy, again));
    if (final_gate.refused) {
      plan.gate.check = std::move(final_gate.check);
      plan.refused = true;
    }
  }
  auto est = cost::estimate_request(plan.request, req.region, *prices,
                                    cost::RequestKind::training);
  if (est.ok()) {
    plan.estimate = std::move(est).value();
  } else {
    plan.estimate_error = est.error().message;
  }
  return plan;
}

Result<LaunchOutcome> submit_launch(LaunchPlan plan, aws::JsonClient& client) {
  if (plan.refused) {
    return Error::make(ErrorCode::internal, "submit_launch called with a refused plan");
  }
  aws::IdempotentCreate create;
  create.create_operation = "CreateTrainingJob";
  create.describe_operation = "DescribeTrainingJob";
  create.name_field = "TrainingJobName";
  create.request = plan.request;
  SG_ASSIGN_OR_RETURN(aws::CreateResult created, client.create_idempotent(create));
  LaunchOutcome out;
  out.launched = true;
  out.resolved_by_describe = created.resolved_by_describe;
  if (auto it = created.response.find("TrainingJobArn");
      it != created.response.end() && it->is_string()) {
    out.job_arn = it->get<std::string>();
  }
  out.plan = std::move(plan);
  return out;
}

Result<LaunchOutcome> launch_training_job(const LaunchRequest& req, const Policy& policy,
                                          aws::JsonClient& client) {
  SG_ASSIGN_OR_RETURN(LaunchPlan plan, plan_launch(req, policy));
  if (plan.refused) {
    LaunchOutcome out;
    out.plan = std::move(plan);
    return out;
  }
  return submit_launch(std::move(plan), client);
}

}  // namespace sageguard::launch
