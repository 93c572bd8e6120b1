// tags.propagation for a bundle read one item at a time: the facts the rule
// needs are kept per resource as items go by (rules::PropagationFacts), with
// where the resource's findings end and the places its findings could point
// at; after the last item (and the last piece of a file cut for threads) one
// final pass relates them and inserts each resource's propagation findings
// right after its own, as the whole-document path lists them. One per file
// or piece, or one for the files of a Terraform module (a folder), whose
// resources refer to one another across files; not shared between threads.
#pragma once

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "rules/propagation.h"
#include "rules/rule_context.h"
#include "sageguard/finding.h"

namespace sageguard::check {

class PropagationPass {
 public:
  explicit PropagationPass(bool on) : on_(on) {}
  bool on() const { return on_; }
  // Room for the facts of an input of `bytes`: a training job's take about
  // a tenth of its text, and growing the string copies it each time.
  void reserve(uint64_t bytes) {
    if (on_) sources_.reserve(static_cast<size_t>(bytes / 8));
  }

  // Keeps what tags.propagation needs of `r`, whose findings were just
  // appended to `out` (the result of file `file`, for a module's pass);
  // `locate` maps an offset in `r` to its line and column.
  template <class Locate>
  void add(const Resource& r, const CheckResult& out, const Locate& locate, size_t file = 0) {
    if (!on_ || !rules::takes_part_in_propagation(r)) return;
    if (r.kind == ResourceKind::training_job) {
      // A source only (never gets findings), and in a large bundle nearly
      // every item: kept compact, read back only if some resource derives.
      rules::append_source_facts(r, sources_);
      return;
    }
    facts_.push_back(rules::propagation_facts(r));
    const rules::PropagationFacts& f = facts_.back();
    Slot s{.facts = facts_.size() - 1,
           .file = file,
           .findings_end = out.findings.size(),
           .waived_end = out.waived.size()};
    s.resource.kind = r.kind;
    s.resource.name = r.name;
    s.resource.resource_id = r.resource_id;
    s.places.emplace_back(f.tags_at, locate(f.tags_at));
    if (f.tags) {
      for (const auto& t : *f.tags) {
        if (t.value) s.places.emplace_back(t.offset, locate(t.offset));
      }
    }
    slots_.push_back(std::move(s));
  }

  // Keeps the facts of `r`, of a file read only for them (a module's file
  // that is not checked): its tags may have to follow, it gets no findings.
  void add_source(const Resource& r) {
    if (!on_ || !rules::takes_part_in_propagation(r)) return;
    if (r.kind == ResourceKind::training_job) {
      rules::append_source_facts(r, sources_);
    } else {
      facts_.push_back(rules::propagation_facts(r));
    }
  }

  // Takes a later piece's facts, whose results were appended to this one's
  // after `findings_before` findings and `waived_before` waived ones, and
  // whose lines and columns `move` places in the file.
  template <class Move>
  void append(PropagationPass&& later, size_t findings_before, size_t waived_before,
              const Move& move) {
    const size_t base = facts_.size();
    sources_ += later.sources_;
    std::move(later.facts_.begin(), later.facts_.end(), std::back_inserter(facts_));
    for (Slot& s : later.slots_) {
      s.facts += base;
      s.findings_end += findings_before;
      s.waived_end += waived_before;
      for (auto& p : s.places) p.second = move(p.second);
      slots_.push_back(std::move(s));
    }
  }

  // The final pass: relates every resource kept and inserts the findings
  // into `out` (active ones counted in its summary, waived ones listed).
  void finish(const std::string& path, const Policy& policy, const rules::Severities& severities,
              const std::string& today, CheckResult& out);
  // The same for a module's files: `files[i]` is file i's path and result.
  struct File {
    const std::string* path = nullptr;
    CheckResult* out = nullptr;
  };
  void finish(std::span<const File> files, const Policy& policy,
              const rules::Severities& severities, const std::string& today);

 private:
  struct Slot {
    size_t facts = 0;         // index into facts_
    size_t file = 0;          // whose result its findings go to
    size_t findings_end = 0;  // the resource's findings end here in the result
    size_t waived_end = 0;
    Resource resource;        // kind, name and id only, for the findings
    std::vector<std::pair<uint64_t, LineCol>> places;
  };
  bool on_;
  std::string sources_;  // training jobs' facts (rules::append_source_facts), in order
  std::vector<rules::PropagationFacts> facts_;  // the other resources', in order
  std::vector<Slot> slots_;
};

}  // namespace sageguard::check
