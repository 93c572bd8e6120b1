// Text helpers for API model violation messages: value quoting and number
// formatting. Pure functions, thread-safe. Only used when a violation is
// built, never on the validation fast path.
#pragma once

#include <string>
#include <string_view>

namespace sageguard::api_model {

// `s` in single quotes, cut to 80 code points (with "...") so one huge value
// cannot flood a report.
std::string quote_value(std::string_view s);

// Shortest decimal form that round-trips ("1", "0.5", "1e+20").
std::string format_number(double d);

}  // namespace sageguard::api_model
