// The days a `cost --jobs` report covers (--since / --until: YYYY-MM-DD,
// inclusive, on a resource's start day) and the time it prices running
// resources up to (--as-of), checked and turned into what the readers take.
// Pure functions; thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "cost/job_fetch.h"
#include "sageguard/result.h"

namespace sageguard::cost {

// Error(usage) naming `flag` unless `day` is unset or YYYY-MM-DD with a
// month of 01-12 and a day of 01-31.
Status check_day(std::string_view flag, const std::optional<std::string>& day);

// The creation times to list jobs between (FetchOptions::created_after and
// created_before) so that none whose start day is in since..until is
// missed: a job may start a while after it is created, so listing begins
// two days before `since` and ends a day after `until` (job_records then
// keeps those that started in the window). A day that is not a time leaves
// that end open (check_day first).
void set_listing_window(const std::optional<std::string>& since,
                        const std::optional<std::string>& until, FetchOptions& fetch);

// --as-of (an ISO-8601 time) as epoch seconds; nullopt when not given.
// Error(usage) when it is not a time.
Result<std::optional<double>> parse_as_of(const std::optional<std::string>& as_of);

}  // namespace sageguard::cost
