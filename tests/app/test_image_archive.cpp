// The controller's image archive (what it keeps, how it stays bounded, what it writes down)
// and `coldsort regrade` over it.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <fstream>
#include <sstream>

#include "coldsort/app/image_archive.hpp"
#include "coldsort/core/log.hpp"
#include "coldsort/vision/synthetic_camera.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

using namespace coldsort;
using app::ArchiveChoice;
using app::ImageArchive;

namespace {

// Noon on consecutive days: in any time zone these fall on three different local dates.
core::WallTime day(int n) {
  return core::WallTime{std::chrono::hours{24 * (20000 + n) + 12}};
}

vision::Image fruit_image(std::uint64_t cup = 3) {
  core::CameraConfig c;
  c.seed = 99;
  c.empty_cup_share = 0;
  vision::SyntheticCamera camera(c);
  auto frame = camera.capture(1, cup, 0, {});
  REQUIRE(frame.has_value());
  return frame->image;
}

app::ArchiveFruit fruit(std::uint64_t cup, core::Grade grade, core::DecisionReason reason,
                        const vision::Image& image, core::WallTime when = day(0)) {
  app::ArchiveFruit a;
  a.fruit.at = {1, cup};
  a.fruit.seen_at = when;
  a.fruit.grade = grade;
  a.fruit.reason = reason;
  a.fruit.size_code = grade == core::Grade::class_i ? "B" : "";
  a.fruit.measured.diameter_mm = 90 + double(cup % 10) * 0.5;
  a.fruit.measured.defect_kinds = core::bit(core::DefectKind::bruise);
  a.fruit.measured.confidence = reason == core::DecisionReason::uncertain ? 0.3 : 1.0;
  a.fruit.measured.doubt = reason == core::DecisionReason::uncertain ? core::Doubt::two_fruit
                                                                     : core::Doubt::none;
  a.standard = "house-diameter-v1@1.0";
  a.views = {image};
  return a;
}

std::uint64_t bytes_under(const std::filesystem::path& root) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

using core::DecisionReason;
using core::Grade;

}  // namespace

TEST_CASE("the archive keeps every reject and uncertain fruit and one in N of the rest",
          "[unit][archive]") {
  test::TempDir dir;
  app::ImageArchiveConfig config;
  config.root = (dir / "archive").string();
  config.sample_one_in = 5;
  config.px_per_mm = 2.5;
  ImageArchive archive(config);
  vision::Image image = fruit_image();
  int kept = 0, sampled = 0;
  for (std::uint64_t cup = 0; cup < 20; ++cup) {
    ArchiveChoice c = archive.offer(fruit(cup, Grade::class_i, DecisionReason::graded, image));
    sampled += c == ArchiveChoice::sampled;
  }
  for (std::uint64_t cup = 20; cup < 23; ++cup)
    kept += archive.offer(fruit(cup, Grade::out_of_grade, DecisionReason::out_of_grade, image)) == ArchiveChoice::kept;
  for (std::uint64_t cup = 23; cup < 25; ++cup)
    kept += archive.offer(fruit(cup, Grade::unknown, DecisionReason::uncertain, image)) == ArchiveChoice::kept;
  CHECK(archive.offer(fruit(25, Grade::unknown, DecisionReason::empty_cup, image)) == ArchiveChoice::skipped);
  CHECK(sampled == 4);
  CHECK(kept == 5);
  CHECK(archive.write_pending() == 9);
  auto counters = archive.counters();
  CHECK(counters.written_fruit == 9);
  CHECK(counters.written_images == 9);
  CHECK(counters.bytes == bytes_under(dir / "archive"));

  app::ArchiveIndex index = app::read_archive_index(config.root);
  INFO((index.errors.empty() ? "" : index.errors.front()));
  CHECK(index.errors.empty());
  REQUIRE(index.records.size() == 9);
  CHECK(index.days == std::vector<std::string>{ImageArchive::day_of(day(0))});
  int weighted = 0;
  for (const app::ArchiveRecord& r : index.records) {
    REQUIRE(r.files.size() == 1);
    CHECK(std::filesystem::exists(r.files[0]));
    CHECK(r.lane == 1);
    CHECK(r.standard == "house-diameter-v1@1.0");
    CHECK(r.px_per_mm == Approx(2.5));
    CHECK(r.measured.diameter_mm == Approx(90 + double(r.cup % 10) * 0.5));
    CHECK(r.measured.defect_kinds == core::bit(core::DefectKind::bruise));
    CHECK(r.time_ms == core::to_unix_ms(day(0)));
    if (r.sampled) {
      CHECK(r.grade == Grade::class_i);
      CHECK(r.weight == 5);
    } else {
      CHECK(r.grade != Grade::class_i);
      CHECK(r.weight == 1);
    }
    weighted += static_cast<int>(r.weight);
  }
  CHECK(weighted == 5 + 4 * 5);
  CHECK(std::filesystem::path(index.records.front().files[0]).filename() == "lane1_cup4_v0.png");
}

TEST_CASE("a full queue drops sampled fruit first and counts every drop", "[unit][archive]") {
  test::TempDir dir;
  app::ImageArchiveConfig config;
  config.root = (dir / "archive").string();
  config.sample_one_in = 1;
  config.queue_fruit = 3;
  ImageArchive archive(config);
  vision::Image image = fruit_image();
  for (std::uint64_t cup = 0; cup < 3; ++cup)
    CHECK(archive.offer(fruit(cup, Grade::extra, DecisionReason::graded, image)) == ArchiveChoice::sampled);
  CHECK(archive.offer(fruit(3, Grade::extra, DecisionReason::graded, image)) == ArchiveChoice::dropped);
  for (std::uint64_t cup = 4; cup < 7; ++cup)  // each pushes out a sampled one
    CHECK(archive.offer(fruit(cup, Grade::out_of_grade, DecisionReason::out_of_grade, image)) == ArchiveChoice::kept);
  CHECK(archive.offer(fruit(7, Grade::unknown, DecisionReason::uncertain, image)) == ArchiveChoice::dropped);
  auto c = archive.counters();
  CHECK(c.dropped_sampled == 4);
  CHECK(c.dropped_kept == 1);
  CHECK(archive.write_pending() == 3);
  auto index = app::read_archive_index(config.root);
  REQUIRE(index.records.size() == 3);
  for (const auto& r : index.records) CHECK(r.grade == Grade::out_of_grade);
}

TEST_CASE("the archive deletes its oldest days to stay under its size bound", "[unit][archive]") {
  test::TempDir dir;
  vision::Image image = fruit_image();
  app::ImageArchiveConfig config;
  config.root = (dir / "archive").string();
  {
    ImageArchive first(config);
    for (std::uint64_t cup = 0; cup < 3; ++cup)
      first.offer(fruit(cup, Grade::unknown, DecisionReason::uncertain, image, day(0)));
    first.write_pending();
  }
  const std::uint64_t one_day = bytes_under(dir / "archive");
  config.max_bytes = one_day * 5 / 2;  // room for two days and a half
  std::vector<std::string> logged;
  std::mutex log_mutex;
  auto previous = core::log::set_sink([&](core::log::Level, std::string_view, std::string_view m) {
    std::lock_guard lock(log_mutex);
    logged.emplace_back(m);
  });
  ImageArchive archive(config);
  archive.start();  // measures day 0 already on disk
  for (int d = 1; d <= 2; ++d)
    for (std::uint64_t cup = 0; cup < 3; ++cup)
      archive.offer(fruit(cup, Grade::unknown, DecisionReason::uncertain, image, day(d)));
  archive.flush();
  auto c = archive.counters();
  CHECK(c.days_deleted == 1);
  CHECK_FALSE(std::filesystem::exists(dir / "archive" / ImageArchive::day_of(day(0))));
  CHECK(std::filesystem::exists(dir / "archive" / ImageArchive::day_of(day(1)) / "index.csv"));
  CHECK(std::filesystem::exists(dir / "archive" / ImageArchive::day_of(day(2)) / "index.csv"));
  CHECK(bytes_under(dir / "archive") <= config.max_bytes);
  CHECK(c.bytes == bytes_under(dir / "archive"));
  archive.stop();
  core::log::set_sink(previous);
  const std::string deleted = "deleted " + ImageArchive::day_of(day(0)) + " (4 files";
  CHECK(std::any_of(logged.begin(), logged.end(),
                    [&](const std::string& m) { return m.find(deleted) != std::string::npos; }));

  config.max_bytes = 100;  // today alone cannot fit: nothing more is written
  ImageArchive tiny(config);
  tiny.offer(fruit(9, Grade::unknown, DecisionReason::uncertain, image, day(2)));
  tiny.write_pending();
  CHECK(tiny.counters().dropped_full == 1);
  CHECK(tiny.counters().written_fruit == 0);
}

namespace {

using Run = coldsort::test::CommandRun;

Run run(const std::string& args) {
  return coldsort::test::run_command(std::string(COLDSORT_CLI) + " " + args);
}

}  // namespace

TEST_CASE("regrade prints the recorded and the draft outturn, weighting the sample",
          "[integration][cli][archive]") {
  test::TempDir dir;
  app::ImageArchiveConfig config;
  config.root = (dir / "archive").string();
  config.sample_one_in = 4;
  config.px_per_mm = 2.0;
  ImageArchive archive(config);
  std::size_t kept = 0, sampled = 0;
  for (std::uint64_t cup = 0; cup < 12; ++cup) {
    vision::Image image = fruit_image(cup);
    bool reject = cup % 4 == 1;
    auto choice = archive.offer(reject ? fruit(cup, Grade::out_of_grade, DecisionReason::out_of_grade, image)
                                       : fruit(cup, Grade::class_i, DecisionReason::graded, image));
    kept += choice == ArchiveChoice::kept;
    sampled += choice == ArchiveChoice::sampled;
  }
  archive.write_pending();
  REQUIRE(kept == 3);
  REQUIRE(sampled == 2);

  std::ifstream in(std::string(COLDSORT_CONFIG_DIR) + "/grading/house-diameter-v1.json");
  std::stringstream text;
  text << in.rdbuf();
  auto draft = boost::json::parse(text.str());
  draft.as_object()["id"] = "house-draft";
  draft.as_object()["version"] = "2.0-rc1";
  std::ofstream(dir / "draft.json") << boost::json::serialize(draft);

  Run r = run("regrade --standard " + (dir / "draft.json").string() + " --config " +
              COLDSORT_CONFIG_DIR + "/default.json " + config.root);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  CHECK(r.output.find("recorded under: house-diameter-v1@1.0 (5 fruit)") != std::string::npos);
  CHECK(r.output.find("draft: house-draft@2.0-rc1") != std::string::npos);
  CHECK(r.output.find("2 fruit sampled 1 in 4 stand for 4 fruit each") != std::string::npos);
  CHECK(r.output.find("estimate for " + std::to_string(kept + 4 * sampled) + " fruit") != std::string::npos);
  CHECK(r.output.find("outturn by grade") != std::string::npos);
  CHECK(r.output.find("outturn by size code") != std::string::npos);
  CHECK(r.output.find("recorded grade -> draft grade") != std::string::npos);

  Run bad = run("regrade --standard " + (dir / "draft.json").string() + " --config " +
                COLDSORT_CONFIG_DIR + "/default.json " + (dir / "nothing").string());
  CHECK(bad.exit_code == 2);
}
