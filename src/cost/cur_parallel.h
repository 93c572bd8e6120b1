// Reading one billing file on several threads (private to the cost module).
#pragma once

#include "cur_aggregator.h"

namespace sageguard::cost {

// Aggregates `source` into `into` using `threads` threads: decompression and
// parsing overlap, and parsing itself is spread over the threads. The result
// equals into.add(source, file_index) (sums up to rounding order); memory
// stays bounded (a few chunks of `chunk_bytes` per thread), whatever the
// file size. 256 KB chunks are still in cache (L2/L3) when the parsing
// thread reads what the inflating one wrote; small chunks are for tests.
Status aggregate_file_parallel(ByteSource& source, std::size_t file_index, unsigned threads,
                               const CurOptions& options, CurAggregator& into,
                               std::size_t chunk_bytes = std::size_t{256} << 10);

}  // namespace sageguard::cost
