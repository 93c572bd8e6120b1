// Streaming gzip decoders behind ByteSource (private to the cost module).
// Both accept one or more concatenated members, verify each member's CRC and
// length, and report truncated or corrupt data as an Error naming the file.
// isa-l (igzip) inflates about three times faster than zlib, so it is used
// when the build found it; zlib is the portable fallback.
#pragma once

#include <memory>

#include "sageguard/cost/byte_source.h"

namespace sageguard::cost {

std::unique_ptr<ByteSource> gunzip_zlib(std::unique_ptr<ByteSource> raw);

// isa-l decoder; nullptr when sageguard was built without isa-l.
std::unique_ptr<ByteSource> gunzip_isal(std::unique_ptr<ByteSource> raw);
bool gunzip_isal_available();

// The fastest decoder this build has.
std::unique_ptr<ByteSource> gunzip(std::unique_ptr<ByteSource> raw);

}  // namespace sageguard::cost
