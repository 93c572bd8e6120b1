// The embedding API (include/sageguard/sageguard.h): thin calls into the
// policy, rules and fix modules, arranged exactly as the CLI arranges them so
// a program gets the CLI's findings.
#include "sageguard/sageguard.h"

#include <fmt/format.h>

#include <sstream>

#include "model/item_stream.h"
#include "rules/waivers.h"
#include "sageguard/document.h"
#include "sageguard/cost/budget_estimator.h"
#include "sageguard/policy_export.h"
#include "util/clock.h"

namespace sageguard {

const char* version() { return SAGEGUARD_VERSION; }

const std::vector<std::string>& features() {
  // SAGEGUARD_FEATURES: the build's optional features, space-separated.
  static const std::vector<std::string> list = [] {
    std::vector<std::string> out;
    std::istringstream in(SAGEGUARD_FEATURES);
    for (std::string f; in >> f;) out.push_back(f);
    return out;
  }();
  return list;
}

Result<Policy> load_policy(const std::string& path) { return load_policy_file(path); }

namespace {

// The options `sageguard check` runs with: the date read once, and for a
// policy with limits.max_job_cost_usd and no estimator of the caller's,
// budget.max-cost priced from the bundled us-east-1 table (what the CLI
// uses without --price-list or a configured region).
Result<CheckOptions> as_the_cli_checks(const Policy& policy, CheckOptions o) {
  if (o.today.empty()) o.today = system_utc_date();
  if (!o.estimator && policy.max_job_cost_usd) {
    SG_ASSIGN_OR_RETURN(auto prices, cost::builtin_prices());
    o.estimator = cost::make_cost_estimator(std::move(prices), "us-east-1");
  }
  return o;
}

}  // namespace

Result<CheckResult> check_text(const std::string& name, std::string_view text,
                               const Policy& policy, const CheckOptions& opts) {
  if (text.size() > opts.read.max_file_size) {
    return Error::at(ErrorCode::input, name, 0, 0,
                     fmt::format("text is {} bytes, over the limit of {} bytes", text.size(),
                                 opts.read.max_file_size));
  }
  // As check_paths: the policy's expired waivers first, then the document
  // as a file named on the command line.
  SG_ASSIGN_OR_RETURN(const CheckOptions o, as_the_cli_checks(policy, opts));
  CheckResult result;
  result.policy = policy.source;
  rules::expired_waiver_findings(policy, o.today, result);
  SG_ASSIGN_OR_RETURN(auto doc, parse_document_deferred(name, std::string(text), o.read));
  SG_TRY(check_document(*doc, /*named=*/true, policy, o, result));
  return result;
}

Result<CheckResult> check_files(const std::vector<std::string>& paths, const Policy& policy,
                                const CheckOptions& opts) {
  SG_ASSIGN_OR_RETURN(const CheckOptions o, as_the_cli_checks(policy, opts));
  return check_paths(paths, policy, o);
}

Result<FixResult> fix_text(const std::string& name, std::string_view text, const Policy& policy,
                           const FixOptions& opts) {
  return fix::fix_text(name, std::string(text), policy, opts);
}

Result<PolicyExport> export_policy(const Policy& policy, ExportFormat format) {
  PolicyExport out;
  switch (format) {
    case ExportFormat::iam: {
      SG_ASSIGN_OR_RETURN(std::string doc, export_iam(policy, &out.not_expressible));
      out.documents.push_back(std::move(doc));
      break;
    }
    case ExportFormat::scp: {
      SG_ASSIGN_OR_RETURN(out.documents, export_scp(policy, &out.not_expressible));
      break;
    }
    case ExportFormat::sdk_config: {
      SG_ASSIGN_OR_RETURN(std::string doc, export_sdk_config(policy, &out.not_expressible));
      out.documents.push_back(std::move(doc));
      break;
    }
    case ExportFormat::yaml:
      out.documents.push_back(show_policy(policy));
      break;
  }
  return out;
}

}  // namespace sageguard
