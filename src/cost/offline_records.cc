// check_offline_records: recorded descriptions priced "up to now" need an
// explicit --as-of, and running records much older than it are suspect.
#include <set>

#include "cost/job_cost.h"

namespace sageguard::cost {
namespace {

constexpr double kStaleSeconds = 30 * 86400.0;

std::string label(const JobRecord& r, const std::vector<std::string>& files) {
  std::string file = r.source < files.size() ? files[r.source] : std::string("?");
  return file + " (" + to_string(r.kind) + " " + r.name + ", " + r.status + ")";
}

}  // namespace

Result<std::vector<std::string>> check_offline_records(const std::vector<JobRecord>& records,
                                                       const std::vector<std::string>& files,
                                                       std::optional<double> as_of, double now) {
  std::vector<std::string> warnings;
  if (!as_of) {
    std::set<std::string> running;
    for (const auto& r : records) {
      if (r.priced_to_now) running.insert(label(r, files));
    }
    std::string list;
    for (const auto& l : running) list += "\n  " + l;
    if (!running.empty())
      return Error::make(
          ErrorCode::usage,
          std::to_string(running.size()) +
              " recorded resource(s) were still running when described, and their cost runs up to "
              "a time that must be given: pass --as-of TIME (e.g. when they were recorded)" +
              list);
  }
  const double ref = as_of.value_or(now);
  for (const auto& r : records) {
    if (!r.running || !r.described_at || *r.described_at >= ref - kStaleSeconds) continue;
    warnings.push_back(label(r, files) + " was running as of " + format_time(*r.described_at) +
                       ", more than a month before " +
                       (as_of ? "--as-of " + format_time(ref) : std::string("now")) +
                       "; it has most likely finished or changed since: record it again");
  }
  return warnings;
}

}  // namespace sageguard::cost
