// A deterministic automaton that decides whole-value matches of a regular
// expression for ASCII text, so the API model's patterns (ARNs, S3 URIs,
// job names) do not pay an RE2 call per value.
//
// RE2 stays the judge of what the pattern means: each character class,
// escape or `.` is compiled alone by RE2 (Latin-1, whose first 128
// characters are ASCII's; UTF-8 when Latin-1 refuses an escape such as
// \x{2028}) and asked about every ASCII character. Our own parser only
// finds where those atoms are and how they are combined (concatenation,
// `|`, groups, `* + ? {n,m}`), and refuses whatever RE2 would refuse
// (syntax errors, its repeat limits) without paying for a whole-pattern
// compile, which costs more than building the automaton; only patterns with
// atoms beyond Latin-1 (\p{..}, \x{2028}) are compiled whole, to learn
// whether RE2's UTF-8 program fits. Anything else (anchors, flags,
// lookaround, backreferences, `\b`, `\Q..\E`, POSIX classes, non-ASCII
// pattern text) is "not handled" and the caller keeps RE2. A value with a
// byte >= 0x80 is answered `not_ascii`: the caller asks RE2's UTF-8 program.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/result.h"

namespace sageguard::api_model {

// Which ASCII characters one atom (`[..]`, `\d`, `\p{L}`, `.`, `\.`)
// matches, as RE2 reads it (Latin-1, whose first 128 characters are
// ASCII's; UTF-8 when Latin-1 refuses an escape such as \x{2028}), or
// nullopt if RE2 rejects it or it does not consume exactly one character.
// Answers are kept for the process (patterns share atoms); thread-safe.
std::optional<std::bitset<128>> ascii_members(const std::string& atom);

class AsciiDfa {
 public:
  enum class Match : uint8_t { no, yes, not_ascii };

  // Over this many states the pattern is left to RE2 (the table's largest,
  // HubDataSetArn-style `{0,63}` repeats, need a few hundred).
  static constexpr size_t kMaxStates = 4096;
  // Special states: no continuation can match; a non-ASCII byte was seen.
  static constexpr uint32_t kDead = 0;
  static constexpr uint32_t kNotAscii = 1;

  // The automaton for `regex` as RE2 reads it (Perl syntax, UTF-8 default
  // options), or an error saying why it is not handled.
  static Result<AsciiDfa> build(std::string_view regex);

  // Whole-value match of `s`; `not_ascii` as soon as a byte >= 0x80 is met
  // before the value has already failed.
  Match match(std::string_view s) const {
    const uint32_t* t = trans_.data();
    const uint32_t not_ascii = kNotAscii * nclasses_;  // row offsets: kDead's is 0
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    uint32_t row = start_;
    for (size_t i = 0; i < n; ++i) {
      // Each step of the table walk waits for the previous one's load. In a
      // state that stays put on most characters (the `.*` of an S3 URI, an
      // ARN's trailing class) the bytes that keep it there are skipped with
      // independent lookups instead.
      if (row >= loop_from_) {
        const uint8_t* stays = &loops_[(row - loop_from_) / nclasses_ * 256];
        while (i < n && stays[p[i]]) ++i;
        if (i == n) break;
      }
      row = t[row + classes_[p[i]]];
      if (row <= not_ascii) break;
    }
    if (row == 0) return Match::no;
    if (row == not_ascii) return Match::not_ascii;
    return accept_[row / nclasses_] ? Match::yes : Match::no;
  }

  // Inspection, for tests that walk the automaton (states are numbered
  // from 0, kDead and kNotAscii first).
  uint32_t start() const { return start_ / nclasses_; }
  uint32_t next(uint32_t state, unsigned char c) const {
    return trans_[size_t{state} * nclasses_ + classes_[c]] / nclasses_;
  }
  bool accepting(uint32_t state) const { return accept_[state] != 0; }
  size_t state_count() const { return accept_.size(); }
  // Byte equivalence classes, the non-ASCII one included.
  size_t class_count() const { return nclasses_; }

 private:
  AsciiDfa() = default;

  uint8_t classes_[256] = {};  // byte -> equivalence class
  uint32_t nclasses_ = 1;
  // Row offset (state * nclasses_) + class -> the next state's row offset,
  // so matching does no multiplication.
  std::vector<uint32_t> trans_;
  std::vector<uint8_t> accept_;  // per state
  uint32_t start_ = 0;           // row offset
  // States that loop on at least kLoopMin ASCII characters are numbered
  // last, from row offset loop_from_ (no such state: never reached); for
  // each, 256 bytes saying which bytes keep it where it is (non-ASCII: 0).
  static constexpr size_t kLoopMin = 16;
  uint32_t loop_from_ = UINT32_MAX;
  std::vector<uint8_t> loops_;

  // Renumbers the states so the looping ones come last and fills loops_.
  void number_looping_states_last();
};

}  // namespace sageguard::api_model
