// request.invalid: the request must be one SageMaker would accept. The
// constraints come from the API model table (model/api_model); this file only
// adapts them to the resource's situation.
#include "rules/rule_context.h"
#include "sageguard/api_model.h"

namespace sageguard::rules {

void check_request(RuleContext& ctx) {
  if (!ctx.enabled("request.invalid")) return;
  const Resource& r = ctx.resource();
  ApiValidateOptions opts;
  // Describe* responses carry output-only members (Arn, Status, times...).
  opts.allow_unknown_members = r.describe_response;
  // Pipelines generate resource names; step Arguments omit them.
  // CloudFormation generates them too.
  if (r.in_pipeline || r.name_optional) opts.skip_required.emplace_back(name_member(r.kind));
  opts.skip_members.assign(r.iac_only_members.begin(), r.iac_only_members.end());
  std::vector<ApiViolation> violations;
  if (!validate_api_request(create_operation(r.kind), *r.root, opts, violations)) return;
  for (auto& v : violations) {
    ctx.emit("request.invalid", v.offset, std::move(v.pointer), std::move(v.message));
  }
}

}  // namespace sageguard::rules
