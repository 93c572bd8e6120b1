// yaml-cpp 0.7's LoadAll can loop for ever on some inputs (see
// yaml_reader.cc); every reader of YAML in the library (documents, policy)
// loads the first document with YAML::Load and asks this function whether
// a second one follows. May throw YAML::Exception: call inside the caller's
// try block. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sageguard {

// Byte offset of the second document's first node, if the text has one.
std::optional<uint64_t> yaml_second_document_offset(const std::string& text);

}  // namespace sageguard
