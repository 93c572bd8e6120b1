// evaluate_resource: the per-resource rule families, and budget.max-cost
// over the estimator the caller injects.
#include "rules/evaluate.h"

#include <fmt/format.h>

namespace sageguard::rules {

namespace {

void evaluate_budget(const CostEstimator& estimator, RuleContext& ctx) {
  const Policy& p = ctx.policy();
  if (!estimator || !p.max_job_cost_usd || !ctx.enabled("budget.max-cost")) return;
  auto est = estimator(ctx.resource());
  if (!est) return;
  const Value& root = *ctx.resource().root;
  for (const auto& t : est->unpriced) {
    ctx.emit("budget.max-cost", root.offset(), "",
             fmt::format("no price for instance type '{}': the worst-case cost cannot be "
                         "checked against the {:.2f} USD limit",
                         t, *p.max_job_cost_usd));
  }
  if (est->unpriced.empty() && est->worst_case_usd > *p.max_job_cost_usd) {
    ctx.emit("budget.max-cost", root.offset(), "",
             fmt::format("worst-case cost {:.2f} USD ({}) exceeds the policy's limit of {:.2f} USD",
                         est->worst_case_usd, est->basis, *p.max_job_cost_usd));
  }
}

}  // namespace

void evaluate_resource(const Policy& policy, const Severities& severities,
                       const CostEstimator& estimator, const Resource& r,
                       std::vector<RawFinding>& raw) {
  RuleContext ctx(policy, severities, r, raw);
  check_request(ctx);
  check_tags(ctx);
  check_network(ctx);
  check_kms(ctx);
  check_spot(ctx);
  check_limits(ctx);
  evaluate_budget(estimator, ctx);
}

}  // namespace sageguard::rules
