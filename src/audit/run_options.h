// What `audit`'s command-line options mean to the collector: the --since
// time, the --region list, the default number of requests in flight, and
// the JSON-lines file --save writes (audited resources, readable by `check`
// and `cost --from-describes`). Pure functions except save_inventory, which
// writes one file atomically; all thread-safe.
// Private to the library (not installed; its interface uses nlohmann::json).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/collector.h"
#include "sageguard/result.h"

namespace sageguard::audit {

// The most requests in flight --concurrency may ask for.
inline constexpr int kMaxConcurrency = 256;

// Requests in flight when --concurrency is not given: enough to reach
// `max_tps` while a call takes up to 100 ms (each worker makes one call at a
// time), at least 16 and at most kMaxConcurrency.
int default_concurrency(double max_tps);

// --since: YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z] (UTC) as epoch seconds
// (ListFilter::creation_time_after); nullopt when it is neither.
std::optional<double> parse_since(const std::string& text);

// The regions of repeated and comma-separated --region values, in order,
// each once; empty parts dropped.
std::vector<std::string> split_regions(const std::vector<std::string>& flags);

// Writes audit_documents(inv) to `path` as JSON lines, atomically (invalid
// UTF-8 in a described value is replaced, not an error).
Status save_inventory(const std::string& path, const Inventory& inv);

}  // namespace sageguard::audit
