// Enforces the dependency table of ARCHITECTURE.md: every #include "..." in
// src/ and include/ must point at the file's own module, util, or a module
// the table allows. A new include that breaks the layering fails here.
#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>

#include "test_support.h"

namespace {

namespace fs = std::filesystem;

// Keep in sync with ARCHITECTURE.md ("Allowed includes, by module").
const std::map<std::string, std::set<std::string>> kAllowed = {
    {"util", {}},
    {"model", {"util"}},
    {"policy", {"util", "model"}},
    {"rules", {"util", "model", "policy"}},
    {"check", {"util", "model", "policy", "rules"}},
    {"aws", {"util"}},
    {"cost", {"util", "model", "policy", "aws"}},
    {"fix", {"util", "model", "policy", "rules", "check"}},
    {"launch", {"util", "model", "policy", "rules", "check", "fix", "aws", "cost"}},
    {"audit", {"util", "model", "policy", "rules", "check", "aws", "cost"}},
    {"report", {"util", "model", "policy", "rules", "cost", "audit"}},
    {"api", {"util", "model", "policy", "rules", "check", "fix", "cost"}},
    {"cli",
     {"util", "model", "policy", "rules", "check", "aws", "cost", "fix", "launch", "audit",
      "report", "api"}},
    {"main", {"cli"}},
};

// Top-level public headers and the module that owns each.
const std::map<std::string, std::string> kTopLevelHeaders = {
    {"result.h", "util"},         {"document.h", "model"}, {"resource.h", "model"},
    {"api_model.h", "model"},     {"policy.h", "policy"},  {"rule_catalog.h", "policy"},
    {"policy_export.h", "policy"}, {"finding.h", "rules"}, {"check.h", "check"},
    {"cost_estimate.h", "model"},         {"sageguard.h", "api"},
};

// Module of a repository-relative path, or "" if it is not library code.
std::string module_of(const std::string& rel) {
  if (rel == "src/main.cc") return "main";
  if (rel.starts_with("src/")) {
    auto slash = rel.find('/', 4);
    return slash == std::string::npos ? "" : rel.substr(4, slash - 4);
  }
  if (rel.starts_with("include/sageguard/")) {
    std::string rest = rel.substr(std::string("include/sageguard/").size());
    auto slash = rest.find('/');
    if (slash != std::string::npos) return rest.substr(0, slash);
    auto it = kTopLevelHeaders.find(rest);
    return it == kTopLevelHeaders.end() ? "?" + rest : it->second;
  }
  return "";
}

// Where an include "x" resolves: include/x for "sageguard/...", src/x otherwise.
std::string resolve(const std::string& inc) {
  if (inc.starts_with("sageguard/")) return "include/" + inc;
  return "src/" + inc;
}

TEST(Architecture, IncludesFollowTheDependencyTable) {
  const fs::path root = sgtest::source_dir();
  const std::regex include_re(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<std::string> violations;
  size_t files = 0;
  for (const char* top : {"src", "include"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / top)) {
      if (!e.is_regular_file()) continue;
      const std::string ext = e.path().extension().string();
      if (ext != ".cc" && ext != ".h") continue;
      ++files;
      const std::string rel = fs::relative(e.path(), root).generic_string();
      const std::string from = module_of(rel);
      EXPECT_FALSE(from.empty() || from[0] == '?') << rel << ": not in any module";
      std::ifstream in(e.path());
      std::string line;
      int n = 0;
      while (std::getline(in, line)) {
        ++n;
        std::smatch m;
        if (!std::regex_search(line, m, include_re)) continue;
        const std::string target = module_of(resolve(m[1]));
        if (target.empty() || target == from) continue;
        if (target[0] == '?') {
          violations.push_back(rel + ":" + std::to_string(n) + ": unknown public header " + m[1].str());
          continue;
        }
        const auto& allowed = kAllowed.at(from);
        if (!allowed.count(target)) {
          violations.push_back(rel + ":" + std::to_string(n) + ": " + from + " may not include " +
                               target + " (" + m[1].str() + ")");
        }
      }
    }
  }
  EXPECT_GT(files, 30u);
  EXPECT_TRUE(violations.empty()) << [&] {
    std::string s;
    for (const auto& v : violations) s += v + "\n";
    return s;
  }();
}

// The rule engine is pure: resources and a policy in, findings out. Reading
// files, walking folders, threads and the clock belong to the check driver
// (src/check), so src/rules may include none of what they need.
TEST(Architecture, RulesReadNoFilesAndStartNoThreads) {
  const std::set<std::string> forbidden = {
      "util/files.h", "util/cpus.h", "util/memory.h", "util/bury.h", "util/clock.h",
      "model/json_window.h", "thread", "mutex", "atomic", "future", "condition_variable",
      "filesystem", "fstream", "cstdio", "ctime", "chrono", "unistd.h", "pthread.h",
      "sys/mman.h"};
  const std::regex include_re(R"re(^\s*#\s*include\s*[<"]([^>"]+)[>"])re");
  std::vector<std::string> violations;
  size_t files = 0;
  for (const auto& e :
       fs::recursive_directory_iterator(fs::path(sgtest::source_dir()) / "src" / "rules")) {
    if (!e.is_regular_file()) continue;
    ++files;
    std::ifstream in(e.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::smatch m;
      if (std::regex_search(line, m, include_re) && forbidden.count(m[1].str())) {
        violations.push_back(e.path().filename().string() + ":" + std::to_string(n) + ": " +
                             m[1].str());
      }
    }
  }
  EXPECT_GT(files, 10u);
  EXPECT_TRUE(violations.empty()) << [&] {
    std::string s;
    for (const auto& v : violations) s += v + "\n";
    return s;
  }();
}

TEST(Architecture, ModuleTableMatchesSourceFolders) {
  for (const auto& e : fs::directory_iterator(fs::path(sgtest::source_dir()) / "src")) {
    if (!e.is_directory()) continue;
    EXPECT_TRUE(kAllowed.count(e.path().filename().string()))
        << e.path().filename() << " is a module missing from the dependency table";
  }
}

// Each public header opens with a comment saying what it is for and whether
// it is thread-safe (the first lines a user reads).
TEST(Architecture, PublicHeadersSayWhatTheyAreAndIfThreadSafe) {
  size_t headers = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(sgtest::source_dir()) / "include")) {
    if (!e.is_regular_file() || e.path().extension() != ".h") continue;
    ++headers;
    std::ifstream in(e.path());
    std::string line, opening;
    int comment_lines = 0;
    while (std::getline(in, line) && line.starts_with("//")) {
      ++comment_lines;
      opening += line + " ";
    }
    const std::string rel = fs::relative(e.path(), sgtest::source_dir()).generic_string();
    EXPECT_GE(comment_lines, 2) << rel << ": no opening comment on what it is for";
    std::string lower;
    for (char c : opening) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_TRUE(lower.find("thread") != std::string::npos ||
                lower.find("concurrent") != std::string::npos)
        << rel << ": the opening comment does not say whether it is thread-safe";
  }
  EXPECT_GT(headers, 20u);
}

// nlohmann-json is an implementation detail: the headers that take its types
// live under src/, so an embedder never compiles against it.
TEST(Architecture, PublicHeadersDoNotExposeNlohmannJson) {
  size_t headers = 0;
  for (const auto& e : fs::recursive_directory_iterator(fs::path(sgtest::source_dir()) / "include")) {
    if (!e.is_regular_file()) continue;
    ++headers;
    std::ifstream in(e.path());
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("nlohmann"), std::string::npos)
        << fs::relative(e.path(), sgtest::source_dir()).generic_string() << " mentions nlohmann";
  }
  EXPECT_GT(headers, 20u);
}

}  // namespace
