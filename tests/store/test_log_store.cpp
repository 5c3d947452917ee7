#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "coldsort/store/log_reader.hpp"
#include "coldsort/store/log_store.hpp"
#include "store_fixtures.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using coldsort::test::LogCapture;
using coldsort::test::make_fruit;
using coldsort::test::open_reader;
using coldsort::test::open_store;
using coldsort::test::TempDir;

namespace {

// The big-endian user_version field of the SQLite file header
// (sqlite.org/fileformat.html, section 1.3: offset 60, 4 bytes).
std::string user_version_bytes(int version) {
  return {static_cast<char>((version >> 24) & 0xff), static_cast<char>((version >> 16) & 0xff),
          static_cast<char>((version >> 8) & 0xff), static_cast<char>(version & 0xff)};
}

}  // namespace

TEST_CASE("a new database is migrated from empty to the current schema", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  LogCapture log;
  { auto s = open_store(path); }
  CHECK(log.has_line_with({"migrating", path, "from schema version 0"}));

  auto reader = open_reader(path);
  auto version = reader.schema_version();
  REQUIRE(version.has_value());
  CHECK(*version == store::current_schema_version());
  CHECK(store::current_schema_version() >= 1);
  // Every table of this schema exists and answers queries.
  CHECK(reader.count_fruit().value() == 0);
  CHECK(reader.alarm_event_rows(10).value().empty());
  CHECK(reader.sensor_sample_rows(10).value().empty());
}

TEST_CASE("reopening keeps the data and does not migrate again", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  {
    auto s = open_store(path);
    for (std::uint64_t i = 0; i < 25; ++i) s->append_fruit(make_fruit(i));
  }
  LogCapture log;
  {
    auto s = open_store(path);
    s->append_fruit(make_fruit(25));
  }
  CHECK_FALSE(log.has_line_with({"migrating"}));
  auto reader = open_reader(path);
  CHECK(reader.schema_version().value() == store::current_schema_version());
  CHECK(reader.count_fruit().value() == 26);
  CHECK(reader.fruit_rows(1, 25).value().at(0).cup == 1025);
}

TEST_CASE("a database from a newer build is refused", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  { auto s = open_store(path); }  // closing the last connection checkpoints the WAL
  const int future = store::current_schema_version() + 1;
  test::patch_file(path, 60, user_version_bytes(future));

  LogCapture log;
  auto opened = store::open_sqlite_store(path, {});
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error() == core::errc::config_invalid);
  CHECK(log.has_line_with({path, "schema version " + std::to_string(future),
                           "up to " + std::to_string(store::current_schema_version())}));
  // Refused without touching it: the stamp is still the future one.
  CHECK(open_reader(path).schema_version().value() == future);
}

TEST_CASE("an uncreatable path is a store_io error naming the path", "[unit][store]") {
  TempDir dir;
  // Tests run as root, so a chmod'ed directory would not stop them; a regular file in
  // the place of a directory stops everyone.
  std::ofstream(dir / "afile") << "not a directory";
  const std::string path = (dir / "afile" / "db.sqlite").string();
  LogCapture log;
  auto opened = store::open_sqlite_store(path, {});
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error() == core::errc::store_io);
  CHECK(log.has_line_with({"cannot open", path, "unable to open"}));
}

TEST_CASE("a file that is not a database is a store_io error", "[unit][store]") {
  TempDir dir;
  const auto file = dir / "garbage.sqlite";
  std::string garbage(8192, '\0');
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<char>(i * 37 + 11);
  std::ofstream(file, std::ios::binary) << garbage;

  LogCapture log;
  auto opened = store::open_sqlite_store(file.string(), {});
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error() == core::errc::store_io);
  CHECK(log.has_line_with({file.string(), "not a database"}));
}

TEST_CASE("a damaged page fails the integrity check at open", "[unit][store]") {
  TempDir dir;
  const std::string path = (dir / "log.sqlite").string();
  {
    auto s = open_store(path);
    for (std::uint64_t i = 0; i < 2000; ++i) s->append_fruit(make_fruit(i));
  }
  REQUIRE(std::filesystem::file_size(path) > 4 * 4096);
  // Page 3 is a b-tree page of this schema (pages 2.. hold the tables and indices in the
  // order migration 1 creates them); fill it with a pattern no b-tree page can have.
  test::patch_file(path, 2 * 4096, std::string(4096, '\xA5'));

  LogCapture log;
  auto opened = store::open_sqlite_store(path, {});
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error() == core::errc::store_io);
  CHECK(log.has_line_with({"damaged", path, "quick_check"}));
}

TEST_CASE("out-of-range options are refused", "[unit][store]") {
  TempDir dir;
  store::StoreOptions options;
  std::string named;
  SECTION("batch_rows") {
    options.batch_rows = 0;
    named = "batch_rows = 0";
  }
  SECTION("batch_ms") {
    options.batch_ms = -1;
    named = "batch_ms = -1";
  }
  SECTION("max_queued") {
    options.max_queued = 0;
    named = "max_queued = 0";
  }
  SECTION("retry_attempts") {
    options.retry_attempts = 0;
    named = "retry_attempts = 0";
  }
  SECTION("retry_backoff_ms") {
    options.retry_backoff_ms = 0;
    named = "retry_backoff_ms = 0";
  }
  SECTION("max_db_bytes") {
    options.max_db_bytes = -5;
    named = "max_db_bytes = -5";
  }
  LogCapture log;
  auto opened = store::open_sqlite_store((dir / "log.sqlite").string(), options);
  REQUIRE_FALSE(opened.has_value());
  CHECK(opened.error() == core::errc::config_invalid);
  CHECK(log.has_line_with({named}));
  CHECK_FALSE(std::filesystem::exists(dir / "log.sqlite"));
}
