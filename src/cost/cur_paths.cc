// Confined key resolution and fail-closed folder listing for the CUR inputs.
#include "cur_paths.h"

#include <algorithm>
#include <system_error>

namespace sageguard::cost {
namespace fs = std::filesystem;

std::optional<std::vector<std::string>> confined_key_parts(std::string_view key) {
  if (key.empty() || key.front() == '/' || key.find('\0') != std::string_view::npos)
    return std::nullopt;
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= key.size()) {
    std::size_t j = key.find('/', i);
    if (j == std::string_view::npos) j = key.size();
    std::string_view part = key.substr(i, j - i);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") parts.emplace_back(part);
    i = j + 1;
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

namespace {

bool has_prefix(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), x = p.begin();
  for (; r != root.end(); ++r, ++x) {
    if (r->empty()) continue;  // a trailing separator on root
    if (x == p.end() || *r != *x) return false;
  }
  return true;
}

}  // namespace

bool stays_inside(const fs::path& root, const fs::path& candidate) {
  // Existing folders along the way are resolved (their links followed);
  // then the last part, when it is a link, is followed by hand, since a
  // link to a missing target would otherwise be left as it is.
  std::error_code ec;
  fs::path p = fs::weakly_canonical(candidate, ec);
  if (ec) return false;
  for (int hops = 0; hops < 40; ++hops) {
    if (!has_prefix(root, p)) return false;
    auto st = fs::symlink_status(p, ec);
    if (ec || !fs::is_symlink(st)) return true;
    fs::path target = fs::read_symlink(p, ec);
    if (ec) return false;
    p = fs::weakly_canonical(target.is_absolute() ? target : p.parent_path() / target, ec);
    if (ec) return false;
  }
  return false;  // a loop of links
}

Result<std::vector<fs::path>> list_tree(const fs::path& root) {
  std::vector<fs::path> out;
  std::vector<fs::path> todo{root};
  while (!todo.empty()) {
    fs::path dir = std::move(todo.back());
    todo.pop_back();
    std::error_code ec;
    fs::directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      std::error_code st_ec;
      const auto st = it->symlink_status(st_ec);
      if (st_ec)
        return Error::at(ErrorCode::io, it->path().string(), 0, 0,
                         "cannot read: " + st_ec.message());
      if (fs::is_directory(st)) {
        todo.push_back(it->path());
      } else if (fs::is_regular_file(st) ||
                 (fs::is_symlink(st) && fs::is_regular_file(it->path(), st_ec))) {
        out.push_back(it->path());
      }
    }
    if (ec)
      return Error::at(ErrorCode::io, dir.string(), 0, 0, "cannot list folder: " + ec.message());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace sageguard::cost
