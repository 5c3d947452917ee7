// Reading the image archive's index.csv files back (for `coldsort regrade`).
#include <algorithm>
#include <filesystem>
#include <optional>

#include "cli/csv.hpp"
#include "coldsort/app/image_archive.hpp"

namespace coldsort::app {
namespace fs = std::filesystem;
using cli::CsvRecord;
using cli::CsvTable;

namespace {

// Reads one row's fields; the first bad field becomes `error` and the row is skipped.
class RowReader {
 public:
  RowReader(const CsvTable& table, const CsvRecord& row) : table_(table), row_(row) {}

  double number(std::string_view column, double fallback = 0) {
    std::string_view text = table_.field(row_, column);
    if (text.empty()) return fallback;
    auto value = cli::parse_double(text);
    if (!value) fail(column, "expected a number, got \"" + std::string(text) + "\"");
    return value.value_or(fallback);
  }
  std::int64_t integer(std::string_view column) {
    std::string_view text = table_.field(row_, column);
    if (text.empty()) return 0;
    auto value = cli::parse_int(text);
    if (!value || *value < 0) fail(column, "expected a whole number >= 0, got \"" + std::string(text) + "\"");
    return value.value_or(0);
  }
  std::string text(std::string_view column) { return std::string(table_.field(row_, column)); }
  void fail(std::string_view column, const std::string& message) {
    if (error_.empty()) error_ = table_.where(row_, column) + ": " + message;
  }
  const std::string& error() const { return error_; }

 private:
  const CsvTable& table_;
  const CsvRecord& row_;
  std::string error_;
};

core::DefectKinds parse_kinds(RowReader& r, const std::string& text) {
  core::DefectKinds kinds = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.find('+', start), text.size());
    auto kind = core::parse_defect_kind(text.substr(start, end - start));
    if (kind) kinds |= core::bit(*kind);
    else r.fail("defect_kinds", "unknown defect kind in \"" + text + "\"");
    start = end + 1;
  }
  return kinds;
}

void read_measurement(RowReader& r, core::Measurement& m) {
  m.diameter_mm = r.number("diameter_mm");
  m.minor_diameter_mm = r.number("minor_mm");
  m.area_mm2 = r.number("area_mm2");
  m.volume_cm3 = r.number("volume_cm3");
  m.weight_g = r.number("weight_g");
  m.colour_class = r.text("colour_class");
  m.colour_share = r.number("colour_share");
  m.mean_hue_deg = r.number("hue_deg");
  m.lab_l = r.number("lab_l");
  m.lab_a = r.number("lab_a");
  m.lab_b = r.number("lab_b");
  m.defect_area_mm2 = r.number("defect_mm2");
  m.defect_share = r.number("defect_share");
  m.largest_defect_mm2 = r.number("largest_defect_mm2");
  m.defect_count = static_cast<int>(r.integer("defect_count"));
  m.defect_kinds = parse_kinds(r, r.text("defect_kinds"));
  m.confidence = r.number("confidence");
  m.views = static_cast<int>(std::max<std::int64_t>(1, r.integer("views")));
}

std::optional<ArchiveRecord> read_record(const CsvTable& table, const CsvRecord& row,
                                         const fs::path& dir, std::string& error) {
  RowReader r(table, row);
  ArchiveRecord rec;
  rec.day_dir = dir.string();
  rec.line = row.line;
  std::string files = r.text("file");
  for (std::size_t start = 0; start < files.size();) {
    std::size_t end = std::min(files.find(';', start), files.size());
    if (end > start) rec.files.push_back((dir / files.substr(start, end - start)).string());
    start = end + 1;
  }
  if (rec.files.empty()) r.fail("file", "no image file named");
  rec.time_ms = static_cast<std::int64_t>(r.number("time_ms"));
  rec.lane = static_cast<int>(r.integer("lane"));
  rec.cup = static_cast<std::uint64_t>(r.integer("cup"));
  std::string grade = r.text("grade");
  if (auto g = core::parse_grade(grade)) rec.grade = *g;
  else r.fail("grade", "unknown grade \"" + grade + "\"");
  rec.size_code = r.text("size_code");
  rec.reason = r.text("reason");
  rec.standard = r.text("standard");
  rec.sampled = r.text("kept") == "sampled";
  rec.weight = r.number("weight", 1);
  if (rec.weight <= 0) r.fail("weight", "must be > 0");
  rec.px_per_mm = r.number("px_per_mm");
  read_measurement(r, rec.measured);
  if (!r.error().empty()) {
    error = r.error();
    return std::nullopt;
  }
  return rec;
}

void read_day(const fs::path& dir, ArchiveIndex& out) {
  CsvTable table = CsvTable::read((dir / "index.csv").string());
  if (!table.ok()) {
    out.errors.push_back(table.error());
    return;
  }
  for (const char* required : {"file", "grade"}) {
    if (!table.column(required)) {
      out.errors.push_back(table.name() + ": no \"" + required + "\" column");
      return;
    }
  }
  out.days.push_back(dir.filename().string());
  for (const CsvRecord& row : table.rows()) {
    std::string error;
    if (auto rec = read_record(table, row, dir, error)) out.records.push_back(std::move(*rec));
    else out.errors.push_back(error);
  }
}

}  // namespace

ArchiveIndex read_archive_index(const std::string& dir) {
  ArchiveIndex out;
  std::error_code ec;
  if (fs::is_regular_file(fs::path(dir) / "index.csv", ec)) {
    read_day(dir, out);
    return out;
  }
  if (!fs::is_directory(dir, ec)) {
    out.errors.push_back(dir + ": not an archive folder (no such folder)");
    return out;
  }
  std::vector<fs::path> days;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_directory(entry_ec) && fs::is_regular_file(it->path() / "index.csv", entry_ec))
      days.push_back(it->path());
  }
  std::sort(days.begin(), days.end());
  for (const fs::path& day : days) read_day(day, out);
  return out;
}

}  // namespace coldsort::app
