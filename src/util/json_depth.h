// How deeply a JSON text nests, measured without parsing it, so that code
// handing untrusted JSON (service answers, recorded files) to nlohmann-json,
// whose dump, copy and comparison recurse once per level, can refuse a text
// that would exhaust the stack. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sageguard {

// The nesting limit every JSON reader of sageguard applies (the document
// readers' LoadOptions::max_depth has the same value).
inline constexpr uint32_t kMaxJsonDepth = 512;

// True when some '[' or '{' outside a string opens a level deeper than
// `limit`. Malformed text is measured all the same (the parser rejects it
// later); only the depth matters here.
inline bool json_nesting_exceeds(std::string_view text, uint32_t limit = kMaxJsonDepth) {
  uint32_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;  // the escaped character cannot end the string
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > limit) return true;
        break;
      case ']':
      case '}':
        if (depth > 0) --depth;
        break;
      default: break;
    }
  }
  return false;
}

}  // namespace sageguard
