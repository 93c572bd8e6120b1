// The aws provider blocks of a Terraform module (the `.tf` and `.tf.json`
// files of one folder), read once for the whole folder: a resource whose
// own file has no aws provider takes the default_tags of the first other
// file (by path) that has one. Filled by one thread, then only read
// (reading is thread-safe; filling is not).
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/value_arena.h"
#include "sageguard/document.h"

namespace sageguard {

// The `tags` of the default_tags of the aws provider with `alias` ("" for
// the default one) in a configuration body `root`; nullptr when it has
// none. `found` is set when `root` has an aws provider with that alias.
const Value* aws_default_tags(const Value& root, std::string_view alias, bool& found);

// Whether `path` names a Terraform configuration file (`.tf`, `.tf.json`).
bool is_terraform_file_name(std::string_view path);

// The configuration files of `path`'s folder other than `path` and those in
// `have`, by path, named as a folder walk names them (`dir/name`).
std::vector<std::string> module_files_besides(const std::string& path,
                                              const std::set<std::string>& have);
// The largest such file read for its provider blocks or resources.
inline constexpr uint64_t kMaxModuleFile = 4ull * 1024 * 1024;

class TerraformProviders {
 public:
  TerraformProviders() : arena_(std::make_unique<ValueArena>()) {}

  // Records the aws provider blocks of the configuration file `path`
  // (parsed into `root`); their tags are copied.
  void add(const std::string& path, const Value& root);
  // Reads and adds module_files_besides(path, have). Files that cannot be
  // read or parsed are left to their own check.
  void add_folder_of(const std::string& path, const std::set<std::string>& have);

  // The default tags of provider `alias` for a resource of file `path`
  // when that file has none: from the first other file (by path) with an
  // aws provider of that alias. `found` says whether there is one; the
  // result is nullptr when it has no default_tags.
  const Value* default_tags(std::string_view path, std::string_view alias, bool& found) const;

 private:
  struct Provider {
    std::string file;
    std::string alias;
    const Value* tags = nullptr;  // in arena_
  };
  std::unique_ptr<ValueArena> arena_;
  std::vector<Provider> providers_;  // by file, then in the file's order
};

}  // namespace sageguard
