// Column chunk decoding: pages, levels, values as text (see parquet_column.h).
#include "parquet_column.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "parquet_decode.h"

namespace sageguard::cost::parquet {
namespace {

// Decimals up to 38 digits need 128 bits (a GCC/Clang extension).
__extension__ typedef __int128 i128;
__extension__ typedef unsigned __int128 u128;

Error column_error(const std::string& file, const Leaf& leaf, const std::string& what) {
  return Error::at(ErrorCode::input, file, 0, 0, "column " + leaf.name + ": " + what);
}

Error unsupported(const std::string& file, const Leaf& leaf, const std::string& what) {
  return column_error(file, leaf, "unsupported Parquet feature: " + what);
}

// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
void civil(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

void put2(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

std::string format_date(int64_t days) {
  int64_t y;
  unsigned m, d;
  civil(days, y, m, d);
  std::string out = std::to_string(y);
  while (out.size() < 4) out.insert(out.begin(), '0');
  out.push_back('-');
  put2(out, m);
  out.push_back('-');
  put2(out, d);
  return out;
}

// Units per second: 1e3, 1e6 or 1e9. Seconds only when the fraction is 0.
std::string format_timestamp(int64_t value, int64_t per_second, int frac_digits) {
  int64_t secs = value / per_second, frac = value % per_second;
  if (frac < 0) {
    frac += per_second;
    --secs;
  }
  int64_t days = secs / 86400, rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::string out = format_date(days);
  out.push_back('T');
  put2(out, static_cast<unsigned>(rem / 3600));
  out.push_back(':');
  put2(out, static_cast<unsigned>(rem / 60 % 60));
  out.push_back(':');
  put2(out, static_cast<unsigned>(rem % 60));
  if (frac != 0) {
    std::string f = std::to_string(frac);
    out.push_back('.');
    out.append(static_cast<std::size_t>(frac_digits) - f.size(), '0');
    out.append(f);
  }
  out.push_back('Z');
  return out;
}

// An unscaled decimal as exact text.
std::string format_decimal(i128 v, int32_t scale) {
  const bool neg = v < 0;
  u128 u = neg ? static_cast<u128>(-(v + 1)) + 1 : static_cast<u128>(v);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  } while (u != 0);
  while (digits.size() <= static_cast<std::size_t>(scale)) digits.push_back('0');
  std::string out = neg ? "-" : "";
  for (std::size_t i = digits.size(); i-- > 0;) {
    out.push_back(digits[i]);
    if (scale > 0 && i == static_cast<std::size_t>(scale)) out.push_back('.');
  }
  return out;
}

// Big-endian two's complement (FIXED_LEN_BYTE_ARRAY / BYTE_ARRAY decimals).
bool big_endian_int(std::string_view b, i128& v) {
  if (b.empty() || b.size() > 16) return false;
  u128 u = (static_cast<uint8_t>(b[0]) & 0x80) ? ~static_cast<u128>(0) : 0;
  for (char c : b) u = (u << 8) | static_cast<uint8_t>(c);
  v = static_cast<i128>(u);
  return true;
}

// Formats values of one leaf; errors name the file and column.
class Formatter {
 public:
  Formatter(const std::string& file, const Leaf& leaf, ColumnValues& out) : file_(file), leaf_(leaf), out_(out) {}

  Status check_supported() const {
    if (leaf_.logical == Logical::other) return unsupported(file_, leaf_, leaf_.logical_name);
    if (leaf_.logical == Logical::decimal && leaf_.type != PhysicalType::int32 && leaf_.type != PhysicalType::int64 &&
        leaf_.type != PhysicalType::fixed_len_byte_array && leaf_.type != PhysicalType::byte_array) {
      return unsupported(file_, leaf_, std::string("DECIMAL stored as ") + to_string(leaf_.type));
    }
    if (leaf_.logical == Logical::decimal && (leaf_.scale < 0 || leaf_.scale > 38)) {
      return column_error(file_, leaf_, "DECIMAL scale " + std::to_string(leaf_.scale) + " out of range");
    }
    if (leaf_.type == PhysicalType::fixed_len_byte_array && (leaf_.type_length <= 0 || leaf_.type_length > (1 << 20))) {
      return column_error(file_, leaf_, "bad FIXED_LEN_BYTE_ARRAY length " + std::to_string(leaf_.type_length));
    }
    return Status::success();
  }

  // Width in bytes of a PLAIN value of a fixed-size type (0 for BYTE_ARRAY, BOOLEAN).
  std::size_t fixed_width() const {
    switch (leaf_.type) {
      case PhysicalType::int32: case PhysicalType::float32: return 4;
      case PhysicalType::int64: case PhysicalType::float64: return 8;
      case PhysicalType::int96: return 12;
      case PhysicalType::fixed_len_byte_array: return static_cast<std::size_t>(leaf_.type_length);
      default: return 0;
    }
  }

  void integer(int64_t v, std::vector<std::string_view>& dst) {
    // Billing rows come in runs of one hour: a repeated value reuses its text.
    if (have_last_ && v == last_int_) {
      dst.push_back(last_text_);
      return;
    }
    std::string s;
    switch (leaf_.logical) {
      case Logical::decimal: s = format_decimal(v, leaf_.scale); break;
      case Logical::date: s = format_date(v); break;
      case Logical::timestamp_millis: s = format_timestamp(v, 1000, 3); break;
      case Logical::timestamp_micros: s = format_timestamp(v, 1000000, 6); break;
      case Logical::timestamp_nanos: s = format_timestamp(v, 1000000000, 9); break;
      default: s = std::to_string(v);
    }
    last_text_ = out_.text.add(s);
    last_int_ = v;
    have_last_ = true;
    dst.push_back(last_text_);
  }

  void real(double v, std::vector<std::string_view>& dst) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    dst.push_back(out_.text.add(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf))));
  }

  Status bytes(std::string_view b, std::vector<std::string_view>& dst) {
    if (leaf_.logical == Logical::decimal) {
      i128 v;
      if (!big_endian_int(b, v)) return unsupported(file_, leaf_, "DECIMAL wider than 16 bytes");
      dst.push_back(out_.text.add(format_decimal(v, leaf_.scale)));
    } else {
      dst.push_back(b);  // a view into the page (or dictionary)
    }
    return Status::success();
  }

  // One fixed-width value at p (fixed_width() bytes).
  Status fixed(const uint8_t* p, std::vector<std::string_view>& dst) {
    switch (leaf_.type) {
      case PhysicalType::int32: {
        int32_t v;
        std::memcpy(&v, p, 4);
        integer(v, dst);
        return Status::success();
      }
      case PhysicalType::int64: {
        int64_t v;
        std::memcpy(&v, p, 8);
        integer(v, dst);
        return Status::success();
      }
      case PhysicalType::int96: {  // nanoseconds of the day, then the Julian day
        int64_t nanos;
        int32_t julian;
        std::memcpy(&nanos, p, 8);
        std::memcpy(&julian, p + 8, 4);
        const int64_t days = static_cast<int64_t>(julian) - 2440588;
        dst.push_back(out_.text.add(format_timestamp(days * 86400000000000 + nanos, 1000000000, 9)));
        return Status::success();
      }
      case PhysicalType::float32: {
        float v;
        std::memcpy(&v, p, 4);
        real(v, dst);
        return Status::success();
      }
      case PhysicalType::float64: {
        double v;
        std::memcpy(&v, p, 8);
        real(v, dst);
        return Status::success();
      }
      case PhysicalType::fixed_len_byte_array:
        return bytes(std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(leaf_.type_length)),
                     dst);
      default:
        return column_error(file_, leaf_, "internal: not a fixed-width type");
    }
  }

  // `count` PLAIN values from `in`.
  Status plain(ByteCursor& in, std::size_t count, std::vector<std::string_view>& dst) {
    if (leaf_.type == PhysicalType::boolean) {
      if ((count + 7) / 8 > in.left()) return column_error(file_, leaf_, "PLAIN booleans past the end of the page");
      for (std::size_t i = 0; i < count; ++i) dst.push_back((in.p[i / 8] >> (i % 8)) & 1 ? "true" : "false");
      in.p += (count + 7) / 8;
      return Status::success();
    }
    if (leaf_.type == PhysicalType::byte_array) {
      for (std::size_t i = 0; i < count; ++i) {
        if (in.left() < 4) return column_error(file_, leaf_, "PLAIN byte array past the end of the page");
        uint32_t n;
        std::memcpy(&n, in.p, 4);
        in.p += 4;
        if (n > in.left()) return column_error(file_, leaf_, "PLAIN byte array past the end of the page");
        SG_TRY(bytes(std::string_view(reinterpret_cast<const char*>(in.p), n), dst));
        in.p += n;
      }
      return Status::success();
    }
    const std::size_t w = fixed_width();
    if (count > in.left() / w) return column_error(file_, leaf_, "PLAIN values past the end of the page");
    for (std::size_t i = 0; i < count; ++i) SG_TRY(fixed(in.p + i * w, dst));
    in.p += count * w;
    return Status::success();
  }

 private:
  const std::string& file_;
  const Leaf& leaf_;
  ColumnValues& out_;
  bool have_last_ = false;  // the last integer formatted, and its text
  int64_t last_int_ = 0;
  std::string_view last_text_;
};

}  // namespace

// ------------------------------------------------------------ ParquetFile
Result<ParquetFile> ParquetFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::at(ErrorCode::io, path, 0, 0, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return Error::at(ErrorCode::io, path, 0, 0, std::string("cannot stat: ") + std::strerror(e));
  }
  return ParquetFile(fd, static_cast<uint64_t>(st.st_size), path);
}

ParquetFile::~ParquetFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status ParquetFile::read(uint64_t offset, std::size_t n, char* dst) const {
  if (offset > size_ || n > size_ - offset) {
    return Error::at(ErrorCode::input, name_, 0, 0,
                     "corrupt Parquet file: " + std::to_string(n) + " bytes at offset " + std::to_string(offset) +
                         " run past the end of the file (" + std::to_string(size_) + " bytes)");
  }
  if (mem_) {
    if (n) std::memcpy(dst, mem_ + offset, n);
    return Status::success();
  }
  std::size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd_, dst + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return Error::at(ErrorCode::io, name_, 0, 0, r < 0 ? std::strerror(errno) : "file shrank while read");
    done += static_cast<std::size_t>(r);
  }
  return Status::success();
}

// ------------------------------------------------------------ storage
std::string_view TextArena::add(std::string_view s) {
  constexpr std::size_t kBlock = 64 << 10;
  if (blocks_.empty() || blocks_.back().capacity() - blocks_.back().size() < s.size()) {
    blocks_.emplace_back();
    blocks_.back().reserve(std::max(kBlock, s.size()));
  }
  std::string& b = blocks_.back();
  const std::size_t at = b.size();
  b.append(s);
  return std::string_view(b.data() + at, s.size());
}

void ColumnValues::clear() {
  def.clear();
  rep.clear();
  table.clear();
  ids.clear();
  numbers.clear();
  entries = 0;
  present = 0;
  pages.clear();
  text.clear();
}

// ------------------------------------------------------------ read_column
namespace {

// `count` PLAIN doubles from `in`.
template <class Doubles>  // a vector of double
bool plain_doubles(ByteCursor& in, std::size_t count, Doubles& out) {
  if (count > in.left() / 8) return false;
  if (count == 0) return true;  // (memcpy is not for null pointers, even for 0 bytes)
  const std::size_t at = out.size();
  out.resize(at + count);
  std::memcpy(out.data() + at, in.p, count * 8);
  in.p += count * 8;
  return true;
}

// Indices for the values table[from, end): each its own.
void own_ids(ColumnValues& out, std::size_t from) {
  for (std::size_t i = from; i < out.table.size(); ++i) out.ids.push_back(static_cast<uint32_t>(i));
}

}  // namespace

Status read_column(const ParquetFile& f, const ColumnChunk& c, const Leaf& leaf, ColumnValues& out,
                   ColumnScratch& scratch, bool as_numbers) {
  const std::string& file = f.name();
  out.clear();
  if (as_numbers && (leaf.type != PhysicalType::float64 || leaf.logical != Logical::none)) {
    return column_error(file, leaf, "internal: only DOUBLE columns are read as numbers");
  }
  if (c.external) return unsupported(file, leaf, "column data in another file (file_path)");
  if (c.encrypted) return unsupported(file, leaf, "encrypted column");
  if (c.type != leaf.type) return column_error(file, leaf, "column chunk type differs from the schema");
  if (c.codec != Codec::uncompressed && c.codec != Codec::snappy && c.codec != Codec::gzip && c.codec != Codec::zstd) {
    return unsupported(file, leaf, std::string("compression ") + to_string(c.codec));
  }
  Formatter fmt(file, leaf, out);
  SG_TRY(fmt.check_supported());
  int64_t start = c.data_page_offset;
  if (c.dictionary_page_offset && *c.dictionary_page_offset > 0 && *c.dictionary_page_offset < start) {
    start = *c.dictionary_page_offset;
  }
  if (start < 4 || c.total_compressed_size < 0 || c.num_values < 0 ||
      static_cast<uint64_t>(start) > f.size() || static_cast<uint64_t>(c.total_compressed_size) > f.size() - static_cast<uint64_t>(start)) {
    return column_error(file, leaf, "corrupt Parquet file: column chunk at " + std::to_string(start) + " of " +
                                        std::to_string(c.total_compressed_size) + " bytes is outside the file (" +
                                        std::to_string(f.size()) + " bytes)");
  }
  std::string& chunk = scratch.chunk;
  chunk.resize(static_cast<std::size_t>(c.total_compressed_size));
  SG_TRY(f.read(static_cast<uint64_t>(start), chunk.size(), chunk.data()));

  std::size_t dict_size = 0;          // text: the first dict_size entries of out.table
  std::vector<double> dict_numbers;   // numbers: the dictionary
  bool have_dict = false;
  // Byte arrays are views into their page; everything else is formatted
  // into the arena, so its pages can go as soon as they are decoded.
  const bool views_into_pages =
      (leaf.type == PhysicalType::byte_array || leaf.type == PhysicalType::fixed_len_byte_array) &&
      leaf.logical != Logical::decimal;
  std::vector<uint32_t>& indices = scratch.indices;
  std::vector<int64_t> ints;
  std::vector<std::string_view> views;
  std::vector<std::string> rebuilt_scratch;
  std::string bss;
  const int def_width = bit_width(static_cast<uint32_t>(leaf.max_def));
  const int rep_width = bit_width(static_cast<uint32_t>(leaf.max_rep));
  std::size_t pos = 0;
  uint64_t entries = 0;
  std::size_t values = 0;
  while (entries < static_cast<uint64_t>(c.num_values)) {
    if (pos >= chunk.size()) {
      return column_error(file, leaf, "corrupt Parquet file: column chunk ends after " + std::to_string(entries) +
                                          " of " + std::to_string(c.num_values) + " values");
    }
    SG_ASSIGN_OR_RETURN(PageHeader h, parse_page_header(std::string_view(chunk).substr(pos), file, leaf.name));
    const std::size_t body_at = pos + h.header_size;
    if (static_cast<std::size_t>(h.compressed_size) > chunk.size() - body_at) {
      return column_error(file, leaf, "corrupt Parquet file: page of " + std::to_string(h.compressed_size) +
                                          " bytes at offset " + std::to_string(static_cast<uint64_t>(start) + body_at) +
                                          " runs past its column chunk");
    }
    const std::string_view body(chunk.data() + body_at, static_cast<std::size_t>(h.compressed_size));
    pos = body_at + body.size();
    if (h.type == PageType::index) continue;
    if (h.uncompressed_size > (256 << 20)) return column_error(file, leaf, "page larger than 256 MiB");
    std::string err;

    if (h.type == PageType::dictionary) {
      if (have_dict) return column_error(file, leaf, "corrupt Parquet file: a second dictionary page");
      if (h.encoding != Encoding::plain && h.encoding != Encoding::plain_dictionary) {
        return unsupported(file, leaf, std::string("dictionary page encoding ") + to_string(h.encoding));
      }
      // Text that is not copied is views into the page, which then stays.
      const bool keep = views_into_pages && !as_numbers;
      std::string& page = keep ? out.pages.emplace_back() : scratch.page;
      if (!decompress(c.codec, body, static_cast<std::size_t>(h.uncompressed_size), page, err)) {
        return column_error(file, leaf, err);
      }
      ByteCursor in{reinterpret_cast<const uint8_t*>(page.data()), reinterpret_cast<const uint8_t*>(page.data()) + page.size(), {}};
      if (as_numbers) {
        if (!plain_doubles(in, static_cast<std::size_t>(h.num_values), dict_numbers)) {
          return column_error(file, leaf, "PLAIN values past the end of the page");
        }
      } else {
        if (!out.table.empty()) return column_error(file, leaf, "corrupt Parquet file: a dictionary page after data pages");
        SG_TRY(fmt.plain(in, static_cast<std::size_t>(h.num_values), out.table));
        dict_size = out.table.size();
      }
      have_dict = true;
      continue;
    }

    // A data page (v1 or v2).
    const bool v2 = h.type == PageType::data_v2;
    const std::size_t n = static_cast<std::size_t>(h.num_values);
    if (n == 0) continue;
    // Levels can describe many values in few bytes; a page holding more
    // than this is refused rather than allowed to take gigabytes.
    if (n > (std::size_t{1} << 24)) return unsupported(file, leaf, "a page of more than 16777216 values");
    if (entries + n > static_cast<uint64_t>(c.num_values)) {
      return column_error(file, leaf, "corrupt Parquet file: pages hold more values than the column chunk states");
    }
    // Only text read by PLAIN or DELTA_LENGTH_BYTE_ARRAY points into the
    // page; other values are copies (numbers, the arena, the dictionary).
    const bool keep = views_into_pages && !as_numbers &&
                      (h.encoding == Encoding::plain || h.encoding == Encoding::delta_length_byte_array);
    std::string& page = keep ? out.pages.emplace_back() : scratch.page;
    ByteCursor in{};
    ByteCursor rep_in{}, def_in{};
    if (v2) {
      const std::size_t lv = static_cast<std::size_t>(h.rep_bytes) + static_cast<std::size_t>(h.def_bytes);
      if (lv > body.size() || lv > static_cast<std::size_t>(h.uncompressed_size)) {
        return column_error(file, leaf, "corrupt Parquet file: level bytes larger than the page");
      }
      const auto* b = reinterpret_cast<const uint8_t*>(body.data());
      rep_in = ByteCursor{b, b + h.rep_bytes, {}};
      def_in = ByteCursor{b + h.rep_bytes, b + lv, {}};
      const std::string_view rest = body.substr(lv);
      const std::size_t rest_size = static_cast<std::size_t>(h.uncompressed_size) - lv;
      if (!decompress(h.is_compressed ? c.codec : Codec::uncompressed, rest, rest_size, page, err)) {
        return column_error(file, leaf, err);
      }
      in = ByteCursor{reinterpret_cast<const uint8_t*>(page.data()), reinterpret_cast<const uint8_t*>(page.data()) + page.size(), {}};
    } else {
      if (!decompress(c.codec, body, static_cast<std::size_t>(h.uncompressed_size), page, err)) {
        return column_error(file, leaf, err);
      }
      in = ByteCursor{reinterpret_cast<const uint8_t*>(page.data()), reinterpret_cast<const uint8_t*>(page.data()) + page.size(), {}};
      // v1: each level stream is RLE with a 4-byte length in front.
      auto take_levels = [&](int max, Encoding enc, ByteCursor& dst, const char* what) -> Status {
        if (max == 0) return Status::success();
        if (enc != Encoding::rle) return unsupported(file, leaf, std::string(what) + " level encoding " + to_string(enc));
        if (in.left() < 4) return column_error(file, leaf, std::string("truncated ") + what + " levels");
        uint32_t len;
        std::memcpy(&len, in.p, 4);
        in.p += 4;
        if (len > in.left()) return column_error(file, leaf, std::string(what) + " levels past the end of the page");
        dst = ByteCursor{in.p, in.p + len, {}};
        in.p += len;
        return Status::success();
      };
      SG_TRY(take_levels(leaf.max_rep, h.rep_encoding, rep_in, "repetition"));
      SG_TRY(take_levels(leaf.max_def, h.def_encoding, def_in, "definition"));
    }

    // Levels, checked against the nesting the schema declares.
    std::size_t present = n;
    if (leaf.max_rep > 0) {
      const std::size_t at = out.rep.size();
      out.rep.resize(at + n);
      std::size_t starts = 0;
      uint32_t deepest = 0;
      if (!decode_levels(rep_in, rep_width, n, out.rep.data() + at, 0, starts, deepest)) {
        return column_error(file, leaf, "repetition levels: " + rep_in.error);
      }
      if (deepest > static_cast<uint32_t>(leaf.max_rep)) {
        return column_error(file, leaf, "corrupt Parquet file: repetition level " + std::to_string(deepest) +
                                            " deeper than the schema's " + std::to_string(leaf.max_rep));
      }
      if (entries == 0 && out.rep[at] != 0) {
        return column_error(file, leaf, "corrupt Parquet file: first repetition level is not 0");
      }
    }
    if (leaf.max_def > 0) {
      const std::size_t at = out.def.size();
      out.def.resize(at + n);
      uint32_t deepest = 0;
      if (!decode_levels(def_in, def_width, n, out.def.data() + at, static_cast<uint32_t>(leaf.max_def), present,
                         deepest)) {
        return column_error(file, leaf, "definition levels: " + def_in.error);
      }
      if (deepest > static_cast<uint32_t>(leaf.max_def)) {
        return column_error(file, leaf, "corrupt Parquet file: definition level " + std::to_string(deepest) +
                                            " deeper than the schema's " + std::to_string(leaf.max_def));
      }
    }
    // An entry that continues a list (repetition level r > 0) is an element
    // of it, so it is defined at least as deep as the list's repeated field.
    if (leaf.max_rep > 0) {
      const std::size_t first = out.rep.size() - n;
      // One level of repetition (maps, lists of structs): checked without a
      // branch per entry; a page that fails is looked at again below.
      bool suspect = true;
      if (leaf.max_rep == 1 && leaf.max_def > 0) {
        const uint16_t need = static_cast<uint16_t>(leaf.rep_def[0]);
        const uint16_t* rep = out.rep.data() + first;
        const uint16_t* def = out.def.data() + first;
        unsigned bad = 0;
        for (std::size_t i = 0; i < n; ++i) {
          bad |= static_cast<unsigned>(rep[i] != 0) & static_cast<unsigned>(def[i] < need);
        }
        suspect = bad != 0;
      }
      for (std::size_t i = first; suspect && i < out.rep.size(); ++i) {
        const int r = out.rep[i];
        const int d = leaf.max_def > 0 ? out.def[i] : 0;
        if (r > 0 && d < leaf.rep_def[static_cast<std::size_t>(r - 1)]) {
          return column_error(file, leaf, "corrupt Parquet file: entry " + std::to_string(entries + (i - first)) +
                                              " continues a list (repetition level " + std::to_string(r) +
                                              ") but is defined only to level " + std::to_string(d) + " of " +
                                              std::to_string(leaf.rep_def[static_cast<std::size_t>(r - 1)]));
        }
      }
    }

    // Values.
    const std::size_t table_before = out.table.size();
    switch (h.encoding) {
      case Encoding::plain:
        if (as_numbers) {
          if (!plain_doubles(in, present, out.numbers)) return column_error(file, leaf, "PLAIN values past the end of the page");
          break;
        }
        SG_TRY(fmt.plain(in, present, out.table));
        own_ids(out, table_before);
        break;
      case Encoding::plain_dictionary:
      case Encoding::rle_dictionary: {
        if (!have_dict) return column_error(file, leaf, "corrupt Parquet file: dictionary-encoded page without a dictionary");
        if (present == 0) break;
        if (in.left() < 1) return column_error(file, leaf, "truncated dictionary indices");
        const int w = *in.p++;
        indices.clear();
        uint32_t top = 0;
        if (!decode_rle_hybrid(in, w, present, indices, &top)) {
          return column_error(file, leaf, "dictionary indices: " + in.error);
        }
        const std::size_t size = as_numbers ? dict_numbers.size() : dict_size;
        if (top >= size) {
          const uint32_t bad = *std::find_if(indices.begin(), indices.end(), [&](uint32_t i) { return i >= size; });
          return column_error(file, leaf, "corrupt Parquet file: dictionary index " + std::to_string(bad) +
                                              " out of range (" + std::to_string(size) + " entries)");
        }
        if (as_numbers) {
          const std::size_t at = out.numbers.size();
          out.numbers.resize(at + indices.size());
          for (std::size_t i = 0; i < indices.size(); ++i) out.numbers[at + i] = dict_numbers[indices[i]];
        } else {
          out.ids.insert(out.ids.end(), indices.begin(), indices.end());
        }
        break;
      }
      case Encoding::delta_binary_packed: {
        if (leaf.type != PhysicalType::int32 && leaf.type != PhysicalType::int64) {
          return unsupported(file, leaf, std::string("DELTA_BINARY_PACKED for ") + to_string(leaf.type));
        }
        ints.clear();
        if (!decode_delta_binary(in, present, leaf.type == PhysicalType::int32 ? 32 : 64, ints)) {
          return column_error(file, leaf, "DELTA_BINARY_PACKED: " + in.error);
        }
        for (int64_t v : ints) fmt.integer(v, out.table);
        own_ids(out, table_before);
        break;
      }
      case Encoding::delta_length_byte_array:
      case Encoding::delta_byte_array: {
        if (leaf.type != PhysicalType::byte_array && leaf.type != PhysicalType::fixed_len_byte_array) {
          return unsupported(file, leaf, std::string(to_string(h.encoding)) + " for " + to_string(leaf.type));
        }
        views.clear();
        const bool ok = h.encoding == Encoding::delta_length_byte_array
                            ? decode_delta_length(in, present, views)
                            : decode_delta_byte_array(in, present, rebuilt_scratch, views);
        if (!ok) return column_error(file, leaf, std::string(to_string(h.encoding)) + ": " + in.error);
        for (std::string_view v : views) {
          // Rebuilt values live in scratch: copy them into the arena.
          const std::string_view kept = h.encoding == Encoding::delta_byte_array ? out.text.add(v) : v;
          SG_TRY(fmt.bytes(kept, out.table));
        }
        own_ids(out, table_before);
        break;
      }
      case Encoding::byte_stream_split: {
        const std::size_t w = fmt.fixed_width();
        if (w == 0) return unsupported(file, leaf, std::string("BYTE_STREAM_SPLIT for ") + to_string(leaf.type));
        if (!decode_byte_stream_split(in, present, w, bss)) return column_error(file, leaf, "BYTE_STREAM_SPLIT: " + in.error);
        if (as_numbers) {
          const std::size_t at = out.numbers.size();
          out.numbers.resize(at + present);
          if (present > 0) std::memcpy(out.numbers.data() + at, bss.data(), present * 8);
          break;
        }
        const bool raw_bytes = leaf.type == PhysicalType::fixed_len_byte_array && leaf.logical != Logical::decimal;
        for (std::size_t i = 0; i < present; ++i) {
          SG_TRY(fmt.fixed(reinterpret_cast<const uint8_t*>(bss.data()) + i * w, out.table));
          // Raw bytes would point into the scratch buffer: keep a copy.
          if (raw_bytes) out.table.back() = out.text.add(out.table.back());
        }
        own_ids(out, table_before);
        break;
      }
      default:
        return unsupported(file, leaf, std::string("value encoding ") + to_string(h.encoding));
    }
    entries += n;
    values += present;
  }
  out.entries = static_cast<std::size_t>(entries);
  out.present = values;
  return Status::success();
}

}  // namespace sageguard::cost::parquet
