// CsvReader: 64-byte blocks are turned into bit masks (AVX2 when the CPU
// has it, else SSE2, else a plain loop); field boundaries are the set bits of
// "comma or newline, outside quotes". The block state survives from one
// record to the next, so every input byte is classified exactly once. Quoted
// fields are unescaped in place because the unescaped text is never longer.
// Also last_record_end (csv_split.h), for cutting a file between threads,
// and the block classifier RecordScanner (cur_scan.h) shares.
#include "sageguard/cost/csv_reader.h"

#include <algorithm>
#include <cstring>

#include "csv_split.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SG_CSV_AVX2 1
#include <immintrin.h>
#endif

namespace sageguard::cost {

namespace {

constexpr std::size_t kRead = std::size_t{1} << 18;  // bytes asked of the source per refill

using Masks = CsvMasks;

Masks classify64_portable(const char* p) {
  Masks m;
#if defined(__SSE2__)
  const __m128i q = _mm_set1_epi8('"'), c = _mm_set1_epi8(','), n = _mm_set1_epi8('\n');
  for (int i = 0; i < 4; ++i) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const int shift = 16 * i;
    m.quote |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, q)))) << shift;
    m.comma |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, c)))) << shift;
    m.nl |= static_cast<uint64_t>(static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, n)))) << shift;
  }
#else
  for (int i = 0; i < 64; ++i) {
    const uint64_t bit = uint64_t{1} << i;
    if (p[i] == '"') m.quote |= bit;
    else if (p[i] == ',') m.comma |= bit;
    else if (p[i] == '\n') m.nl |= bit;
  }
#endif
  return m;
}

#if defined(SG_CSV_AVX2)
// Two 32-byte compares per character class instead of four 16-byte ones;
// chosen at run time, so the binary still runs on CPUs without AVX2.
__attribute__((target("avx2"))) uint64_t match64(__m256i lo, __m256i hi, char c) {
  const __m256i x = _mm256_set1_epi8(c);
  return static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, x)))) |
         static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, x)))) << 32;
}

__attribute__((target("avx2"))) Masks classify64_avx2(const char* p) {
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  Masks m;
  m.quote = match64(lo, hi, '"');
  m.comma = match64(lo, hi, ',');
  m.nl = match64(lo, hi, '\n');
  return m;
}
#endif

using Classifier = Masks (*)(const char*);

Classifier pick_classifier() {
#if defined(SG_CSV_AVX2)
  if (__builtin_cpu_supports("avx2")) return classify64_avx2;
#endif
  return classify64_portable;
}

const Classifier classify64 = pick_classifier();

uint64_t prefix_xor(uint64_t x) { return csv_prefix_xor(x); }

std::ptrdiff_t highest_bit_at(std::size_t base, uint64_t mask) {
  return static_cast<std::ptrdiff_t>(base + 63 - static_cast<std::size_t>(__builtin_clzll(mask)));
}

}  // namespace

const CsvClassifier csv_classify64 = classify64;

const bool csv_cpu_fast = [] {
#if defined(SG_CSV_FAST_TARGET)
  // LZCNT is not asked for: clang's __builtin_cpu_supports has no name for
  // it ("abm" is GCC-only), and every CPU with AVX2 and BMI2 (Intel since
  // Haswell, AMD since Excavator) has it.
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
         __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt") &&
         __builtin_cpu_supports("pclmul");
#else
  return false;
#endif
}();

namespace {

// Quotes and newlines in data[0, len).
void count_portable(const char* data, std::size_t len, uint64_t& quotes, uint64_t& newlines) {
  for (std::size_t i = 0; i < len; ++i) {
    quotes += data[i] == '"';
    newlines += data[i] == '\n';
  }
}

#if defined(SG_CSV_AVX2)
__attribute__((target("avx2,popcnt"))) void count_avx2(const char* data, std::size_t len, uint64_t& quotes,
                                                       uint64_t& newlines) {
  const __m256i q = _mm256_set1_epi8('"'), n = _mm256_set1_epi8('\n');
  std::size_t i = 0;
  for (; i + 32 <= len; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
    quotes += static_cast<uint64_t>(_mm_popcnt_u32(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, q)))));
    newlines += static_cast<uint64_t>(_mm_popcnt_u32(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, n)))));
  }
  count_portable(data + i, len - i, quotes, newlines);
}
#endif

using Counter = void (*)(const char*, std::size_t, uint64_t&, uint64_t&);

Counter pick_counter() {
#if defined(SG_CSV_AVX2)
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt")) return count_avx2;
#endif
  return count_portable;
}

const Counter count_quotes_newlines = pick_counter();

}  // namespace

// Counts quotes and newlines over the whole piece, then walks back from its
// end: a newline is outside quotes when an even number of quotes precede it
// (the piece starts outside quotes). The walk is short, about one record.
std::optional<RecordEnd> last_record_end(const char* data, std::size_t len) {
  uint64_t quotes = 0, newlines = 0;  // in [0, i] as i walks back
  count_quotes_newlines(data, len, quotes, newlines);
  for (std::size_t i = len; i-- > 0;) {
    if (data[i] == '"') {
      --quotes;
    } else if (data[i] == '\n') {
      if ((quotes & 1) == 0) return RecordEnd{i, newlines};
      --newlines;
    }
  }
  return std::nullopt;
}

CsvReader::CsvReader(ByteSource& src, std::size_t max_record_bytes)
    : src_(&src), max_record_(max_record_bytes), out_(64) {}

CsvReader::CsvReader(char* data, std::size_t len, std::size_t capacity, uint64_t first_line, bool at_file_start)
    : max_record_(len), data_(data), cap_(capacity), end_(len), eof_(true), check_bom_(at_file_start),
      line_(first_line), out_(64) {}

Result<std::size_t> CsvReader::fill(std::size_t nfields) {
  if (!src_) {  // memory mode: everything is there already
    eof_ = true;
    return std::size_t{0};
  }
  const char* old_base = data_;
  std::size_t shift = 0;
  if (begin_ > 0 && (begin_ == end_ || end_ + kRead + kPad > cap_)) {
    std::memmove(data_, data_ + begin_, end_ - begin_);
    shift = begin_;
    end_ -= shift;
    scan_ -= shift;
    last_quote_ -= static_cast<std::ptrdiff_t>(shift);
    begin_ = 0;
  }
  if (end_ + kRead + kPad > cap_) {
    if (end_ - begin_ > max_record_) {
      return Error::at(ErrorCode::input, src_->name(), static_cast<uint32_t>(line_), 0,
                       "CSV record longer than " + std::to_string(max_record_) +
                           " bytes (unterminated quoted field?)");
    }
    own_.resize(std::max(own_.size() * 2, end_ + kRead + kPad));
    data_ = own_.data();
    cap_ = own_.size();
  }
  // The fields of the record being read point into the buffer: move them along.
  if (nfields > 0 && (shift != 0 || data_ != old_base)) {
    for (std::size_t i = 0; i < nfields; ++i) {
      std::string_view& f = out_[i];
      std::size_t off = static_cast<std::size_t>(f.data() - old_base) - shift;
      f = std::string_view(data_ + off, f.size());
    }
  }
  auto got = src_->read(data_ + end_, cap_ - kPad - end_);
  if (!got.ok()) return std::move(got).error();
  if (*got == 0) eof_ = true;
  end_ += *got;
  return shift;
}

std::string_view CsvReader::unquote(std::size_t a, std::size_t e) {
  char* b = data_;
  for (const char* p = b + a; (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(b + e - p))));
       ++p) {
    ++embedded_newlines_;
  }
  if (b[a] != '"') {
    if (problem_.empty()) problem_ = "quote inside unquoted field";
    return std::string_view(b + a, e - a);
  }
  // Jump from quote to quote; text between them moves left only once a
  // doubled quote has been collapsed.
  std::size_t r = a + 1, w = a + 1;
  bool closed = false;
  while (r < e) {
    const void* q = std::memchr(b + r, '"', e - r);
    const std::size_t qi = q ? static_cast<std::size_t>(static_cast<const char*>(q) - b) : e;
    if (w != r) std::memmove(b + w, b + r, qi - r);
    w += qi - r;
    r = qi;
    if (r == e) break;
    if (r + 1 < e && b[r + 1] == '"') {
      b[w++] = '"';
      r += 2;
      continue;
    }
    closed = true;
    ++r;
    break;
  }
  if (problem_.empty()) {
    if (!closed) problem_ = "quoted field not closed";
    else if (r != e) problem_ = "text after closing quote";
  }
  return std::string_view(b + a + 1, w - (a + 1));
}

Result<bool> CsvReader::next(std::vector<std::string_view>& fields) {
  SG_ASSIGN_OR_RETURN(bool more, read_record());
  fields.assign(out_.data(), out_.data() + nfields_);
  return more;
}

Result<bool> CsvReader::read_record() {
  problem_.clear();
  nfields_ = 0;
  if (!started_) {
    started_ = true;
    while (end_ - begin_ < 3 && !eof_) SG_TRY(fill(0));
    if (check_bom_ && end_ - begin_ >= 3 && std::memcmp(data_ + begin_, "\xEF\xBB\xBF", 3) == 0) begin_ += 3;
    scan_ = begin_;
  }
  // The block state lives in locals while scanning (the compiler keeps them
  // in registers) and goes back to the members before any call that reads
  // them and when the record is done.
  uint64_t seps = seps_, nl = nl_, quotes = quotes_;
  std::size_t scan = scan_;
  std::ptrdiff_t last_quote = last_quote_;
  bool have = have_block_;
  // Fields go to out_[0, n) through a plain pointer, grown on demand.
  std::string_view* out = out_.data();
  std::size_t n = 0, cap = out_.size();
  auto push = [&](std::string_view v) {
    if (n == cap) {
      out_.resize(cap * 2);
      out = out_.data();
      cap = out_.size();
    }
    out[n++] = v;
  };
  auto store = [&] {
    seps_ = seps, nl_ = nl, quotes_ = quotes, scan_ = scan, last_quote_ = last_quote, have_block_ = have;
    nfields_ = n;
  };
  for (;;) {  // one record per pass; blank lines loop again
    std::size_t fstart = begin_;
    bool any_quote = false;
    bool at_eof = false;
    std::size_t rec_end = 0;
    embedded_newlines_ = 0;
    char* b = data_;
    for (;;) {
      if (seps == 0) {  // this block is used up: on to the next one
        if (have) {
          if (quotes) last_quote = highest_bit_at(scan, quotes);
          scan += 64;
          have = false;
        }
        if (scan + 64 > end_ && !eof_) {
          store();
          SG_ASSIGN_OR_RETURN(std::size_t shift, fill(n));
          scan = scan_;
          last_quote = last_quote_;
          fstart -= shift;
          b = data_;
          continue;
        }
        if (scan >= end_) {
          at_eof = true;
          break;
        }
        Masks m = classify64(b + scan);
        if (end_ - scan < 64) {  // the last, partial block of the input
          const uint64_t keep = (uint64_t{1} << (end_ - scan)) - 1;
          m.quote &= keep;
          m.comma &= keep;
          m.nl &= keep;
        }
        const uint64_t inside = prefix_xor(m.quote) ^ carry_;
        carry_ = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
        seps = (m.comma | m.nl) & ~inside;
        nl = m.nl;
        quotes = m.quote;
        have = true;
        continue;
      }
      // Fast path: no quote in this block and none since the field began, so
      // every comma before the next newline ends a plain field.
      if (quotes == 0 && last_quote < static_cast<std::ptrdiff_t>(fstart)) {
        const uint64_t nls = seps & nl;
        uint64_t commas = nls ? seps & ((nls & (0 - nls)) - 1) : seps;
        seps &= ~commas;
        while (commas) {
          const std::size_t s = scan + static_cast<unsigned>(__builtin_ctzll(commas));
          commas &= commas - 1;
          push(std::string_view(b + fstart, s - fstart));
          fstart = s + 1;
        }
        if (seps == 0) continue;  // no newline in this block: next block
      }
      const unsigned bit = static_cast<unsigned>(__builtin_ctzll(seps));
      seps &= seps - 1;
      const std::size_t s = scan + bit;
      bool has_quote = last_quote >= static_cast<std::ptrdiff_t>(fstart);
      if (quotes != 0 && !has_quote) {
        const uint64_t before = quotes & ((uint64_t{1} << bit) - 1);
        has_quote = before != 0 && highest_bit_at(scan, before) >= static_cast<std::ptrdiff_t>(fstart);
      }
      const bool newline = (nl >> bit) & 1;
      std::size_t e = s;
      if (newline && e > fstart && b[e - 1] == '\r') --e;
      if (!has_quote) {
        push(std::string_view(b + fstart, e - fstart));
      } else {
        push(unquote(fstart, e));
        any_quote = true;
      }
      fstart = s + 1;
      if (newline) {
        rec_end = s;
        break;
      }
    }
    if (at_eof) {
      if (n == 0 && fstart == end_) {  // nothing after the last record
        store();
        return false;
      }
      const bool open = carry_ != 0;
      if (open) problem_ = "quoted field not closed before end of input";
      std::size_t e = end_;
      if (!open && e > fstart && b[e - 1] == '\r') --e;
      if (last_quote >= static_cast<std::ptrdiff_t>(fstart)) {
        push(unquote(fstart, e));
        any_quote = true;
      } else {
        push(std::string_view(b + fstart, e - fstart));
      }
      record_line_ = line_;
      line_ += embedded_newlines_;
      begin_ = end_;
    } else {
      record_line_ = line_;
      line_ += 1 + embedded_newlines_;
      begin_ = rec_end + 1;
    }
    if (n == 1 && out[0].empty() && !any_quote) {  // blank line
      n = 0;
      problem_.clear();
      if (at_eof) {
        store();
        return false;
      }
      continue;
    }
    store();
    return true;
  }
}

}  // namespace sageguard::cost
