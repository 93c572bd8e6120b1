// Credentials from the environment and credential_process.
#include <sys/wait.h>

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

#include "sageguard/aws/credentials_chain.h"

namespace sageguard::aws {

std::optional<std::chrono::system_clock::time_point> parse_iso8601(const std::string& s) {
  std::tm tm{};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) {
    return std::nullopt;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  std::time_t t = timegm(&tm);
  // Honour an explicit "+HH:MM"/"-HH:MM" offset after the seconds (and fraction).
  auto pos = s.find_first_of("+-", 19);
  auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
  if (pos != std::string::npos && s.size() >= pos + 6 && s[pos + 3] == ':' && digit(pos + 1) &&
      digit(pos + 2) && digit(pos + 4) && digit(pos + 5)) {
    int oh = (s[pos + 1] - '0') * 10 + (s[pos + 2] - '0');
    int om = (s[pos + 4] - '0') * 10 + (s[pos + 5] - '0');
    int off = (oh * 3600 + om * 60) * (s[pos] == '+' ? 1 : -1);
    t -= off;
  }
  return std::chrono::system_clock::from_time_t(t);
}

Result<std::optional<Credentials>> credentials_from_env(const Env& env) {
  std::string id = env.get_or("AWS_ACCESS_KEY_ID");
  std::string secret = env.get_or("AWS_SECRET_ACCESS_KEY");
  if (id.empty() && secret.empty()) return std::optional<Credentials>();
  if (id.empty() || secret.empty()) {
    return Error::make(ErrorCode::aws,
                       id.empty() ? "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"
                                  : "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  }
  Credentials c;
  c.access_key_id = id;
  c.secret_access_key = secret;
  c.session_token = env.get_or("AWS_SESSION_TOKEN");
  c.source = "environment";
  c.method = "env";
  c.chain = {{"env", "", "", std::nullopt}};
  return std::optional<Credentials>(std::move(c));
}

Result<Credentials> credentials_from_process(const std::string& command) {
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return Error::make(ErrorCode::aws, "cannot run credential_process");
  std::string out;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = ::pclose(pipe);
  // The output may hold secrets, so it is never echoed into a message.
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    int code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return Error::make(ErrorCode::aws,
                       "credential_process failed (exit status " + std::to_string(code) + ")");
  }
  auto j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Error::make(ErrorCode::aws, "credential_process printed something other than a JSON object");
  }
  if (!j.contains("Version") || !j["Version"].is_number_integer() || j["Version"].get<int>() != 1) {
    return Error::make(ErrorCode::aws, "credential_process output must have \"Version\": 1");
  }
  auto str = [&](const char* k) {
    return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  Credentials c;
  c.access_key_id = str("AccessKeyId");
  c.secret_access_key = str("SecretAccessKey");
  c.session_token = str("SessionToken");
  if (c.access_key_id.empty() || c.secret_access_key.empty()) {
    return Error::make(ErrorCode::aws,
                       "credential_process output lacks AccessKeyId or SecretAccessKey");
  }
  if (auto e = str("Expiration"); !e.empty()) {
    c.expiration = parse_iso8601(e);
    if (!c.expiration) {
      return Error::make(ErrorCode::aws, "credential_process output has an unreadable Expiration");
    }
  }
  c.source = "credential_process";
  c.method = "custom-process";
  return c;
}

}  // namespace sageguard::aws
