// fix's operations applied to a parsed tree rather than to its text, for a
// caller that wants the fixed request as a tree (the Python gate builds
// Python objects from it): no text to render, parse again and verify. Pure
// function; thread-safe.
#pragma once

#include <optional>

#include "fix/edit_ops.h"
#include "sageguard/document.h"

namespace sageguard::fix {

// The tree that the text of `root` would parse to once a format editor that
// accepted `ops` (can_insert/can_replace/... all true) had written them:
// inserted members follow the object's others, in `ops` order; appended
// items follow the array's, in `ops` order; a replaced scalar keeps its
// place; a removed member is gone. Containers on the paths to edits are
// copied into the new tree's arena; every other value IS the Value of
// `root` (it still points into root's memory: keep that alive). Values fix
// adds carry the offset of the container that receives them (a replacement
// that of the value it replaces), so findings about them point there.
//
// nullopt where the result could differ from the text edit's parse, and the
// caller must edit text instead: an operation's node is not in `root`'s tree
// (a Step Functions translation), an inserted key is in its object already
// (the parse would refuse the duplicate), a new container would nest
// `max_depth` deep or more, an integer is one a double cannot hold exactly
// (|i| >= 2^53), or a new string is not valid UTF-8 (the editor would
// replace bytes).
std::optional<ValueTree> edit_tree(const Value& root, const OpList& ops, uint32_t max_depth);

}  // namespace sageguard::fix
