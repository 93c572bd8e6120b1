#include "audit/run_options.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "audit/audit.h"
#include "util/files.h"

namespace sageguard::audit {

int default_concurrency(double max_tps) {
  // At least 16: the default --max-tps of 20 then still keeps up with calls
  // of 800 ms.
  const double needed = std::ceil(max_tps * 0.1);
  return static_cast<int>(std::clamp(needed, 16.0, static_cast<double>(kMaxConcurrency)));
}

std::optional<double> parse_since(const std::string& text) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail[8] = {0};
  const int n =
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &y, &mo, &d, &h, &mi, &sec, tail);
  if (n < 3) return std::nullopt;
  if (text.size() != 10 && n < 5) return std::nullopt;
  if (n == 7 && std::string(tail) != "Z") return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<double>(timegm(&tm));
}

std::vector<std::string> split_regions(const std::vector<std::string>& flags) {
  std::vector<std::string> out;
  for (const auto& f : flags) {
    size_t start = 0;
    while (start <= f.size()) {
      size_t comma = f.find(',', start);
      if (comma == std::string::npos) comma = f.size();
      std::string r = f.substr(start, comma - start);
      if (!r.empty() && std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
      start = comma + 1;
    }
  }
  return out;
}

Status save_inventory(const std::string& path, const Inventory& inv) {
  std::string lines;
  for (const auto& d : audit_documents(inv)) {
    lines += d.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    lines += '\n';
  }
  return write_file_atomic(path, lines);
}

}  // namespace sageguard::audit
