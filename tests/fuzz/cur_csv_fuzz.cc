// libFuzzer target for the CUR CSV path: the RFC 4180 reader on arbitrary
// bytes (plain or gzip, detected by magic), then the full aggregation over
// the same bytes, so header detection, tag JSON and cost parsing are fuzzed
// too. Invariants: no crash, no sanitizer report, fields stay inside input,
// a stray-quote error points at a quote.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sageguard/cost/csv_reader.h"
#include "sageguard/cost/cur_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace sageguard::cost;  // NOLINT: fuzz entry point, file-local
  std::string_view input(reinterpret_cast<const char*>(data), size);

  {
    auto src = open_memory(input, "fuzz.csv");
    // A small record limit so the fuzzer reaches the "record too long" path.
    CsvReader reader(*src, 1 << 16);
    std::vector<std::string_view> fields;
    std::size_t total = 0;
    for (int i = 0; i < 100000; ++i) {
      auto more = reader.next(fields);
      if (!more.ok()) {
        // A stray quote is reported at the quote itself: FILE:LINE:COL with
        // the line's text, whose byte at COL is that quote.
        const auto& e = more.error();
        if (e.message.find("quote") != std::string::npos) {
          if (e.line == 0 || e.column == 0 || e.file != "fuzz.csv") __builtin_trap();
          if (e.column <= e.source_line.size() && e.source_line[e.column - 1] != '"') __builtin_trap();
        }
        break;
      }
      if (!*more) break;
      for (auto f : fields) total += f.size();
      if (fields.empty()) __builtin_trap();  // a record always has a field
    }
    (void)total;
  }

  CurOptions options;
  options.group_by = {"Project", "month", "instance-type", "resource", "Cost Center"};
  options.max_malformed_samples = 3;
  if (size > 0) {
    options.measure = static_cast<Measure>(data[0] % 3);
    options.all_services = (data[0] & 4) != 0;
    if (data[0] & 8) options.since = "2024-05-01";
  }
  auto src = open_memory(input, "fuzz.csv");
  auto report = read_cur_source(*src, options);
  if (report.ok()) {
    double sum = 0;
    for (const auto& g : report->groups) {
      sum += g.cost;
      if (g.key.size() > options.group_by.size()) __builtin_trap();
    }
    (void)sum;
    if (report->malformed_samples.size() > options.max_malformed_samples) __builtin_trap();
  }
  return 0;
}
