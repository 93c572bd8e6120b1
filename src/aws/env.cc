// Env implementations: the real process environment and an in-memory map.
#include "sageguard/aws/env.h"

#include <cstdlib>

namespace sageguard::aws {

std::string Env::get_or(const std::string& name, const std::string& fallback) const {
  auto v = get(name);
  return v && !v->empty() ? *v : fallback;
}

std::optional<std::string> ProcessEnv::get(const std::string& name) const {
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::optional<std::string> MapEnv::get(const std::string& name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

const Env& process_env() {
  static const ProcessEnv env;
  return env;
}

}  // namespace sageguard::aws
