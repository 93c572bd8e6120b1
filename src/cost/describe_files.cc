// Recorded Describe* responses for `cost --jobs --from-describes` and `roi`:
// JSON documents, arrays of them, or JSON lines, from files or folders.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sageguard/cost/job_cost.h"

#include "util/files.h"
#include "util/json_depth.h"

namespace sageguard::cost {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Status add_value(json v, std::vector<json>& out) {
  if (v.is_array()) {
    for (auto& x : v) {
      if (x.is_object()) out.push_back(std::move(x));
    }
  } else if (v.is_object()) {
    out.push_back(std::move(v));
  }
  return Status::success();
}

Status read_file(const std::string& path, std::vector<json>& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::at(ErrorCode::io, path, 0, 0, "cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  // The records are copied and walked later, recursively: a text nested
  // deeper than our document readers accept is refused here.
  if (json_nesting_exceeds(text)) {
    return Error::at(ErrorCode::input, path, 0, 0,
                     "nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  json whole = json::parse(text, nullptr, false);
  if (!whole.is_discarded()) return add_value(std::move(whole), out);
  // JSON lines: one document per non-blank line.
  std::istringstream lines(text);
  std::string line;
  uint32_t n = 0;
  while (std::getline(lines, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json v = json::parse(line, nullptr, false);
    if (v.is_discarded()) {
      return Error::at(ErrorCode::input, path, n, 0, "not a JSON document or JSON lines");
    }
    SG_TRY(add_value(std::move(v), out));
  }
  return Status::success();
}

bool wanted(const fs::path& p) {
  auto ext = p.extension().string();
  return ext == ".json" || ext == ".jsonl" || ext == ".ndjson";
}

}  // namespace

Result<std::vector<json>> load_describes(const std::vector<std::string>& paths) {
  std::vector<json> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      SG_ASSIGN_OR_RETURN(auto files, list_files_sorted(p, [](const fs::path& f) { return wanted(f); }));
      for (const auto& f : files) SG_TRY(read_file(f, out));
    } else {
      SG_TRY(read_file(p, out));
    }
  }
  return out;
}

}  // namespace sageguard::cost
