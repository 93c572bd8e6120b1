// The audit's JSON and text reports: the check reporters' output with the
// audit's own facts added.
#include <fmt/format.h>

#include <algorithm>
#include <span>
#include <string_view>

#include "report/check_json.h"
#include "report/text_findings.h"
#include "util/strings.h"
#include "report/audit_report.h"

namespace sageguard::report {
namespace {

void write_id(JsonWriter& w, const audit::ResourceId& id) {
  w.member("kind", kind_name(id.kind));
  w.member("name", id.name);
  w.member("arn", id.arn);
  w.member("region", id.region);
  if (!id.account.empty()) w.member("account", id.account);
}

void write_strings(JsonWriter& w, const std::vector<std::string>& v) {
  w.begin_array();
  for (const auto& s : v) w.value(s);
  w.end_array();
}

// Tags as an object in ListTags order; a repeated key keeps its first
// position and its last value, as a JSON object built key by key would.
void write_tags(JsonWriter& w, const std::vector<std::pair<std::string, std::string>>& tags) {
  std::vector<std::pair<std::string_view, std::string_view>> unique;
  for (const auto& [k, v] : tags) {
    auto it = std::find_if(unique.begin(), unique.end(), [&name = k](const auto& u) { return u.first == name; });
    if (it != unique.end()) {
      it->second = v;
    } else {
      unique.emplace_back(k, v);
    }
  }
  w.begin_object();
  for (const auto& [k, v] : unique) w.member(k, v);
  w.end_object();
}

void write_audit_member(JsonWriter& w, const audit::AuditResult& r) {
  w.key("audit");
  w.begin_object();
  w.key("regions");
  write_strings(w, r.regions);
  w.key("resources");
  w.begin_array();
  for (const auto& res : r.resources) {
    w.begin_object();
    write_id(w, res.id);
    w.key("tags");
    write_tags(w, res.tags);
    w.end_object();
  }
  w.end_array();
  w.key("vanished");
  w.begin_array();
  for (const auto& v : r.vanished) {
    w.begin_object();
    write_id(w, v);
    w.end_object();
  }
  w.end_array();
  w.member("calls", r.stats.calls);
  w.member("requeued", r.stats.requeued);
  w.key("skipped_kinds");
  write_strings(w, r.stats.skipped_kinds);
  w.member("seconds", r.stats.seconds);
  w.end_object();
}

std::string plural(int n, const char* word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

// A section per account (its findings, then its totals), after the
// findings that belong to no account (the policy's own); then the totals of
// the whole audit as check_text ends.
std::string accounts_text(const audit::AuditResult& r, const TextOptions& opts) {
  std::string out;
  const auto& findings = r.check.findings;
  // evaluate_inventory sorts findings by account: each account is one run.
  auto run_of = [&](const std::string& account) {
    auto lo = std::lower_bound(findings.begin(), findings.end(), account,
                               [](const Finding& f, const std::string& a) { return f.resource.account < a; });
    auto hi = std::upper_bound(lo, findings.end(), account,
                               [](const std::string& a, const Finding& f) { return a < f.resource.account; });
    return std::span<const Finding>(findings.data() + (lo - findings.begin()), static_cast<size_t>(hi - lo));
  };
  if (auto own = run_of(""); !own.empty()) {
    append_findings_text(out, own, opts);
    out += "\n";
  }
  for (const auto& t : audit::account_totals(r)) {
    const std::string name = t.name.empty() ? "" : " (" + terminal_safe(t.name) + ")";
    out += fmt::format("== account {}{} ==\n", t.account, name);
    if (auto mine = run_of(t.account); !mine.empty()) {
      append_findings_text(out, mine, opts);
      out += "\n";
    }
    out += fmt::format("account {}: {}: {}, {}, {}", t.account, plural(t.resources, "resource"),
                       plural(t.error, "error"), plural(t.warning, "warning"), plural(t.note, "note"));
    if (t.unreadable > 0) out += fmt::format(", {} unreadable", t.unreadable);
    out += "\n\n";
  }
  CheckResult totals;
  totals.summary = r.check.summary;
  totals.waived = r.check.waived;
  out += check_text(totals, opts);
  return out;
}

}  // namespace

// The check document (one schema for both commands) with the audit's own
// counts added to "summary" and an "audit" member after it.
std::string audit_json(const audit::AuditResult& r) {
  std::string out;
  out.reserve(1024 + 400 * (r.check.findings.size() + r.resources.size()));
  JsonWriter w(out);
  write_check_document(
      w, r.check,
      [&](JsonWriter& s) {
        s.member("listed", r.stats.listed);
        s.member("vanished", static_cast<uint64_t>(r.vanished.size()));
        s.member("unreadable", r.unreadable);
        s.member("list_failures", r.list_failures);
      },
      [&](JsonWriter& top) { write_audit_member(top, r); });
  out += '\n';
  return out;
}

std::string audit_text(const audit::AuditResult& r, const TextOptions& opts) {
  std::string out = r.accounts.empty() ? check_text(r.check, opts) : accounts_text(r, opts);
  out += fmt::format("audit: {} listed in {} region(s)", r.stats.listed, r.regions.size());
  if (!r.accounts.empty()) out += fmt::format(" of {} account(s)", r.accounts.size());
  out += fmt::format(", {} vanished before describe, {} unreadable", r.vanished.size(), r.unreadable);
  if (r.list_failures > 0) out += fmt::format(", {} list call(s) failed", r.list_failures);
  if (r.account_failures > 0) out += fmt::format(", {} account(s) not audited", r.account_failures);
  out += fmt::format("; {} calls in {:.1f} s\n", r.stats.calls, r.stats.seconds);
  if (!r.stats.skipped_kinds.empty()) {
    out += "audit: --status does not apply to:";
    for (const auto& k : r.stats.skipped_kinds) out += " " + k;
    out += "\n";
  }
  return out;
}

}  // namespace sageguard::report
