// The Python extension's only contact with the library: policy loading,
// check and fix of one in-memory request, with the same calls as the CLI's
// `check` and `fix` (check_document, the fixer's plan, the bundled prices for
// budget.max-cost), so Python and the CLI report the same findings and
// edits; a fix for Python edits the parsed tree (fix_checked_tree).
#include "engine.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <string_view>

#include "rules/waivers.h"
#include "sageguard/aws/env.h"
#include "sageguard/aws/shared_config.h"
#include "sageguard/check.h"
#include "sageguard/fix/fix.h"
#include "sageguard/cost/budget_estimator.h"
#include "sageguard/policy.h"
#include "sageguard/resource.h"
#include "sageguard/rule_catalog.h"
#include "util/clock.h"

namespace sageguard::python {

struct PolicyHandle {
  Policy policy;
  mutable std::mutex mu;
  mutable std::map<std::string, CostEstimator, std::less<>> estimators;  // by region

  // budget.max-cost prices for `region`; an empty estimator when the policy
  // has no budget (the CLI passes prices only then, unless --price-list is
  // given). The map's entries are never erased or replaced, so the
  // reference stays valid after the lock is released.
  Result<const CostEstimator*> estimator_for(const std::string& region) const {
    static const CostEstimator none;
    if (!policy.max_job_cost_usd) return &none;
    std::lock_guard lock(mu);
    if (auto it = estimators.find(region); it != estimators.end()) return &it->second;
    auto prices = cost::builtin_prices();
    if (!prices.ok()) return prices.error();
    return &estimators.emplace(region, cost::make_cost_estimator(*prices, region)).first->second;
  }
};

namespace {

const std::string& environment_region() {
  // Read once, as `sageguard check` reads it once per run.
  static const std::string region = [] {
    auto r = aws::resolve_region(aws::process_env(), "", "");
    return r.ok() ? *r : std::string("us-east-1");
  }();
  return region;
}

PolicyLoad to_load(Result<Policy> r) {
  PolicyLoad out;
  if (!r.ok()) {
    const Error& e = r.error();
    out.error = e.describe();
    out.file = e.file;
    out.line = e.line;
    out.column = e.column;
    return out;
  }
  auto h = std::make_shared<PolicyHandle>();
  h->policy = std::move(r).value();
  out.policy = std::move(h);
  return out;
}

template <typename F>
PolicyLoad guarded_load(F&& f) {
  try {
    return to_load(f());
  } catch (const std::exception& e) {
    PolicyLoad out;
    out.error = std::string("internal error: ") + e.what();
    return out;
  } catch (...) {
    PolicyLoad out;
    out.error = "internal error";
    return out;
  }
}

std::optional<ResourceKind> parse_kind(std::string_view kind) {
  if (kind == "CreatePipeline" || kind == "UpdatePipeline" || kind == "Pipeline") {
    return ResourceKind::pipeline;
  }
  for (int i = 0; i <= static_cast<int>(ResourceKind::model_package); ++i) {
    const auto k = static_cast<ResourceKind>(i);
    if (kind == create_operation(k) || kind == kind_name(k)) return k;
  }
  return parse_kind_flag(kind);
}

// The SDK argument names in a catalogue hint: "subnets=[...],
// security_group_ids=[...]" gives "subnets, security_group_ids".
std::string sdk_names(std::string_view hint) {
  std::string out;
  int depth = 0;
  bool at_part_start = true;
  for (size_t i = 0; i < hint.size(); ++i) {
    const char c = hint[i];
    if (c == '[' || c == '(' || c == '{') ++depth;
    if ((c == ']' || c == ')' || c == '}') && depth > 0) --depth;
    if (depth == 0 && c == ',') {
      at_part_start = true;
      continue;
    }
    if (at_part_start && c != ' ') {
      size_t j = i;
      while (j < hint.size() && ((hint[j] >= 'a' && hint[j] <= 'z') || hint[j] == '_')) ++j;
      if (j > i) {
        if (!out.empty()) out += ", ";
        out.append(hint.substr(i, j - i));
      }
      at_part_start = false;
    }
  }
  return out;
}

OutFinding to_out(const Finding& f) {
  OutFinding o;
  o.rule = f.rule;
  o.severity = to_string(f.severity);
  o.message = f.message;
  o.path = f.path;
  o.fixable = f.fixable;
  o.resource_kind = f.resource.kind;
  o.resource_name = f.resource.name;
  if (const RuleInfo* info = find_rule(f.rule)) {
    o.sdk_parameter = sdk_names(info->sdk_parameter);
    o.remedy = std::string(info->sdk_parameter);
  }
  return o;
}

// A request that cannot be read as the kind asked for: a request.invalid
// finding at the policy's severity for that rule (none when it is off).
void invalid_request(const Policy& policy, const Error& e, std::optional<ResourceKind> kind,
                     CheckOut& out) {
  const Severity s = policy.severity_of("request.invalid");
  if (s == Severity::off) return;
  Finding f;
  f.rule = "request.invalid";
  f.severity = s;
  f.message = e.line > 1 || e.column > 1 ? e.describe() : e.message;
  if (kind) f.resource.kind = kind_name(*kind);
  out.findings.push_back(to_out(f));
}

void take_findings(const CheckResult& r, CheckOut& out) {
  out.findings.reserve(out.findings.size() + r.findings.size());
  for (const auto& f : r.findings) out.findings.push_back(to_out(f));
}

// Expired waivers come first, as `sageguard check` lists them before the
// documents' findings.
void add_expired_waivers(const Policy& policy, const std::string& today, CheckOut& out) {
  if (policy.waivers.empty()) return;
  std::vector<Finding> expired;
  rules::expired_waiver_findings(policy, today, expired);
  for (const auto& f : expired) out.findings.push_back(to_out(f));
}

// One request parsed and checked, as `sageguard check` checks a file: the
// document (null when it did not parse or is not a request of the kind; the
// request.invalid finding is then in `out`), the check's own result, and the
// estimator it priced with.
struct Checked {
  std::shared_ptr<const Document> doc;
  CheckResult result;
  CostEstimator estimator;
  // Expired waivers, or the error; then, once take_findings(result, out)
  // has run (only for a caller that reports them), the request's findings.
  CheckOut out;
};

Checked check_impl(const std::string& json, std::optional<ResourceKind> kind, const PolicyHandle& p,
                   const std::string& region, const std::string& label, const std::string& today) {
  Checked c;
  add_expired_waivers(p.policy, today, c.out);
  auto doc = parse_document(label, json);
  if (!doc.ok()) {
    invalid_request(p.policy, doc.error(), kind, c.out);
    return c;
  }
  auto estimator = p.estimator_for(region.empty() ? environment_region() : region);
  if (!estimator.ok()) {
    c.out.error = estimator.error().describe();
    return c;
  }
  CheckOptions co;
  co.kind = kind;
  co.today = today;
  co.estimator = **estimator;
  const Status st = check_document(**doc, true, p.policy, co, c.result);
  if (!st.ok()) {
    if (st.error().code != ErrorCode::input) {
      c.out.error = st.error().describe();
      return c;
    }
    invalid_request(p.policy, st.error(), kind, c.out);
    return c;
  }
  c.doc = std::move(doc).value();
  c.estimator = std::move(co.estimator);
  return c;
}

std::string& out_error(CheckOut& o) { return o.error; }
std::string& out_error(FixOut& o) { return o.remaining.error; }

// The extension must never let a C++ exception reach Python: the library
// does not throw, but a std::bad_alloc can come from anywhere.
template <typename Out, typename F>
Out never_throw(F&& f) {
  try {
    return f();
  } catch (const std::exception& e) {
    Out out;
    out_error(out) = std::string("internal error: ") + e.what();
    return out;
  } catch (...) {
    Out out;
    out_error(out) = "internal error";
    return out;
  }
}

}  // namespace

PolicyLoad load_policy_file(const std::string& path) {
  return guarded_load([&] { return sageguard::load_policy_file(path); });
}

PolicyLoad parse_policy_text(const std::string& label, const std::string& text) {
  return guarded_load([&] { return parse_policy(label, text); });
}

PolicyLoad resolve_policy() {
  return guarded_load([] { return sageguard::resolve_policy(std::nullopt); });
}

std::string policy_source(const PolicyHandle& p) { return p.policy.source; }

bool known_kind(const std::string& kind) { return parse_kind(kind).has_value(); }

CheckOut check_request(const std::string& json, const std::string& kind, const PolicyHandle& p,
                       const std::string& region, const std::string& label) {
  return never_throw<CheckOut>([&] {
    std::optional<ResourceKind> k;
    if (!kind.empty()) {
      k = parse_kind(kind);
      if (!k) {
        CheckOut out;
        out.error = "unknown kind '" + kind + "'";
        return out;
      }
    }
    Checked c = check_impl(json, k, p, region, label, system_utc_date());
    if (c.doc) take_findings(c.result, c.out);
    return std::move(c.out);
  });
}

FixOut fix_request(const std::string& json, const std::string& kind, const PolicyHandle& p,
                   const std::string& region, const std::string& label, bool as_tree) {
  return never_throw<FixOut>([&] {
    FixOut out;
    out.text = json;
    std::optional<ResourceKind> k;
    if (!kind.empty()) {
      k = parse_kind(kind);
      if (!k) {
        out.remaining.error = "unknown kind '" + kind + "'";
        return out;
      }
    }
    const std::string today = system_utc_date();
    // Nothing fixable (a compliant request, the common case in a gate): fix
    // would plan no edit, so its answer is check's. Otherwise fix starts
    // from this parse and check instead of making its own.
    Checked checked = check_impl(json, k, p, region, label, today);
    const bool any_fixable =
        std::any_of(checked.result.findings.begin(), checked.result.findings.end(),
                    [](const Finding& f) { return f.fixable; });
    if (!checked.doc || !any_fixable) {
      if (checked.doc) take_findings(checked.result, checked.out);
      out.remaining = std::move(checked.out);
      return out;
    }
    fix::FixOptions fo;
    fo.kind = k;
    fo.today = today;
    // Priced as check prices, so `remaining` is what `sageguard check`
    // reports on the fixed file.
    fo.estimator = std::move(checked.estimator);
    auto fixed = as_tree ? fix::fix_checked_tree(checked.doc, checked.result, p.policy, fo)
                         : fix::fix_checked(checked.doc, checked.result, p.policy, fo);
    if (!fixed.ok()) {
      // Nothing fix could write safely: the request's findings stand.
      take_findings(checked.result, checked.out);
      out.remaining = std::move(checked.out);
      return out;
    }
    for (const auto& c : fixed->changes) out.changes.push_back(c.rule + ": " + c.what);
    for (const auto& c : fixed->not_applied) out.not_applied.push_back(c.rule + ": " + c.what);
    // Unchanged, the fixed document is the one checked (fix_checked and
    // fix_checked_tree alike).
    out.changed = fixed->fixed_document != checked.doc;
    if (out.changed) {
      out.text = std::move(fixed->fixed);
      out.document = std::move(fixed->fixed_document);
      out.original = checked.doc;
    }
    take_findings(fixed->remaining, out.remaining);  // expired waivers included
    return out;
  });
}

}  // namespace sageguard::python
