// Parquet encodings and page decompression (see parquet_decode.h).
#include "parquet_decode.h"

#include <snappy-c.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "sageguard/cost/byte_source.h"

namespace sageguard::cost::parquet {
namespace {

// Reads `width` (0..64) bits at bit offset `bit` of p (LSB first), which the
// caller has checked are inside the buffer.
inline uint64_t get_bits(const uint8_t* p, std::size_t bit, int width) {
  uint64_t v = 0;
  int got = 0;
  while (got < width) {
    const std::size_t byte = bit >> 3;
    const int off = static_cast<int>(bit & 7);
    const int take = std::min(8 - off, width - got);
    v |= static_cast<uint64_t>((p[byte] >> off) & ((1u << take) - 1)) << got;
    got += take;
    bit += static_cast<std::size_t>(take);
  }
  return v;
}

}  // namespace

bool ByteCursor::varint(uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) return fail("truncated varint");
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return true;
  }
  return fail("varint longer than 10 bytes");
}

bool ByteCursor::zigzag(int64_t& v) {
  uint64_t z;
  if (!varint(z)) return false;
  v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
  return true;
}

int bit_width(uint32_t max_value) {
  int w = 0;
  while (max_value != 0) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

namespace {

// The hybrid's `count` values handed to `sink`: sink.start(n) and then
// sink.at(i, v) for each of a bit-packed run's n values, sink.repeat(v, n)
// for an RLE run.
template <class Sink>
bool decode_hybrid(ByteCursor& in, int width, std::size_t count, Sink& sink) {
  if (width < 0 || width > 32) return in.fail("bit width " + std::to_string(width) + " out of range");
  const std::size_t value_bytes = static_cast<std::size_t>((width + 7) / 8);
  std::size_t done = 0;
  while (done < count) {
    uint64_t header;
    if (!in.varint(header)) return in.fail("truncated RLE run");
    if (header & 1) {  // bit-packed: (header >> 1) groups of 8 values
      const uint64_t groups = header >> 1;
      if (groups == 0 || groups > (uint64_t{1} << 28)) return in.fail("bad bit-packed run length");
      const std::size_t values = static_cast<std::size_t>(groups * 8);
      const std::size_t bytes = static_cast<std::size_t>(groups) * static_cast<std::size_t>(width);
      if (bytes > in.left()) return in.fail("bit-packed run past the end of its page");
      const std::size_t take = std::min(values, count - done);
      sink.start(take);
      const uint64_t mask = width == 32 ? 0xffffffffu : (uint64_t{1} << width) - 1;
      if (width <= 8 && in.left() >= bytes + 8) {
        // A group of 8 values is `width` bytes: one unaligned load a group.
        const std::size_t full = take / 8;
        for (std::size_t g = 0; g < full; ++g) {
          uint64_t w;
          std::memcpy(&w, in.p + g * static_cast<std::size_t>(width), 8);
          for (std::size_t k = 0; k < 8; ++k) {
            sink.at(g * 8 + k, static_cast<uint32_t>((w >> (k * static_cast<std::size_t>(width))) & mask));
          }
        }
        if (full * 8 < take) {
          uint64_t w;
          std::memcpy(&w, in.p + full * static_cast<std::size_t>(width), 8);
          for (std::size_t k = 0; full * 8 + k < take; ++k) {
            sink.at(full * 8 + k, static_cast<uint32_t>((w >> (k * static_cast<std::size_t>(width))) & mask));
          }
        }
      } else if (in.left() >= bytes + 8) {
        // Eight bytes readable past every value: one unaligned load each
        // (a value of up to 32 bits starts within its first byte).
        for (std::size_t i = 0; i < take; ++i) {
          const std::size_t bit = i * static_cast<std::size_t>(width);
          uint64_t w;
          std::memcpy(&w, in.p + (bit >> 3), 8);
          sink.at(i, static_cast<uint32_t>((w >> (bit & 7)) & mask));
        }
      } else {
        for (std::size_t i = 0; i < take; ++i) {
          sink.at(i, static_cast<uint32_t>(get_bits(in.p, i * static_cast<std::size_t>(width), width)));
        }
      }
      in.p += bytes;
      done += take;
    } else {  // RLE: (header >> 1) copies of one value
      const uint64_t run = header >> 1;
      if (run == 0) return in.fail("empty RLE run");
      if (value_bytes > in.left()) return in.fail("RLE run past the end of its page");
      uint32_t v = 0;
      for (std::size_t b = 0; b < value_bytes; ++b) v |= static_cast<uint32_t>(in.p[b]) << (8 * b);
      in.p += value_bytes;
      // A value above the width's range is left to the caller's range check
      // (levels against the schema, indices against the dictionary).
      const std::size_t take = static_cast<std::size_t>(std::min<uint64_t>(run, count - done));
      sink.repeat(v, take);
      done += take;
    }
  }
  return true;
}

}  // namespace

bool decode_rle_hybrid(ByteCursor& in, int width, std::size_t count, std::vector<uint32_t>& out, uint32_t* largest) {
  struct Sink {
    std::vector<uint32_t>& out;
    uint32_t top = 0;
    uint32_t* dst = nullptr;
    void start(std::size_t n) {
      const std::size_t first = out.size();
      out.resize(first + n);
      dst = out.data() + first;
    }
    void at(std::size_t i, uint32_t v) {
      dst[i] = v;
      top = std::max(top, v);
    }
    void repeat(uint32_t v, std::size_t n) {
      out.insert(out.end(), n, v);
      top = std::max(top, v);
    }
  } sink{out};
  if (!decode_hybrid(in, width, count, sink)) return false;
  if (largest) *largest = sink.top;
  return true;
}

bool decode_levels(ByteCursor& in, int width, std::size_t count, uint16_t* out, uint32_t full, std::size_t& at_full,
                   uint32_t& deepest) {
  if (width > 16) return in.fail("level bit width " + std::to_string(width) + " out of range");
  struct Sink {
    uint16_t* out;
    uint32_t full;
    std::size_t at_full = 0;
    uint32_t deepest = 0;
    uint16_t* dst = nullptr;
    void start(std::size_t n) {
      dst = out;
      out += n;
    }
    void at(std::size_t i, uint32_t v) {
      dst[i] = static_cast<uint16_t>(v);
      at_full += v == full;
      deepest = std::max(deepest, v);
    }
    void repeat(uint32_t v, std::size_t n) {
      std::fill_n(out, n, static_cast<uint16_t>(v));
      out += n;
      if (v == full) at_full += n;
      deepest = std::max(deepest, v);
    }
  } sink{out, full};
  if (!decode_hybrid(in, width, count, sink)) return false;
  at_full = sink.at_full;
  deepest = sink.deepest;
  return true;
}

bool delta_binary_total(const ByteCursor& in, uint64_t& total) {
  ByteCursor c{in.p, in.end, {}};
  uint64_t block, minis;
  return c.varint(block) && c.varint(minis) && c.varint(total);
}

bool decode_delta_binary(ByteCursor& in, std::size_t count, int bits, std::vector<int64_t>& out) {
  uint64_t block, minis, total;
  int64_t first;
  if (!in.varint(block) || !in.varint(minis) || !in.varint(total) || !in.zigzag(first)) return false;
  if (block == 0 || block % 128 != 0 || block > (1u << 20) || minis == 0 || block % minis != 0 ||
      (block / minis) % 32 != 0) {
    return in.fail("bad DELTA_BINARY_PACKED block header");
  }
  if (count > total) return in.fail("DELTA_BINARY_PACKED stream holds fewer values than the page");
  const std::size_t per_mini = static_cast<std::size_t>(block / minis);
  auto wrap = [bits](uint64_t v) -> int64_t {
    return bits == 32 ? static_cast<int64_t>(static_cast<int32_t>(static_cast<uint32_t>(v))) : static_cast<int64_t>(v);
  };
  out.reserve(out.size() + count);
  if (total == 0) return true;
  uint64_t prev = static_cast<uint64_t>(first);
  if (count > 0) out.push_back(wrap(prev));
  // The cursor ends after the miniblock holding value `count` (the stream's
  // end when count == total, as the byte array encodings need).
  uint64_t remaining = total - 1;
  std::size_t emitted = count > 0 ? 1 : 0;
  std::vector<uint8_t> widths(static_cast<std::size_t>(minis));
  while (remaining > 0) {
    int64_t min_delta;
    if (!in.zigzag(min_delta)) return false;
    if (in.left() < widths.size()) return in.fail("truncated DELTA_BINARY_PACKED block");
    std::memcpy(widths.data(), in.p, widths.size());
    in.p += widths.size();
    for (std::size_t m = 0; m < widths.size() && remaining > 0; ++m) {
      const int w = widths[m];
      if (w > 64) return in.fail("DELTA_BINARY_PACKED bit width above 64");
      const std::size_t bytes = per_mini * static_cast<std::size_t>(w) / 8;
      if (bytes > in.left()) return in.fail("DELTA_BINARY_PACKED miniblock past the end of its page");
      const std::size_t take = static_cast<std::size_t>(std::min<uint64_t>(per_mini, remaining));
      for (std::size_t i = 0; i < take; ++i) {
        const uint64_t d = get_bits(in.p, i * static_cast<std::size_t>(w), w);
        prev = prev + static_cast<uint64_t>(min_delta) + d;
        if (emitted < count) {
          out.push_back(wrap(prev));
          ++emitted;
        }
      }
      in.p += bytes;
      remaining -= take;
      if (emitted == count && count < total) return true;
    }
  }
  return true;
}

bool decode_delta_length(ByteCursor& in, std::size_t count, std::vector<std::string_view>& out) {
  uint64_t total;
  if (!delta_binary_total(in, total)) return in.fail("truncated DELTA_LENGTH_BYTE_ARRAY header");
  if (total != count) return in.fail("DELTA_LENGTH_BYTE_ARRAY holds " + std::to_string(total) + " values, the page " +
                                     std::to_string(count));
  std::vector<int64_t> lengths;
  if (!decode_delta_binary(in, count, 32, lengths)) return false;
  out.reserve(out.size() + count);
  for (int64_t n : lengths) {
    if (n < 0 || static_cast<uint64_t>(n) > in.left()) return in.fail("byte array length past the end of its page");
    out.emplace_back(reinterpret_cast<const char*>(in.p), static_cast<std::size_t>(n));
    in.p += n;
  }
  return true;
}

bool decode_delta_byte_array(ByteCursor& in, std::size_t count, std::vector<std::string>& storage,
                             std::vector<std::string_view>& out) {
  std::vector<int64_t> prefixes;
  uint64_t total;
  if (!delta_binary_total(in, total)) return in.fail("truncated DELTA_BYTE_ARRAY header");
  if (total != count) return in.fail("DELTA_BYTE_ARRAY holds " + std::to_string(total) + " values, the page " +
                                     std::to_string(count));
  if (!decode_delta_binary(in, count, 32, prefixes)) return false;
  std::vector<std::string_view> suffixes;
  if (!decode_delta_length(in, count, suffixes)) return false;
  storage.clear();
  storage.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string_view prev = i == 0 ? std::string_view() : std::string_view(storage.back());
    if (prefixes[i] < 0 || static_cast<std::size_t>(prefixes[i]) > prev.size()) {
      return in.fail("DELTA_BYTE_ARRAY prefix longer than the previous value");
    }
    std::string v(prev.substr(0, static_cast<std::size_t>(prefixes[i])));
    v.append(suffixes[i]);
    storage.push_back(std::move(v));
  }
  out.reserve(out.size() + count);
  for (const auto& s : storage) out.emplace_back(s);
  return true;
}

bool decode_byte_stream_split(ByteCursor& in, std::size_t count, std::size_t width, std::string& dst) {
  if (width == 0 || count > in.left() / width) return in.fail("BYTE_STREAM_SPLIT data shorter than its values");
  dst.resize(count * width);
  for (std::size_t k = 0; k < width; ++k) {
    const uint8_t* stream = in.p + k * count;
    for (std::size_t i = 0; i < count; ++i) dst[i * width + k] = static_cast<char>(stream[i]);
  }
  in.p += count * width;
  return true;
}

bool decompress(Codec codec, std::string_view in, std::size_t size, std::string& out, std::string& error) {
  // Sizes the data itself states are checked before the buffer is allocated.
  switch (codec) {
    case Codec::uncompressed:
      if (in.size() != size) {
        error = "uncompressed page of " + std::to_string(in.size()) + " bytes states " + std::to_string(size);
        return false;
      }
      out.assign(in.data(), size);
      return true;
    case Codec::snappy: {
      std::size_t n = 0;
      if (snappy_uncompressed_length(in.data(), in.size(), &n) != SNAPPY_OK || n != size) {
        error = "SNAPPY page does not inflate to its stated " + std::to_string(size) + " bytes";
        return false;
      }
      out.resize(size);
      if (snappy_uncompress(in.data(), in.size(), out.data(), &n) != SNAPPY_OK || n != size) {
        error = "corrupt SNAPPY page";
        return false;
      }
      return true;
    }
    case Codec::zstd: {
      const unsigned long long stated = ZSTD_getFrameContentSize(in.data(), in.size());
      if (stated != ZSTD_CONTENTSIZE_UNKNOWN && stated != size) {
        error = stated == ZSTD_CONTENTSIZE_ERROR ? "corrupt ZSTD page"
                                                 : "ZSTD page does not inflate to its stated " + std::to_string(size) +
                                                       " bytes";
        return false;
      }
      out.resize(size);
      const std::size_t n = ZSTD_decompress(out.data(), size, in.data(), in.size());
      if (ZSTD_isError(n)) {
        error = std::string("corrupt ZSTD page (") + ZSTD_getErrorName(n) + ")";
        return false;
      }
      if (n != size) {
        error = "ZSTD page does not inflate to its stated " + std::to_string(size) + " bytes";
        return false;
      }
      return true;
    }
    case Codec::gzip: {
      // The same gzip inflate (CRC and length checked) as gzip CSV exports.
      if (in.size() < 2 || static_cast<uint8_t>(in[0]) != 0x1f || static_cast<uint8_t>(in[1]) != 0x8b) {
        error = "GZIP page without the gzip magic bytes";
        return false;
      }
      out.resize(size);
      auto src = open_memory(in, "page");
      std::size_t got = 0;
      for (;;) {
        char extra;
        char* dst = got < size ? out.data() + got : &extra;
        const std::size_t want = got < size ? size - got : 1;
        auto r = src->read(dst, want);
        if (!r.ok()) {
          error = "corrupt GZIP page: " + r.error().message;
          return false;
        }
        if (*r == 0) break;
        got += *r;
        if (got > size) break;
      }
      if (got != size) {
        error = "GZIP page does not inflate to its stated " + std::to_string(size) + " bytes";
        return false;
      }
      return true;
    }
    default:
      error = std::string("unsupported Parquet feature: compression ") + to_string(codec);
      return false;
  }
}

}  // namespace sageguard::cost::parquet
