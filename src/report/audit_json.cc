// The audit's JSON and text reports: the check reporters' output with the
// audit's own facts added.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <string_view>

#include "sageguard/report/audit_report.h"

namespace sageguard::report {
namespace {

nlohmann::ordered_json id_json(const audit::ResourceId& id) {
  return {{"kind", kind_name(id.kind)}, {"name", id.name}, {"arn", id.arn}, {"region", id.region}};
}

}  // namespace

std::string audit_json(const audit::AuditResult& r) {
  using json = nlohmann::ordered_json;
  // Start from the check document so both commands share one schema.
  std::string out = check_json(r.check);
  json summary_extra;
  summary_extra["listed"] = r.stats.listed;
  summary_extra["vanished"] = r.vanished.size();
  summary_extra["unreadable"] = r.unreadable;
  summary_extra["list_failures"] = r.list_failures;
  json a;
  a["regions"] = r.regions;
  json resources = json::array();
  for (const auto& res : r.resources) {
    json j = id_json(res.id);
    json tags = json::object();
    for (const auto& [k, v] : res.tags) tags[k] = v;
    j["tags"] = std::move(tags);
    resources.push_back(std::move(j));
  }
  a["resources"] = std::move(resources);
  json vanished = json::array();
  for (const auto& v : r.vanished) vanished.push_back(id_json(v));
  a["vanished"] = std::move(vanished);
  a["calls"] = r.stats.calls;
  a["requeued"] = r.stats.requeued;
  a["skipped_kinds"] = r.stats.skipped_kinds;
  a["seconds"] = r.stats.seconds;
  auto dump = [](const json& j, int indent) {
    return j.dump(indent, ' ', false, json::error_handler_t::replace);
  };

  // check_json writes its members with a two-space indent and "summary"
  // (a flat object) last, so its text ends in "\n  }\n}\n". The audit's
  // summary members and its "audit" member are spliced in as text there:
  // parsing megabytes of findings back into a tree only to add six members
  // was a third of a large audit's report time. Should check_json's layout
  // ever change, the parse-and-add path below gives the same document.
  static constexpr std::string_view kTail = "\n  }\n}\n";
  if (std::string_view(out).ends_with(kTail)) {
    std::string more;
    for (const auto& [k, v] : summary_extra.items()) {
      more += ",\n    " + dump(json(k), -1) + ": " + dump(v, -1);
    }
    more += "\n  },\n  \"audit\": ";
    // Nested one level deeper: every line after the first moves right by
    // two spaces (dump escapes newlines inside strings, so every '\n' in
    // its text is a line break).
    const std::string body = dump(a, 2);
    more.reserve(more.size() + body.size() + body.size() / 8);
    for (char c : body) {
      more += c;
      if (c == '\n') more += "  ";
    }
    more += "\n}\n";
    out.replace(out.size() - kTail.size(), kTail.size(), more);
    return out;
  }
  json doc = json::parse(out);
  for (const auto& [k, v] : summary_extra.items()) doc["summary"][k] = v;
  doc["audit"] = std::move(a);
  return dump(doc, 2) + "\n";
}

std::string audit_text(const audit::AuditResult& r, const TextOptions& opts) {
  std::string out = check_text(r.check, opts);
  out += fmt::format("audit: {} listed in {} region(s), {} vanished before describe, {} unreadable",
                     r.stats.listed, r.regions.size(), r.vanished.size(), r.unreadable);
  if (r.list_failures > 0) out += fmt::format(", {} list call(s) failed", r.list_failures);
  out += fmt::format("; {} calls in {:.1f} s\n", r.stats.calls, r.stats.seconds);
  if (!r.stats.skipped_kinds.empty()) {
    out += "audit: --status does not apply to:";
    for (const auto& k : r.stats.skipped_kinds) out += " " + k;
    out += "\n";
  }
  return out;
}

}  // namespace sageguard::report
