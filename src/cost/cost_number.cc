// Cost cells that are not plain decimals (the fast path is inline in
// cost_number.h): from_chars.
#include "cost_number.h"

#include <charconv>
#include <cmath>

namespace sageguard::cost {

// Empty cells count as 0 (tax and credit rows leave pricing columns empty).
std::optional<double> parse_cost_general(std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return 0.0;
  if (v.front() == '+') v.remove_prefix(1);
  double d = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || p != v.data() + v.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

}  // namespace sageguard::cost
