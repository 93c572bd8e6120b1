#include "model/terraform_module.h"

#include <algorithm>
#include <filesystem>

#include "model/terraform.h"
#include "sageguard/api_model.h"

namespace sageguard {
namespace {

std::string_view string_of(const Value* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

// Calls `f(alias, tags)` for each aws provider block of `root` (tags
// nullptr when it has no default_tags).
template <class F>
void each_aws_provider(const Value& root, F&& f) {
  for (const auto& [key, providers] : root.members()) {
    if (key != "provider") continue;
    each_block_object(providers, [&](const Value& by_name) {
      for (const auto& [name, body] : by_name.members()) {
        if (name != "aws") continue;
        each_block_object(body, [&](const Value& p) {
          const Value* tags = nullptr;
          for (const auto& [k, dt] : p.members()) {
            if (k != "default_tags") continue;
            each_block_object(dt, [&](const Value& d) {
              if (const Value* t = d.find("tags")) tags = t;
            });
          }
          f(string_of(p.find("alias")), tags);
        });
      }
    });
  }
}

}  // namespace

const Value* aws_default_tags(const Value& root, std::string_view alias, bool& found) {
  const Value* out = nullptr;
  each_aws_provider(root, [&](std::string_view a, const Value* tags) {
    if (a != alias) return;
    found = true;
    if (tags != nullptr) out = tags;
  });
  return out;
}

bool is_terraform_file_name(std::string_view path) {
  return path.ends_with(".tf") || path.ends_with(".tf.json");
}

void TerraformProviders::add(const std::string& path, const Value& root) {
  std::vector<Provider> found;
  each_aws_provider(root, [&](std::string_view alias, const Value* tags) {
    Provider p{.file = path, .alias = std::string(alias)};
    if (tags != nullptr) {
      auto* copy = static_cast<Value*>(arena_->allocate(sizeof(Value)));
      *copy = copy_value(*tags, *arena_);
      p.tags = copy;
    }
    found.push_back(std::move(p));
  });
  // Kept by file so that the first file by path wins, whatever the order
  // files were added in (threads, named files before the folder's others).
  auto at = std::upper_bound(providers_.begin(), providers_.end(), path,
                             [](const std::string& f, const Provider& p) { return f < p.file; });
  providers_.insert(at, std::make_move_iterator(found.begin()),
                    std::make_move_iterator(found.end()));
}

std::vector<std::string> module_files_besides(const std::string& path,
                                              const std::set<std::string>& have) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self(path);
  const fs::path dir = self.has_parent_path() ? self.parent_path() : fs::path(".");
  std::vector<std::string> found;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    // Named as the folder walk names them, so `have` matches.
    std::string p = self.has_parent_path() ? it->path().string() : it->path().filename().string();
    if (is_terraform_file_name(p) && p != path && have.count(p) == 0 && it->is_regular_file(ec)) {
      found.push_back(std::move(p));
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

void TerraformProviders::add_folder_of(const std::string& path, const std::set<std::string>& have) {
  for (const std::string& p : module_files_besides(path, have)) {
    auto sibling = load_document(p, ReadOptions{.max_file_size = kMaxModuleFile});
    if (!sibling.ok() || terraform_source(**sibling) != TerraformSource::configuration) continue;
    add(p, (*sibling)->root());
  }
}

const Value* TerraformProviders::default_tags(std::string_view path, std::string_view alias,
                                              bool& found) const {
  // The first file (by path) other than `path` with an aws provider of
  // `alias`: its default tags (the last default_tags given, as in the
  // resource's own file).
  const std::string* file = nullptr;
  const Value* tags = nullptr;
  for (const Provider& p : providers_) {
    if (p.file == path || p.alias != alias) continue;
    if (file != nullptr && *file != p.file) break;
    file = &p.file;
    if (p.tags != nullptr) tags = p.tags;
  }
  if (file != nullptr) found = true;
  return tags;
}

}  // namespace sageguard
