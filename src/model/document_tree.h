// A Document over a value tree built in memory rather than parsed: fix's
// tree edit (src/fix/tree_edit.h) applies its operations to a parsed request
// and checks the result as a Document. Private to the library; the Document
// it returns is immutable and thread-safe to read, like any other.
#pragma once

#include <memory>

#include "sageguard/document.h"

namespace sageguard {

// A Document holding `tree`, built from `base`'s parsed tree (fix's edits
// applied) instead of a parse: it has `base`'s path, text and format and keeps
// `base` alive, since the tree's untouched values point into `base`'s memory.
// Offsets in `tree` must be offsets into that text.
std::shared_ptr<const Document> document_with_tree(std::shared_ptr<const Document> base,
                                                   ValueTree tree);

}  // namespace sageguard
