// The result of aggregating billing data (CUR, CUR 2.0, FOCUS): cost per group
// of tag values / pseudo-keys, with the malformed rows that were skipped.
// Plain data (thread-safe as values are): reporters (text, JSON, CSV, HTML)
// convert it to bytes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sageguard::cost {

// Which cost is summed (formulas per line item type: docs/cost-measures.md).
//   unblended        legacy lineItem/UnblendedCost, CUR 2.0 line_item_unblended_cost, FOCUS BilledCost
//   net              Savings Plan covered usage at its SavingsPlanEffectiveCost,
//                    SavingsPlanNegation as 0, DiscountedUsage at reservation
//                    EffectiveCost, everything else (fees included) as
//                    billed; FOCUS EffectiveCost
//   amortized        the CUR query library's amortized cost: covered usage at
//                    its effective cost, a Savings Plan recurring fee only
//                    for its unused commitment, negations and upfront fees 0,
//                    an RI fee for its unused part; FOCUS EffectiveCost
//   effective        amortized without the unused commitment (fees 0): what
//                    the usage itself cost; FOCUS EffectiveCost of rows not
//                    CommitmentDiscountStatus Unused
//   public_on_demand pricing/publicOnDemandCost, pricing_public_on_demand_cost, FOCUS ListCost
enum class Measure { unblended, net, public_on_demand, amortized, effective };
const char* to_string(Measure m);  // "unblended", "net", "public-on-demand", "amortized", "effective"
std::optional<Measure> measure_from_string(std::string_view s);  // also accepts "public_on_demand"

enum class CurFormat { legacy, cur2, focus };
const char* to_string(CurFormat f);  // "cur", "cur2", "focus"

struct CostGroup {
  // One entry per group_by key; nullopt = untagged / not known.
  std::map<std::string, std::optional<std::string>> key;
  double cost = 0;
  uint64_t items = 0;  // line items summed
  // Spot line items only (legacy/CUR 2.0: UsageType containing "Spot"; FOCUS:
  // PricingCategory "Dynamic"): public on-demand cost minus unblended cost.
  // nullopt when the group has no spot line item.
  std::optional<double> spot_savings;
  // CUR only: Savings Plans coverage of the group's usage, in on-demand
  // cost: covered / eligible (cur_measure.h); nullopt without eligible usage.
  std::optional<double> sp_coverage;
  // Jobs only: 1 - sum(billable x count) / sum(training x count) over the
  // group's spot training jobs with both times known.
  std::optional<double> spot_savings_ratio;
  // Jobs only: the part of `cost` that paid for warm pools (instances kept
  // after training, WarmPoolStatus); nullopt when no item had one.
  std::optional<double> warm_pool;
  uint64_t unbilled = 0;  // jobs only: items with no billable time reported
  uint64_t unpriced = 0;  // jobs only: items whose instance price is unknown (not in cost)
};

struct MalformedRow {
  std::string file;
  uint64_t line = 0;  // physical line where the record starts
  std::string reason;
};

struct CostReport {
  std::string currency = "USD";
  std::string source;  // "cur", "cur2", "focus", "mixed", "jobs", or "" when no file
  Measure measure = Measure::unblended;
  std::vector<std::string> group_by;
  std::vector<CostGroup> groups;  // by cost, highest first; ties by key
  double total = 0;
  uint64_t items = 0;             // line items summed, all groups
  uint64_t rows_read = 0;         // data rows read, before filters
  uint64_t malformed_rows = 0;
  std::vector<MalformedRow> malformed_samples;  // first N, in file/line order
  std::vector<std::string> files;               // files read, in order
  std::vector<std::string> warnings;            // e.g. a tag key absent from a file
  // Cost per usage month (YYYY-MM of the start), all groups; rows without a
  // date are not in it. For the "cost over time" chart.
  std::map<std::string, double> by_month;
  double warm_pool_total = 0;   // jobs only: warm pool cost, included in total
  uint64_t unbilled_items = 0;  // jobs only
  uint64_t unpriced_items = 0;  // jobs only
  std::vector<std::string> unknown_instance_types;  // jobs only, sorted
};

}  // namespace sageguard::cost
