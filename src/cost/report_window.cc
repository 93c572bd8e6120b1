#include "cost/report_window.h"

#include <cctype>

#include "cost/job_cost.h"

namespace sageguard::cost {

namespace {

bool valid_day(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  const int month = (d[5] - '0') * 10 + (d[6] - '0');
  const int day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

}  // namespace

Status check_day(std::string_view flag, const std::optional<std::string>& day) {
  if (!day || valid_day(*day)) return Status::success();
  return Error::make(ErrorCode::usage,
                     std::string(flag) + " must be YYYY-MM-DD, got '" + *day + "'");
}

void set_listing_window(const std::optional<std::string>& since,
                        const std::optional<std::string>& until, FetchOptions& fetch) {
  constexpr double kDay = 86400.0;
  if (since) {
    if (auto t = parse_time(nlohmann::json(*since))) fetch.created_after = *t - 2 * kDay;
  }
  if (until) {
    if (auto t = parse_time(nlohmann::json(*until))) fetch.created_before = *t + kDay;
  }
}

Result<std::optional<double>> parse_as_of(const std::optional<std::string>& as_of) {
  if (!as_of) return std::optional<double>();
  auto t = parse_time(nlohmann::json(*as_of));
  if (!t) {
    return Error::make(ErrorCode::usage, "--as-of must be an ISO-8601 time, got '" + *as_of + "'");
  }
  return std::optional<double>(*t);
}

}  // namespace sageguard::cost
