// Evaluation of an inventory: each region's described resources become one
// bundle document, written one resource per line, so a finding's line number
// says which resource it belongs to (and so its ARN and region).
#include <fmt/format.h>

#include <algorithm>

#include "rules/waivers.h"
#include "sageguard/audit/audit.h"
#include "audit/described_view.h"
#include "util/clock.h"

namespace sageguard::audit {
namespace {

void attach(Finding& f, const ResourceId& id) {
  f.resource.arn = id.arn;
  f.resource.region = id.region;
  f.file.clear();
  f.line = 0;
  f.column = 0;
}

Finding unreadable_finding(const Policy& policy, const ResourceId& id, const std::string& error) {
  Finding f;
  f.rule = kUnreadableRule;
  f.severity = policy.severity_of(f.rule);
  if (f.severity == Severity::off) f.severity = Severity::error;
  f.resource = {kind_name(id.kind), id.name, id.arn, id.region};
  f.message = fmt::format("could not be read: {}", error);
  return f;
}

// Evaluate the described resources of one region (indexes into inv.described).
Status evaluate_region(const Inventory& inv, const std::vector<size_t>& members,
                       const std::string& region, const Policy& policy, const CheckOptions& opts,
                       const RegionEstimators& estimators, CheckResult& out) {
  std::string text = "[\n";
  for (size_t i = 0; i < members.size(); ++i) {
    const auto& d = inv.described[members[i]];
    // dump() escapes control characters, so each resource stays on its line;
    // invalid UTF-8 (which a parsed response cannot hold, but a caller's
    // Inventory might) is replaced rather than thrown.
    text += described_view(d.id.kind, d.described, d.tags)
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += i + 1 < members.size() ? ",\n" : "\n";
  }
  text += "]\n";
  SG_ASSIGN_OR_RETURN(auto doc, parse_document("sagemaker:" + region, std::move(text)));
  CheckOptions o = opts;
  o.kind.reset();
  if (estimators) o.estimator = estimators(region);
  CheckResult r;
  SG_TRY(check_document(*doc, true, policy, o, r));
  auto owner = [&](const Finding& f) -> const ResourceId* {
    if (f.line < 2 || f.line - 2 >= members.size()) return nullptr;
    return &inv.described[members[f.line - 2]].id;
  };
  out.findings.reserve(out.findings.size() + r.findings.size());
  for (auto& f : r.findings) {
    const ResourceId* id = owner(f);
    if (!id) return Error::make(ErrorCode::internal, "audit finding outside any resource");
    attach(f, *id);
    out.findings.push_back(std::move(f));
  }
  for (auto& w : r.waived) {
    const ResourceId* id = owner(w.finding);
    if (!id) return Error::make(ErrorCode::internal, "audit finding outside any resource");
    attach(w.finding, *id);
    out.waived.push_back(std::move(w));
  }
  return Status::success();
}

}  // namespace

std::vector<nlohmann::json> audit_documents(const Inventory& inv) {
  std::vector<nlohmann::json> out;
  out.reserve(inv.described.size());
  for (const auto& d : inv.described) out.push_back(described_view(d.id.kind, d.described, d.tags));
  return out;
}

Result<AuditResult> evaluate_inventory(const Inventory& inv, const Policy& policy,
                                       const CheckOptions& opts,
                                       const RegionEstimators& estimators) {
  AuditResult res;
  res.check.policy = policy.source;
  res.stats = inv.stats;
  const std::string today = opts.today.empty() ? system_utc_date() : opts.today;
  rules::expired_waiver_findings(policy, today, res.check.findings);

  std::vector<std::string> regions = inv.regions;
  for (const auto& d : inv.described) regions.push_back(d.id.region);
  for (const auto& u : inv.unreadable) regions.push_back(u.id.region);
  for (const auto& v : inv.vanished) regions.push_back(v.region);
  for (const auto& l : inv.list_failures) regions.push_back(l.region);
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());

  for (const auto& region : regions) {
    std::vector<size_t> members;
    for (size_t i = 0; i < inv.described.size(); ++i) {
      if (inv.described[i].id.region == region) members.push_back(i);
    }
    if (!members.empty()) {
      SG_TRY(evaluate_region(inv, members, region, policy, opts, estimators, res.check));
    }
  }
  for (const auto& d : inv.described) {
    AuditedResource a;
    a.id = d.id;
    if (d.tags.is_array()) {
      for (const auto& t : d.tags) {
        auto k = t.find("Key");
        auto v = t.find("Value");
        if (k == t.end() || !k->is_string()) continue;
        a.tags.emplace_back(k->get<std::string>(),
                            v != t.end() && v->is_string() ? v->get<std::string>() : "");
      }
    }
    res.resources.push_back(std::move(a));
  }
  for (const auto& u : inv.unreadable) {
    res.check.findings.push_back(unreadable_finding(policy, u.id, u.error));
  }
  for (const auto& l : inv.list_failures) {
    ResourceId id{l.kind, "", "", l.region};
    Finding f = unreadable_finding(policy, id, l.error);
    f.message = fmt::format("could not list {}s in {}: {}", kind_name(l.kind), l.region, l.error);
    res.check.findings.push_back(std::move(f));
  }
  res.unreadable = static_cast<int>(inv.unreadable.size());
  res.list_failures = static_cast<int>(inv.list_failures.size());
  res.vanished = inv.vanished;
  res.regions = std::move(regions);

  CheckSummary& s = res.check.summary;
  s.files = 0;
  s.resources = static_cast<int>(inv.described.size() + inv.unreadable.size());
  for (const auto& f : res.check.findings) s.add(f.severity);
  return res;
}

}  // namespace sageguard::audit
