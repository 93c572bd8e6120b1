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

std::optional<std::size_t> opening_quote(const char* data, std::size_t len, bool left_open) {
  if (left_open) {
    const void* q = memrchr(data, '"', len);
    if (!q) return std::nullopt;
    return static_cast<std::size_t>(static_cast<const char*>(q) - data);
  }
  bool inside = false;
  std::optional<std::size_t> opened, last;
  for (std::size_t i = 0; i < len; ++i) {
    if (data[i] == '"') {
      inside = !inside;
      if (inside) opened = i;
      last = i;
    } else if (data[i] == '\n' && inside) {
      return opened;
    }
  }
  return last;
}

Error quote_error(const std::string& file, const char* data, std::size_t len, uint64_t first_line, std::size_t quote,
                  const std::string& what) {
  uint64_t line = first_line;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < quote && i < len; ++i) {
    if (data[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t line_end = line_start;
  while (line_end < len && data[line_end] != '\n' && data[line_end] != '\r' && line_end - line_start < 400) ++line_end;
  Error e = Error::at(ErrorCode::input, file, static_cast<uint32_t>(std::min<uint64_t>(line, UINT32_MAX)),
                      static_cast<uint32_t>(quote - line_start + 1), what);
  e.source_line.assign(data + line_start, line_end - line_start);
  return e;
}

Error CsvReader::located(std::size_t quote, uint64_t line, std::size_t line_start, std::string text,
                         const std::string& what) const {
  Error e = Error::at(ErrorCode::input, src_ ? src_->name() : std::string(),
                      static_cast<uint32_t>(std::min<uint64_t>(line, UINT32_MAX)),
                      static_cast<uint32_t>(std::min<std::size_t>(quote - line_start + 1, UINT32_MAX)), what);
  e.source_line = std::move(text);
  return e;
}

std::string CsvReader::raw_line(std::size_t line_start, std::size_t quote) const {
  constexpr std::size_t kMaxText = 400;
  if (quote - line_start >= kMaxText) return std::string();
  std::size_t e = line_start;
  while (e < end_ && data_[e] != '\n' && data_[e] != '\r' && e - line_start < kMaxText) ++e;
  return std::string(data_ + line_start, e - line_start);
}

Error CsvReader::run_on(const std::string& what) const {
  // No newline precedes the run's opening quote in its record: it is on the
  // record's first line, and raw offsets count from the record's start.
  std::size_t quote = 0;
  std::string text;
  if (run_quote_ >= 0) {
    quote = static_cast<std::size_t>(run_quote_);
    text = run_text_;
  } else {  // still in the field being read, whose bytes are untouched
    const std::size_t f = std::min(field_start_, end_);
    const auto q = opening_quote(data_ + f, end_ - f, false);
    if (!q) {  // no quote at all: a line longer than the limit
      return Error::at(ErrorCode::input, src_ ? src_->name() : std::string(),
                       static_cast<uint32_t>(std::min<uint64_t>(line_, UINT32_MAX)), 0,
                       "CSV record longer than " + std::to_string(max_record_) + " bytes (not a CSV file?)");
    }
    quote = f + *q;
    if (!moved_) text = raw_line(begin_, quote);
  }
  return located(quote, line_, begin_, std::move(text), what);
}

Error CsvReader::left_open(std::size_t fstart, const std::string& what) const {
  const void* q = memrchr(data_ + fstart, '"', end_ - fstart);
  const std::size_t quote = q ? static_cast<std::size_t>(static_cast<const char*>(q) - data_) : fstart;
  uint64_t line = line_ + embedded_newlines_;
  std::size_t line_start = last_nl_ >= 0 ? static_cast<std::size_t>(last_nl_) + 1 : begin_;
  for (std::size_t i = fstart; i < quote; ++i) {
    if (data_[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return located(quote, line, line_start, line_start >= fstart || !moved_ ? raw_line(line_start, quote) : "", what);
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
    if (run_quote_ >= 0) run_quote_ -= static_cast<std::ptrdiff_t>(shift);
    if (last_nl_ >= 0) last_nl_ -= static_cast<std::ptrdiff_t>(shift);
    field_start_ -= std::min(field_start_, shift);
    begin_ = 0;
  }
  if (end_ + kRead + kPad > cap_) {
    // The record does not fit: before buffering more of it, make sure it is
    // not a stray quote running on through the rest of the file.
    if (end_ - begin_ > max_record_) {
      return run_on("a quote opened here runs on for more than " + std::to_string(max_record_) +
                              " bytes: the quoted field is not closed (a stray quote?)");
    }
    // [begin_, scan_) is the record so far (no record end in it).
    const auto lines = static_cast<uint64_t>(std::count(data_ + begin_, data_ + std::min(scan_, end_), '\n'));
    if (lines > kMaxRecordLines) {
      return run_on("a quote opened here runs on over more than " + std::to_string(kMaxRecordLines) +
                              " lines: the quoted field is not closed (a stray quote?)");
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
  if (const void* nl = std::memchr(b + a, '\n', e - a)) {
    // A quoted newline: note, while the bytes are still raw, where a stray
    // quote error would point (the first such field of the record).
    if (run_quote_ < 0) {
      run_quote_ = static_cast<std::ptrdiff_t>(a + opening_quote(b + a, e - a, false).value_or(0));
      if (!moved_) run_text_ = raw_line(begin_, static_cast<std::size_t>(run_quote_));
    }
    for (const char* p = static_cast<const char*>(nl); p; p = static_cast<const char*>(std::memchr(
                                                                p + 1, '\n', static_cast<std::size_t>(b + e - p - 1)))) {
      ++embedded_newlines_;
      last_nl_ = p - b;
    }
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
      moved_ = true;  // the text after it moves left
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
    run_quote_ = -1;
    run_text_.clear();
    last_nl_ = -1;
    moved_ = false;
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
          field_start_ = fstart;
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
      if (carry_ != 0) {
        store();
        return left_open(fstart, "quoted field opened here is not closed before the end of the file "
                            "(a stray quote?); the rows after it cannot be read");
      }
      std::size_t e = end_;
      if (e > fstart && b[e - 1] == '\r') --e;
      if (last_quote >= static_cast<std::ptrdiff_t>(fstart)) {
        push(unquote(fstart, e));
        any_quote = true;
      } else {
        push(std::string_view(b + fstart, e - fstart));
      }
    }
    // A record that spans lines and breaks the quoting rules (or spans too
    // many) holds a stray quote: the rows it swallowed would be lost.
    if (embedded_newlines_ > kMaxRecordLines || (embedded_newlines_ > 0 && !problem_.empty())) {
      store();
      if (embedded_newlines_ > kMaxRecordLines) {
        return run_on("a quote opened here makes one record of " + std::to_string(embedded_newlines_ + 1) +
                               " lines (more than " + std::to_string(kMaxRecordLines) + "): a stray quote?");
      }
      return run_on("a quote opened here makes one malformed record (" + problem_ + ") of " +
                             std::to_string(embedded_newlines_ + 1) + " lines; the rows inside it would be lost");
    }
    if (at_eof) {
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
