// coldsort report and export as a manager runs them: exit codes, formats, files.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>

#include "coldsort/store/log_store.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

namespace {

using coldsort::test::run_command;
const std::string kCli = COLDSORT_CLI;

// 2026-10-01 10:00 local (UTC+8) in Unix ms.
constexpr std::int64_t kTen = 1'790'820'000'000;

std::string make_db(const coldsort::test::TempDir& dir) {
  const std::string path = (dir / "log.db").string();
  auto store = coldsort::store::open_sqlite_store(path, {});
  REQUIRE(store.has_value());
  for (int i = 0; i < 5; ++i) {
    coldsort::core::Fruit f;
    f.seen_at = coldsort::core::WallTime{std::chrono::milliseconds{kTen + i * 1000}};
    f.grade = coldsort::core::Grade::extra;
    f.measured.weight_g = 400;
    f.lot_id = "L1";
    (*store)->append_fruit(f);
  }
  (*store)->flush();
  return path;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("coldsort report prints a report as table, CSV or JSON", "[integration][cli][reports]") {
  coldsort::test::TempDir dir;
  const std::string db = make_db(dir);
  auto csv = run_command(kCli + " report throughput --db " + db + " --format csv");
  INFO(csv.output);
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.output.find("fruit,weight_kg") != std::string::npos);
  CHECK(csv.output.find(",5,2.000,1,") != std::string::npos);
  auto raw = run_command(kCli + " report throughput --db " + db + " --format csv --raw");
  CHECK(raw.output == csv.output);
  const std::string out = (dir / "outturn.json").string();
  auto json = run_command(kCli + " report outturn --db " + db + " --lot L1 --format json --out " + out);
  REQUIRE(json.exit_code == 0);
  const auto doc = boost::json::parse(read_text(out)).as_object();
  CHECK(doc.at("rows").as_array().at(0).at("fruit_pct").as_double() == 100.0);
  auto table = run_command(kCli + " report cold-chain --db " + db + " --from 2026-10-01 --to 2026-10-01");
  CHECK(table.exit_code == 0);
  CHECK(table.output.find("excursions") != std::string::npos);  // the list follows the summary
}

TEST_CASE("coldsort report names what is wrong: report, option, date, database", "[integration][cli][reports]") {
  coldsort::test::TempDir dir;
  const std::string db = make_db(dir);
  auto name = run_command(kCli + " report tonnage --db " + db);
  CHECK(name.exit_code == 2);
  CHECK(name.output.find("tonnage") != std::string::npos);
  auto date = run_command(kCli + " report throughput --db " + db + " --from 2026-02-30");
  CHECK(date.exit_code == 2);
  CHECK(date.output.find("2026-02-30") != std::string::npos);
  auto by = run_command(kCli + " report throughput --db " + db + " --by week");
  CHECK(by.exit_code == 2);
  CHECK(by.output.find("week") != std::string::npos);
  auto missing = run_command(kCli + " report orders --db " + (dir / "none.db").string());
  CHECK(missing.exit_code == 1);
  CHECK(missing.output.find("none.db") != std::string::npos);
}

TEST_CASE("coldsort export writes a raw table as CSV", "[integration][cli][reports]") {
  coldsort::test::TempDir dir;
  const std::string db = make_db(dir);
  auto all = run_command(kCli + " export fruit --db " + db);
  REQUIRE(all.exit_code == 0);
  CHECK(all.output.rfind("id,t_ms,lane,", 0) == 0);
  CHECK(std::count(all.output.begin(), all.output.end(), '\n') == 6);
  auto none = run_command(kCli + " export fruit --db " + db + " --from 2026-10-02");
  CHECK(std::count(none.output.begin(), none.output.end(), '\n') == 1);
  CHECK(run_command(kCli + " export fruit_hour --db " + db).exit_code == 2);
}
