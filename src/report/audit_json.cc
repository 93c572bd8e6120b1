#include <fmt/format.h>
#include <nlohmann/json.hpp>

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
  json out = json::parse(check_json(r.check));
  json& s = out["summary"];
  s["listed"] = r.stats.listed;
  s["vanished"] = r.vanished.size();
  s["unreadable"] = r.unreadable;
  s["list_failures"] = r.list_failures;
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
  out["audit"] = std::move(a);
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
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
