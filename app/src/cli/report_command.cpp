// coldsort report NAME --db FILE [--from D] [--to D] [--by ...] [--lot L|--worker W|--room R]
// [--utc-offset +08:00] [--shifts ...] [--raw] [--format table|csv|json] [--out FILE]:
// a manager report over the throughput log (store::Reports does the work; no SQL here).
#include <boost/program_options.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "coldsort/store/reports.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "progress_bar.hpp"
#include "report_time.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;

namespace {

const char* kUsage =
    "usage: coldsort report NAME --db FILE [--from D] [--to D] [--by hour|shift|day|period|courier]\n"
    "                       [--lot L | --worker W | --room R] [--utc-offset +08:00]\n"
    "                       [--shifts day=06:00,late=14:00,night=22:00] [--raw]\n"
    "                       [--format table|csv|json] [--out FILE]\n"
    "NAME: throughput, outturn, packers, giveaway, stations, cold-chain, excursions, orders.\n"
    "D: YYYY-MM-DD (local; --to includes that whole day) or YYYY-MM-DDTHH:MM (--to exclusive).\n"
    "--raw computes the figures from the raw rows instead of the rollups (they agree).\n";

struct Parsed {
  std::string db, from, to, by, lot, worker, room, offset, shifts, format = "table", out;
  bool raw = false, help = false;
};

std::optional<int> parse(const Args& args, Parsed& p, std::vector<std::string>& words) {
  po::options_description options("options");
  options.add_options()("db", po::value(&p.db), "database file")("from", po::value(&p.from), "first local day/time")(
      "to", po::value(&p.to), "last local day (inclusive) or end time (exclusive)")(
      "by", po::value(&p.by), "grouping")("lot", po::value(&p.lot), "outturn: one lot")(
      "worker", po::value(&p.worker), "packers: one worker, box by box")("room", po::value(&p.room),
                                                                          "cold-chain, excursions: one room")(
      "utc-offset", po::value(&p.offset), "local time zone (default +08:00)")(
      "shifts", po::value(&p.shifts), "shift starts for --by shift")("raw", po::bool_switch(&p.raw),
                                                                      "read raw rows, not rollups")(
      "format", po::value(&p.format), "table, csv or json")("out", po::value(&p.out), "write to FILE")(
      "help,h", po::bool_switch(&p.help), "this help");
  return read_arguments(args, options, words, "coldsort report", kUsage);
}

int usage_error(const std::string& what) {
  std::cerr << "coldsort report: " << what << "\n" << kUsage;
  return 2;
}

// Fills the query's filter from the one of --lot/--worker/--room the report takes.
std::optional<int> read_filter(const std::string& name, const Parsed& p, store::ReportQuery& q) {
  const std::pair<const char*, const std::string*> filters[] = {
      {"lot", &p.lot}, {"worker", &p.worker}, {"room", &p.room}};
  const char* wanted = name == "outturn" ? "lot" : name == "packers" ? "worker"
                       : (name == "cold-chain" || name == "excursions") ? "room" : "";
  for (const auto& [option, value] : filters) {
    if (value->empty()) continue;
    if (std::string_view(option) != wanted)
      return usage_error("--" + std::string(option) + " does not apply to report " + name);
    q.filter = *value;
  }
  return std::nullopt;
}

std::optional<int> build_query(const std::string& name, const Parsed& p, store::ReportQuery& q) {
  if (!read_range("coldsort report", p.from, p.to, p.offset, q.from_ms, q.to_ms, q.utc_offset_min)) return 2;
  if (auto bad = read_filter(name, p, q)) return bad;
  q.group_by = p.by;
  if (!p.shifts.empty()) {
    auto shifts = parse_shifts(p.shifts);
    if (!shifts) return usage_error("bad --shifts \"" + p.shifts + "\" (want name=HH:MM,... with distinct starts)");
    q.shifts = *shifts;
  }
  q.source = p.raw ? store::ReportSource::raw : store::ReportSource::rollups;
  return std::nullopt;
}

// cold-chain in table and JSON form carries its excursion list after the summary.
std::string render(const store::Reports& reports, const std::string& name, const store::ReportQuery& q,
                   const store::ReportTable& table, store::ReportFormat format, bool& ok) {
  std::string text = store::format_report(table, format);
  ok = true;
  if (name != "cold-chain" || format == store::ReportFormat::csv) return text;
  store::ReportQuery list_query = q;
  list_query.progress = nullptr;
  auto list = reports.run("excursions", list_query);
  if (!list) {
    ok = false;
    return text;
  }
  const std::string more = store::format_report(*list, format);
  if (format == store::ReportFormat::json) return text.substr(0, text.size() - 1) + ",\"excursions\":" + more + "}";
  return text + "\n" + more;
}

int report_failed(const std::string& db, const boost::system::error_code& ec) {
  const bool bad = ec == core::make_error_code(core::errc::config_invalid);
  std::cerr << "coldsort report: " << (bad ? "bad query" : "cannot read " + db) << ": " << ec.message() << "\n";
  return bad ? 2 : 1;
}

}  // namespace

int run_report(const Args& args) {
  Parsed p;
  std::vector<std::string> words;
  if (auto done = parse(args, p, words)) return *done;
  if (words.size() != 1) return usage_error("give one report NAME");
  const std::string& name = words[0];
  const auto& names = store::report_names();
  if (std::find(names.begin(), names.end(), name) == names.end()) return usage_error("unknown report \"" + name + "\"");
  if (p.db.empty()) return usage_error("--db FILE is required");
  const std::optional<store::ReportFormat> format =
      p.format == "table" ? store::ReportFormat::table : p.format == "csv" ? store::ReportFormat::csv
                         : p.format == "json" ? std::optional(store::ReportFormat::json) : std::nullopt;
  if (!format) return usage_error("unknown --format \"" + p.format + "\" (table, csv or json)");
  store::ReportQuery q;
  if (auto bad = build_query(name, p, q)) return *bad;
  if (!std::filesystem::exists(p.db)) {
    std::cerr << "coldsort report: no database " << p.db << "\n";
    return 1;
  }
  auto reports = store::Reports::open(p.db);
  if (!reports) return report_failed(p.db, reports.error());
  // Raw runs read every row in the range: show how far they are (on a terminal only).
  ProgressBar bar(1000, "report " + name);
  if (p.raw) q.progress = [&bar](double done) { bar.update(static_cast<std::size_t>(done * 1000)); };
  auto table = reports->run(name, q);
  bar.finish();
  if (!table) return report_failed(p.db, table.error());
  bool ok = true;
  const std::string text = render(*reports, name, q, *table, *format, ok);
  if (!ok) return 1;
  if (p.out.empty()) {
    std::cout << text << (*format == store::ReportFormat::json ? "\n" : "");
    return 0;
  }
  std::ofstream out(p.out, std::ios::binary);
  out << text << (*format == store::ReportFormat::json ? "\n" : "");
  if (!out) {
    std::cerr << "coldsort report: cannot write " << p.out << "\n";
    return 1;
  }
  return 0;
}

}  // namespace coldsort::cli
