// Parsing of cost cells in billing exports (private to the cost module).
#pragma once

#include <optional>
#include <string_view>

namespace sageguard::cost {

// A cost cell: decimal or scientific notation, optional '+'/'-', surrounding
// spaces allowed; an empty cell is 0 (tax and credit rows leave pricing
// columns empty). nullopt if not a finite number. Correctly rounded.
std::optional<double> parse_cost(std::string_view v);

// The fast path of parse_cost: plain decimals only (no exponent, no spaces,
// no '+'), else nullopt. Exposed for tests.
std::optional<double> parse_plain_decimal(std::string_view v);

}  // namespace sageguard::cost
