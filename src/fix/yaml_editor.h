// Writes fix operations into block-style YAML: `Key: value` lines at the
// mapping's indentation after its last line, `- ` items after a sequence's
// last item, in-place scalar replacement, whole-line removal. Comments and
// every untouched line stay byte-identical. Flow-style collections (`{...}`,
// `[...]`) are refused (can_* returns false) rather than risked.
// Immutable after construction; safe to use from several threads.
#pragma once

#include <string>
#include <string_view>

#include "fix/edit_ops.h"

namespace sageguard::fix {

class YamlEditor final : public FormatEditor {
 public:
  explicit YamlEditor(const Document& doc);

  bool can_insert(const Value& obj) const override;
  bool can_replace(const Value& node) const override;
  bool can_remove(const Value& obj, size_t index) const override;
  bool can_append(const Value& array) const override;
  std::vector<TextEdit> render(const OpList& ops) const override;

 private:
  bool is_block_mapping(const Value& obj) const;
  bool is_block_sequence(const Value& arr) const;
  // End of the block that starts on the line of `off` and whose continuation
  // lines are indented deeper than `col` (or, with `dash_at_col`, are `- `
  // items at `col`): just past the last such content line.
  uint64_t block_end(uint64_t off, uint64_t col, bool dash_at_col) const;
  uint64_t member_end(const Value& obj, size_t index) const;
  uint64_t scalar_end(uint64_t off) const;
  // Lines for `key: value` at column `col`, each ending in a newline.
  std::string render_member(const std::string& key, const NewValue& v, uint64_t col) const;
  std::string render_item(const NewValue& v, uint64_t dash_col, uint64_t content_col) const;
  // Text inserted at `at`: a newline first if `at` ends a last line without one.
  std::string at_line_start(uint64_t at, std::string body) const;

  std::string_view text_;
  std::string nl_;
  uint64_t unit_ = 2;
  bool indentless_sequences_ = false;  // `- ` at the parent key's column
};

// `s` as a YAML scalar: plain when that reads back as the same string in
// YAML 1.1 and 1.2, double-quoted otherwise.
std::string yaml_scalar(const std::string& s);

}  // namespace sageguard::fix
