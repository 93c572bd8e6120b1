// libFuzzer target: the Parquet billing reader on arbitrary bytes. Any input
// must end in a report or an Error, never a crash, a sanitizer report, a
// hang or unbounded memory. Seeds: small DuckDB-written CUR 2.0 files
// (corpus/parquet/), so mutations start from real footers and pages; one has
// its tags as a LIST of key/value structs beside unused LIST columns, so the
// repetition-level paths are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cost/cur_aggregator.h"
#include "cost/parquet_cur.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace sageguard::cost;
  CurOptions o;
  o.group_by = {"Project", "month"};
  o.all_services = true;
  o.measure = Measure::amortized;
  CurAggregator agg(o);
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (aggregate_parquet_memory(bytes, "fuzz.parquet", 1, o, agg).ok()) (void)std::move(agg).finish({"fuzz.parquet"});
  return 0;
}
