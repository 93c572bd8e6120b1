// The cost of one billing row under a measure (unblended, net, amortized,
// effective, public-on-demand), by line item type, and the row's part in
// Savings Plans coverage. Formulas: docs/cost-measures.md (amortized is the
// CUR query library's). Pure functions; thread-safe. Private to the cost module.
#pragma once

#include <optional>
#include <string_view>

#include "cur_schema.h"

namespace sageguard::cost {

struct RowCost {
  std::optional<double> cost;  // nullopt: a cell the measure needs is not a number
  std::string_view bad;        // that cell
};

// f[c] is the row's field c for every column the schema uses.
RowCost measure_row(Measure m, const CurSchema& s, const std::string_view* f);

// Savings Plans coverage of usage, in on-demand cost: `eligible` is usage
// that a Savings Plan could cover (Usage, SavingsPlanCoveredUsage,
// DiscountedUsage; FOCUS: ChargeCategory Usage not Unused, at ListCost),
// `covered` the part a Savings Plan did. Both 0 for other rows.
struct Coverage {
  double eligible = 0;
  double covered = 0;
};
Coverage coverage_row(const CurSchema& s, const std::string_view* f);

// True for a Savings Plans fee line of a SageMaker Savings Plan
// (savings_plan_offering_type SageMakerSavingsPlans): SageMaker spend under
// the amortized measure, whatever its product code.
bool is_sagemaker_plan_fee(const CurSchema& s, const std::string_view* f);

}  // namespace sageguard::cost
