// fix_text: check, plan, map a Terraform configuration's changes back onto
// its arguments, drop changes a format editor cannot write safely,
// render byte edits, apply them to the original text, verify the result
// parses into the same resources, and check it again (or, for a caller that
// wants a tree, apply them to the parsed tree and check that).
#include "sageguard/fix/fix.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>

#include "fix/hcl_editor.h"
#include "fix/json_editor.h"
#include "fix/planner.h"
#include "fix/terraform_ops.h"
#include "fix/tree_edit.h"
#include "fix/verify.h"
#include "fix/yaml_editor.h"
#include "model/document_tree.h"
#include "model/terraform.h"
#include "rules/waivers.h"
#include "sageguard/rule_catalog.h"
#include "util/clock.h"
#include "util/files.h"

namespace sageguard::fix {

const std::vector<std::string>& fixable_rules() {
  static const std::vector<std::string> kRules = {
      "tags.required",  "vpc.required", "network.isolation", "encryption.inter-container",
      "kms.volume",     "kms.output",   "spot.enabled",      "spot.max-wait",
      "spot.checkpoint", "network.direct-internet", "network.vpc-only", "notebook.root-access",
      "notebook.imds-v2", "notebook.platform", "instance.min-count", "registry.manual-approval"};
  return kRules;
}

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

Status validate_rule_ids(const std::vector<std::string>& ids, const char* flag) {
  for (const auto& id : ids) {
    if (!find_rule(id)) {
      return Error::make(ErrorCode::usage, fmt::format("{}: unknown rule id '{}'", flag, id));
    }
  }
  return Status::success();
}

bool feasible(const FormatEditor& ed, const OpList& ops) {
  for (const auto& op : ops.inserts) {
    if (!ed.can_insert(*op.obj)) return false;
  }
  for (const auto& op : ops.replaces) {
    if (!ed.can_replace(*op.node)) return false;
  }
  for (const auto& op : ops.removes) {
    if (!ed.can_remove(*op.obj, op.index)) return false;
  }
  for (const auto& op : ops.appends) {
    if (!ed.can_append(*op.array)) return false;
  }
  return true;
}

// Objects created by two changes (NetworkConfig for both VpcConfig and
// EnableNetworkIsolation) become one object holding both.
void merge_value(NewValue& into, const NewValue& from) {
  for (const auto& [k, v] : from.members) {
    auto it = std::find_if(into.members.begin(), into.members.end(),
                           [&name = k](const auto& m) { return m.first == name; });
    if (it == into.members.end()) {
      into.members.emplace_back(k, v);
    } else if (it->second.kind == NewValue::Kind::object && v.kind == NewValue::Kind::object) {
      merge_value(it->second, v);
    }
  }
}

void merge_inserts(OpList& ops) {
  std::vector<InsertOp> merged;
  for (auto& op : ops.inserts) {
    auto it = std::find_if(merged.begin(), merged.end(),
                           [&](const InsertOp& m) { return m.obj == op.obj && m.key == op.key; });
    if (it == merged.end()) {
      merged.push_back(std::move(op));
    } else if (it->value.kind == NewValue::Kind::object &&
               op.value.kind == NewValue::Kind::object) {
      merge_value(it->value, op.value);
    } else if (it->value.kind == NewValue::Kind::array && op.value.kind == NewValue::Kind::array) {
      // Several tags for a Tags list that does not exist yet.
      it->value.items.insert(it->value.items.end(), op.value.items.begin(), op.value.items.end());
    }
  }
  ops.inserts = std::move(merged);
}

Status same_resources(const std::vector<Resource>& a, const std::vector<Resource>& b,
                      const std::string& path) {
  bool same = a.size() == b.size();
  for (size_t i = 0; same && i < a.size(); ++i) {
    same = a[i].kind == b[i].kind && a[i].name == b[i].name && a[i].pointer == b[i].pointer;
  }
  if (same) return Status::success();
  Error e = Error::make(ErrorCode::internal,
                        "fix changed which resources the document holds; nothing was written");
  e.file = path;
  return e;
}

// Line numbers of the offsets changes are noted at, counted forward (notes
// come mostly in text order): Document::locate would also count each
// offset's column, all of its line's bytes when the request is one line.
class LineCounter {
 public:
  explicit LineCounter(const Document& doc) : doc_(doc), text_(doc.text()) {}
  uint32_t line(uint64_t offset) {
    if (offset < at_) return doc_.locate(offset).line;
    offset = std::min<uint64_t>(offset, text_.size());
    const char* p = text_.data() + at_;
    const char* end = text_.data() + offset;
    while (p < end) {
      p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (p == nullptr) break;
      ++line_;
      ++p;
    }
    at_ = offset;
    return line_;
  }

 private:
  const Document& doc_;
  std::string_view text_;
  uint64_t at_ = 0;
  uint32_t line_ = 1;
};

// The note's strings are moved: each note makes one change.
FixChange to_change(const Document& doc, LineCounter& lines, const Resource& r, ChangeNote&& n) {
  FixChange c;
  c.rule = std::move(n.rule);
  c.file = doc.path();
  c.line = lines.line(n.at);
  c.resource.kind = kind_name(r.kind);
  c.resource.name = r.name;
  c.path = std::move(n.pointer);
  c.what = std::move(n.what);
  return c;
}

CheckOptions check_options(const FixOptions& opts) {
  CheckOptions co;
  co.kind = opts.kind;
  co.format = opts.format;
  co.read = opts.read;
  co.today = opts.today.empty() ? system_utc_date() : opts.today;
  co.estimator = opts.estimator;
  return co;
}

}  // namespace

Result<FixOutcome> fix_text(const std::string& path, std::string text, const Policy& policy,
                            const FixOptions& opts) {
  SG_TRY(validate_rule_ids(opts.only, "--only"));
  SG_TRY(validate_rule_ids(opts.skip, "--skip"));
  SG_ASSIGN_OR_RETURN(auto doc, parse_document(path, std::move(text), opts.read));
  // A plan is Terraform's output: the configuration it came from is what
  // to change.
  if (terraform_source(*doc, opts.format) == TerraformSource::plan) {
    Error e = Error::make(ErrorCode::input,
                          "a Terraform plan is never fixed: fix the .tf source and plan again");
    e.file = path;
    return e;
  }

  FixOptions o = opts;
  o.today = opts.today.empty() ? system_utc_date() : opts.today;  // one date for both checks
  CheckResult before;
  SG_TRY(check_document(*doc, true, policy, check_options(o), before));
  return fix_checked(doc, before, policy, o);
}

namespace {

// What fix decides before anything is written: the outcome's lists of
// changes, and the operations that make the applied ones.
struct Plan {
  FixOutcome out;
  ExtractResult ex;
  OpList ops;
  std::unique_ptr<FormatEditor> editor;  // the document's format's
};

Result<Plan> plan_checked(const Document& doc, const CheckResult& before, const Policy& policy,
                          const FixOptions& opts) {
  SG_TRY(validate_rule_ids(opts.only, "--only"));
  SG_TRY(validate_rule_ids(opts.skip, "--skip"));
  Plan plan;
  FixOutcome& out = plan.out;
  out.original = std::string(doc.text());
  SG_ASSIGN_OR_RETURN(plan.ex, extract_resources(doc, opts.kind, opts.format));

  const auto wanted = [&](const std::string& rule) {
    return policy.severity_of(rule) != Severity::off &&
           (opts.only.empty() || contains(opts.only, rule)) && !contains(opts.skip, rule);
  };
  const FindingIndex index(before.findings);
  std::vector<PlannedChange> planned = plan_fixes(policy, plan.ex.resources, index, wanted);

  // A Terraform configuration's resources are translated requests: their
  // operations are mapped back onto the file's own arguments first.
  std::optional<TerraformTargets> terraform;
  if (terraform_source(doc, opts.format) == TerraformSource::configuration) {
    terraform.emplace(doc, plan.ex.resources);
  }
  // The text editor decides what can be written, for the tree edit too, so
  // both apply the same changes.
  std::unique_ptr<FormatEditor>& editor = plan.editor;
  if (doc.format() == SourceFormat::json) {
    editor = std::make_unique<JsonEditor>(doc);
  } else if (doc.format() == SourceFormat::hcl) {
    editor = std::make_unique<HclEditor>(doc);
  } else {
    editor = std::make_unique<YamlEditor>(doc);
  }
  OpList& all = plan.ops;
  LineCounter lines(doc);
  for (auto& c : planned) {
    if (!c.withheld.empty()) {
      for (auto& n : c.notes) {
        FixChange w = to_change(doc, lines, *c.resource, std::move(n));
        w.what = c.withheld;
        out.withheld.push_back(std::move(w));
      }
      continue;
    }
    // A definition held in a JSON string (a template's DefinitionString)
    // is not edited: its resources say why.
    std::string why_not = c.resource->not_editable;
    OpList ops;
    if (!terraform) {
      ops = std::move(c.ops);
    } else if (why_not.empty()) {
      why_not = terraform->to_source(*c.resource, c.ops, ops);
    }
    const bool ok = why_not.empty() && feasible(*editor, ops);
    if (!ok && why_not.empty()) {
      if (terraform) {
        why_not = "a one-line block, a list over several lines or an aligned comment in the way";
      } else if (doc.format() == SourceFormat::yaml) {
        why_not = "flow-style YAML in the way";
      }
    }
    for (auto& n : c.notes) {
      FixChange change = to_change(doc, lines, *c.resource, std::move(n));
      if (!why_not.empty()) change.what += " (" + why_not + ")";
      (ok ? out.changes : out.not_applied).push_back(std::move(change));
    }
    if (ok) all.merge(std::move(ops));
  }
  if (terraform) {
    for (const Resource& r : plan.ex.resources) {
      for (ChangeNote n : terraform->unresolved_places(r, policy, wanted)) {
        out.not_applied.push_back(to_change(doc, lines, r, std::move(n)));
      }
    }
  }
  merge_inserts(all);
  const auto by_line = [](const FixChange& a, const FixChange& b) { return a.line < b.line; };
  for (auto* list : {&out.changes, &out.not_applied, &out.withheld}) {
    // Usually in order already (a one-line request always is).
    if (!std::is_sorted(list->begin(), list->end(), by_line)) {
      std::stable_sort(list->begin(), list->end(), by_line);
    }
  }
  return plan;
}

// The planned operations written into the text, which is parsed again and
// verified: `out.fixed` and the document `fixed_doc` it parses to.
Status write_text(const std::shared_ptr<const Document>& doc, Plan& plan, const FixOptions& opts,
                  std::shared_ptr<const Document>& fixed_doc) {
  const std::string& path = doc->path();
  FixOutcome& out = plan.out;
  out.fixed = apply_edits(doc->text(), plan.editor->render(plan.ops));
  fixed_doc = doc;
  if (out.fixed == doc->text()) return Status::success();
  auto reparsed = parse_document(path, out.fixed, opts.read);
  if (!reparsed.ok()) {
    Error e = Error::make(ErrorCode::internal,
                          fmt::format("fix produced a document that does not parse ({}); "
                                      "nothing was written",
                                      reparsed.error().message));
    e.file = path;
    return e;
  }
  fixed_doc = *reparsed;
  SG_ASSIGN_OR_RETURN(ExtractResult ex2, extract_resources(*fixed_doc, opts.kind, opts.format));
  SG_TRY(same_resources(plan.ex.resources, ex2.resources, path));
  return same_untouched_values(doc->root(), fixed_doc->root(), plan.ops, path);
}

// `remaining`: check on the fixed document, expired waivers first, as
// `sageguard check` reports it.
Result<FixOutcome> recheck(Plan&& plan, std::shared_ptr<const Document> fixed_doc,
                           const Policy& policy, const FixOptions& opts) {
  FixOutcome& out = plan.out;
  const CheckOptions co = check_options(opts);
  out.remaining.policy = policy.source;
  rules::expired_waiver_findings(policy, co.today, out.remaining);
  SG_TRY(check_document(*fixed_doc, true, policy, co, out.remaining));
  out.fixed_document = std::move(fixed_doc);
  return std::move(out);
}

}  // namespace

Result<FixOutcome> fix_checked(const std::shared_ptr<const Document>& doc, const CheckResult& before,
                               const Policy& policy, const FixOptions& opts) {
  SG_ASSIGN_OR_RETURN(Plan plan, plan_checked(*doc, before, policy, opts));
  std::shared_ptr<const Document> fixed_doc;
  SG_TRY(write_text(doc, plan, opts, fixed_doc));
  return recheck(std::move(plan), std::move(fixed_doc), policy, opts);
}

Result<FixOutcome> fix_checked_tree(const std::shared_ptr<const Document>& doc,
                                    const CheckResult& before, const Policy& policy,
                                    const FixOptions& opts) {
  SG_ASSIGN_OR_RETURN(Plan plan, plan_checked(*doc, before, policy, opts));
  if (plan.ops.empty()) {
    plan.out.fixed = plan.out.original;
    return recheck(std::move(plan), doc, policy, opts);
  }
  // JSON only: what a YAML or HCL editor writes is read back by rules of
  // its own (a YAML scalar's type, an HCL expression), which the tree edit
  // does not model.
  std::optional<ValueTree> tree;
  if (doc->format() == SourceFormat::json && !doc->deferred()) {
    tree = edit_tree(doc->root(), plan.ops, opts.read.max_depth);
  }
  if (!tree) {
    // An edit the tree cannot stand for exactly: fix_checked's way.
    std::shared_ptr<const Document> fixed_doc;
    SG_TRY(write_text(doc, plan, opts, fixed_doc));
    return recheck(std::move(plan), std::move(fixed_doc), policy, opts);
  }
  // No text was written, so none is verified: tree_edit.cc says why every
  // value the operations do not name is unchanged. Which resources the
  // document holds is checked as after a text edit.
  std::shared_ptr<const Document> fixed_doc = document_with_tree(doc, std::move(*tree));
  SG_ASSIGN_OR_RETURN(ExtractResult ex2, extract_resources(*fixed_doc, opts.kind, opts.format));
  SG_TRY(same_resources(plan.ex.resources, ex2.resources, doc->path()));
  return recheck(std::move(plan), std::move(fixed_doc), policy, opts);
}

Result<FixOutcome> fix_file(const std::string& path, const Policy& policy, const FixOptions& opts) {
  auto text = read_file_limited(path, opts.read.max_file_size);
  if (!text.ok()) {
    Error e = std::move(text).error();
    if (e.file.empty()) e.file = path;
    return e;
  }
  return fix_text(path, std::move(*text), policy, opts);
}

}  // namespace sageguard::fix
