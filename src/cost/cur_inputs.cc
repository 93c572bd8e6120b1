// Expands CUR paths (files, folders, manifests) into the list of data files,
// keeping only the current delivery of each billing period so no line item
// is summed twice:
//  - legacy CUR: <report>/<yyyymmdd-yyyymmdd>/<assemblyId>/<report>-N.csv.gz,
//    with <report>-Manifest.json in the period folder naming the assembly;
//  - CUR 2.0 (Data Exports): <export>/data/BILLING_PERIOD=YYYY-MM/[<executionId>/]
//    <export>-N.csv.gz (or .parquet), with <export>/metadata/BILLING_PERIOD=YYYY-MM/...
//    /<export>-Manifest.json listing the current files in "dataFiles".
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cur_paths.h"
#include "sageguard/cost/cur_reader.h"
#include "util/json_depth.h"

namespace sageguard::cost {
namespace fs = std::filesystem;
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_data_file(const fs::path& p) {
  std::string n = p.filename().string();
  return ends_with(n, ".csv") || ends_with(n, ".csv.gz") || ends_with(n, ".gz") || ends_with(n, ".parquet");
}

bool is_manifest(const fs::path& p) { return ends_with(p.filename().string(), "-Manifest.json"); }

// A legacy CUR billing period folder: yyyymmdd-yyyymmdd.
bool is_period_dir(const std::string& name) {
  if (name.size() != 17 || name[8] != '-') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

// A CUR 2.0 partition folder: BILLING_PERIOD=YYYY-MM.
bool is_partition_dir(const std::string& name) {
  const std::string_view prefix = "BILLING_PERIOD=";
  if (name.size() != prefix.size() + 7 || name.compare(0, prefix.size(), prefix) != 0) return false;
  for (std::size_t i = prefix.size(); i < name.size(); ++i) {
    if (i == prefix.size() + 4 ? name[i] != '-' : !std::isdigit(static_cast<unsigned char>(name[i]))) return false;
  }
  return true;
}

Result<nlohmann::json> read_manifest(const fs::path& manifest) {
  std::ifstream in(manifest, std::ios::binary);
  if (!in) return Error::at(ErrorCode::io, manifest.string(), 0, 0, "cannot read manifest");
  std::stringstream ss;
  ss << in.rdbuf();
  // nlohmann's copies and dumps recurse per level: bounded as our readers are.
  if (json_nesting_exceeds(ss.view())) {
    return Error::at(ErrorCode::input, manifest.string(), 0, 0,
                     "manifest nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  }
  nlohmann::json m = nlohmann::json::parse(ss.str(), nullptr, false);
  if (m.is_discarded() || !m.is_object()) {
    return Error::at(ErrorCode::input, manifest.string(), 0, 0, "manifest is not a JSON object");
  }
  return m;
}

std::optional<fs::path> regular_file(const fs::path& p) {
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) return p;
  return std::nullopt;
}

// One message for every key that leaves the report folder, whether or not
// something exists where it points.
Error outside(const fs::path& manifest, const std::string& key) {
  return Error::at(ErrorCode::input, manifest.string(), 0, 0,
                   "key '" + key + "' resolves outside the report folder of the manifest; keys must stay inside it");
}

// Where a manifest's keys may resolve: the folder the manifest belongs to.
// Legacy: the folder it is in (the period or assembly folder); Data Exports:
// the export folder above its metadata/ tree (the data/ tree is a sibling
// of metadata/), else the folder it is in.
fs::path report_root(const fs::path& manifest, bool legacy) {
  std::error_code ec;
  fs::path dir = fs::absolute(manifest, ec).parent_path();
  if (!legacy) {
    for (fs::path p = dir; !p.empty() && p != p.parent_path(); p = p.parent_path()) {
      if (p.filename() == "metadata") {
        dir = p.parent_path();
        break;
      }
    }
  }
  fs::path canon = fs::weakly_canonical(dir, ec);
  return ec ? dir.lexically_normal() : canon;
}

// The key as found below `dir` (inside `root`): nullopt when absent, an
// error when a candidate leads outside `root` through a symbolic link.
using Located = Result<std::optional<fs::path>>;

Located candidate_file(const fs::path& root, const fs::path& cand, const fs::path& manifest, const std::string& key) {
  if (!stays_inside(root, cand)) return outside(manifest, key);
  if (auto f = regular_file(cand)) return f;
  return std::optional<fs::path>();
}

// Legacy reportKeys are S3 keys (<prefix>/<report>/<period>/<assembly>/<file>)
// found below the manifest's folder. Shortest suffixes first, but prefer
// <assembly>/<file> over a bare name that could belong to another assembly.
Located locate_report_key(const fs::path& root, const fs::path& dir, const std::vector<std::string>& parts,
                          const fs::path& manifest, const std::string& key) {
  std::vector<std::size_t> lengths;
  if (parts.size() >= 2) lengths.push_back(2);
  lengths.push_back(1);
  for (std::size_t n = 3; n <= parts.size(); ++n) lengths.push_back(n);
  for (std::size_t n : lengths) {
    if (n > parts.size()) continue;
    fs::path cand = dir;
    for (std::size_t i = parts.size() - n; i < parts.size(); ++i) cand /= parts[i];
    SG_ASSIGN_OR_RETURN(auto f, candidate_file(root, cand, manifest, key));
    if (f) return f;
  }
  return std::optional<fs::path>();
}

// Data Exports dataFiles are full URIs (s3://<bucket>/<prefix>/<export>/data/
// BILLING_PERIOD=.../<export>-N.csv.gz) while the manifest sits in the
// sibling metadata/ tree, so the part from "data/" on is looked up below each
// ancestor of the manifest up to the export folder; a flat copy with the
// files next to the manifest works too.
Located locate_data_file(const fs::path& root, const fs::path& dir, const std::vector<std::string>& parts,
                         const fs::path& manifest, const std::string& key) {
  auto data = std::find(parts.rbegin(), parts.rend(), "data");
  if (data != parts.rend()) {
    std::size_t from = static_cast<std::size_t>(parts.rend() - data) - 1;
    fs::path rel;
    for (std::size_t i = from; i < parts.size(); ++i) rel /= parts[i];
    for (fs::path a = dir;; a = a.parent_path()) {
      SG_ASSIGN_OR_RETURN(auto f, candidate_file(root, a / rel, manifest, key));
      if (f) return f;
      std::error_code ec;
      if (a.empty() || a == a.parent_path() || fs::weakly_canonical(a, ec) == root || ec) break;
    }
  }
  return locate_report_key(root, dir, parts, manifest, key);
}

// The data files a manifest names: legacy CUR "reportKeys" or Data Exports
// (CUR 2.0) "dataFiles".
Result<std::vector<std::string>> manifest_files(const fs::path& manifest) {
  SG_ASSIGN_OR_RETURN(nlohmann::json m, read_manifest(manifest));
  const bool legacy = m.contains("reportKeys");
  const fs::path root = report_root(manifest, legacy);
  const fs::path dir = manifest.parent_path();
  auto keys = m.find(legacy ? "reportKeys" : "dataFiles");
  if (keys == m.end() || !keys->is_array()) {
    return Error::at(ErrorCode::input, manifest.string(), 0, 0,
                     "manifest has neither a reportKeys (CUR) nor a dataFiles (Data Exports) array");
  }
  std::vector<std::string> out;
  for (const auto& k : *keys) {
    if (!k.is_string()) {
      return Error::at(ErrorCode::input, manifest.string(), 0, 0,
                       std::string(legacy ? "reportKeys" : "dataFiles") + " entries must be strings");
    }
    std::string key = k.get<std::string>();
    std::string path = key;
    if (!legacy && path.rfind("s3://", 0) == 0) {  // drop the scheme and the bucket
      auto slash = path.find('/', 5);
      path = slash == std::string::npos ? std::string() : path.substr(slash + 1);
    }
    // Judged on the text first: nothing outside the folder is ever looked at.
    auto parts = confined_key_parts(path);
    if (!parts) return outside(manifest, key);
    std::optional<fs::path> found;
    if (legacy) {
      SG_ASSIGN_OR_RETURN(found, locate_report_key(root, dir, *parts, manifest, key));
    } else {
      SG_ASSIGN_OR_RETURN(found, locate_data_file(root, dir, *parts, manifest, key));
    }
    if (!found) {
      return Error::at(ErrorCode::io, manifest.string(), 0, 0,
                       std::string(legacy ? "report key '" : "data file '") + key + "' not found next to the manifest");
    }
    out.push_back(found->string());
  }
  return out;
}

fs::file_time_type newest_time(const std::vector<fs::path>& files) {
  fs::file_time_type t = fs::file_time_type::min();
  for (const auto& f : files) {
    std::error_code ec;
    auto ft = fs::last_write_time(f, ec);
    if (!ec && ft > t) t = ft;
  }
  return t;
}

Status walk(const fs::path& root, CurInputs& out) {
  std::vector<fs::path> data, manifests;
  // Fail closed: a folder that cannot be read would leave its spend out.
  SG_ASSIGN_OR_RETURN(auto files, list_tree(root));
  for (auto& f : files) {
    if (is_manifest(f)) manifests.push_back(std::move(f));
    else if (is_data_file(f)) data.push_back(std::move(f));
  }

  // Period folder -> (assembly folder -> files); files outside any period
  // pass. A CUR 2.0 partition plays the period, an execution folder the
  // assembly.
  std::map<fs::path, std::map<fs::path, std::vector<fs::path>>> periods;
  std::vector<fs::path> plain;
  for (const auto& f : data) {
    fs::path period, assembly;
    for (fs::path p = f.parent_path(), child = f;; child = p, p = p.parent_path()) {
      const std::string name = p.filename().string();
      if (is_period_dir(name) || is_partition_dir(name)) {
        period = p;
        assembly = child == f ? fs::path() : child;
        break;
      }
      if (p == root || p == p.parent_path() || p.empty()) break;
    }
    if (period.empty()) plain.push_back(f);
    else periods[period][assembly].push_back(f);
  }
  for (const auto& f : plain) out.files.push_back(f.string());

  for (auto& [period, assemblies] : periods) {
    // Legacy: a manifest directly in the period folder names the current
    // assembly. CUR 2.0: <export>/metadata/BILLING_PERIOD=X/ (at any depth)
    // holds the manifest of the partition <export>/data/BILLING_PERIOD=X; if
    // there are several (one per execution), the newest file wins.
    std::vector<fs::path> own;
    if (is_partition_dir(period.filename().string())) {
      const fs::path meta = period.parent_path().parent_path() / "metadata" / period.filename();
      std::optional<fs::path> newest;
      fs::file_time_type newest_t{};
      for (const auto& m : manifests) {
        bool under = false;
        for (fs::path p = m.parent_path(); !under && p != p.parent_path() && !p.empty(); p = p.parent_path()) {
          under = p == meta;
        }
        if (!under) continue;
        std::error_code ec;
        auto t = fs::last_write_time(m, ec);
        if (!newest || t > newest_t || (t == newest_t && m > *newest)) {
          newest = m;
          newest_t = t;
        }
      }
      if (period.parent_path().filename() == "data" && newest) own.push_back(*newest);
    } else {
      for (const auto& m : manifests) {
        if (m.parent_path() == period) own.push_back(m);
      }
    }
    std::set<std::string> keep;
    if (!own.empty()) {
      for (const auto& m : own) {
        SG_ASSIGN_OR_RETURN(auto files, manifest_files(m));
        keep.insert(files.begin(), files.end());
      }
    } else {
      fs::path best;
      fs::file_time_type best_time = fs::file_time_type::min();
      bool first = true;
      for (const auto& [assembly, files] : assemblies) {
        if (assembly.empty()) continue;  // files directly in the period folder
        auto t = newest_time(files);
        if (first || t > best_time || (t == best_time && assembly > best)) {
          best = assembly;
          best_time = t;
          first = false;
        }
      }
      for (const auto& [assembly, files] : assemblies) {
        if (assembly.empty() || assembly == best) {
          for (const auto& f : files) keep.insert(f.string());
        }
      }
    }
    for (const auto& [assembly, files] : assemblies) {
      for (const auto& f : files) {
        if (!keep.count(f.string())) out.skipped.push_back(f.string());
      }
    }
    for (const auto& f : keep) out.files.push_back(f);
  }
  return Status::success();
}

}  // namespace

Result<CurInputs> resolve_cur_inputs(const std::vector<std::string>& paths) {
  CurInputs out;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::path path(p);
    if (fs::is_directory(path, ec)) {
      SG_TRY(walk(path, out));
    } else if (fs::is_regular_file(path, ec)) {
      if (ends_with(path.filename().string(), ".json")) {
        SG_ASSIGN_OR_RETURN(auto files, manifest_files(path));
        out.files.insert(out.files.end(), files.begin(), files.end());
      } else {
        out.files.push_back(p);
      }
    } else {
      return Error::at(ErrorCode::io, p, 0, 0, "no such file or folder");
    }
  }
  // The same file reached twice (a folder and a manifest in it) counts once.
  std::set<std::string> seen;
  std::vector<std::string> unique;
  for (auto& f : out.files) {
    std::error_code ec;
    auto canon = fs::weakly_canonical(f, ec).string();
    if (seen.insert(ec ? f : canon).second) unique.push_back(std::move(f));
  }
  out.files = std::move(unique);
  return out;
}

}  // namespace sageguard::cost
