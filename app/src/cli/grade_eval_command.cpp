// coldsort grade-eval --truth truth.csv [options] PATH...: grades images and scores the
// result against known truth (diameter error, defect detection, grade agreement, doubt).
#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "coldsort/core/log.hpp"
#include "command_line.hpp"
#include "commands.hpp"
#include "grade_batch.hpp"
#include "grade_scores.hpp"

namespace coldsort::cli {
namespace po = boost::program_options;

namespace {

struct Parsed {
  GradeOptions grade;
  std::string truth_file;
  std::string csv_file;
  double threshold_mm2 = 50;
  bool json = false;
  bool help = false;
  std::vector<std::string> paths;
};

const char* kUsage =
    "usage: coldsort grade-eval --truth TRUTH.csv [--config FILE] [--standard FILE]\n"
    "         [--px-per-mm X] [--views K] [--threads N] [--csv OUT] [--json]\n"
    "         [--defect-threshold-mm2 T] PATH...\n"
    "Grades PATH and scores it against TRUTH.csv (header row; column file and any of\n"
    "diameter_mm, defect_mm2, grade, present, doubt; rows joined by image base name).\n";

std::optional<int> parse(const Args& args, Parsed& p) {
  po::options_description options("options");
  options.add_options()("truth", po::value(&p.truth_file)->required(), "truth CSV");
  add_grade_options(options, p.grade);
  options.add_options()("csv", po::value(&p.csv_file), "also write the grade CSV here")
      ("json", po::bool_switch(&p.json), "print the scores as JSON")
      ("defect-threshold-mm2", po::value(&p.threshold_mm2), "\"has a defect\" from this area (50)")
      ("help,h", po::bool_switch(&p.help), "this help");
  if (auto done = read_arguments(args, options, p.paths, "coldsort grade-eval", kUsage))
    return done;
  if (p.paths.empty() || p.grade.views < 1 || p.grade.views > 16 || p.threshold_mm2 < 0) {
    std::cerr << "coldsort grade-eval: give PATH; --views 1..16; threshold >= 0\n" << kUsage;
    return 2;
  }
  return std::nullopt;
}

// The value as the grade CSV writes it, so the scores match a scorer reading that CSV.
double as_written(double value, int decimals) {
  return parse_double(format_fixed(value, decimals)).value_or(0);
}

GradedRow graded_row(const ImageGroup& group, const GradedFruit& fruit) {
  GradedRow g;
  g.file = group.files.front();
  g.key = group.key;
  g.files = group.files;
  g.measured = is_measured(fruit.result);
  g.diameter_mm = as_written(fruit.result.measured.diameter_mm, 2);
  g.defect_mm2 = as_written(fruit.result.measured.defect_area_mm2, 1);
  g.grade = fruit.result.grade;
  g.reason = reason_text(fruit.result);
  return g;
}

boost::json::value opt(const std::optional<double>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

boost::json::object ratio(const Ratio& r) {
  return {{"hits", r.hits}, {"of", r.of}, {"share", opt(r.value())}};
}

const char* const kGradeNames[kGrades] = {"extra", "class_i", "class_ii", "out_of_grade", "unknown"};

boost::json::object to_json(const Scores& s, const BatchSummary& b, std::size_t truth_rows,
                            const std::vector<std::string>& no_image,
                            const std::vector<std::string>& no_truth) {
  boost::json::object confusion;
  for (int t = 0; t < kGrades; ++t) {
    boost::json::object row;
    for (int g = 0; g < kGrades; ++g) row[kGradeNames[g]] = s.confusion[t][g];
    confusion[kGradeNames[t]] = row;
  }
  return {
      {"images", b.images}, {"fruit", b.fruit}, {"unreadable_images", b.unreadable_images},
      {"truth_rows", truth_rows}, {"matched", b.fruit - no_truth.size()},
      {"truth_without_image", boost::json::value_from(no_image)},
      {"images_without_truth", boost::json::value_from(no_truth)},
      {"diameter", {{"n", s.diameter_n}, {"mae_mm", s.diameter_mae_mm}, {"p95_mm", s.diameter_p95_mm},
                    {"max_mm", s.diameter_max_mm}, {"bias_mm", s.diameter_bias_mm}}},
      {"defects", {{"threshold_mm2", s.defect_threshold_mm2}, {"tp", s.tp}, {"fp", s.fp},
                   {"fn", s.fn}, {"tn", s.tn}, {"precision", opt(s.precision)},
                   {"recall", opt(s.recall)}, {"f1", opt(s.f1)}, {"recall_50", ratio(s.recall_50)},
                   {"false_alarm", ratio(s.false_alarm)},
                   {"false_alarm_any", ratio(s.false_alarm_any)}}},
      {"grades", {{"confusion", confusion}, {"agreement", ratio(s.agreement)}}},
      {"doubt", {{"graded_unknown", ratio(s.doubt_unknown)},
                 {"uncertain_without_truth_doubt", s.uncertain_without_doubt},
                 {"empty_cups_detected", ratio(s.empty_detected)}}},
      {"throughput", {{"seconds", b.seconds}, {"images_per_s", b.images_per_s()}}}};
}

std::string pct(const Ratio& r) {
  auto v = r.value();
  return (v ? format_fixed(*v * 100, 1) + "%" : std::string("n/a")) + " (" +
         std::to_string(r.hits) + " of " + std::to_string(r.of) + ")";
}

std::string num(const std::optional<double>& v) { return v ? format_fixed(*v, 3) : "n/a"; }

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < 5; ++i) out += (i ? ", " : "") + names[i];
  return names.size() > 5 ? out + ", ..." : out;
}

void print_text(std::ostream& out, const Scores& s, const BatchSummary& b, std::size_t truth_rows,
                const std::vector<std::string>& no_image, const std::vector<std::string>& no_truth) {
  out << "images: " << b.images << " (" << b.fruit << " fruit), truth rows " << truth_rows
      << ", matched " << b.fruit - no_truth.size() << "\n";
  if (!no_image.empty()) out << "  truth rows without an image: " << no_image.size() << " (" << listed(no_image) << ")\n";
  if (!no_truth.empty()) out << "  images without truth: " << no_truth.size() << " (" << listed(no_truth) << ")\n";
  out << "diameter over " << s.diameter_n << " fruit (present, no doubt in truth): MAE "
      << format_fixed(s.diameter_mae_mm, 2) << " mm, p95 " << format_fixed(s.diameter_p95_mm, 2)
      << " mm, max " << format_fixed(s.diameter_max_mm, 2) << " mm, bias "
      << format_fixed(s.diameter_bias_mm, 2) << " mm\n";
  out << "defects (has a defect = >= " << format_fixed(s.defect_threshold_mm2, 0)
      << " mm2): precision " << num(s.precision) << ", recall " << num(s.recall) << ", F1 "
      << num(s.f1) << " (TP " << s.tp << ", FP " << s.fp << ", FN " << s.fn << ", TN " << s.tn << ")\n";
  out << "  defects >= 50 mm2 found: " << pct(s.recall_50) << "\n";
  out << "  clean fruit flagged: " << pct(s.false_alarm) << "; with any defect reported: "
      << pct(s.false_alarm_any) << "\n";
  out << "grades: agreement " << pct(s.agreement) << "\n  truth \\ graded ";
  for (const char* g : kGradeNames) out << std::setw(13) << g;
  out << "\n";
  for (int t = 0; t < kGrades; ++t) {
    out << "  " << std::left << std::setw(15) << kGradeNames[t] << std::right;
    for (int g = 0; g < kGrades; ++g) out << std::setw(13) << s.confusion[t][g];
    out << "\n";
  }
  out << "doubt: doubtful in truth graded unknown " << pct(s.doubt_unknown)
      << "; graded uncertain without a doubt in truth: " << s.uncertain_without_doubt << "\n";
  if (s.empty_detected.of > 0) out << "empty cups graded empty_cup: " << pct(s.empty_detected) << "\n";
  out << "throughput: " << b.images << " images in " << format_fixed(b.seconds, 2) << " s = "
      << format_fixed(b.images_per_s(), 1) << " images/s\n";
}

}  // namespace

int run_grade_eval(const Args& args) {
  Parsed p;
  if (auto stop = parse(args, p)) return *stop;
  core::log::set_level(core::log::Level::error);
  Truth truth = read_truth(p.truth_file);
  if (!truth.error.empty()) {
    std::cerr << "coldsort grade-eval: bad truth: " << truth.error << "\n";
    return 2;
  }
  auto setup = load_grade_setup(p.grade, std::cerr);
  if (!setup) return 2;
  ImageList list = expand_image_paths(p.paths);
  for (const std::string& m : list.missing) std::cerr << "coldsort grade-eval: " << m << ": no such file or folder\n";
  if (!list.missing.empty() || list.files.empty()) {
    if (list.files.empty()) std::cerr << "coldsort grade-eval: no image files to grade\n";
    return 2;
  }
  std::ofstream csv_file;
  if (!p.csv_file.empty() && !(csv_file.open(p.csv_file), csv_file)) {
    std::cerr << "coldsort grade-eval: cannot write " << p.csv_file << "\n";
    return 1;
  }
  CsvWriter csv(csv_file);
  if (csv_file.is_open()) csv.row(grade_csv_header());
  auto groups = group_views(list.files, p.grade.views);
  vision::FruitGrader grader(setup->standard, setup->measure);
  std::vector<GradedRow> graded;
  BatchOptions batch;
  batch.threads = p.grade.threads;
  batch.lens = setup->lens.get();
  BatchSummary summary = grade_batch(
      groups, [&](std::size_t) -> const vision::FruitGrader& { return grader; }, batch,
      [&](const ImageGroup& group, const GradedFruit& fruit) {
        for (const std::string& e : fruit.errors) std::cerr << "coldsort grade-eval: " << e << "\n";
        if (csv_file.is_open()) write_grade_row(csv, group, fruit, setup->standard_tag());
        graded.push_back(graded_row(group, fruit));
      });
  std::vector<std::string> no_image, no_truth;
  for (std::size_t i : join_truth(graded, truth)) no_image.push_back(truth.rows[i].file);
  for (const GradedRow& g : graded)
    if (g.truth < 0) no_truth.push_back(g.file);
  Scores scores = score(graded, truth, p.threshold_mm2);
  if (p.json) {
    auto doc = to_json(scores, summary, truth.rows.size(), no_image, no_truth);
    doc["standard"] = setup->standard_tag();
    std::cout << boost::json::serialize(doc) << "\n";
  } else {
    std::cout << "standard: " << setup->standard_tag() << "\n";
    print_text(std::cout, scores, summary, truth.rows.size(), no_image, no_truth);
  }
  if (summary.unreadable_images > 0)
    std::cerr << "coldsort grade-eval: " << summary.unreadable_images << " image(s) could not be read\n";
  if (graded.size() == no_truth.size())
    std::cerr << "coldsort grade-eval: warning: no image matched a truth row (join is by file name)\n";
  return 0;
}

}  // namespace coldsort::cli
