// Evaluation of an inventory: each region's described resources become one
// bundle document, written one resource per line, so a finding's line number
// says which resource it belongs to (and so its ARN and region).
#include <fmt/format.h>

#include <algorithm>

#include "rules/waivers.h"
#include "audit/audit.h"
#include "audit/described_view.h"
#include "util/clock.h"

namespace sageguard::audit {
namespace {

void attach(Finding& f, const ResourceId& id) {
  f.resource.arn = id.arn;
  f.resource.region = id.region;
  f.resource.account = id.account;
  f.file.clear();
  f.line = 0;
  f.column = 0;
}

Finding unreadable_finding(const Policy& policy, const ResourceId& id, const std::string& error) {
  Finding f;
  f.rule = kUnreadableRule;
  f.severity = policy.severity_of(f.rule);
  if (f.severity == Severity::off) f.severity = Severity::error;
  f.resource = {.kind = kind_name(id.kind), .name = id.name, .arn = id.arn, .region = id.region,
                .account = id.account};
  f.message = fmt::format("could not be read: {}", error);
  return f;
}

// Evaluate the described resources of one account's region (indexes into
// inv.described).
Status evaluate_region(const Inventory& inv, const std::vector<size_t>& members,
                       const std::string& account, const std::string& region, const Policy& policy,
                       const CheckOptions& opts, const RegionEstimators& estimators, CheckResult& out) {
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
  const std::string where = account.empty() ? region : account + "/" + region;
  SG_ASSIGN_OR_RETURN(auto doc, parse_document("sagemaker:" + where, std::move(text)));
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

std::vector<AccountTotals> account_totals(const AuditResult& r) {
  std::vector<AccountTotals> out;
  std::map<std::string, size_t> index;
  for (const auto& a : r.accounts) {
    index[a] = out.size();
    AccountTotals t;
    t.account = a;
    if (auto it = r.account_names.find(a); it != r.account_names.end()) t.name = it->second;
    out.push_back(std::move(t));
  }
  auto of = [&](const std::string& account) -> AccountTotals* {
    auto it = index.find(account);
    return it == index.end() ? nullptr : &out[it->second];
  };
  for (const auto& res : r.resources) {
    if (AccountTotals* t = of(res.id.account)) ++t->resources;
  }
  for (const auto& f : r.check.findings) {
    AccountTotals* t = of(f.resource.account);
    if (t == nullptr) continue;
    if (f.rule == kUnreadableRule) ++t->unreadable;
    if (f.severity == Severity::error) ++t->error;
    if (f.severity == Severity::warning) ++t->warning;
    if (f.severity == Severity::note) ++t->note;
  }
  return out;
}

std::vector<nlohmann::json> audit_documents(const Inventory& inv) {
  std::vector<nlohmann::json> out;
  out.reserve(inv.described.size());
  for (const auto& d : inv.described) {
    out.push_back(described_view(d.id.kind, d.described, d.tags));
    // A saved line of a many-account audit names its account, so the file
    // can be split or attributed offline without parsing ARNs. `check`
    // accepts it: a Describe* answer may carry members no request has.
    if (!d.id.account.empty()) out.back()["account"] = d.id.account;
  }
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
  std::vector<std::pair<std::string, std::string>> places;  // account, region
  auto note = [&](const std::string& account, const std::string& region) {
    regions.push_back(region);
    places.emplace_back(account, region);
  };
  for (const auto& d : inv.described) note(d.id.account, d.id.region);
  for (const auto& u : inv.unreadable) note(u.id.account, u.id.region);
  for (const auto& v : inv.vanished) note(v.account, v.region);
  for (const auto& l : inv.list_failures) note(l.account, l.region);
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  std::sort(places.begin(), places.end());
  places.erase(std::unique(places.begin(), places.end()), places.end());

  // One bundle per account and region: tags.propagation links resources
  // of one account's region only, as SageMaker does.
  for (const auto& [account, region] : places) {
    std::vector<size_t> members;
    for (size_t i = 0; i < inv.described.size(); ++i) {
      if (inv.described[i].id.region == region && inv.described[i].id.account == account) {
        members.push_back(i);
      }
    }
    if (!members.empty()) {
      SG_TRY(evaluate_region(inv, members, account, region, policy, opts, estimators, res.check));
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
    ResourceId id{l.kind, "", "", l.region, l.account};
    Finding f = unreadable_finding(policy, id, l.error);
    f.message = fmt::format("could not list {}s in {}: {}", kind_name(l.kind), l.region, l.error);
    res.check.findings.push_back(std::move(f));
  }
  for (const auto& a : inv.account_failures) {
    ResourceId id{ResourceKind::training_job, a.name.empty() ? a.account : a.name, "", "", a.account};
    Finding f = unreadable_finding(policy, id, a.error);
    f.resource.kind = "Account";
    f.message = fmt::format("could not audit account {}: {}", a.account, a.error);
    res.check.findings.push_back(std::move(f));
  }
  std::vector<std::string> accounts = inv.accounts;
  for (const auto& [account, region] : places) {
    if (!account.empty()) accounts.push_back(account);
  }
  for (const auto& a : inv.account_failures) accounts.push_back(a.account);
  std::sort(accounts.begin(), accounts.end());
  accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
  res.accounts = std::move(accounts);
  res.account_names = inv.account_names;
  res.account_failures = static_cast<int>(inv.account_failures.size());
  res.unreadable = static_cast<int>(inv.unreadable.size());
  res.list_failures = static_cast<int>(inv.list_failures.size());
  res.vanished = inv.vanished;
  res.regions = std::move(regions);

  CheckSummary& s = res.check.summary;
  s.files = 0;
  s.resources = static_cast<int>(inv.described.size() + inv.unreadable.size());
  // Findings in account order (a stable sort: within an account, the order
  // of one account's audit), so reports can take an account at a time.
  if (!res.accounts.empty()) {
    std::stable_sort(res.check.findings.begin(), res.check.findings.end(),
                     [](const Finding& a, const Finding& b) { return a.resource.account < b.resource.account; });
  }
  for (const auto& f : res.check.findings) s.add(f.severity);
  return res;
}

}  // namespace sageguard::audit
