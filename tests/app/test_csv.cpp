// CSV reading and writing for the CLI (truth files, grade output, the image archive index),
// and the small CLI helpers beside it: image path expansion, view grouping, progress bar.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "csv.hpp"
#include "image_files.hpp"
#include "progress_bar.hpp"
#include "temp_dir.hpp"

using namespace coldsort::cli;

TEST_CASE("quoted fields keep commas, quotes and line breaks, with each record's line",
          "[unit][cli]") {
  std::string text =
      "file,note,n\r\n"
      "a.png,\"red, ripe\",1\r\n"
      "\"b \"\"x\"\".png\",\"two\nlines\",2\n"
      "\n"
      "c.png,,3";
  CsvParse p = parse_csv(text);
  REQUIRE_FALSE(p.error);
  REQUIRE(p.records.size() == 4);
  CHECK(p.records[1].fields == std::vector<std::string>{"a.png", "red, ripe", "1"});
  CHECK(p.records[2].fields == std::vector<std::string>{"b \"x\".png", "two\nlines", "2"});
  CHECK(p.records[2].line == 3);
  CHECK(p.records[3].line == 6);  // after a two-line record and a blank line
  CHECK(p.records[3].fields == std::vector<std::string>{"c.png", "", "3"});
}

TEST_CASE("a byte-order mark is ignored and a final newline adds no record", "[unit][cli]") {
  CsvParse p = parse_csv("\xEF\xBB\xBF" "file\nx.png\n");
  REQUIRE_FALSE(p.error);
  REQUIRE(p.records.size() == 2);
  CHECK(p.records[0].fields[0] == "file");
}

TEST_CASE("syntax errors name the line they are on", "[unit][cli]") {
  CsvParse open = parse_csv("file,n\nx.png,1\ny.png,\"2\nz.png,3\n");
  REQUIRE(open.error);
  CHECK(open.error->line == 3);  // where the quote was opened
  CHECK(open.error->message.find("never closed") != std::string::npos);
  CsvParse after = parse_csv("file\n\"x.png\"junk\n");
  REQUIRE(after.error);
  CHECK(after.error->line == 2);
  CsvParse stray = parse_csv("a\nb\nc\"d\n");
  REQUIRE(stray.error);
  CHECK(stray.error->line == 3);
}

TEST_CASE("a table needs a header, unique columns and rows as wide as the header",
          "[unit][cli]") {
  CsvTable good = CsvTable::from_text("file, diameter_mm\na.png,80\n", "t.csv");
  REQUIRE(good.ok());
  CHECK(good.column("diameter_mm") == std::optional<std::size_t>(1));  // header trimmed
  CHECK(good.field(good.rows()[0], "diameter_mm") == "80");
  CHECK(good.field(good.rows()[0], "absent").empty());
  CHECK(good.where(good.rows()[0], "diameter_mm") == "t.csv:2: diameter_mm");

  CsvTable narrow = CsvTable::from_text("file,a\nx,1\ny\n", "t.csv");
  CHECK(narrow.error() == "t.csv:3: 1 fields, but the header has 2");
  CHECK(CsvTable::from_text("", "t.csv").error().find("header") != std::string::npos);
  CHECK(CsvTable::from_text("a,a\n", "t.csv").error().find("appears twice") != std::string::npos);
  CHECK(CsvTable::read("/nonexistent/t.csv").error().find("cannot open") != std::string::npos);
}

TEST_CASE("what the writer writes reads back field for field", "[unit][cli]") {
  std::vector<std::string> fields = {"plain", "a,b", "say \"hi\"", "two\nlines", " padded ", ""};
  std::ostringstream out;
  CsvWriter csv(out);
  csv.row(fields);
  csv.number(1.23456, 2).integer(-7).number(std::nan(""), 1).end_row();
  CsvParse p = parse_csv(out.str());
  REQUIRE_FALSE(p.error);
  REQUIRE(p.records.size() == 2);
  CHECK(p.records[0].fields == fields);
  CHECK(p.records[1].fields == std::vector<std::string>{"1.23", "-7", ""});
  CHECK(csv_quote("plain") == "plain");
  CHECK(format_fixed(-0.001, 2) == "0.00");
}

TEST_CASE("numbers parse only when the whole field is a number", "[unit][cli]") {
  CHECK(parse_double(" 12.5 ") == std::optional<double>(12.5));
  CHECK(parse_double("+3") == std::optional<double>(3));
  CHECK_FALSE(parse_double("12.5mm"));
  CHECK_FALSE(parse_double(""));
  CHECK_FALSE(parse_double("nan"));
  CHECK(parse_int("42") == std::optional<std::int64_t>(42));
  CHECK_FALSE(parse_int("4.2"));
}

TEST_CASE("paths expand to image files in name order, folders recursively", "[unit][cli]") {
  coldsort::test::TempDir dir;
  std::filesystem::create_directories(dir / "b" / "deep");
  for (const char* name : {"b/2.png", "b/1.JPG", "b/deep/0.jpeg", "b/notes.txt", "a.bmp", "x.txt"})
    std::ofstream(dir / name) << "x";
  ImageList list = expand_image_paths(
      {(dir / "b").string(), (dir / "a.bmp").string(), (dir / "x.txt").string(), (dir / "none").string()});
  CHECK(list.files == std::vector<std::string>{(dir / "b/1.JPG").string(), (dir / "b/2.png").string(),
                                               (dir / "b/deep/0.jpeg").string(),
                                               (dir / "a.bmp").string()});
  CHECK(list.skipped == std::vector<std::string>{(dir / "x.txt").string()});
  CHECK(list.missing == std::vector<std::string>{(dir / "none").string()});
}

TEST_CASE("views group by their stem, or K consecutive files", "[unit][cli]") {
  auto named = group_views({"d/c2_v1.png", "d/c1_v0.png", "d/c2_v0.png", "d/c1_v1.png", "d/c2_v10.png"}, 2);
  REQUIRE(named.size() == 2);
  CHECK(named[0].key == "c2");
  CHECK(named[0].files == std::vector<std::string>{"d/c2_v0.png", "d/c2_v1.png", "d/c2_v10.png"});
  CHECK(named[1].files == std::vector<std::string>{"d/c1_v0.png", "d/c1_v1.png"});
  auto counted = group_views({"a.png", "b.png", "c.png"}, 2);
  REQUIRE(counted.size() == 2);
  CHECK(counted[0].files.size() == 2);
  CHECK(counted[1].files == std::vector<std::string>{"c.png"});
  CHECK(group_views({"a.png", "b.png"}, 1).size() == 2);
  CHECK(stem_of("x/cup7_v3.png", true) == "cup7");
  CHECK(stem_of("x/cup7_v3.png") == "cup7_v3");
}

TEST_CASE("the progress bar shows count, rate and time left, and redraws at most 10/s",
          "[unit][cli]") {
  std::ostringstream out;
  ProgressBar bar(200, "grading", out, true);
  CHECK(bar.render(50, 10.0).find("50/200  25%  5.0/s  ETA 0:30") != std::string::npos);
  auto t0 = ProgressBar::Clock::now();
  bar.update(1, t0);
  std::size_t drawn = out.str().size();
  bar.update(2, t0 + std::chrono::milliseconds(50));  // too soon: no redraw
  CHECK(out.str().size() == drawn);
  bar.update(3, t0 + std::chrono::milliseconds(150));
  CHECK(out.str().size() > drawn);
  std::ostringstream quiet;
  ProgressBar off(10, "x", quiet, false);
  off.update(5);
  off.finish();
  CHECK(quiet.str().empty());
  CHECK(format_duration(3725) == "1:02:05");
}
