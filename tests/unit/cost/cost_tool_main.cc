// Test-only driver for the cost library until the CLI exists: prints a
// CostReport (or an estimate, or SQL) as JSON so Python tests can compare it
// with pandas. Not installed; not part of the product.
//
//   sg_cost_tool cur [--group-by K,..] [--measure M] [--since D] [--until D]
//                    [--all-services] [--strict] [--threads N] PATH...
//   sg_cost_tool estimate [--region R] [--price-list FILE] REQUEST.json
//   sg_cost_tool sql athena|duckdb [--table T] [--group-by K,..] [--measure M] [--since D] [--until D]
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sageguard/cost/cost_sql.h"
#include "sageguard/cost/cur_reader.h"
#include "sageguard/cost/estimate.h"
#include "sageguard/cost/price_table.h"

namespace {

using nlohmann::json;
namespace sc = sageguard::cost;

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

int fail(const sageguard::Error& e) {
  std::cerr << "sg_cost_tool: error: " << e.describe() << "\n";
  return 2;
}

json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json report_json(const sc::CostReport& r) {
  json groups = json::array();
  for (const auto& g : r.groups) {
    json key = json::object();
    for (const auto& [k, v] : g.key) key[k] = v ? json(*v) : json(nullptr);
    groups.push_back({{"key", key}, {"cost", g.cost}, {"items", g.items}, {"spot_savings", opt(g.spot_savings)}});
  }
  json samples = json::array();
  for (const auto& m : r.malformed_samples) samples.push_back({{"file", m.file}, {"line", m.line}, {"reason", m.reason}});
  return {{"currency", r.currency}, {"source", r.source}, {"measure", sc::to_string(r.measure)},
          {"group_by", r.group_by}, {"groups", groups}, {"total", r.total}, {"items", r.items},
          {"rows_read", r.rows_read}, {"malformed_rows", r.malformed_rows}, {"malformed_samples", samples},
          {"files", r.files}, {"warnings", r.warnings}};
}

// Parses the options shared by `cur` and `sql`; returns positional args.
bool parse_cur_options(int argc, char** argv, int from, sc::CurOptions& o, std::vector<std::string>& pos,
                       std::string* table) {
  for (int i = from; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--group-by") o.group_by = split(value());
    else if (a == "--measure") {
      auto m = sc::measure_from_string(value());
      if (!m) return false;
      o.measure = *m;
    } else if (a == "--since") o.since = value();
    else if (a == "--until") o.until = value();
    else if (a == "--all-services") o.all_services = true;
    else if (a == "--strict") o.strict = true;
    else if (a == "--threads") o.threads = static_cast<unsigned>(std::stoul(value()));
    else if (a == "--table" && table) *table = value();
    else if (a.rfind("--", 0) == 0) return false;
    else pos.push_back(a);
  }
  return true;
}

int cmd_cur(int argc, char** argv) {
  sc::CurOptions o;
  std::vector<std::string> paths;
  if (!parse_cur_options(argc, argv, 2, o, paths, nullptr) || paths.empty()) {
    std::cerr << "usage: sg_cost_tool cur [options] PATH...\n";
    return 2;
  }
  auto r = sc::read_cur(paths, o);
  if (!r.ok()) return fail(r.error());
  std::cout << report_json(*r).dump(2) << "\n";
  return 0;
}

int cmd_estimate(int argc, char** argv) {
  std::string region = "us-east-1", price_list, file;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--region" && i + 1 < argc) region = argv[++i];
    else if (a == "--price-list" && i + 1 < argc) price_list = argv[++i];
    else file = a;
  }
  std::ifstream in(file);
  if (!in) {
    std::cerr << "sg_cost_tool: cannot read " << file << "\n";
    return 2;
  }
  json req = json::parse(in, nullptr, false);
  if (req.is_discarded()) {
    std::cerr << "sg_cost_tool: invalid JSON in " << file << "\n";
    return 2;
  }
  auto table = price_list.empty() ? sc::PriceTable::builtin() : sc::PriceTable::load_file(price_list);
  if (!table.ok()) return fail(table.error());
  auto e = sc::estimate_request(req, region, *table);
  if (!e.ok()) return fail(e.error());
  json items = json::array();
  for (const auto& it : e->items) {
    items.push_back({{"instance_type", it.instance_type}, {"component", sc::to_string(it.component)},
                     {"instance_count", it.instance_count}, {"hourly_usd", opt(it.hourly_usd)}});
  }
  json out = {{"kind", sc::to_string(e->kind)}, {"region", e->region}, {"items", items}, {"spot", e->spot},
              {"hourly_usd", opt(e->hourly_usd)}, {"on_demand_max_usd", opt(e->on_demand_max_usd)},
              {"spot_max_usd", opt(e->spot_max_usd)}, {"worst_case_usd", opt(e->worst_case_usd)},
              {"unknown_instance_types", e->unknown_instance_types}, {"notes", e->notes},
              {"price_source", table->source()}, {"price_date", table->date()}};
  std::cout << out.dump(2) << "\n";
  return 0;
}

int cmd_sql(int argc, char** argv) {
  if (argc < 3) return 2;
  std::string d = argv[2];
  sc::CurOptions o;
  std::vector<std::string> pos;
  std::string table = "cur2";
  if (!parse_cur_options(argc, argv, 3, o, pos, &table)) return 2;
  auto sql = sc::emit_cost_sql(o, d == "athena" ? sc::SqlDialect::athena : sc::SqlDialect::duckdb, table);
  if (!sql.ok()) return fail(sql.error());
  std::cout << *sql;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "cur") return cmd_cur(argc, argv);
  if (cmd == "estimate") return cmd_estimate(argc, argv);
  if (cmd == "sql") return cmd_sql(argc, argv);
  std::cerr << "usage: sg_cost_tool cur|estimate|sql ...\n";
  return 2;
}
