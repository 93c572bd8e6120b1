// Per-row cost under each measure (see cur_measure.h, docs/cost-measures.md).
#include "cur_measure.h"

#include <cstring>

namespace sageguard::cost {
namespace {

template <std::size_t N>
bool is(std::string_view v, const char (&lit)[N]) {
  return v.size() == N - 1 && std::memcmp(v.data(), lit, N - 1) == 0;
}

std::string_view cell(const std::string_view* f, int c) {
  return c >= 0 ? f[static_cast<std::size_t>(c)] : std::string_view();
}

Formula value(int c) { return Formula{Formula::Op::value, c, -1}; }
constexpr Formula kZero{Formula::Op::zero, -1, -1};

}  // namespace

Formula measure_formula(Measure m, const CurSchema& s, const std::string_view* f) {
  if (m == Measure::unblended || m == Measure::public_on_demand) return value(s.measure);
  if (s.format == CurFormat::focus) {
    // EffectiveCost is already amortized; `effective` leaves out the unused
    // part of commitments, which no usage (and so no tag) carries.
    if (m == Measure::effective && is(cell(f, s.commitment_status), "Unused")) return kZero;
    return value(s.measure);
  }
  const std::string_view type = cell(f, s.line_type);
  if (m == Measure::net) {  // usage at its effective rate, negations 0, the rest as billed
    if (is(type, "SavingsPlanCoveredUsage") && s.sp_effective >= 0) return value(s.sp_effective);
    if (is(type, "DiscountedUsage") && s.ri_effective >= 0) return value(s.ri_effective);
    if (is(type, "SavingsPlanNegation")) return Formula{Formula::Op::checked_zero, s.measure, -1};  // still checked
    return value(s.measure);
  }
  // amortized (the CUR query library's formula) and effective (the same
  // without unused commitment).
  const bool amortized = m == Measure::amortized;
  if (is(type, "SavingsPlanCoveredUsage")) return value(s.sp_effective);
  if (is(type, "DiscountedUsage")) return value(s.ri_effective);
  if (is(type, "SavingsPlanNegation") || is(type, "SavingsPlanUpfrontFee")) return kZero;
  if (is(type, "SavingsPlanRecurringFee")) {
    if (!amortized) return kZero;
    return Formula{Formula::Op::minus, s.sp_total_commitment, s.sp_used_commitment};
  }
  if (is(type, "RIFee")) {
    if (!amortized) return kZero;
    return Formula{Formula::Op::plus, s.ri_unused_upfront, s.ri_unused_recurring};
  }
  if (is(type, "Fee") && !cell(f, s.ri_arn).empty()) return kZero;  // an RI's upfront fee
  return value(s.measure);
}

CoverageFormula coverage_formula(const CurSchema& s, const std::string_view* f) {
  if (s.format == CurFormat::focus) {
    if (!is(cell(f, s.charge_category), "Usage") || is(cell(f, s.commitment_status), "Unused")) return {};
    return CoverageFormula{s.public_od, is(cell(f, s.commitment_type), "Savings Plan")};
  }
  const std::string_view type = cell(f, s.line_type);
  const bool covered = is(type, "SavingsPlanCoveredUsage");
  if (!covered && !is(type, "Usage") && !is(type, "DiscountedUsage")) return {};
  // Covered usage keeps its on-demand cost in the unblended column.
  return CoverageFormula{s.unblended, covered};
}

bool is_sagemaker_plan_fee(const CurSchema& s, const std::string_view* f) {
  return s.format != CurFormat::focus && is(cell(f, s.sp_offering_type), "SageMakerSavingsPlans");
}

}  // namespace sageguard::cost
