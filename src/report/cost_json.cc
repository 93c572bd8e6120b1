// `cost --format json`: the contract shape plus extras.
#include "sageguard/report/cost_format.h"
#include "report/cost_reports.h"

namespace sageguard::report {

using nlohmann::json;

json cost_json_value(const cost::CostReport& r) {
  const bool jobs = r.source == "jobs";
  json groups = json::array();
  for (const auto& g : r.groups) {
    json key = json::object();
    for (const auto& k : r.group_by) {
      auto it = g.key.find(k);
      key[k] = it != g.key.end() && it->second ? json(*it->second) : json(nullptr);
    }
    json o = {{"key", key}, {"cost", g.cost}, {"items", g.items}};
    if (jobs) {
      o["spot_savings"] = g.spot_savings.value_or(0.0);
      o["spot_savings_ratio"] = g.spot_savings_ratio ? json(*g.spot_savings_ratio) : json(nullptr);
      o["warm_pool"] = g.warm_pool.value_or(0.0);
      o["unbilled"] = g.unbilled;
      o["unpriced"] = g.unpriced;
    } else {
      o["spot_savings"] = g.spot_savings ? json(*g.spot_savings) : json(nullptr);
      o["sp_coverage"] = g.sp_coverage ? json(*g.sp_coverage) : json(nullptr);
    }
    groups.push_back(std::move(o));
  }
  json samples = json::array();
  for (const auto& m : r.malformed_samples) {
    samples.push_back({{"file", m.file}, {"line", m.line}, {"reason", m.reason}});
  }
  double unallocated = 0;  // groups missing one of the tag keys
  for (const auto& g : r.groups) {
    if (cost_detail::untagged(g, r.group_by)) unallocated += g.cost;
  }
  json out = {{"currency", r.currency},
              {"source", jobs ? "jobs" : "cur"},
              {"format", r.source},
              {"measure", jobs ? "billable" : cost::to_string(r.measure)},
              {"group_by", r.group_by},
              {"groups", groups},
              {"total", r.total},
              {"items", r.items},
              {"unallocated", unallocated},
              {"by_month", r.by_month},
              {"rows_read", r.rows_read},
              {"malformed_rows", r.malformed_rows},
              {"malformed_samples", samples},
              {"files", r.files},
              {"warnings", r.warnings}};
  if (jobs) {
    double spot = 0;
    for (const auto& g : r.groups) spot += g.spot_savings.value_or(0.0);
    out["spot_savings"] = spot;
    out["warm_pool"] = r.warm_pool_total;
    out["unbilled_items"] = r.unbilled_items;
    out["unpriced_items"] = r.unpriced_items;
    out["unknown_instance_types"] = r.unknown_instance_types;
  }
  return out;
}

std::string cost_json(const cost::CostReport& r) { return cost_json_value(r).dump(2) + "\n"; }

}  // namespace sageguard::report
