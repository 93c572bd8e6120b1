// Per-row cost under each measure (see cur_measure.h, docs/cost-measures.md).
#include "cur_measure.h"

#include <cstring>

#include "cost_number.h"

namespace sageguard::cost {
namespace {

template <std::size_t N>
bool is(std::string_view v, const char (&lit)[N]) {
  return v.size() == N - 1 && std::memcmp(v.data(), lit, N - 1) == 0;
}

std::string_view cell(const std::string_view* f, int c) {
  return c >= 0 ? f[static_cast<std::size_t>(c)] : std::string_view();
}

// The value of column c, or the RowCost error for it.
bool number(const std::string_view* f, int c, double& out, RowCost& r) {
  if (c < 0) {
    r.cost.reset();
    r.bad = "(column absent)";
    return false;
  }
  auto v = parse_cost(cell(f, c));
  if (!v) {
    r.cost.reset();
    r.bad = cell(f, c);
    return false;
  }
  out = *v;
  return true;
}

RowCost single(const std::string_view* f, int c) {
  RowCost r;
  double v;
  if (number(f, c, v, r)) r.cost = v;
  return r;
}

RowCost sum_or_difference(const std::string_view* f, int a, int b, double sign) {
  RowCost r;
  double x, y;
  if (number(f, a, x, r) && number(f, b, y, r)) r.cost = x + sign * y;
  return r;
}

}  // namespace

RowCost measure_row(Measure m, const CurSchema& s, const std::string_view* f) {
  if (m == Measure::unblended || m == Measure::public_on_demand) return single(f, s.measure);
  if (s.format == CurFormat::focus) {
    // EffectiveCost is already amortized; `effective` leaves out the unused
    // part of commitments, which no usage (and so no tag) carries.
    if (m == Measure::effective && is(cell(f, s.commitment_status), "Unused")) return RowCost{0.0, {}};
    return single(f, s.measure);
  }
  const std::string_view type = cell(f, s.line_type);
  if (m == Measure::net) {  // usage at its effective rate, negations 0, the rest as billed
    if (is(type, "SavingsPlanCoveredUsage") && s.sp_effective >= 0) return single(f, s.sp_effective);
    if (is(type, "DiscountedUsage") && s.ri_effective >= 0) return single(f, s.ri_effective);
    if (is(type, "SavingsPlanNegation")) {
      RowCost r = single(f, s.measure);  // still checked, as before
      if (r.cost) r.cost = 0.0;
      return r;
    }
    return single(f, s.measure);
  }
  // amortized (the CUR query library's formula) and effective (the same
  // without unused commitment).
  const bool amortized = m == Measure::amortized;
  if (is(type, "SavingsPlanCoveredUsage")) return single(f, s.sp_effective);
  if (is(type, "DiscountedUsage")) return single(f, s.ri_effective);
  if (is(type, "SavingsPlanNegation") || is(type, "SavingsPlanUpfrontFee")) return RowCost{0.0, {}};
  if (is(type, "SavingsPlanRecurringFee")) {
    if (!amortized) return RowCost{0.0, {}};
    return sum_or_difference(f, s.sp_total_commitment, s.sp_used_commitment, -1.0);
  }
  if (is(type, "RIFee")) {
    if (!amortized) return RowCost{0.0, {}};
    return sum_or_difference(f, s.ri_unused_upfront, s.ri_unused_recurring, 1.0);
  }
  if (is(type, "Fee") && !cell(f, s.ri_arn).empty()) return RowCost{0.0, {}};  // an RI's upfront fee
  return single(f, s.measure);
}

Coverage coverage_row(const CurSchema& s, const std::string_view* f) {
  Coverage c;
  if (s.format == CurFormat::focus) {
    if (!is(cell(f, s.charge_category), "Usage") || is(cell(f, s.commitment_status), "Unused")) return c;
    auto list = parse_cost(cell(f, s.public_od));
    if (!list) return c;
    c.eligible = *list;
    if (is(cell(f, s.commitment_type), "Savings Plan")) c.covered = *list;
    return c;
  }
  const std::string_view type = cell(f, s.line_type);
  const bool covered = is(type, "SavingsPlanCoveredUsage");
  if (!covered && !is(type, "Usage") && !is(type, "DiscountedUsage")) return c;
  // Covered usage keeps its on-demand cost in the unblended column.
  auto od = parse_cost(cell(f, s.unblended));
  if (!od) return c;
  c.eligible = *od;
  if (covered) c.covered = *od;
  return c;
}

bool is_sagemaker_plan_fee(const CurSchema& s, const std::string_view* f) {
  return s.format != CurFormat::focus && is(cell(f, s.sp_offering_type), "SageMakerSavingsPlans");
}

}  // namespace sageguard::cost
