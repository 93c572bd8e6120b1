#include "sageguard/launch/job_name.h"

#include <fmt/format.h>

#include <ctime>

namespace sageguard::launch {

std::string sdk_timestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  long millis = static_cast<long>(ms % 1000);
  if (millis < 0) {  // before 1970: floor, not truncate
    millis += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}-{:02}-{:02}-{:02}-{:03}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

std::string name_from_base(std::string_view base, std::chrono::system_clock::time_point t) {
  const std::string ts = sdk_timestamp(t);
  const std::size_t room = kMaxNameLength - ts.size() - 1;
  return fmt::format("{}-{}", base.substr(0, room), ts);
}

std::string base_name_from_image(std::string_view image_uri) {
  std::string_view s = image_uri;
  // Digest references ("repo@sha256:...") name the repository before '@'.
  if (auto at = s.find('@'); at != std::string_view::npos) s = s.substr(0, at);
  if (auto slash = s.rfind('/'); slash != std::string_view::npos) s = s.substr(slash + 1);
  if (auto colon = s.find(':'); colon != std::string_view::npos) s = s.substr(0, colon);
  return s.empty() ? std::string(image_uri) : std::string(s);
}

std::string derived_name(std::string_view name, std::string_view suffix) {
  std::string_view head = name;
  if (head.size() + suffix.size() > kMaxNameLength) {
    head = head.substr(0, kMaxNameLength > suffix.size() ? kMaxNameLength - suffix.size() : 0);
  }
  while (!head.empty() && head.back() == '-') head.remove_suffix(1);
  return fmt::format("{}{}", head, suffix);
}

}  // namespace sageguard::launch
