// Sums billing rows into groups while streaming one file at a time; memory
// grows with the number of distinct groups, not with the input. One
// aggregator per thread; merge() combines them. Private to the cost module.
#pragma once

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cur_measure.h"
#include "cur_schema.h"
#include "exact_sum.h"
#include "sageguard/cost/byte_source.h"
#include "sageguard/cost/csv_reader.h"
#include "sageguard/cost/cost_report.h"
#include "sageguard/cost/cur_reader.h"
#include "sageguard/result.h"

namespace sageguard::cost {

class CurAggregator {
 public:
  explicit CurAggregator(const CurOptions& options) : opts_(options) {}

  // Reads one whole source. `file_index` orders malformed samples across
  // files. Errors: I/O, corrupt input, unknown header, strict malformed row.
  Status add(ByteSource& source, std::size_t file_index);
  // The two halves of add(), for readers that split a file: the header
  // (nullopt for an empty file; its format and warnings are recorded here),
  // then the data rows left in `reader`.
  Result<std::optional<CurSchema>> begin_file(CsvReader& reader, const std::string& file);
  Status add_rows(CsvReader& reader, const CurSchema& schema, const std::string& file, std::size_t file_index);
  // The same for data[0, len) in memory (whole records from a record
  // boundary, CsvReader::kPad bytes of slack after len), read with
  // RecordScanner: only the columns the aggregation uses are extracted.
  Status add_chunk(char* data, std::size_t len, std::size_t capacity, uint64_t first_line, const CurSchema& schema,
                   const std::string& file, std::size_t file_index);
  // For readers that decode rows themselves (Parquet): the schema from a
  // header of column names (`athena_names`: the legacy CUR as its Athena
  // integration names columns), the columns add_fields reads, then one
  // call per row (after begin_rows) with `count` == schema.columns fields;
  // `line` is the row's number, for messages.
  Result<CurSchema> begin_header(const std::vector<std::string_view>& header, const std::string& file,
                                 bool athena_names);
  std::vector<uint8_t> needed_columns(const CurSchema& schema) const;
  void begin_rows(const CurSchema& s);
  // `tags`, when given, are the row's tags as key/value pairs (a Parquet
  // MAP; nullopt values are nulls) and stand for the tags column's JSON.
  using TagPairs = std::vector<std::pair<std::string_view, std::optional<std::string_view>>>;
  Status add_fields(const CurSchema& s, const std::string_view* f, uint64_t line, const std::string& file,
                    std::size_t file_index, const TagPairs* tags = nullptr) {
    row_tags_ = tags;
    Status st = add_row(s, f, s.columns, line, no_problem_, file, file_index);
    row_tags_ = nullptr;
    return st;
  }

  // add_fields in two steps, for readers that see many rows alike (Parquet
  // dictionaries): classify() looks at a row's text cells only, and rows
  // with the same text cells share its result; add_classified() then counts
  // one row of the class with that row's numbers. The same sums as
  // add_fields, row for row. The cells of number_columns() are never read
  // by classify() (they may be empty); add_classified() reads them through
  // `numbers`, as parse_cost() would read their text.
 private:
  struct Acc;

 public:
  struct RowClass {
    enum class Kind : uint8_t { counted, skipped, malformed } kind = Kind::counted;
    std::string reason;     // malformed: why (before any number is read)
    bool bad_tags = false;  // malformed once the cost is known to be a number
    Formula measure;
    CoverageFormula coverage;
    bool spot = false;  // spot usage: public on-demand minus unblended is saved
    std::string_view month;  // YYYY-MM, empty without a date
    std::string_view currency;
    std::string key;  // the group, and its parts (views into the row's cells)
    std::vector<std::optional<std::string_view>> parts;
    Acc* acc = nullptr;  // the group's sums, once a row of the class counted
  };
  struct NumberSource {
    const void* context;
    Number (*number)(const void* context, int column);
  };
  std::vector<uint8_t> number_columns(const CurSchema& s) const;
  // What of a start cell classify() looks at (whether it is a date, its
  // month, its day when --since/--until are set, all of it when it is no
  // date and they are): start cells with equal start_class() are alike.
  void start_class(std::string_view start, std::string& out) const;
  // Whether a tag key can give a group-by key its value; the pairs of keys
  // that cannot may be left out of classify()'s tags.
  bool tag_key_used(const CurSchema& s, std::string_view key) const;
  void classify(const CurSchema& s, const std::string_view* f, const TagPairs* tags, RowClass& out);
  Status add_classified(const CurSchema& s, RowClass& c, NumberSource numbers, uint64_t line, const std::string& file,
                        std::size_t file_index);

  // add_classified for readers that count a class's rows first and add
  // them in one step (Parquet row groups): row_terms() is what one row of a
  // counted class adds, or false and why the row is malformed (then
  // add_malformed() records it); ClassSums collects the terms, and
  // add_class() adds them with the class's skipped rows. The same report
  // as add_classified row by row: the sums are exact, so order-free.
  struct RowTerms {
    double cost = 0, eligible = 0, covered = 0, spot = 0;
    bool has_spot = false;
  };
  template <class NumberOf>  // Number(int column)
  static bool row_terms(const CurSchema& s, const RowClass& c, const NumberOf& number, RowTerms& out,
                        std::string& reason);
  struct ClassSums {
    uint64_t rows = 0;   // rows not malformed, counted or skipped
    uint64_t items = 0;  // rows counted
    ExactSum cost, eligible, covered, spot;
    bool has_spot = false;
    void add(const RowTerms& t) {
      ++rows;
      ++items;
      cost += t.cost;
      if (t.eligible != 0) eligible += t.eligible;
      if (t.covered != 0) covered += t.covered;
      if (t.has_spot) {
        spot += t.spot;
        has_spot = true;
      }
    }
  };
  Status add_malformed(const std::string& file, std::size_t file_index, uint64_t line, std::string reason) {
    ++rows_;
    return malformed(file, file_index, line, std::move(reason));
  }
  void add_class(RowClass& c, const ClassSums& sums);

  void merge(CurAggregator&& other);
  CostReport finish(std::vector<std::string> files) &&;

 private:
  struct Acc {
    std::vector<std::optional<std::string>> key;
    ExactSum cost;
    uint64_t items = 0;
    ExactSum spot;
    bool has_spot = false;
    ExactSum sp_eligible;  // Savings Plans coverage (cur_measure.h)
    ExactSum sp_covered;
  };
  struct Sample {
    std::size_t file_index;
    MalformedRow row;
  };
  // One data row: `count` fields; f[c] is valid for the columns the schema
  // uses when count == s.columns. `problem`: CsvReader::record_problem().
  // Classified into row_class_, then counted.
  Status add_row(const CurSchema& s, const std::string_view* f, std::size_t count, uint64_t line,
                 const std::string& problem, const std::string& file, std::size_t file_index);
  // Records a malformed row; Error when strict.
  Status malformed(const std::string& file, std::size_t file_index, uint64_t line, std::string reason);
  // Fills tag values from a JSON object; false if the text is not JSON.
  bool read_json_tags(const CurSchema& s, std::string_view text);
  // The same from key/value pairs.
  void read_tag_pairs(const CurSchema& s, const TagPairs& tags);
  const TagPairs* row_tags_ = nullptr;
  std::vector<std::pair<std::string, std::vector<int>>> tag_ranks_;  // tag key -> rank per group key

  const CurOptions& opts_;
  const std::string no_problem_;
  std::unordered_map<std::string, Acc> groups_;
  uint64_t rows_ = 0;
  uint64_t malformed_ = 0;
  std::vector<Sample> samples_;
  std::set<CurFormat> formats_;
  std::string currency_;
  std::set<std::string> warnings_;
  simdjson::dom::parser json_;
  std::vector<std::optional<std::string_view>> json_values_;  // per group key
  std::vector<int> json_rank_;
  std::string since_, until_;                          // opts_ as text, "" when unset
  RowClass row_class_;                                 // add_row's (scratch)
  std::string last_key_;                               // the last row's group...
  Acc* last_acc_ = nullptr;                            // ...and its accumulator
  std::string json_scratch_;
  // Cost per YYYY-MM; few distinct months, so a small vector with the last
  // hit remembered beats a map lookup per row.
  std::vector<std::pair<std::string, ExactSum>> months_;
  std::size_t last_month_ = 0;
  template <class Cost>  // double or ExactSum
  void add_month(std::string_view month, const Cost& cost);
};

template <class NumberOf>
bool CurAggregator::row_terms(const CurSchema& s, const RowClass& c, const NumberOf& number, RowTerms& out,
                              std::string& reason) {
  const RowCost measured = evaluate(c.measure, number);
  if (!measured.cost) {
    reason = "non-numeric cost '" + std::string(measured.bad.substr(0, 40)) + "'";
    return false;
  }
  out.cost = *measured.cost;
  if (std::fabs(out.cost) >= 1e15) {  // no billing line is that large; ExactSum's terms stay in range
    reason = "cost out of range (" + std::to_string(out.cost) + ")";
    return false;
  }
  out.eligible = out.covered = 0;
  if (c.coverage.column >= 0) {
    const Number od = number(c.coverage.column);
    if (od.ok) {
      out.eligible = od.value;
      if (c.coverage.covered) out.covered = od.value;
    }
  }
  out.has_spot = false;
  if (c.spot) {
    const Number od = number(s.public_od);
    const Number paid = number(s.unblended);
    if (od.ok && paid.ok) {
      out.spot = od.value - paid.value;
      out.has_spot = true;
    }
  }
  if (c.bad_tags) {
    reason = "tags column is not a JSON object";
    return false;
  }
  return true;
}

}  // namespace sageguard::cost
