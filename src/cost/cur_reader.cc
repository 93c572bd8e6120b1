// read_cur: resolves the inputs, then streams the files on up to
// CurOptions::threads workers, each with its own aggregator, and merges them.
#include "sageguard/cost/cur_reader.h"

#include <atomic>
#include <cctype>
#include <mutex>
#include <thread>

#include "cur_aggregator.h"
#include "cur_parallel.h"
#include "parquet_cur.h"

namespace sageguard::cost {
namespace {

bool valid_day(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  int month = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status check_options(const CurOptions& o) {
  if (o.since && !valid_day(*o.since)) return Error::make(ErrorCode::usage, "since must be YYYY-MM-DD, got '" + *o.since + "'");
  if (o.until && !valid_day(*o.until)) return Error::make(ErrorCode::usage, "until must be YYYY-MM-DD, got '" + *o.until + "'");
  for (const auto& k : o.group_by) {
    if (k.empty()) return Error::make(ErrorCode::usage, "empty group-by key");
  }
  return Status::success();
}

}  // namespace

const char* to_string(Measure m) {
  switch (m) {
    case Measure::unblended: return "unblended";
    case Measure::net: return "net";
    case Measure::public_on_demand: return "public-on-demand";
    case Measure::amortized: return "amortized";
    case Measure::effective: return "effective";
  }
  return "unblended";
}

std::optional<Measure> measure_from_string(std::string_view s) {
  if (s == "unblended") return Measure::unblended;
  if (s == "net") return Measure::net;
  if (s == "amortized") return Measure::amortized;
  if (s == "effective") return Measure::effective;
  if (s == "public-on-demand" || s == "public_on_demand") return Measure::public_on_demand;
  return std::nullopt;
}

const char* to_string(CurFormat f) {
  switch (f) {
    case CurFormat::legacy: return "cur";
    case CurFormat::cur2: return "cur2";
    case CurFormat::focus: return "focus";
  }
  return "cur";
}

Result<CostReport> read_cur_source(ByteSource& source, const CurOptions& options) {
  SG_TRY(check_options(options));
  CurAggregator agg(options);
  SG_TRY(agg.add(source, 0));
  return std::move(agg).finish({source.name()});
}

Result<CostReport> read_cur(const std::vector<std::string>& paths, const CurOptions& options) {
  SG_TRY(check_options(options));
  SG_ASSIGN_OR_RETURN(CurInputs inputs, resolve_cur_inputs(paths));
  const std::vector<std::string>& files = inputs.files;
  unsigned workers = std::max(1u, std::min<unsigned>(options.threads, static_cast<unsigned>(files.size())));

  std::vector<CurAggregator> aggs;
  aggs.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) aggs.emplace_back(options);
  std::optional<std::pair<std::size_t, Error>> first_error;  // lowest file index wins
  if (files.size() < options.threads) {
    // Fewer files than threads: each file gets all of them (decompression
    // overlapping parsing, parsing split across threads), one file after
    // the other.
    for (std::size_t i = 0; i < files.size() && !first_error; ++i) {
      Status st = [&]() -> Status {
        if (is_parquet_file(files[i])) return aggregate_parquet(files[i], i, options.threads, options, aggs[0]);
        SG_ASSIGN_OR_RETURN(auto src, open_input(files[i]));
        return aggregate_file_parallel(*src, i, options.threads, options, aggs[0]);
      }();
      if (!st.ok()) first_error.emplace(i, std::move(st).error());
    }
  } else {
    // A file per thread at a time, each read start to end by its thread (in
    // chunks, as above, so rows go through the same RecordScanner).
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::mutex err_mu;
    auto work = [&](CurAggregator& agg) {
      for (;;) {
        if (failed.load()) return;
        std::size_t i = next.fetch_add(1);
        if (i >= files.size()) return;
        Status st = [&]() -> Status {
          if (is_parquet_file(files[i])) return aggregate_parquet(files[i], i, 1, options, agg);
          SG_ASSIGN_OR_RETURN(auto src, open_input(files[i]));
          return aggregate_file_parallel(*src, i, 1, options, agg);
        }();
        if (!st.ok()) {
          std::lock_guard<std::mutex> lock(err_mu);
          if (!first_error || i < first_error->first) first_error.emplace(i, std::move(st).error());
          failed.store(true);
          return;
        }
      }
    };
    std::vector<std::thread> threads;
    for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work, std::ref(aggs[w]));
    work(aggs[0]);
    for (auto& t : threads) t.join();
  }
  if (first_error) return std::move(first_error->second);
  for (unsigned w = 1; w < workers; ++w) aggs[0].merge(std::move(aggs[w]));
  CostReport report = std::move(aggs[0]).finish(files);
  for (const auto& s : inputs.skipped) {
    report.warnings.push_back("skipped superseded assembly file " + s);
  }
  return report;
}

}  // namespace sageguard::cost
