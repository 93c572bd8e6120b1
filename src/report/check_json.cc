// `check --format json` (docs/output-formats.md), written in one pass.
#include "report/check_json.h"

namespace sageguard::report {

namespace {

void write_resource(JsonWriter& w, const ResourceRef& r) {
  w.key("resource");
  w.begin_object();
  w.member("kind", r.kind);
  w.member("name", r.name);
  if (!r.id.empty()) w.member("id", r.id);
  if (!r.arn.empty()) w.member("arn", r.arn);
  if (!r.region.empty()) w.member("region", r.region);
  if (!r.account.empty()) w.member("account", r.account);
  w.end_object();
}

void write_location(JsonWriter& w, const Finding& f) {
  if (f.file.empty()) return;
  w.member("file", f.file);
  w.member("line", f.line);
  w.member("column", f.column);
}

}  // namespace

void write_check_document(JsonWriter& w, const CheckResult& r,
                          const std::function<void(JsonWriter&)>& more_summary,
                          const std::function<void(JsonWriter&)>& more) {
  w.begin_object();
  w.key("tool");
  w.begin_object();
  w.member("name", "sageguard");
  w.member("version", SAGEGUARD_VERSION);
  w.end_object();
  w.member("policy", r.policy);
  w.key("findings");
  w.begin_array();
  for (const auto& f : r.findings) {
    w.begin_object();
    w.member("rule", f.rule);
    w.member("severity", to_string(f.severity));
    write_location(w, f);
    write_resource(w, f.resource);
    w.member("path", f.path);
    w.member("message", f.message);
    w.member("fixable", f.fixable);
    w.end_object();
  }
  w.end_array();
  w.key("waived");
  w.begin_array();
  for (const auto& wf : r.waived) {
    w.begin_object();
    w.member("rule", wf.finding.rule);
    write_resource(w, wf.finding.resource);
    write_location(w, wf.finding);
    w.member("path", wf.finding.path);
    w.member("message", wf.finding.message);
    w.member("reason", wf.reason);
    w.member("expires", wf.expires);
    w.end_object();
  }
  w.end_array();
  w.key("summary");
  w.begin_object();
  w.member("files", r.summary.files);
  w.member("resources", r.summary.resources);
  w.member("skipped", r.summary.skipped);
  w.key("skipped_files");
  w.begin_array();
  for (const auto& sk : r.skipped) {
    w.begin_object();
    w.member("file", sk.file);
    w.member("reason", sk.reason);
    w.end_object();
  }
  w.end_array();
  w.key("unreadable_files");
  w.begin_array();
  for (const auto& e : r.errors) w.value(e.file);
  w.end_array();
  w.member("error", r.summary.error);
  w.member("warning", r.summary.warning);
  w.member("note", r.summary.note);
  w.member("waived", static_cast<uint64_t>(r.waived.size()));
  w.member("unresolved_values", r.summary.unresolved);
  if (more_summary) more_summary(w);
  w.end_object();
  if (more) more(w);
  w.end_object();
}

std::string check_json(const CheckResult& r) {
  std::string out;
  // Findings take 400-500 bytes each. Reserving twice that costs nothing
  // (pages never written are never faulted in) and saves the regrowth
  // copies, which on a large report touch twice its size in fresh memory.
  out.reserve(4096 + 1024 * (r.findings.size() + r.waived.size()));
  JsonWriter w(out);
  write_check_document(w, r);
  out += '\n';
  return out;
}

void check_json(const CheckResult& r, const std::function<void(std::string_view)>& sink) {
  std::string buf;
  buf.reserve(128 * 1024);
  JsonWriter w(buf, sink);
  write_check_document(w, r);
  buf += '\n';
  sink(buf);
}

}  // namespace sageguard::report
