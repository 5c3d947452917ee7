// coldsort regrade --standard DRAFT.json [options] ARCHIVE_DIR: re-grades the controller's
// archived images under a draft standard and prints the outturn the draft would give next to
// the outturn recorded, weighting sampled fruit by the sample rate they were kept at.
#include <boost/program_options.hpp>

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>

#include "coldsort/app/image_archive.hpp"
#include "coldsort/core/log.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "grade_batch.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;

namespace {

struct Parsed {
  GradeOptions grade;
  std::string csv_file;
  std::string dir;
  bool help = false;
};

const char* kUsage =
    "usage: coldsort regrade --standard DRAFT.json [--config FILE] [--px-per-mm X]\n"
    "                        [--threads N] [--csv OUT] ARCHIVE_DIR\n"
    "Re-grades the archived images (var/archive, or one day folder of it) under DRAFT.json\n"
    "and prints the outturn it would give next to the outturn recorded.\n";

std::optional<int> parse(const Args& args, Parsed& p) {
  po::options_description options("options");
  add_grade_options(options, p.grade, false);
  options.add_options()("csv", po::value(&p.csv_file), "per-fruit recorded vs draft CSV")
      ("help,h", po::bool_switch(&p.help), "this help");
  std::vector<std::string> words;
  if (auto done = read_arguments(args, options, words, "coldsort regrade", kUsage)) return done;
  if (words.size() > 1) {
    std::cerr << "coldsort regrade: one ARCHIVE_DIR, not " << words.size() << "\n" << kUsage;
    return 2;
  }
  if (!words.empty()) p.dir = words.front();
  if (p.grade.standard_file.empty() || p.dir.empty()) {
    std::cerr << "coldsort regrade: --standard DRAFT.json and ARCHIVE_DIR are required\n" << kUsage;
    return 2;
  }
  return std::nullopt;
}

constexpr core::Grade kGrades[] = {core::Grade::extra, core::Grade::class_i, core::Grade::class_ii,
                                   core::Grade::out_of_grade, core::Grade::unknown};

struct Outcome {
  core::Grade grade = core::Grade::unknown;
  std::string size_code;
};

// Weighted fruit per key, recorded and draft.
struct Tally {
  std::map<std::string, double> recorded, draft;
  double total = 0;
};

std::string share(double n, double total) {
  return total > 0 ? format_fixed(100 * n / total, 1) + "%" : "-";
}

void print_tally(std::ostream& out, const std::string& title, const std::vector<std::string>& keys,
                 const Tally& t) {
  out << "\n" << title << " (weighted fruit)\n  " << std::left << std::setw(16) << ""
      << std::right << std::setw(12) << "recorded" << std::setw(8) << "%" << std::setw(12)
      << "draft" << std::setw(8) << "%" << std::setw(12) << "change\n";
  for (const std::string& k : keys) {
    double r = t.recorded.count(k) ? t.recorded.at(k) : 0, d = t.draft.count(k) ? t.draft.at(k) : 0;
    std::string change = (d - r >= 0 ? "+" : "") + format_fixed(d - r, 0);
    out << "  " << std::left << std::setw(16) << k << std::right << std::setw(12)
        << format_fixed(r, 0) << std::setw(8) << share(r, t.total) << std::setw(12)
        << format_fixed(d, 0) << std::setw(8) << share(d, t.total) << std::setw(11) << change << "\n";
  }
}

void print_matrix(std::ostream& out, const std::map<std::pair<int, int>, double>& matrix) {
  out << "\nrecorded grade -> draft grade (weighted fruit)\n  " << std::left << std::setw(16)
      << "recorded\\draft" << std::right;
  for (core::Grade g : kGrades) out << std::setw(13) << core::to_string(g);
  out << "\n";
  for (int r = 0; r < 5; ++r) {
    out << "  " << std::left << std::setw(16) << core::to_string(kGrades[r]) << std::right;
    for (int d = 0; d < 5; ++d) {
      auto it = matrix.find({r, d});
      out << std::setw(13) << format_fixed(it == matrix.end() ? 0 : it->second, 0);
    }
    out << "\n";
  }
}

int index_of(core::Grade g) {
  return static_cast<int>(std::find(std::begin(kGrades), std::end(kGrades), g) - std::begin(kGrades));
}

void print_weighting(std::ostream& out, const std::vector<app::ArchiveRecord>& records, double total) {
  std::size_t required = 0;
  std::map<double, std::size_t> sampled;  // by weight
  for (const app::ArchiveRecord& r : records) {
    if (r.sampled) ++sampled[r.weight];
    else ++required;
  }
  out << "weighting: " << required << " fruit kept as rejects, out of grade or uncertain count"
      << " once each";
  for (const auto& [weight, n] : sampled)
    out << "; " << n << " fruit sampled 1 in " << format_fixed(weight, 0) << " stand for "
        << format_fixed(weight, 0) << " fruit each";
  out << ".\n  The outturn below is therefore an estimate for " << format_fixed(total, 0)
      << " fruit, not a count of images.\n";
}

// Size codes in the draft standard's order, then any others, then "(none)".
std::vector<std::string> size_keys(const core::GradingStandard& draft, const Tally& t) {
  std::vector<std::string> keys;
  for (const core::SizeBand& b : draft.sizes) keys.push_back(b.code);
  std::set<std::string> rest;
  for (const auto* m : {&t.recorded, &t.draft})
    for (const auto& [k, v] : *m)
      if (k != "(none)" && std::find(keys.begin(), keys.end(), k) == keys.end()) rest.insert(k);
  keys.insert(keys.end(), rest.begin(), rest.end());
  keys.push_back("(none)");
  return keys;
}

void report(std::ostream& out, const std::vector<app::ArchiveRecord>& records,
            const std::vector<Outcome>& draft, const core::GradingStandard& standard) {
  Tally by_grade, by_size;
  std::map<std::pair<int, int>, double> matrix;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const app::ArchiveRecord& r = records[i];
    by_grade.recorded[std::string(core::to_string(r.grade))] += r.weight;
    by_grade.draft[std::string(core::to_string(draft[i].grade))] += r.weight;
    by_size.recorded[r.size_code.empty() ? "(none)" : r.size_code] += r.weight;
    by_size.draft[draft[i].size_code.empty() ? "(none)" : draft[i].size_code] += r.weight;
    by_grade.total += r.weight;
    matrix[{index_of(r.grade), index_of(draft[i].grade)}] += r.weight;
  }
  by_size.total = by_grade.total;
  print_weighting(out, records, by_grade.total);
  std::vector<std::string> grade_keys;
  for (core::Grade g : kGrades) grade_keys.emplace_back(core::to_string(g));
  print_tally(out, "outturn by grade", grade_keys, by_grade);
  print_tally(out, "outturn by size code", size_keys(standard, by_size), by_size);
  print_matrix(out, matrix);
}

std::string recorded_standards(const std::vector<app::ArchiveRecord>& records) {
  std::map<std::string, std::size_t> n;
  for (const app::ArchiveRecord& r : records) ++n[r.standard.empty() ? "(not recorded)" : r.standard];
  std::string out;
  for (const auto& [s, count] : n) out += (out.empty() ? "" : ", ") + s + " (" + std::to_string(count) + " fruit)";
  return out;
}

// One grader per image scale: each record is measured at the scale it was taken at.
struct Work {
  std::map<double, vision::FruitGrader> graders;
  std::vector<const vision::FruitGrader*> grader_of;  // per record
  std::vector<ImageGroup> groups;                     // per record
};

Work prepare(const app::ArchiveIndex& index, const GradeSetup& setup, double px_per_mm) {
  Work work;
  for (const app::ArchiveRecord& r : index.records) {
    double scale = px_per_mm > 0 ? px_per_mm : r.px_per_mm > 0 ? r.px_per_mm : setup.measure.px_per_mm;
    vision::MeasureOptions options = setup.measure;
    options.px_per_mm = scale;
    auto it = work.graders.try_emplace(scale, setup.standard, options).first;
    work.grader_of.push_back(&it->second);
    work.groups.push_back({stem_of(r.files.front(), true), r.files});
  }
  return work;
}

}  // namespace

int run_regrade(const Args& args) {
  Parsed p;
  if (auto stop = parse(args, p)) return *stop;
  core::log::set_level(core::log::Level::error);
  auto setup = load_grade_setup(p.grade, std::cerr);
  if (!setup) return 2;
  app::ArchiveIndex index = app::read_archive_index(p.dir);
  for (const std::string& e : index.errors) std::cerr << "coldsort regrade: skipped: " << e << "\n";
  if (index.records.empty()) {
    std::cerr << "coldsort regrade: no archived fruit in " << p.dir
              << " (expected YYYY-MM-DD folders with an index.csv)\n";
    return 2;
  }
  Work work = prepare(index, *setup, p.grade.px_per_mm);
  auto& grader_of = work.grader_of;
  std::vector<Outcome> draft;
  std::ofstream csv_file;
  if (!p.csv_file.empty() && !(csv_file.open(p.csv_file), csv_file)) {
    std::cerr << "coldsort regrade: cannot write " << p.csv_file << "\n";
    return 1;
  }
  CsvWriter csv(csv_file);
  if (csv_file.is_open())
    csv.row({"file", "recorded_grade", "recorded_size_code", "draft_grade", "draft_size_code",
             "draft_reason", "weight"});
  BatchOptions batch;
  batch.threads = p.grade.threads;
  batch.lens = setup->lens.get();
  batch.label = "re-grading";
  BatchSummary summary = grade_batch(
      work.groups, [&](std::size_t i) -> const vision::FruitGrader& { return *grader_of[i]; }, batch,
      [&](const ImageGroup& group, const GradedFruit& fruit) {
        for (const std::string& e : fruit.errors) std::cerr << "coldsort regrade: " << e << "\n";
        draft.push_back({fruit.result.grade, fruit.result.size_code});
        const app::ArchiveRecord& r = index.records[fruit.index];
        if (csv_file.is_open())
          csv.row({group.files.front(), std::string(core::to_string(r.grade)), r.size_code,
                   std::string(core::to_string(fruit.result.grade)), fruit.result.size_code,
                   reason_text(fruit.result), format_fixed(r.weight, 0)});
      });
  std::cout << "archive: " << p.dir << ": " << index.records.size() << " fruit, " << summary.images
            << " images, " << index.days.size() << " day(s)\n"
            << "recorded under: " << recorded_standards(index.records) << "\n"
            << "draft: " << setup->standard_tag() << " (" << p.grade.standard_file << ")\n";
  report(std::cout, index.records, draft, setup->standard);
  if (summary.unreadable_images > 0)
    std::cout << "\n" << summary.unreadable_images
              << " archived image(s) could not be read: graded unknown (camera_drop) under the draft\n";
  std::cerr << "coldsort regrade: " << summary_text(summary) << "\n";
  return 0;
}

}  // namespace coldsort::cli
