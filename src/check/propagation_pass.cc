#include "check/propagation_pass.h"

#include <algorithm>

#include "check/findings.h"
#include "rules/waivers.h"

namespace sageguard::check {

namespace {

// Inserts `add` (each a position in the original `v` and an element, by
// increasing position) into `v` in one pass from the back, keeping `v`'s
// buffer (a large findings list's is backed by huge pages).
template <class T>
void insert_at(std::vector<T>& v, std::vector<std::pair<size_t, T>>&& add) {
  if (add.empty()) return;
  size_t read = v.size();
  v.resize(v.size() + add.size());
  size_t write = v.size();
  for (size_t j = add.size(); j-- > 0;) {
    while (read > add[j].first) v[--write] = std::move(v[--read]);
    v[--write] = std::move(add[j].second);
  }
}

}  // namespace

void PropagationPass::finish(const std::string& path, const Policy& policy,
                             const rules::Severities& severities, const std::string& today,
                             CheckResult& out) {
  const File file{.path = &path, .out = &out};
  finish(std::span(&file, 1), policy, severities, today);
}

void PropagationPass::finish(std::span<const File> files, const Policy& policy,
                             const rules::Severities& severities, const std::string& today) {
  if (slots_.empty()) return;  // nothing derives: the sources are never read back
  // Sources first: the rule relates training jobs to one another in their
  // order and the other resources in theirs, never across the two lists.
  std::vector<rules::PropagationFacts> all;
  for (size_t pos = 0; pos < sources_.size();) all.push_back(rules::read_source_facts(sources_, pos));
  const size_t first = all.size();
  std::move(facts_.begin(), facts_.end(), std::back_inserter(all));
  std::vector<std::vector<rules::RawFinding>> raw(all.size());
  rules::check_propagation(all, raw);
  // Per file, by increasing position (slots are added in each file's order).
  std::vector<std::vector<std::pair<size_t, Finding>>> active(files.size());
  std::vector<std::vector<std::pair<size_t, WaivedFinding>>> waived(files.size());
  for (Slot& s : slots_) {
    const File& file = files[s.file];
    for (rules::RawFinding& rf : raw[first + s.facts]) {
      auto place = std::find_if(s.places.begin(), s.places.end(),
                                [&](const auto& p) { return p.first == rf.offset; });
      const LineCol at = place != s.places.end() ? place->second : LineCol{};
      Finding f = to_finding(*file.path, at, s.resource, severities, std::move(rf));
      if (const Waiver* w = rules::active_waiver(policy, f, today)) {
        waived[s.file].emplace_back(s.waived_end,
                                    WaivedFinding{std::move(f), w->reason, w->expires});
      } else {
        file.out->summary.add(f.severity);
        active[s.file].emplace_back(s.findings_end, std::move(f));
      }
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    insert_at(files[i].out->findings, std::move(active[i]));
    insert_at(files[i].out->waived, std::move(waived[i]));
  }
}

}  // namespace sageguard::check
