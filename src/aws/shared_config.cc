// Reading ~/.aws/credentials and ~/.aws/config, profile and region selection.
#include "sageguard/aws/shared_config.h"

#include <fstream>
#include <sstream>
#include <system_error>
#include <filesystem>

#include "util/strings.h"

namespace sageguard::aws {

namespace {

std::string trim(std::string_view s) {
  const char* ws = " \t\r\n";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  auto e = s.find_last_not_of(ws);
  return std::string(s.substr(b, e - b + 1));
}

std::string expand_home(const std::string& path, const Env& env) {
  if (path == "~" || path.starts_with("~/")) return env.get_or("HOME") + path.substr(1);
  return path;
}

Result<std::string> read_optional_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::make(ErrorCode::io, "cannot read AWS file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::map<std::string, ProfileSettings> parse_profile_file(const std::string& text,
                                                          bool is_config_file,
                                                          const std::string& section_prefix) {
  std::map<std::string, ProfileSettings> out;
  std::istringstream in(text);
  std::string raw;
  ProfileSettings* current = nullptr;
  bool in_subsection = false;  // after "key =" with no value, indented lines belong to it
  while (std::getline(in, raw)) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    bool indented = raw[0] == ' ' || raw[0] == '\t';
    if (line.front() == '[' && line.back() == ']') {
      in_subsection = false;
      std::string name = trim(line.substr(1, line.size() - 2));
      current = nullptr;
      if (is_config_file) {
        const std::string tab_prefix = section_prefix.substr(0, section_prefix.size() - 1) + "\t";
        if (name.starts_with(section_prefix) || name.starts_with(tab_prefix)) {
          name = trim(name.substr(section_prefix.size()));
        } else if (name != "default" || section_prefix != "profile ") {
          continue;  // sso-session, services, ...: not profiles
        }
      }
      if (!name.empty()) current = &out[name];
      continue;
    }
    if (current == nullptr) continue;
    if (indented && in_subsection) continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = trim(line.substr(0, eq));
    std::string value = trim(line.substr(eq + 1));
    in_subsection = value.empty();
    if (!in_subsection) (*current)[key] = value;
  }
  return out;
}

ProfileSettings SharedConfig::profile(const std::string& name) const {
  ProfileSettings merged;
  if (auto it = config.find(name); it != config.end()) merged = it->second;
  if (auto it = credentials.find(name); it != credentials.end()) {
    for (const auto& [k, v] : it->second) merged[k] = v;
  }
  return merged;
}

bool SharedConfig::has_profile(const std::string& name) const {
  return config.count(name) > 0 || credentials.count(name) > 0;
}

Result<SharedConfig> load_shared_config(const Env& env) {
  SharedConfig cfg;
  std::string cred_path =
      expand_home(env.get_or("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"), env);
  std::string conf_path = expand_home(env.get_or("AWS_CONFIG_FILE", "~/.aws/config"), env);
  SG_ASSIGN_OR_RETURN(std::string cred_text, read_optional_file(cred_path));
  SG_ASSIGN_OR_RETURN(std::string conf_text, read_optional_file(conf_path));
  cfg.credentials = parse_profile_file(cred_text, false);
  cfg.config = parse_profile_file(conf_text, true);
  cfg.sso_sessions = parse_profile_file(conf_text, true, "sso-session ");
  return cfg;
}

std::string resolve_profile_name(const Env& env, const std::string& explicit_profile) {
  if (!explicit_profile.empty()) return explicit_profile;
  return env.get_or("AWS_PROFILE", "default");
}

bool is_valid_region_name(std::string_view region) {
  if (region.empty() || region.size() > 63) return false;
  if (region.front() == '-' || region.back() == '-') return false;
  bool all_digits = true;
  for (char c : region) {
    const bool digit = c >= '0' && c <= '9';
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!digit && !letter && c != '-') return false;
    all_digits = all_digits && digit;
  }
  return !all_digits;
}

Status check_region_name(std::string_view region, std::string_view source) {
  if (is_valid_region_name(region)) return Status::success();
  return Error::make(ErrorCode::usage,
                     "invalid AWS region '" + terminal_safe(region) + "' (from " +
                         std::string(source) +
                         "): a region name is 1 to 63 letters, digits and hyphens, such as "
                         "us-east-1");
}

Result<std::optional<std::string>> configured_region(const Env& env,
                                                     const std::string& explicit_region,
                                                     const std::string& explicit_profile) {
  auto checked = [](const std::string& r, const std::string& source) -> Result<std::optional<std::string>> {
    SG_TRY(check_region_name(r, source));
    return std::optional<std::string>(r);
  };
  if (!explicit_region.empty()) return checked(explicit_region, "--region");
  if (auto r = env.get_or("AWS_REGION"); !r.empty()) return checked(r, "AWS_REGION");
  if (auto r = env.get_or("AWS_DEFAULT_REGION"); !r.empty()) return checked(r, "AWS_DEFAULT_REGION");
  SG_ASSIGN_OR_RETURN(SharedConfig cfg, load_shared_config(env));
  const std::string profile = resolve_profile_name(env, explicit_profile);
  auto settings = cfg.profile(profile);
  if (auto it = settings.find("region"); it != settings.end() && !it->second.empty()) {
    return checked(it->second, "`region` in profile '" + terminal_safe(profile) + "'");
  }
  return std::optional<std::string>();
}

Result<std::string> resolve_region(const Env& env, const std::string& explicit_region,
                                   const std::string& explicit_profile) {
  SG_ASSIGN_OR_RETURN(std::optional<std::string> region,
                      configured_region(env, explicit_region, explicit_profile));
  if (region) return *region;
  // Missing configuration, not a failed AWS call: exit 2, like a bad flag.
  return Error::make(ErrorCode::usage,
                     "no AWS region: pass --region or set AWS_REGION, AWS_DEFAULT_REGION or "
                     "`region` in profile '" +
                         terminal_safe(resolve_profile_name(env, explicit_profile)) + "'");
}

}  // namespace sageguard::aws
