// A pull-based stream of bytes for the CUR readers: a plain file, a gzip file
// (streamed through isa-l or zlib, several members allowed) or a memory
// buffer. One source is used by one thread at a time; not thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "sageguard/result.h"

namespace sageguard::cost {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `dst`; 0 means end of input. A read error, a
  // corrupt or truncated gzip stream is an Error naming the file.
  virtual Result<std::size_t> read(char* dst, std::size_t n) = 0;
  // The file name (or the name given to a memory source), for messages.
  virtual const std::string& name() const = 0;
};

// Opens `path`; gzip is recognised by its magic bytes, not by the extension.
Result<std::unique_ptr<ByteSource>> open_input(const std::string& path);

// Reads from `data` (not copied: must outlive the source). Gzip data is
// decompressed like a file.
std::unique_ptr<ByteSource> open_memory(std::string_view data, std::string name);

}  // namespace sageguard::cost
