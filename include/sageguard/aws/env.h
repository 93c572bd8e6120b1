// Env: where AWS configuration values (environment variables) come from.
// ProcessEnv reads the real process environment; MapEnv is an in-memory map
// for tests, so they never have to mutate the process environment.
// Both are safe to read from many threads (nobody here calls setenv).
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>

namespace sageguard::aws {

class Env {
 public:
  virtual ~Env() = default;
  // The variable's value, or nullopt when unset. An empty value counts as set.
  virtual std::optional<std::string> get(const std::string& name) const = 0;
  // The value when set and non-empty, else `fallback`.
  std::string get_or(const std::string& name, const std::string& fallback = "") const;
};

class ProcessEnv final : public Env {
 public:
  std::optional<std::string> get(const std::string& name) const override;
};

class MapEnv final : public Env {
 public:
  MapEnv() = default;
  explicit MapEnv(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
  MapEnv(std::initializer_list<std::pair<const std::string, std::string>> vars) : vars_(vars) {}
  std::optional<std::string> get(const std::string& name) const override;
  void set(const std::string& name, std::string value) { vars_[name] = std::move(value); }

 private:
  std::map<std::string, std::string> vars_;
};

// A process-wide ProcessEnv instance.
const Env& process_env();

}  // namespace sageguard::aws
