// Writes fix operations into HCL native syntax (Terraform `.tf`), in the
// layout `terraform fmt` keeps: a new attribute joins the run of one-line
// attributes of its block or object (their `=` aligned again, as fmt
// aligns them), a new nested block or map goes at the end of its body after
// a blank line, two-space indentation per level. Operations address the
// document's own tree with Terraform's argument names (see
// terraform_ops.h). Comments, heredocs and every untouched line stay
// byte-identical. Immutable after construction; safe to use from several
// threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "fix/edit_ops.h"
#include "fix/hcl_layout.h"

namespace sageguard::fix {

class HclEditor final : public FormatEditor {
 public:
  explicit HclEditor(const Document& doc);

  bool can_insert(const Value& obj) const override;
  bool can_replace(const Value& node) const override;
  bool can_remove(const Value& obj, size_t index) const override;
  bool can_append(const Value& array) const override;
  std::vector<TextEdit> render(const OpList& ops) const override;

 private:
  // Where an object's members live: the '{' and '}' of a block's body or
  // of an object expression.
  struct Body {
    uint64_t open = 0;
    uint64_t close = 0;
    bool block = false;  // a block's body (else an object expression)
  };
  std::optional<Body> body_of(const Value& obj) const;
  bool single_line(const Body& b) const { return !contains_newline(b.open, b.close); }
  bool contains_newline(uint64_t from, uint64_t to) const;
  // The line of a one-line attribute member, if it is one fmt aligns.
  std::optional<size_t> attribute_line(const Value& member) const;
  std::string indent_of(const Value& obj, const Body& b) const;
  void insert_edits(const Value& obj, const std::vector<const InsertOp*>& ins,
                    std::vector<TextEdit>& out) const;
  // `=` of lines [first, last] of a chain aligned for keys ending at
  // column `width`, except line `skip`.
  void align(size_t first, size_t last, uint64_t width, size_t skip,
             std::vector<TextEdit>& out) const;
  uint64_t scalar_end(uint64_t off) const;

  std::string_view text_;
  const Value* root_;
  std::string nl_;
  HclLayout layout_;
};

// `s` as an HCL quoted string: escapes, and "${" / "%{" kept literal.
std::string hcl_quote(const std::string& s);

}  // namespace sageguard::fix
