#include "util/clock.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace sageguard {

namespace {

std::optional<std::chrono::year_month_day> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int fields[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int f = 0; f < 3; ++f) {
    for (size_t i = starts[f]; i < starts[f] + lengths[f]; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      fields[f] = fields[f] * 10 + (s[i] - '0');
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{fields[0]},
                                        std::chrono::month{static_cast<unsigned>(fields[1])},
                                        std::chrono::day{static_cast<unsigned>(fields[2])}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

}  // namespace

bool is_iso_date(std::string_view s) { return parse_date(s).has_value(); }

std::string system_utc_date() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

double date_start_epoch(std::string_view date) {
  const auto ymd = parse_date(date);
  if (!ymd) return 0;
  const std::chrono::sys_days days{*ymd};
  return static_cast<double>(days.time_since_epoch().count()) * 86400.0;
}

std::string Clock::today() const { return pinned ? *pinned : system_utc_date(); }

double Clock::now_epoch() const {
  if (pinned) return date_start_epoch(*pinned) + 86400.0;
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<Clock> clock_from(const std::optional<std::string>& flag, const char* env) {
  Clock c;
  if (flag) {
    if (!is_iso_date(*flag)) {
      return Error::make(ErrorCode::usage, "--today must be a date YYYY-MM-DD, got '" + *flag + "'");
    }
    c.pinned = *flag;
  } else if (env != nullptr && *env != '\0') {
    if (!is_iso_date(env)) {
      return Error::make(ErrorCode::usage,
                         std::string("SAGEGUARD_TODAY must be a date YYYY-MM-DD, got '") + env + "'");
    }
    c.pinned = env;
  }
  return c;
}

}  // namespace sageguard
