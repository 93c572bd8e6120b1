// The check fix makes before anything is written: the edited text, parsed
// again, still holds every value the planned operations did not touch,
// unchanged (a YAML block scalar that gained or lost a line, a key that
// moved into another mapping). Pure function; thread-safe.
#pragma once

#include <string>

#include "fix/edit_ops.h"
#include "sageguard/document.h"
#include "sageguard/result.h"

namespace sageguard::fix {

// Success when `after` equals `before` except where `ops` (whose Value
// pointers point into `before`'s tree) change it: members inserted into an
// insert's object, items appended to an append's array, a replaced node, a
// removed member. Otherwise an ErrorCode::internal error naming the first
// value that differs (JSON Pointer), with `path` as the file.
Status same_untouched_values(const Value& before, const Value& after, const OpList& ops,
                             const std::string& path);

}  // namespace sageguard::fix
