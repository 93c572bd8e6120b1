// Small helpers shared by the unit tests: reading files from the repo,
// making temporary directories that clean up after themselves, and running
// the CLI in-process. Not thread-safe (run_cli's callers change the working
// directory and environment around it).
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli.h"

namespace sgtest {

std::string source_dir();
std::string read_file(const std::filesystem::path& p);
void write_file(const std::filesystem::path& p, const std::string& content);

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// One in-process run of the CLI: `sageguard ARGS...` with its exit code and
// what it wrote to stdout and stderr (stdout not a terminal). Inline so only
// the test binaries that call it (those linking sg_cli) need the CLI.
struct CliRun {
  int code;
  std::string out;
  std::string err;
};

inline CliRun run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "sageguard");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  int code = sageguard::cli::run(static_cast<int>(argv.size()), argv.data(), out, err, false);
  return {code, out.str(), err.str()};
}

}  // namespace sgtest
