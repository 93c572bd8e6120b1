// RecordScanner: the records of one in-memory chunk (ParallelFile's pieces
// of whole records) read the way CsvReader reads them, but only the fields
// the caller needs are materialised; the others are counted, not stored.
// A billing row has dozens to hundreds of columns and the aggregation reads
// about ten, so skipping the rest (a popcount per run of commas) is most of
// the parsing time saved. Private to the cost module.
//
// The quoting rules are checked on whole blocks with bit masks: in a valid
// record every opening quote follows a separator, the record start or a
// closing quote (a doubled quote), and every closing quote is followed by a
// separator, a quote, or a CR that ends the line. A record that breaks them,
// or that ends the input without a newline, or that spans more than
// CsvReader::kMaxRecordLines lines, is read by CsvReader itself, so field
// values, problem texts, line numbers and errors are exactly CsvReader's
// (cur_scan_test.cc compares the two on random input).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "csv_split.h"
#include "sageguard/cost/csv_reader.h"
#include "sageguard/result.h"

namespace sageguard::cost {

class RecordScanner {
 public:
  // data[0, len) starts at a record boundary; capacity >= len +
  // CsvReader::kPad bytes are addressable. need[c] != 0 marks column c as
  // wanted; need.size() is the expected number of columns. Quoted fields
  // are unescaped in place, as CsvReader does.
  RecordScanner(char* data, std::size_t len, std::size_t capacity, uint64_t first_line, std::vector<uint8_t> need)
      : data_(data), len_(len), cap_(capacity), first_line_(first_line), need_(std::move(need)),
        vals_(need_.size()) {
    for (std::size_t c = 0; c < need_.size(); ++c) {
      if (need_[c]) needed_.push_back(c);
    }
  }

  // Calls row(fields, count, line, problem) for every record (blank lines
  // skipped, as CsvReader skips them): `count` fields were found; when
  // count == need.size(), fields[c] is the value of every needed column c
  // (other entries are unspecified). `problem` is CsvReader's
  // record_problem(). Stops at, and returns, the first error row returns.
  template <class Row>
  Status scan(Row&& row) {
#if defined(SG_CSV_FAST_TARGET)
    if (csv_cpu_fast) return scan_fast(row);
#endif
    return scan_body<false>(row);
  }

 private:
#if defined(SG_CSV_FAST_TARGET)
  template <class Row>
  SG_CSV_FAST_ATTR Status scan_fast(Row& row) {
    return scan_body<true>(row);
  }
#endif
  // The scan, inlined into a plain and (x86-64) an AVX2/BMI/POPCNT version.
  template <bool kFast, class Row>
  __attribute__((always_inline)) Status scan_body(Row& row);

  // CsvReader reads the record at rec; returns the offset after it.
  template <class Row>
  Result<std::size_t> fallback(std::size_t rec, uint64_t line, Row& row);
  // The needed fields of a valid record: quoted ones unescaped in place.
  void unquote_needed();

  char* data_;
  std::size_t len_;
  std::size_t cap_;
  uint64_t first_line_;
  std::vector<uint8_t> need_;
  std::vector<std::size_t> needed_;  // the columns with need_[c] set
  std::vector<std::string_view> vals_;
  std::string no_problem_;
};

// The offset of the n-th (from 0) set bit of x, which has more than n.
#if defined(SG_CSV_FAST_TARGET)
SG_CSV_FAST_ATTR inline unsigned nth_bit_fast(uint64_t x, std::size_t n) {
  return static_cast<unsigned>(_tzcnt_u64(_pdep_u64(uint64_t{1} << n, x)));
}
#endif
template <bool kFast>
__attribute__((always_inline)) inline unsigned nth_bit(uint64_t x, std::size_t n) {
#if defined(SG_CSV_FAST_TARGET)
  if constexpr (kFast) return nth_bit_fast(x, n);
#endif
  for (; n > 0; --n) x &= x - 1;
  return static_cast<unsigned>(std::countr_zero(x));
}

template <class Row>
Result<std::size_t> RecordScanner::fallback(std::size_t rec, uint64_t line, Row& row) {
  CsvReader reader(data_ + rec, len_ - rec, cap_ - rec, line, false);
  SG_ASSIGN_OR_RETURN(bool more, reader.read_record());
  if (more) {
    auto f = reader.record();
    if (f.size() == vals_.size()) {
      for (std::size_t c = 0; c < f.size(); ++c) {
        if (need_[c]) vals_[c] = f[c];
      }
    }
    SG_TRY(row(static_cast<const std::string_view*>(vals_.data()), f.size(), reader.record_line(),
               reader.record_problem()));
  }
  return rec + reader.consumed();
}

inline void RecordScanner::unquote_needed() {
  for (std::size_t c : needed_) {
    if (vals_[c].empty() || vals_[c].front() != '"') continue;
    // A valid quoted field: "text" with doubled quotes inside.
    char* b = const_cast<char*>(vals_[c].data());
    const std::size_t n = vals_[c].size() - 1;  // the closing quote's offset
    std::size_t r = 1, w = 0;
    while (r < n) {
      const void* q = std::memchr(b + r, '"', n - r);
      const std::size_t qi = q ? static_cast<std::size_t>(static_cast<const char*>(q) - b) : n;
      if (w + 1 != r) std::memmove(b + w + 1, b + r, qi - r);
      w += qi - r;
      r = qi;
      if (r < n) {  // a doubled quote: keep one
        b[1 + w++] = '"';
        r += 2;
      }
    }
    vals_[c] = std::string_view(b + 1, w);
  }
}

template <bool kFast, class Row>
__attribute__((always_inline)) inline Status RecordScanner::scan_body(Row& row) {
  char* const b = data_;
  const std::size_t len = len_;
  const std::size_t ncols = need_.size();
  const uint8_t* const need = need_.data();
  // next_need[i]: the first needed column >= i (ncols if none), so runs of
  // unneeded fields are skipped with one popcount.
  std::vector<uint32_t> next_need(ncols + 1, static_cast<uint32_t>(ncols));
  for (std::size_t i = ncols; i-- > 0;) next_need[i] = need[i] ? static_cast<uint32_t>(i) : next_need[i + 1];

  uint64_t carry = 0;       // all ones when the next block starts inside quotes
  uint64_t prev_sep = 1;    // bit 0: the byte before the block ends a field (or is the start)
  uint64_t prev_close = 0;  // bit 0: the byte before the block is a closing quote
  uint64_t newlines = 0;    // before the block, quoted ones included
  uint64_t line = first_line_;  // of the current record
  std::size_t rec = 0;      // start of the current record
  std::size_t fstart = 0;   // start of the current field
  std::size_t fi = 0;       // index of the current field
  bool rec_bad = false;     // the current record broke a quoting rule in an earlier block

  for (std::size_t base = 0; base < len; base += 64) {
    CsvMasks m;
#if defined(SG_CSV_FAST_TARGET)
    if constexpr (kFast) m = csv_classify64_fast(b + base);
    else
#endif
      m = csv_classify64(b + base);
    uint64_t valid = ~uint64_t{0};
    if (len - base < 64) {
      valid = (uint64_t{1} << (len - base)) - 1;
      m.quote &= valid;
      m.comma &= valid;
      m.nl &= valid;
    }
    uint64_t inside;
#if defined(SG_CSV_FAST_TARGET)
    if constexpr (kFast) inside = csv_prefix_xor_fast(m.quote) ^ carry;
    else
#endif
      inside = csv_prefix_xor(m.quote) ^ carry;
    carry = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
    uint64_t seps = (m.comma | m.nl) & ~inside;
    const uint64_t ends = m.nl & ~inside;
    uint64_t bad = 0;
    if (m.quote != 0 || prev_close != 0) {
      const uint64_t open = m.quote & inside, close = m.quote & ~inside;
      const uint64_t after_close = (close << 1) | prev_close;
      bad = open & ~((seps << 1) | prev_sep | after_close);
      // Field text right after a closing quote, except a CR ending the line.
      uint64_t text = after_close & ~inside & ~m.quote & ~seps & valid;
      for (uint64_t t = text; t != 0; t &= t - 1) {
        const unsigned i = static_cast<unsigned>(std::countr_zero(t));
        if (b[base + i] == '\r' && i < 63 && ((ends >> (i + 1)) & 1)) text &= ~(uint64_t{1} << i);
      }
      bad |= text;
      prev_close = close >> 63;
    }
    prev_sep = seps >> 63;

    while (seps != 0) {
      const uint64_t end_bit = (seps & ends) & (0 - (seps & ends));  // lowest record end, or 0
      const uint64_t commas = end_bit ? seps & (end_bit - 1) : seps;
      if (commas != 0) {
        // Fields fi .. lim-1 end at these commas; only the needed ones are looked at.
        const std::size_t lim = fi + static_cast<std::size_t>(std::popcount(commas));
        const std::size_t stop = lim < ncols ? lim : ncols;  // a record may have too many fields
        for (std::size_t j = fi < ncols ? next_need[fi] : ncols; j < stop; j = next_need[j + 1]) {
          const std::size_t a = j == fi ? fstart : base + nth_bit<kFast>(commas, j - fi - 1) + 1;
          vals_[j] = std::string_view(b + a, base + nth_bit<kFast>(commas, j - fi) - a);
        }
        fi = lim;
        fstart = base + 64 - static_cast<unsigned>(std::countl_zero(commas));
        seps &= ~commas;
      }
      if (end_bit == 0) break;
      seps &= seps - 1;
      const uint64_t upto = end_bit | (end_bit - 1);
      const std::size_t s = base + static_cast<unsigned>(std::countr_zero(end_bit));
      const uint64_t next_line = first_line_ + newlines + static_cast<uint64_t>(std::popcount(m.nl & upto));
      // A record over CsvReader::kMaxRecordLines lines is CsvReader's error.
      const bool broken = rec_bad || (bad & upto) != 0 || next_line - line - 1 > CsvReader::kMaxRecordLines;
      bad &= ~upto;
      if (broken) {
        // CsvReader ends the record at the same newline (same quoting rule).
        SG_ASSIGN_OR_RETURN(std::size_t next, fallback(rec, line, row));
        (void)next;
      } else {
        std::size_t e = s;
        if (e > fstart && b[e - 1] == '\r') --e;
        if (fi < ncols && need[fi]) vals_[fi] = std::string_view(b + fstart, e - fstart);
        const std::size_t count = fi + 1;
        if (!(count == 1 && e == fstart)) {  // not a blank line
          if (count == ncols) unquote_needed();
          SG_TRY(row(static_cast<const std::string_view*>(vals_.data()), count, line, no_problem_));
        }
      }
      rec = fstart = s + 1;
      fi = 0;
      rec_bad = false;
      line = next_line;
    }
    if (bad != 0) rec_bad = true;  // in the record still open at the block's end
    newlines += static_cast<uint64_t>(std::popcount(m.nl));
  }
  if (rec < len) {  // the last record has no newline: CsvReader's end-of-input rules
    SG_ASSIGN_OR_RETURN(std::size_t done, fallback(rec, line, row));
    (void)done;
  }
  return Status::success();
}

}  // namespace sageguard::cost
