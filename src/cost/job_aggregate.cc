// JobRecords -> CostReport (source "jobs"), grouped like the CUR readers.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "sageguard/cost/job_cost.h"

namespace sageguard::cost {
namespace {

std::optional<std::string> key_value(const JobRecord& r, const std::string& key) {
  if (key == "job") return r.tuning_job.empty() ? r.name : r.tuning_job;
  if (key == "kind") return std::string(to_string(r.kind));
  if (key == "instance-type") return r.instance_type.empty() ? std::nullopt : std::optional(r.instance_type);
  if (key == "month") return r.start ? std::optional(r.start->substr(0, 7)) : std::nullopt;
  if (key == "experiment") return r.experiment.empty() ? std::nullopt : std::optional(r.experiment);
  auto it = r.tags.find(key);
  if (it == r.tags.end() || it->second.empty()) return std::nullopt;  // untagged
  return it->second;
}

struct Acc {
  std::vector<std::optional<std::string>> key;
  double cost = 0;
  uint64_t items = 0;
  double spot_usd = 0;
  bool has_spot = false;
  double billable = 0, trained = 0;  // x instance count, spot jobs only
  double warm = 0;
  bool has_warm = false;
  uint64_t unbilled = 0, unpriced = 0;
};

}  // namespace

CostReport aggregate_jobs(const std::vector<JobRecord>& records, const std::vector<std::string>& group_by) {
  CostReport rep;
  rep.source = "jobs";
  rep.group_by = group_by;
  std::map<std::vector<std::optional<std::string>>, Acc> groups;
  std::set<std::string> unknown;
  for (const auto& r : records) {
    ++rep.rows_read;
    std::vector<std::optional<std::string>> key;
    for (const auto& k : group_by) key.push_back(key_value(r, k));
    Acc& a = groups[key];
    a.key = key;
    ++a.items;
    ++rep.items;
    if (!r.billed_seconds) {
      ++a.unbilled;
      ++rep.unbilled_items;
    }
    if (!r.hourly_usd) {
      ++a.unpriced;
      ++rep.unpriced_items;
      unknown.insert(r.unknown_instance_types.begin(), r.unknown_instance_types.end());
    }
    if (r.cost_usd) {
      a.cost += *r.cost_usd;
      rep.total += *r.cost_usd;
      if (r.start) rep.by_month[r.start->substr(0, 7)] += *r.cost_usd;
    }
    if (r.warm_pool_cost_usd) {
      a.warm += *r.warm_pool_cost_usd;
      a.has_warm = true;
      rep.warm_pool_total += *r.warm_pool_cost_usd;
    }
    if (r.spot && r.billed_seconds && r.training_seconds && *r.training_seconds > 0) {
      double n = static_cast<double>(r.instance_count);
      a.billable += *r.billed_seconds * n;
      a.trained += *r.training_seconds * n;
      if (r.spot_savings_usd) {
        a.spot_usd += *r.spot_savings_usd;
        a.has_spot = true;
      }
    }
  }
  std::vector<const Acc*> order;
  for (const auto& [k, a] : groups) order.push_back(&a);
  std::stable_sort(order.begin(), order.end(), [](const Acc* x, const Acc* y) { return x->cost > y->cost; });
  for (const Acc* a : order) {
    CostGroup g;
    for (std::size_t i = 0; i < group_by.size(); ++i) g.key[group_by[i]] = a->key[i];
    g.cost = a->cost;
    g.items = a->items;
    if (a->has_spot) g.spot_savings = a->spot_usd;
    if (a->trained > 0) g.spot_savings_ratio = 1.0 - a->billable / a->trained;
    if (a->has_warm) g.warm_pool = a->warm;
    g.unbilled = a->unbilled;
    g.unpriced = a->unpriced;
    rep.groups.push_back(std::move(g));
  }
  rep.unknown_instance_types.assign(unknown.begin(), unknown.end());
  if (rep.unpriced_items > 0) {
    rep.warnings.push_back(std::to_string(rep.unpriced_items) +
                           " item(s) have no known price and are not in the totals (instance types: " +
                           [&] {
                             std::string s;
                             for (const auto& t : unknown) s += (s.empty() ? "" : ", ") + t;
                             return s.empty() ? std::string("none given") : s;
                           }() + ")");
  }
  if (rep.unbilled_items > 0) {
    rep.warnings.push_back(std::to_string(rep.unbilled_items) +
                           " item(s) report no billable time and count as 0 (not yet billed or not started)");
  }
  return rep;
}

}  // namespace sageguard::cost
