// Keeping large results alive until the process ends.
//
// A command that has written its report has no use for the findings any
// more, but destroying them frees tens of thousands of strings one by one
// (about 5 ms for a 20,000-request bundle, see BENCHMARKS.md), work the
// kernel does wholesale when the process exits. Compilers do the same with
// their syntax trees. The object stays reachable from a static list, so leak
// checkers (LeakSanitizer in the sanitizer builds) do not report it.
#pragma once

#include <memory>
#include <utility>

namespace sageguard {

// Records `p` as reachable until exit; its destructor never runs.
void bury_pointer(const void* p);

// Moves `value` into a heap object that is never destroyed.
template <typename T>
void bury(T&& value) {
  bury_pointer(new std::decay_t<T>(std::forward<T>(value)));
}

}  // namespace sageguard
