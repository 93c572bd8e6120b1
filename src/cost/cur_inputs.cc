// Expands CUR paths (files, folders, legacy manifests) into the list of data
// files, keeping only the latest assembly of each legacy billing period so no
// line item is summed twice.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "sageguard/cost/cur_reader.h"

namespace sageguard::cost {
namespace fs = std::filesystem;
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_data_file(const fs::path& p) {
  std::string n = p.filename().string();
  return ends_with(n, ".csv") || ends_with(n, ".csv.gz") || ends_with(n, ".gz");
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

// The files a manifest's reportKeys name, found next to the manifest: keys
// are S3 keys (<prefix>/<report>/<period>/<assembly>/<file>), so try the
// key's trailing components below the manifest's folder.
Result<std::vector<std::string>> manifest_files(const fs::path& manifest) {
  std::ifstream in(manifest, std::ios::binary);
  if (!in) return Error::at(ErrorCode::io, manifest.string(), 0, 0, "cannot read manifest");
  std::stringstream ss;
  ss << in.rdbuf();
  nlohmann::json m = nlohmann::json::parse(ss.str(), nullptr, false);
  if (m.is_discarded() || !m.is_object()) {
    return Error::at(ErrorCode::input, manifest.string(), 0, 0, "manifest is not a JSON object");
  }
  auto keys = m.find("reportKeys");
  if (keys == m.end() || !keys->is_array()) {
    return Error::at(ErrorCode::input, manifest.string(), 0, 0, "manifest has no reportKeys array");
  }
  fs::path dir = manifest.parent_path();
  std::vector<std::string> out;
  for (const auto& k : *keys) {
    if (!k.is_string()) return Error::at(ErrorCode::input, manifest.string(), 0, 0, "reportKeys entries must be strings");
    std::vector<std::string> parts;
    for (const auto& part : fs::path(k.get<std::string>())) {
      if (part != "/" && !part.empty()) parts.push_back(part.string());
    }
    std::optional<fs::path> found;
    // Shortest suffixes first, but prefer <assembly>/<file> over a bare name
    // that could belong to another assembly.
    std::vector<std::size_t> lengths;
    if (parts.size() >= 2) lengths.push_back(2);
    lengths.push_back(1);
    for (std::size_t n = 3; n <= parts.size(); ++n) lengths.push_back(n);
    for (std::size_t n : lengths) {
      if (n > parts.size()) continue;
      fs::path cand = dir;
      for (std::size_t i = parts.size() - n; i < parts.size(); ++i) cand /= parts[i];
      std::error_code ec;
      if (fs::is_regular_file(cand, ec)) {
        found = cand;
        break;
      }
    }
    if (!found) {
      return Error::at(ErrorCode::io, manifest.string(), 0, 0,
                       "report key '" + k.get<std::string>() + "' not found next to the manifest");
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
  std::error_code ec;
  std::vector<fs::path> data, manifests;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
       it != end; it.increment(ec)) {
    if (ec) break;
    if (!it->is_regular_file(ec)) continue;
    if (is_manifest(it->path())) manifests.push_back(it->path());
    else if (is_data_file(it->path())) data.push_back(it->path());
  }
  if (ec) return Error::at(ErrorCode::io, root.string(), 0, 0, "cannot list folder: " + ec.message());
  std::sort(data.begin(), data.end());

  // Period folder -> (assembly folder -> files); files outside any period pass.
  std::map<fs::path, std::map<fs::path, std::vector<fs::path>>> periods;
  std::vector<fs::path> plain;
  for (const auto& f : data) {
    fs::path period, assembly;
    for (fs::path p = f.parent_path(), child = f;; child = p, p = p.parent_path()) {
      if (is_period_dir(p.filename().string())) {
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
    // A manifest directly in the period folder names the current assembly.
    std::vector<fs::path> own;
    for (const auto& m : manifests) {
      if (m.parent_path() == period) own.push_back(m);
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
