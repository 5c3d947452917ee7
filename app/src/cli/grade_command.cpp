// coldsort grade [options] PATH...: grades image files and folders, one CSV row per fruit.
#include <unistd.h>

#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

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
  std::string debug_dir;
  std::vector<std::string> paths;
  bool help = false;
};

const char* kUsage =
    "usage: coldsort grade [--config FILE] [--standard FILE] [--px-per-mm X] [--views K]\n"
    "                      [--csv OUT] [--debug-dir D] [--threads N] PATH...\n"
    "Grades image files and folders (recursive, name order; .png .jpg .jpeg .bmp) and writes\n"
    "one CSV row per fruit to OUT or stdout. Exit 0 when every image was processed (even if\n"
    "some could not be read), 2 on bad usage, config or standard.\n";

// Returns an exit code when the command should stop here.
std::optional<int> parse(const Args& args, Parsed& p) {
  po::options_description options("options");
  add_grade_options(options, p.grade);
  options.add_options()("csv", po::value(&p.csv_file), "write the CSV here (default: stdout)")
      ("debug-dir", po::value(&p.debug_dir), "write an overlay PNG per image here")
      ("help,h", po::bool_switch(&p.help), "this help");
  if (auto done = read_arguments(args, options, p.paths, "coldsort grade", kUsage)) return done;
  if (p.paths.empty() || p.grade.views < 1 || p.grade.views > 16 || p.grade.threads < 0) {
    std::cerr << (p.paths.empty() ? "coldsort grade: no PATH given\n"
                                   : "coldsort grade: --views must be 1..16 and --threads >= 0\n")
              << kUsage;
    return 2;
  }
  return std::nullopt;
}

std::optional<std::vector<ImageGroup>> collect(const Parsed& p) {
  ImageList list = expand_image_paths(p.paths);
  for (const std::string& m : list.missing)
    std::cerr << "coldsort grade: " << m << ": no such file or folder\n";
  if (!list.missing.empty()) return std::nullopt;
  for (const std::string& s : list.skipped)
    std::cerr << "coldsort grade: " << s << ": not an image file (.png .jpg .jpeg .bmp), skipped\n";
  if (list.files.empty()) {
    std::cerr << "coldsort grade: no image files in " << core::join_names(p.paths) << "\n";
    return std::nullopt;
  }
  return group_views(list.files, p.grade.views);
}

}  // namespace

int run_grade(const Args& args) {
  Parsed p;
  if (auto stop = parse(args, p)) return *stop;
  core::log::set_level(core::log::Level::error);  // unreadable images are reported below
  auto setup = load_grade_setup(p.grade, std::cerr);
  if (!setup) return 2;
  auto groups = collect(p);
  if (!groups) return 2;
  for (const std::string& note : setup->notes) std::cerr << "coldsort grade: note: " << note << "\n";

  std::ofstream file;
  if (!p.csv_file.empty()) {
    file.open(p.csv_file, std::ios::out | std::ios::trunc);
    if (!file) {
      std::cerr << "coldsort grade: cannot write " << p.csv_file << "\n";
      return 1;
    }
  }
  std::error_code ec;
  if (!p.debug_dir.empty() && (std::filesystem::create_directories(p.debug_dir, ec), ec)) {
    std::cerr << "coldsort grade: cannot create " << p.debug_dir << ": " << ec.message() << "\n";
    return 1;
  }
  std::ostream& out = p.csv_file.empty() ? std::cout : file;
  CsvWriter csv(out);
  csv.row(grade_csv_header());
  vision::FruitGrader grader(setup->standard, setup->measure);
  const std::string tag = setup->standard_tag();
  BatchOptions batch;
  batch.threads = p.grade.threads;
  batch.lens = setup->lens.get();
  batch.debug_dir = p.debug_dir;
  // Rows printed on the same terminal would tear the bar apart.
  batch.progress = !(p.csv_file.empty() && ::isatty(STDOUT_FILENO) == 1);
  BatchSummary summary = grade_batch(
      *groups, [&](std::size_t) -> const vision::FruitGrader& { return grader; }, batch,
      [&](const ImageGroup& group, const GradedFruit& fruit) {
        for (const std::string& e : fruit.errors) std::cerr << "coldsort grade: " << e << "\n";
        write_grade_row(csv, group, fruit, tag);
      });
  out.flush();
  std::cerr << "coldsort grade: " << summary_text(summary) << "\n";
  if (summary.unreadable_images > 0)
    std::cerr << "coldsort grade: " << summary.unreadable_images
              << " image(s) could not be read (rows written with reason camera_drop)\n";
  if (!out) {
    std::cerr << "coldsort grade: writing " << (p.csv_file.empty() ? "stdout" : p.csv_file)
              << " failed (disk full?)\n";
    return 1;
  }
  return 0;
}

}  // namespace coldsort::cli
