// Billing exports in Parquet (CUR 2.0 and FOCUS from Data Exports, the
// legacy CUR as its Athena integration writes it) fed to the same
// aggregation as CSV: only the columns the aggregation uses are decoded,
// row groups are spread over threads, memory stays at a few row groups.
// Functions are thread-safe. Private to the cost module.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cur_aggregator.h"
#include "sageguard/cost/cur_reader.h"
#include "sageguard/result.h"

namespace sageguard::cost {

// True when the file starts with Parquet's magic "PAR1" or is named *.parquet.
bool is_parquet_file(const std::string& path);

// Aggregates the Parquet file at `path` into `into` on up to `threads`
// threads (one row group at a time each). Error (input, naming the file and
// the column) on corrupt data or a feature the reader does not support.
Status aggregate_parquet(const std::string& path, std::size_t file_index, unsigned threads, const CurOptions& options,
                         CurAggregator& into);

// The same over bytes in memory (fuzzing, tests); `name` names them in errors.
Status aggregate_parquet_memory(std::string_view bytes, const std::string& name, unsigned threads,
                                const CurOptions& options, CurAggregator& into);

}  // namespace sageguard::cost
