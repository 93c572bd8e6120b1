// Helpers for the cost unit tests: gzip-compress a string in memory and read
// a whole ByteSource. Test-only.
#pragma once

#include <zlib.h>

#include <stdexcept>
#include <string>

#include "sageguard/cost/byte_source.h"

namespace costtest {

inline std::string gzip(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("deflateInit2");
  }
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Whole content, or the error message prefixed with "ERROR: ".
inline std::string drain(sageguard::cost::ByteSource& src, std::size_t chunk = 7) {
  std::string out, buf(chunk, '\0');
  for (;;) {
    auto n = src.read(buf.data(), buf.size());
    if (!n.ok()) return "ERROR: " + n.error().describe();
    if (*n == 0) return out;
    out.append(buf.data(), *n);
  }
}

}  // namespace costtest
