// The calendar seam: the one place the CLI asks what day it is. Waiver
// expiry, cost's "now" and anything else date-dependent take the date as a
// value; `--today` / SAGEGUARD_TODAY pin it so runs (and tests) do not
// depend on the day they happen. Plain values and pure functions except
// Clock's readings of the system clock; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sageguard/result.h"

namespace sageguard {

// True for a real calendar date written YYYY-MM-DD (leap years included).
bool is_iso_date(std::string_view s);

// Today's date in UTC as YYYY-MM-DD, from the system clock.
std::string system_utc_date();

// Seconds since the epoch at 00:00:00 UTC of `date` (YYYY-MM-DD, checked).
double date_start_epoch(std::string_view date);

// What a command takes as "today" and "now": a pinned date, or the system
// clock when none is pinned.
struct Clock {
  std::optional<std::string> pinned;  // YYYY-MM-DD

  // The pinned date, else the system's UTC date.
  std::string today() const;
  // Pinned: the end of that day (00:00 UTC of the next), so all of the
  // pinned day has passed; else the system time.
  double now_epoch() const;
};

// The clock a command runs with: `flag` (--today) wins over `env`
// (SAGEGUARD_TODAY's value, nullptr or empty when unset). A value that is not
// a date is an ErrorCode::usage error naming where it came from.
Result<Clock> clock_from(const std::optional<std::string>& flag, const char* env);

}  // namespace sageguard
