// What the HCL editor needs to know about the text around a change: where
// strings, comments and heredocs are (so brackets and `=` inside them do
// not count), where a bracket closes, and the runs of consecutive
// single-line `key = value` lines whose `=` `terraform fmt` aligns.
// Immutable after construction; safe to use from several threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sageguard::fix {

// One line as `terraform fmt` groups them: a heredoc's or block comment's
// lines belong to the line they start on.
struct HclLine {
  uint64_t start = 0;  // first byte of the (first) physical line
  uint64_t end = 0;    // past the last physical line's '\n'
  // A single-line assignment (`key = value` whose value opens no bracket it
  // does not close on the line): `lead_end` is just past the key, `eq` the
  // '='. `comment`: a comment follows the value (fmt aligns those too).
  bool assign = false;
  bool comment = false;
  uint64_t lead_end = 0;
  uint64_t eq = 0;
  // With `comment`: where the comment starts, and the end of what precedes
  // it (fmt aligns the comments of consecutive lines that have one).
  uint64_t comment_at = 0;
  uint64_t content_end = 0;
};

class HclLayout {
 public:
  explicit HclLayout(std::string_view text);

  // Past the string, comment or heredoc starting at `pos`; `pos` if none does.
  uint64_t skip_token(uint64_t pos) const;
  // The bracket matching the one at `open` ('{', '[' or '('), or nullopt.
  std::optional<uint64_t> match_close(uint64_t open) const;
  // The logical line holding `off`.
  const HclLine& line_at(uint64_t off) const;
  size_t line_index(uint64_t off) const;
  const std::vector<HclLine>& lines() const { return lines_; }
  // Indices [first, last] of the run of assignment lines holding line `i`
  // (an assignment line).
  std::pair<size_t, size_t> chain(size_t i) const;
  // The same for the run of lines with a trailing comment holding line `i`.
  std::pair<size_t, size_t> comment_chain(size_t i) const;
  // Column of `off` counted as fmt counts (bytes from the line start).
  uint64_t column(uint64_t off) const;

 private:
  void classify(HclLine& line) const;

  std::string_view text_;
  std::vector<HclLine> lines_;
};

}  // namespace sageguard::fix
