// Shell-style glob matching (`*` any run of characters, `?` one character)
// for instance-type allow-lists and waiver resource names. Pure function;
// thread-safe.
#pragma once

#include <string_view>

namespace sageguard {

// True if `text` matches all of `pattern`. `*` matches any sequence
// (including empty and including '.'), `?` exactly one byte; every other byte
// matches itself. Iterative with one backtrack point: O(|pattern| x |text|)
// worst case, no recursion, so a hostile pattern cannot overflow the stack.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace sageguard
