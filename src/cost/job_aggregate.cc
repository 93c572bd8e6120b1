// JobRecords -> CostReport (source "jobs"), grouped like the CUR readers.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>
#include <unordered_map>

#include "cost/job_cost.h"

namespace sageguard::cost {
namespace {

// The account field of an ARN (arn:partition:service:region:ACCOUNT:...).
std::optional<std::string> arn_account(const std::string& arn) {
  size_t at = 0;
  for (int field = 0; field < 4; ++field) {
    at = arn.find(':', at);
    if (at == std::string::npos) return std::nullopt;
    ++at;
  }
  const size_t end = arn.find(':', at);
  if (end == std::string::npos || end == at) return std::nullopt;
  return arn.substr(at, end - at);
}

std::optional<std::string> key_value(const JobRecord& r, const std::string& key) {
  if (key == "account") return arn_account(r.arn);
  if (key == "job") return r.tuning_job.empty() ? r.name : r.tuning_job;
  if (key == "kind") return std::string(to_string(r.kind));
  if (key == "instance-type") return r.instance_type.empty() ? std::nullopt : std::optional(r.instance_type);
  if (key == "month") return r.start ? std::optional(r.start->substr(0, 7)) : std::nullopt;
  if (key == "experiment") return r.experiment.empty() ? std::nullopt : std::optional(r.experiment);
  auto it = r.tags.find(key);
  if (it == r.tags.end() || it->second.empty()) return std::nullopt;  // untagged
  return it->second;
}

// [a, b) in UTC calendar months: (YYYY-MM, share of the interval). An
// empty interval is all in the month of a.
std::vector<std::pair<std::string, double>> month_shares(double a, double b) {
  std::vector<std::pair<std::string, double>> out;
  double cur = a;
  do {
    std::time_t t = static_cast<std::time_t>(std::floor(cur));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char name[32];
    std::snprintf(name, sizeof name, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
    std::tm next{};
    next.tm_year = tm.tm_mon == 11 ? tm.tm_year + 1 : tm.tm_year;
    next.tm_mon = (tm.tm_mon + 1) % 12;
    next.tm_mday = 1;
    const double boundary = static_cast<double>(timegm(&next));
    const double stop = std::min(b, boundary);
    out.emplace_back(name, b > a ? (stop - cur) / (b - a) : 1.0);
    cur = boundary;
  } while (cur < b);
  return out;
}

// A record's cost by month: the billed run spread over its interval, the
// warm pool over the time after it. Without an interval: its start month.
struct MonthPart {
  std::optional<std::string> month;
  double cost = 0, warm = 0, share = 1;  // share: of the run, for spot figures
};

std::vector<MonthPart> by_month(const JobRecord& r) {
  const double warm = r.warm_pool_cost_usd.value_or(0);
  const double run = r.cost_usd.value_or(0) - warm;
  std::optional<std::string> first = r.start ? std::optional(r.start->substr(0, 7)) : std::nullopt;
  if (!r.interval_start || !r.interval_end) return {MonthPart{first, run, warm, 1}};
  std::vector<MonthPart> out;
  auto part = [&](const std::string& m) -> MonthPart& {
    for (auto& p : out) {
      if (p.month == m) return p;
    }
    out.push_back(MonthPart{m, 0, 0, 0});
    return out.back();
  };
  for (const auto& [m, f] : month_shares(*r.interval_start, *r.interval_end)) {
    MonthPart& p = part(m);
    p.cost += run * f;
    p.share += f;
  }
  if (warm > 0 && r.warm_pool_seconds) {
    for (const auto& [m, f] : month_shares(*r.interval_end, *r.interval_end + *r.warm_pool_seconds)) {
      part(m).warm += warm * f;
    }
  }
  return out;
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
  const bool month_key = std::find(group_by.begin(), group_by.end(), "month") != group_by.end();
  for (const auto& r : records) {
    ++rep.rows_read;
    ++rep.items;
    std::vector<MonthPart> parts = by_month(r);
    for (const auto& p : parts) {
      if (r.cost_usd && p.month) rep.by_month[*p.month] += p.cost + p.warm;
    }
    // Grouped by month, each month the record has cost in is a part of its
    // own; otherwise the record is one part.
    if (!month_key) parts = {MonthPart{std::nullopt, r.cost_usd.value_or(0) - r.warm_pool_cost_usd.value_or(0),
                                       r.warm_pool_cost_usd.value_or(0), 1}};
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const MonthPart& p = parts[i];
      std::vector<std::optional<std::string>> key;
      for (const auto& k : group_by) key.push_back(k == "month" ? p.month : key_value(r, k));
      Acc& a = groups[key];
      a.key = key;
      ++a.items;
      if (i == 0) {
        if (!r.billed_seconds) {
          ++a.unbilled;
          ++rep.unbilled_items;
        }
        if (!r.hourly_usd) {
          ++a.unpriced;
          ++rep.unpriced_items;
          unknown.insert(r.unknown_instance_types.begin(), r.unknown_instance_types.end());
        }
      }
      if (r.cost_usd) {
        a.cost += p.cost + p.warm;
        rep.total += p.cost + p.warm;
      }
      if (r.warm_pool_cost_usd) {
        a.warm += p.warm;
        a.has_warm = true;
        rep.warm_pool_total += p.warm;
      }
      if (r.spot && r.billed_seconds && r.training_seconds && *r.training_seconds > 0) {
        double n = static_cast<double>(r.instance_count) * p.share;
        a.billable += *r.billed_seconds * n;
        a.trained += *r.training_seconds * n;
        if (r.spot_savings_usd) {
          a.spot_usd += *r.spot_savings_usd * p.share;
          a.has_spot = true;
        }
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
