// coldsort export TABLE --db FILE [--from D] [--to D] [--utc-offset +08:00] [--out FILE]:
// every column of one raw table as RFC 4180 CSV, streamed row by row from the store.
#include <boost/program_options.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "coldsort/store/table_export.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "csv.hpp"
#include "progress_bar.hpp"
#include "report_time.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;

namespace {

const char* kUsage =
    "usage: coldsort export TABLE --db FILE [--from D] [--to D] [--utc-offset +08:00] [--out FILE]\n"
    "TABLE: fruit, box, customer_order, order_event, lot, sensor_sample, alarm_event,\n"
    "       cold_excursion, operator_action, cold_room_band, plan (without plan_json).\n"
    "D: YYYY-MM-DD (local; --to includes that whole day) or YYYY-MM-DDTHH:MM (--to exclusive),\n"
    "on the table's time column. Times are written as stored (Unix ms).\n";

struct Parsed {
  std::string db, from, to, offset, out;
  bool help = false;
};

int usage_error(const std::string& what) {
  std::cerr << "coldsort export: " << what << "\n" << kUsage;
  return 2;
}

// Integers as they are, reals in the shortest text that reads back to the same double.
std::string value_text(const store::SqlValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char text[32];
    auto [end, ec] = std::to_chars(text, text + sizeof text, *d);
    return ec == std::errc() ? std::string(text, end) : std::string();
  }
  if (const auto* s = std::get_if<std::string>(&v)) return csv_quote(*s);
  return "";
}

void write_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) out << (i ? "," : "") << fields[i];
  out << "\r\n";
}

}  // namespace

int run_export(const Args& args) {
  Parsed p;
  po::options_description options("options");
  options.add_options()("db", po::value(&p.db), "database file")("from", po::value(&p.from), "first local day/time")(
      "to", po::value(&p.to), "last local day (inclusive) or end time (exclusive)")(
      "utc-offset", po::value(&p.offset), "local time zone (default +08:00)")("out", po::value(&p.out),
                                                                               "write to FILE")(
      "help,h", po::bool_switch(&p.help), "this help");
  std::vector<std::string> words;
  if (auto done = read_arguments(args, options, words, "coldsort export", kUsage)) return *done;
  if (words.size() != 1) return usage_error("give one TABLE");
  const auto& tables = store::export_tables();
  if (std::none_of(tables.begin(), tables.end(), [&](const store::ExportTable& t) { return t.name == words[0]; }))
    return usage_error("unknown table \"" + words[0] + "\"");
  if (p.db.empty()) return usage_error("--db FILE is required");
  store::ExportQuery q;
  int offset_min = 8 * 60;  // Huili: UTC+8
  if (!read_range("coldsort export", p.from, p.to, p.offset, q.from_ms, q.to_ms, offset_min)) return 2;
  if (!std::filesystem::exists(p.db)) {
    std::cerr << "coldsort export: no database " << p.db << "\n";
    return 1;
  }
  std::ofstream file;
  if (!p.out.empty()) file.open(p.out, std::ios::binary);
  std::ostream& out = p.out.empty() ? std::cout : file;
  if (!out) {
    std::cerr << "coldsort export: cannot write " << p.out << "\n";
    return 1;
  }
  ProgressBar bar(1000, "export " + words[0]);
  if (bar.enabled()) q.progress = [&bar](double done) { bar.update(static_cast<std::size_t>(done * 1000)); };
  std::vector<std::string> fields;
  auto rows = store::export_table(
      p.db, words[0], q, [&](const std::vector<std::string>& names) { write_row(out, names); },
      [&](const std::vector<store::SqlValue>& values) {
        fields.clear();
        for (const store::SqlValue& v : values) fields.push_back(value_text(v));
        write_row(out, fields);
      });
  bar.finish();
  out.flush();
  if (!rows) {
    std::cerr << "coldsort export: cannot read " << p.db << ": " << rows.error().message() << "\n";
    return 1;
  }
  if (!out) {
    std::cerr << "coldsort export: cannot write " << (p.out.empty() ? "the output" : p.out) << "\n";
    return 1;
  }
  return 0;
}

}  // namespace coldsort::cli
