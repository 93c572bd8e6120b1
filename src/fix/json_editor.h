// Writes fix operations into JSON text: members go after the last member of
// their object (or into an empty one), in the object's own style (pretty
// with its indentation, or compact with its separators); array items after
// the last item. Nothing else in the text moves. Immutable after
// construction; safe to use from several threads.
#pragma once

#include <string>
#include <string_view>

#include "fix/edit_ops.h"

namespace sageguard::fix {

class JsonEditor final : public FormatEditor {
 public:
  explicit JsonEditor(const Document& doc);

  bool can_insert(const Value& obj) const override;
  bool can_replace(const Value& node) const override;
  bool can_remove(const Value& obj, size_t index) const override;
  bool can_append(const Value& array) const override;
  std::vector<TextEdit> render(const OpList& ops) const override;

  // How new text is laid out: pretty (one member per line, `indent` + unit)
  // or compact (`comma` between members); `colon` between key and value.
  struct Style {
    bool pretty = true;
    std::string colon = ": ";
    std::string comma = ", ";
    std::string unit = "  ";  // one level of indentation
  };
  // Render `v` whose first line continues a line indented by `indent`.
  std::string render_value(const NewValue& v, const std::string& indent, const Style& s) const;

 private:
  uint64_t value_end(uint64_t off) const;
  Style style_of_container(const Value& c) const;
  TextEdit insert_edit(const Value& obj, const std::vector<const InsertOp*>& ins) const;
  TextEdit append_edit(const Value& arr, const std::vector<const NewValue*>& items) const;

  std::string_view text_;
  std::string nl_;
  Style doc_style_;
};

// `s` as a JSON string literal (quotes and escapes).
std::string json_quote(const std::string& s);

}  // namespace sageguard::fix
