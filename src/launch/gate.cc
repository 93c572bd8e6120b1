// One gate for every create: the same check, fix and refusal rule whether the
// request came from a spec file, from a training job (deploy) or from the
// Estimator, so a job cannot reach SageMaker by a side door.
#include "launch/gate.h"

#include <fmt/format.h>

#include "cost/value_json.h"

namespace sageguard::launch {

namespace {

Result<const Resource*> single_resource(const Document& doc, const ExtractResult& ex,
                                        ResourceKind kind) {
  const std::string want = fmt::format("one {} request", create_operation(kind));
  if (!ex.recognised || ex.resources.empty()) {
    return Error::at(ErrorCode::input, doc.path(), 1, 1,
                     "not a recognised SageMaker document: expected " + want);
  }
  if (ex.resources.size() != 1 || !ex.resources[0].pointer.empty()) {
    return Error::at(ErrorCode::input, doc.path(), 1, 1,
                     fmt::format("expected {} at the top level, found a list or bundle of {}", want,
                                 ex.resources.size()));
  }
  const Resource& r = ex.resources[0];
  if (r.kind != kind) {
    return Error::at(ErrorCode::input, doc.path(), 1, 1,
                     fmt::format("expected {}, found a {}", want, kind_name(r.kind)));
  }
  if (r.describe_response) {
    return Error::at(ErrorCode::input, doc.path(), 1, 1,
                     fmt::format("this is a Describe response, not {}: drop the output-only "
                                 "members (ARN, status, times) first",
                                 want));
  }
  return &r;
}

}  // namespace

Result<GateResult> gate_document(const std::string& path, const std::string& text,
                                 ResourceKind kind, const Policy& policy,
                                 const GateOptions& opts) {
  GateResult g;
  g.text = text;
  {
    // Validate the shape before fix touches it, so errors name the input.
    SG_ASSIGN_OR_RETURN(auto doc, parse_document(path, text, opts.read));
    // Detected, not forced: a Model file must not pass as a training job.
    SG_ASSIGN_OR_RETURN(ExtractResult ex, extract_resources(*doc));
    auto r = single_resource(*doc, ex, kind);
    if (!r.ok()) return r.error();
  }
  if (opts.fix == FixMode::apply) {
    fix::FixOptions fo;
    fo.kind = kind;
    fo.read = opts.read;
    fo.today = opts.today;
    SG_ASSIGN_OR_RETURN(fix::FixOutcome fixed, fix::fix_text(path, text, policy, fo));
    g.text = std::move(fixed.fixed);
    g.changes = std::move(fixed.changes);
    g.not_applied = std::move(fixed.not_applied);
  }
  SG_ASSIGN_OR_RETURN(auto doc, parse_document(path, g.text, opts.read));
  SG_ASSIGN_OR_RETURN(ExtractResult ex, extract_resources(*doc));
  SG_ASSIGN_OR_RETURN(const Resource* res, single_resource(*doc, ex, kind));
  CheckOptions co;
  co.kind = kind;
  co.read = opts.read;
  co.today = opts.today;
  co.estimator = opts.estimator;
  g.check.policy = policy.source;
  SG_TRY(check_document(*doc, true, policy, co, g.check));
  g.request = cost::to_json(doc->root());
  g.name = res->name;
  g.refused = has_findings_at_or_above(g.check, Severity::error);
  return g;
}

Result<GateResult> gate_request(const std::string& label, const nlohmann::json& request,
                                ResourceKind kind, const Policy& policy, const GateOptions& opts) {
  return gate_document(label, request.dump(2) + "\n", kind, policy, opts);
}

std::vector<std::string> refusal_reasons(const CheckResult& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) {
    if (f.severity >= Severity::error) out.push_back(fmt::format("{}: {}", f.rule, f.message));
  }
  return out;
}

}  // namespace sageguard::launch
