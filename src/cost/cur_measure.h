// The cost of one billing row under a measure (unblended, net, amortized,
// effective, public-on-demand), by line item type, and the row's part in
// Savings Plans coverage, as formulas over the row's numbers that its text
// cells choose. Formulas: docs/cost-measures.md (amortized is the
// CUR query library's). Pure functions; thread-safe. Private to the cost module.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "cur_schema.h"

namespace sageguard::cost {

// How a row's cost follows from its numbers, decided by its text cells
// (line item type, commitment status, RI ARN) alone, so that rows alike in
// those share it. `a` and `b` are columns (-1: absent from the file).
struct Formula {
  enum class Op : uint8_t {
    zero,          // 0, nothing read
    value,         // the number in a
    plus,          // a + b
    minus,         // a - b
    checked_zero,  // 0, once a holds a number
  };
  Op op = Op::value;
  int a = -1, b = -1;
};
Formula measure_formula(Measure m, const CurSchema& s, const std::string_view* f);

// A cell read as a number: `ok` false when it is not one (then `bad` is its
// text, or "(column absent)").
struct Number {
  bool ok = false;
  double value = 0;
  std::string_view bad;
};

struct RowCost {
  std::optional<double> cost;  // nullopt: a cell the measure needs is not a number
  std::string_view bad;        // that cell
};
// The formula over the row's numbers: number(c) is column c's cell as a
// number (c >= 0). NumberOf: Number(int).
template <class NumberOf>
RowCost evaluate(const Formula& x, const NumberOf& number) {
  RowCost r;
  auto take = [&](int c, double& out) {
    if (c < 0) {
      r.bad = "(column absent)";
      return false;
    }
    const Number n = number(c);
    if (!n.ok) {
      r.bad = n.bad;
      return false;
    }
    out = n.value;
    return true;
  };
  double u = 0, v = 0;
  switch (x.op) {
    case Formula::Op::zero: r.cost = 0.0; break;
    case Formula::Op::value: if (take(x.a, u)) r.cost = u; break;
    case Formula::Op::plus: if (take(x.a, u) && take(x.b, v)) r.cost = u + v; break;
    case Formula::Op::minus: if (take(x.a, u) && take(x.b, v)) r.cost = u - v; break;
    case Formula::Op::checked_zero: if (take(x.a, u)) r.cost = 0.0; break;
  }
  return r;
}

// Savings Plans coverage of usage, in on-demand cost: `eligible` is usage
// that a Savings Plan could cover (Usage, SavingsPlanCoveredUsage,
// DiscountedUsage; FOCUS: ChargeCategory Usage not Unused, at ListCost),
// `covered` the part a Savings Plan did. Both 0 for other rows and when the
// on-demand cell is not a number.
struct Coverage {
  double eligible = 0;
  double covered = 0;
};
// Which column holds the row's eligible on-demand cost (-1: the row is not
// eligible usage) and whether a Savings Plan covered it; text cells only.
struct CoverageFormula {
  int column = -1;
  bool covered = false;
};
CoverageFormula coverage_formula(const CurSchema& s, const std::string_view* f);

// True for a Savings Plans fee line of a SageMaker Savings Plan
// (savings_plan_offering_type SageMakerSavingsPlans): SageMaker spend under
// the amortized measure, whatever its product code.
bool is_sagemaker_plan_fee(const CurSchema& s, const std::string_view* f);

}  // namespace sageguard::cost
