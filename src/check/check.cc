// check_paths / check_document: the one check driver that check, fix, launch
// and audit share. Documents are evaluated independently (in parallel when
// there are several files) and merged in input order, so output is stable;
// the rule engine (src/rules) sees resources, never files or threads.
#include "sageguard/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <system_error>

#include "check/check_windowed.h"
#include "check/findings.h"
#include "check/item_source.h"
#include "check/propagation_pass.h"
#include "model/json_window.h"
#include "model/terraform.h"
#include "model/terraform_module.h"
#include "rules/evaluate.h"
#include "rules/propagation.h"
#include "rules/rule_context.h"
#include "rules/waivers.h"
#include "sageguard/rule_catalog.h"
#include "util/clock.h"
#include "util/cpus.h"
#include "util/files.h"
#include "util/memory.h"

namespace sageguard {

namespace {

// One input of check_paths: a file named on the command line or found by
// walking a folder, or a named path that cannot be read (its error).
struct Input {
  std::string path;
  bool named = false;
  bool regular = false;  // a regular file: may be read through a window (never a FIFO)
  std::optional<Error> error;
};

// Collect files: explicit files are "named"; folders are walked (sorted, so
// output order is stable) for *.json, *.yaml, *.yml, JSON lines
// (*.jsonl, *.ndjson, as `audit --save` writes) and Terraform (*.tf; *.tf.json). A path that does not exist
// or a folder that cannot be walked is an input of its own that fails.
std::vector<Input> collect_inputs(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<Input> files;
  for (const auto& p : paths) {
    std::error_code ec;
    auto st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      Error e = Error::make(ErrorCode::io, "no such file or directory");
      e.file = p;
      files.push_back({.path = p, .named = true, .error = std::move(e)});
      continue;
    }
    if (!fs::is_directory(st)) {
      files.push_back({.path = p, .named = true, .regular = fs::is_regular_file(st)});
      continue;
    }
    auto found = list_files_sorted(p, [](const fs::path& f) {
      const std::string ext = f.extension().string();
      return ext == ".json" || ext == ".yaml" || ext == ".yml" || ext == ".jsonl" ||
             ext == ".ndjson" || ext == ".tf";
    });
    if (!found.ok()) {
      files.push_back({.path = p, .named = true, .error = std::move(found).error()});
      continue;
    }
    for (auto& f : *found) files.push_back({.path = std::move(f), .regular = true});
  }
  return files;
}

// An input that could not be read, parsed or recognised, as the finding
// JSON and SARIF reports list it (so code scanning shows it).
Finding parse_error_finding(const Error& e, const std::string& path) {
  Finding f;
  f.rule = "parse.error";
  f.severity = Severity::error;
  f.file = e.file.empty() ? path : e.file;
  f.line = std::max<uint32_t>(e.line, 1);
  f.column = std::max<uint32_t>(e.column, 1);
  f.resource.kind = "File";
  f.resource.name = f.file;
  f.message = e.message;
  return f;
}

}  // namespace

namespace {

// Raw findings of one resource to Findings, split into active and waived.
// `locate` maps an offset to its line and column.
template <class Locate>
void emit_findings(const std::string& path, const Locate& locate, const Resource& r,
                   const Policy& policy, const rules::Severities& severities,
                   const std::string& today, std::vector<rules::RawFinding>& raw,
                   CheckResult& out) {
  for (auto& rf : raw) {
    Finding f = check::to_finding(path, locate(rf.offset), r, severities, std::move(rf));
    if (const Waiver* w = rules::active_waiver(policy, f, today)) {
      out.waived.push_back({std::move(f), w->reason, w->expires});
    } else {
      // Counted now, while the finding is in cache: a pass over a large
      // findings list afterwards costs a cache and TLB miss per finding.
      out.summary.add(f.severity);
      out.findings.push_back(std::move(f));
    }
  }
}

// Room for `more` findings. A large list asks for huge pages: touching it
// page by page was ~10% of a large check on this VM (a hypervisor trap per
// fresh 4 KiB page).
void reserve_findings(std::vector<Finding>& findings, size_t more, const CheckOptions& opts) {
  findings.reserve(findings.size() + more);
  if (opts.memory_hints) advise_huge_pages(findings.data(), findings.capacity() * sizeof(Finding));
}

// A bundle checked item by item, each item's tree built in one reused arena
// and checked on its own. Findings come out exactly as check_document lists
// them for the parsed bundle: items in order, and input errors are the same
// (a syntax error anywhere wins over an unrecognised item, as when the
// whole text was parsed first). What tags.propagation needs of each item is
// kept in `propagation`, whose finish() the caller runs after the last item.
template <check::ItemSource Items>
Status check_items(Items& items, const std::string& path, const Policy& policy,
                   const rules::Severities& severities, const CheckOptions& opts,
                   const std::string& today, check::PropagationPass& propagation,
                   CheckResult& out) {
  std::optional<Error> unrecognised;
  std::vector<Resource> resources;
  std::vector<rules::RawFinding> raw;
  auto locate = [&](uint64_t off) { return items.locate(off); };
  // Room for a finding per KiB of input: reserving is free (pages are only
  // touched when used) and saves regrowth copies of a large findings list.
  reserve_findings(out.findings, items.size() / 1024, opts);
  propagation.reserve(items.size());
  for (size_t index = 0;; ++index) {
    Value item;
    SG_ASSIGN_OR_RETURN(bool got, items.next(item));
    if (!got) break;
    if (unrecognised) continue;  // only a syntax error could still change the outcome
    resources.clear();
    if (!add_bundle_item(item, index, opts.kind, resources)) {
      unrecognised = items.unrecognised(item, index);
      continue;
    }
    out.summary.resources += static_cast<int>(resources.size());
    for (const Resource& r : resources) out.summary.unresolved += static_cast<int>(r.unresolved_values);
    items.advance(item.offset());
    for (const Resource& r : resources) {
      raw.clear();
      rules::evaluate_resource(policy, severities, opts.estimator, r, raw);
      emit_findings(path, locate, r, policy, severities, today, raw, out);
      propagation.add(r, out, locate);
    }
  }
  if (unrecognised) return std::move(*unrecognised);
  out.summary.files += 1;
  return Status::success();
}

bool propagation_on(const rules::Severities& severities) {
  return severities.of("tags.propagation") != Severity::off;
}

Status check_deferred(const Document& doc, bool named, const Policy& policy,
                      const rules::Severities& severities, const CheckOptions& opts,
                      const std::string& today, CheckResult& out) {
  const size_t findings_before = out.findings.size();
  const size_t waived_before = out.waived.size();
  const CheckSummary summary_before = out.summary;
  check::DocumentItems items(doc, opts);
  check::PropagationPass propagation(propagation_on(severities));
  Status done = check_items(items, doc.path(), policy, severities, opts, today, propagation, out);
  if (done.ok()) {
    propagation.finish(doc.path(), policy, severities, today, out);
    return done;
  }
  // Under --kind, an item that is not of the kind may mean the whole file
  // is not (its first item): the whole-document path tells which.
  if (!opts.kind) return done;
  out.findings.resize(findings_before);
  out.waived.resize(waived_before);
  out.summary = summary_before;
  SG_ASSIGN_OR_RETURN(auto whole, parse_deferred_whole(doc, opts.read));
  return check_document(*whole, named, policy, opts, out);
}

}  // namespace

namespace {

// One piece of a windowed check: its result (nullopt when the file must be
// read whole, or when this piece began at a wrong guess and failed) and
// where it ended.
struct Piece {
  std::optional<CheckResult> result;
  check::PropagationPass propagation{false};  // its facts, for the file's final pass
  std::optional<size_t> landed;  // the stop it ended at; nullopt: the file's end
  LineCol landed_at;             // that stop's place, counted from the piece's start
};

// Where a piece's lines and columns lie in the file: its line 1 is the
// file's line `lines` + 1, and columns on its line 1 are `columns` further
// (a piece cut inside a line starts at that line's column `columns` + 1).
struct Shift {
  uint32_t lines = 0;
  uint32_t columns = 0;
  LineCol apply(LineCol at) const {
    if (at.line == 1) at.column += columns;
    at.line += lines;
    return at;
  }
};

Piece check_piece(const std::string& path, const Policy& policy,
                  const rules::Severities& severities, const std::string& today,
                  const CheckOptions& opts, const JsonWindowItems::Options& window,
                  std::span<const JsonWindowItems::Cut> stops) {
  Piece piece;
  auto reader = JsonWindowItems::open(path, window);
  if (!reader) return piece;
  check::WindowedItems items(*reader, stops);
  CheckResult out;
  check::PropagationPass propagation(propagation_on(severities));
  Status done = check_items(items, path, policy, severities, opts, today, propagation, out);
  if (!done.ok() || reader->lost()) return piece;
  piece.result = std::move(out);
  piece.propagation = std::move(propagation);
  piece.landed = items.landed();
  piece.landed_at = items.landed_at();
  return piece;
}

void move_finding(Finding& f, const Shift& shift) {
  const LineCol at = shift.apply({f.line, f.column});
  f.line = at.line;
  f.column = at.column;
}

// Appends a later piece's results and facts, moved to their places in the file.
void append_piece(CheckResult& out, check::PropagationPass& propagation, Piece&& later,
                  const Shift& shift) {
  propagation.append(std::move(later.propagation), out.findings.size(), out.waived.size(),
                     [&](LineCol at) { return shift.apply(at); });
  CheckResult& piece = *later.result;
  for (auto& f : piece.findings) {
    move_finding(f, shift);
    out.findings.push_back(std::move(f));
  }
  for (auto& w : piece.waived) {
    move_finding(w.finding, shift);
    out.waived.push_back(std::move(w));
  }
  out.summary.add_counts(piece.summary);  // one file, however many pieces
}

}  // namespace

std::optional<CheckResult> check_file_windowed(const std::string& path, const Policy& policy,
                                               const CheckOptions& opts,
                                               const JsonWindowItems::Options& window,
                                               size_t pieces, PieceStats* stats) {
  const std::vector<JsonWindowItems::Cut> cuts =
      pieces > 1 ? JsonWindowItems::split_points(path, pieces, window.min_file_size)
                 : std::vector<JsonWindowItems::Cut>{};
  // Shared by the pieces (read-only).
  const std::string today = opts.today.empty() ? system_utc_date() : opts.today;
  const rules::Severities severities(policy);
  std::vector<Piece> done(cuts.size() + 1);
  // Piece 0 reads from the file's start, piece k + 1 from cuts[k]; piece j
  // stops at the first of the later pieces' first items it meets. Each
  // thread takes the next piece not yet taken; the caller, starting last,
  // usually takes piece 0 (a new thread takes a while to run).
  std::atomic<size_t> next_piece{0};
  run_on_threads(done.size(), [&] {
    if (opts.memory_hints) advise_thread_heap_huge_pages();  // a no-op on the main thread's heap
    for (size_t j = next_piece++; j < done.size(); j = next_piece++) {
      JsonWindowItems::Options w = window;
      if (j > 0) w.start = cuts[j - 1].start;
      done[j] = check_piece(path, policy, severities, today, opts, w, std::span(cuts).subspan(j));
    }
  });

  // Follow the pieces from the file's start: each one that ended exactly at
  // a later piece's first item hands over to that piece.
  if (!done[0].result) return std::nullopt;
  CheckResult out = std::move(*done[0].result);
  check::PropagationPass propagation = std::move(done[0].propagation);
  Shift shift;  // of piece j
  size_t used = 1;
  for (size_t j = 0; done[j].landed; ++used) {
    const size_t next = j + 1 + *done[j].landed;
    // The next piece's first item, where this one landed: line 1 there,
    // and the column of the blanks before it from the piece's start.
    const JsonWindowItems::Cut& cut = cuts[next - 1];
    const LineCol at = shift.apply(done[j].landed_at);
    shift = {.lines = at.line - 1,
             .columns = at.column - 1 - static_cast<uint32_t>(cut.item - cut.start)};
    if (!done[next].result) return std::nullopt;
    append_piece(out, propagation, std::move(done[next]), shift);
    j = next;
  }
  propagation.finish(path, policy, severities, today, out);
  if (stats != nullptr) *stats = {.cuts = cuts.size(), .used = used};
  return out;
}

namespace {

// A file of a Terraform module checked with its folder: the module's
// provider blocks, read once, and the pass relating its resources to the
// other files' (this file's results are the pass's file `file`).
struct InModule {
  const TerraformProviders* providers = nullptr;
  check::PropagationPass* propagation = nullptr;
  size_t file = 0;
};

Status check_whole(const Document& doc, bool named, const Policy& policy, const CheckOptions& opts,
                   const InModule* module, CheckResult& out) {
  const std::string today = opts.today.empty() ? system_utc_date() : opts.today;
  const rules::Severities severities(policy);
  if (doc.deferred() && !opts.format) {
    return check_deferred(doc, named, policy, severities, opts, today, out);
  }
  if (doc.deferred()) {  // a list is no template or state machine: read it whole to say so
    SG_ASSIGN_OR_RETURN(auto whole, parse_deferred_whole(doc, opts.read));
    return check_document(*whole, named, policy, opts, out);
  }
  SG_ASSIGN_OR_RETURN(ExtractResult ex,
                      extract_resources_in_module(doc, opts.kind, opts.format,
                                                  module ? module->providers : nullptr));
  out.summary.files += 1;
  const char* kind = opts.format ? format_flag(*opts.format)
                     : opts.kind ? kind_flag(*opts.kind)
                                 : nullptr;
  if (!ex.recognised) {
    if (named) {
      Error e = Error::at(
          ErrorCode::input, doc.path(), 1, 1,
          kind ? fmt::format("not what --kind {} says: {}", kind, ex.reason)
               : "not a recognised SageMaker document (expected a Create*/Describe* "
                 "request, a Pipelines definition or a list of them; use --kind to say "
                 "which)");
      return e;
    }
    out.summary.skipped += 1;
    out.skipped.push_back({.file = doc.path(),
                           .reason = kind ? fmt::format("not what --kind {} says: {}", kind,
                                                        ex.reason)
                                          : "not a SageMaker document",
                           .not_sagemaker = !ex.other_kind});
    return Status::success();
  }
  out.summary.resources += static_cast<int>(ex.resources.size());
  for (const Resource& r : ex.resources) out.summary.unresolved += static_cast<int>(r.unresolved_values);
  const auto locate = [&](uint64_t off) { return doc.locate(off); };
  if (module != nullptr) {
    // tags.propagation waits for the module's other files.
    std::vector<rules::RawFinding> raw;
    for (const Resource& r : ex.resources) {
      raw.clear();
      rules::evaluate_resource(policy, severities, opts.estimator, r, raw);
      emit_findings(doc.path(), locate, r, policy, severities, today, raw, out);
      module->propagation->add(r, out, locate, module->file);
    }
    return Status::success();
  }
  std::vector<std::vector<rules::RawFinding>> raw(ex.resources.size());
  for (size_t i = 0; i < ex.resources.size(); ++i) {
    rules::evaluate_resource(policy, severities, opts.estimator, ex.resources[i], raw[i]);
  }
  if (propagation_on(severities)) {
    // The whole document is at hand: its resources' facts, related at once.
    std::vector<rules::PropagationFacts> facts;
    std::vector<size_t> of;  // the resource each fact is of
    for (size_t i = 0; i < ex.resources.size(); ++i) {
      if (!rules::takes_part_in_propagation(ex.resources[i])) continue;
      facts.push_back(rules::propagation_facts(ex.resources[i]));
      of.push_back(i);
    }
    std::vector<std::vector<rules::RawFinding>> found(facts.size());
    rules::check_propagation(facts, found);
    for (size_t k = 0; k < facts.size(); ++k) {
      std::move(found[k].begin(), found[k].end(), std::back_inserter(raw[of[k]]));
    }
  }
  size_t total = 0;
  for (const auto& r : raw) total += r.size();
  reserve_findings(out.findings, total, opts);
  for (size_t i = 0; i < ex.resources.size(); ++i) {
    emit_findings(doc.path(), locate, ex.resources[i], policy, severities, today, raw[i], out);
  }
  return Status::success();
}

}  // namespace

Status check_document(const Document& doc, bool named, const Policy& policy,
                      const CheckOptions& opts, CheckResult& out) {
  return check_whole(doc, named, policy, opts, nullptr, out);
}

namespace {

using Partial = std::vector<std::optional<Result<CheckResult>>>;

// What one thread takes at a time: an input, or the Terraform
// configuration files (`.tf`, `.tf.json`) of one folder, a module, which
// are checked together: each file is read once, the module's provider
// blocks (default_tags) are taken from the files read, and
// tags.propagation relates resources across the files in one final pass.
struct Unit {
  std::vector<size_t> files;  // indexes of inputs
  bool module = false;
};
std::vector<Unit> work_units(const std::vector<Input>& files) {
  std::vector<Unit> units;
  std::map<std::string, size_t> modules;  // folder -> its unit
  for (size_t i = 0; i < files.size(); ++i) {
    const Input& in = files[i];
    if (in.error || !in.regular || !is_terraform_file_name(in.path)) {
      units.push_back({.files = {i}});
      continue;
    }
    const std::string folder = std::filesystem::path(in.path).parent_path().string();
    auto [it, added] = modules.emplace(folder, units.size());
    if (added) units.push_back({.module = true});
    units[it->second].files.push_back(i);
  }
  return units;
}

void check_module(const std::vector<Input>& files, const std::vector<size_t>& members,
                  const Policy& policy, const CheckOptions& opts, const std::string& today,
                  Partial& partial) {
  std::vector<std::shared_ptr<const Document>> docs(members.size());
  TerraformProviders providers;
  std::set<std::string> have;
  for (size_t k = 0; k < members.size(); ++k) {
    const Input& in = files[members[k]];
    have.insert(in.path);
    auto doc = load_document_deferred(in.path, opts.read);
    if (!doc.ok()) {
      partial[members[k]].emplace(std::move(doc).error());
      continue;
    }
    docs[k] = std::move(doc).value();
    if (terraform_source(*docs[k]) == TerraformSource::configuration) {
      providers.add(in.path, docs[k]->root());
    }
  }
  // Files of the folder that are not inputs (a file named alone, and
  // providers.tf or the model it refers to beside it) are read once, for
  // their provider blocks and for the tags their resources pass on; they
  // get no findings (files that do not parse are left to their own check).
  std::vector<std::shared_ptr<const Document>> others;
  for (const std::string& p : module_files_besides(files[members.front()].path, have)) {
    auto doc = load_document(
        p, ReadOptions{.max_file_size = kMaxModuleFile, .max_depth = opts.read.max_depth});
    if (!doc.ok() || terraform_source(**doc) != TerraformSource::configuration) continue;
    providers.add(p, (*doc)->root());
    others.push_back(std::move(doc).value());
  }
  const rules::Severities severities(policy);
  check::PropagationPass propagation(propagation_on(severities));
  if (propagation.on()) {
    for (const auto& doc : others) {
      auto ex = extract_resources_in_module(*doc, opts.kind, opts.format, &providers);
      if (!ex.ok()) continue;
      for (const Resource& r : ex->resources) propagation.add_source(r);
    }
  }
  std::vector<CheckResult> results(members.size());
  std::vector<check::PropagationPass::File> done(members.size());
  for (size_t k = 0; k < members.size(); ++k) {
    done[k] = {.path = &files[members[k]].path, .out = &results[k]};
    if (!docs[k]) continue;
    const InModule module{.providers = &providers, .propagation = &propagation, .file = k};
    Status s = check_whole(*docs[k], files[members[k]].named, policy, opts, &module, results[k]);
    if (!s.ok()) partial[members[k]].emplace(std::move(s).error());
  }
  propagation.finish(done, policy, severities, today);
  for (size_t k = 0; k < members.size(); ++k) {
    if (!partial[members[k]]) partial[members[k]].emplace(std::move(results[k]));
  }
}

}  // namespace

Result<CheckResult> check_paths(const std::vector<std::string>& paths, const Policy& policy,
                                const CheckOptions& opts) {
  std::vector<Input> files = collect_inputs(paths);
  CheckResult result;
  result.policy = policy.source;
  const std::string today = opts.today.empty() ? system_utc_date() : opts.today;
  rules::expired_waiver_findings(policy, today, result);

  // Each file is parsed and checked on its own (a Terraform module's files
  // together); results merge in input order.
  const std::vector<Unit> units = work_units(files);
  const size_t threads = opts.threads > 0 ? opts.threads : usable_cpus();
  const size_t workers = std::max<size_t>(1, std::min(units.size(), threads));
  // Threads the workers leave over go to cutting large bundles into
  // pieces, of 4 MiB at least (each costs a thread, a window and a heap): a
  // single file gets them all.
  const size_t per_file = std::max<size_t>(1, threads / workers);
  auto pieces_for = [&](const std::string& path) -> size_t {
    if (per_file == 1) return 1;
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    return ec ? 1 : std::clamp<size_t>(size / kMinPiece, 1, per_file);
  };
  Partial partial(files.size());
  std::atomic<size_t> next{0};
  // A large bundle is read through a window; anything that reader does not
  // take, input errors included, is read whole below. Only regular files:
  // a FIFO or device is read once, as a stream (opening it twice would
  // lose what the first open read and wait for a writer that has gone).
  const JsonWindowItems::Options window{.window = kCheckWindow,
                                        .min_file_size = kWindowedFrom,
                                        .max_file_size = opts.read.max_file_size,
                                        .max_depth = opts.read.max_depth};
  auto work = [&] {
    for (size_t u = next++; u < units.size(); u = next++) {
      if (units[u].module) {
        check_module(files, units[u].files, policy, opts, today, partial);
        continue;
      }
      const size_t i = units[u].files.front();
      const Input& in = files[i];
      if (in.error) {
        partial[i].emplace(*in.error);
        continue;
      }
      if (in.regular) {
        if (auto r = check_file_windowed(in.path, policy, opts, window, pieces_for(in.path))) {
          partial[i].emplace(std::move(*r));
          continue;
        }
      }
      auto doc = load_document_deferred(in.path, opts.read);
      if (!doc.ok()) {
        partial[i].emplace(std::move(doc).error());
        continue;
      }
      CheckResult r;
      Status s = check_document(**doc, in.named, policy, opts, r);
      partial[i].emplace(s.ok() ? Result<CheckResult>(std::move(r))
                                : Result<CheckResult>(std::move(s).error()));
    }
  };
  run_on_threads(workers, work);

  // A file that cannot be read does not hide the others: it becomes an
  // error of its own (and a parse.error finding at its place).
  for (size_t i = 0; i < partial.size(); ++i) {
    auto& p = partial[i];
    if (!p->ok()) {
      Error e = std::move(*p).error();
      if (e.file.empty()) e.file = files[i].path;
      result.findings.push_back(parse_error_finding(e, files[i].path));
      result.summary.add(Severity::error);
      result.summary.unreadable += 1;
      result.errors.push_back(std::move(e));
      continue;
    }
    CheckResult& r = p->value();
    result.summary.files += r.summary.files;
    result.summary.add_counts(r.summary);
    if (result.findings.size() < r.findings.size()) {
      // Keep the larger list's buffer (a single large file's is backed by
      // huge pages): the few findings before it move to its front.
      r.findings.insert(r.findings.begin(), std::make_move_iterator(result.findings.begin()),
                        std::make_move_iterator(result.findings.end()));
      result.findings = std::move(r.findings);
    } else {
      std::move(r.findings.begin(), r.findings.end(), std::back_inserter(result.findings));
    }
    std::move(r.waived.begin(), r.waived.end(), std::back_inserter(result.waived));
    std::move(r.skipped.begin(), r.skipped.end(), std::back_inserter(result.skipped));
  }
  return result;
}

}  // namespace sageguard
