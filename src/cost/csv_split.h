// Cutting CSV text into pieces of whole records (private to the cost
// module), so several threads can parse one file. Same quoting rule as
// CsvReader: every quote toggles the quoted state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace sageguard::cost {

struct RecordEnd {
  std::size_t offset = 0;  // of the last newline outside quotes
  uint64_t newlines = 0;   // newlines in [0, offset], quoted ones included
};

// The end of the last complete record in data[0, len), which must start
// outside quotes (at a record boundary); nullopt when no record ends there.
std::optional<RecordEnd> last_record_end(const char* data, std::size_t len);

}  // namespace sageguard::cost
