#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "coldsort/core/grading_standard.hpp"
#include "temp_dir.hpp"

using namespace coldsort::core;

namespace {

const std::string kGradingDir = std::string(COLDSORT_CONFIG_DIR) + "/grading";

GradingStandard shipped(const std::string& name) {
  ConfigErrors errors;
  auto s = load_grading_standard(kGradingDir + "/" + name, errors);
  INFO(errors.joined());
  REQUIRE(s);
  return *s;
}

Measurement with_share(double share) {
  Measurement m;
  m.defect_share = share;
  return m;
}

Measurement with_weight(double weight_g, double defect_mm2 = 0) {
  Measurement m;
  m.weight_g = weight_g;
  m.defect_area_mm2 = defect_mm2;
  m.largest_defect_mm2 = defect_mm2;
  return m;
}

Measurement with_diameter(double diameter_mm) {
  Measurement m;
  m.diameter_mm = diameter_mm;
  return m;
}

// A small valid standard; tests break one thing in it and read the errors.
boost::json::object valid_doc() {
  return boost::json::parse(R"({
    "id": "test-v1", "version": "1", "title": "test", "source": "tests",
    "exclusions": [ { "kind": "rot", "clause": "c" } ],
    "quality": [
      { "grade": "extra", "max_defect_share": 0.01, "clause": "c" },
      { "grade": "class_i", "max_defect_share": 0.05, "clause": "c" },
      { "grade": "class_ii", "max_defect_share": 0.10, "clause": "c" } ],
    "size_basis": "diameter",
    "sizes": [
      { "code": "L", "min": 90, "max": 120, "clause": "c" },
      { "code": "M", "min": 80, "max": 90, "clause": "c" } ],
    "colour": { "hue_min_deg": 330, "hue_max_deg": 30, "min_saturation": 0.2, "clause": "c",
                "classes": [ { "code": "red", "min_share": 0.5, "clause": "c" },
                             { "code": "pale", "min_share": 0, "clause": "c" } ] }
  })").as_object();
}

struct Loaded {
  std::optional<GradingStandard> standard;
  std::string errors;
  std::size_t count = 0;
};

Loaded load_doc(const boost::json::object& doc) {
  coldsort::test::TempDir dir;
  const std::string file = (dir / "standard.json").string();
  std::ofstream(file) << boost::json::serialize(doc);
  ConfigErrors errors;
  Loaded out;
  out.standard = load_grading_standard(file, errors);
  out.errors = errors.joined();
  out.count = errors.list().size();
  return out;
}

// Loads the valid document after `change`; expects failure and returns the errors.
std::string errors_after(const std::function<void(boost::json::object&)>& change) {
  boost::json::object doc = valid_doc();
  change(doc);
  Loaded loaded = load_doc(doc);
  CHECK_FALSE(loaded.standard);
  return loaded.errors;
}

boost::json::object& item(boost::json::object& doc, const char* array, std::size_t i) {
  return doc.at(array).as_array().at(i).as_object();
}

bool has(const std::string& errors, const std::string& text) {
  return errors.find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("every shipped standard file loads and carries a clause for every number",
          "[unit][grading]") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kGradingDir)) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    INFO(entry.path().string());
    GradingStandard s = shipped(entry.path().filename().string());
    CHECK_FALSE(s.id.empty());
    CHECK_FALSE(s.version.empty());
    CHECK(s.quality.size() == 3);
    CHECK_FALSE(s.sizes.empty());
    CHECK_FALSE(s.colour.classes.empty());
    for (const auto& q : s.quality) CHECK_FALSE(q.clause.empty());
    for (const auto& b : s.sizes) CHECK_FALSE(b.clause.empty());
    for (const auto& e : s.exclusions) CHECK_FALSE(e.clause.empty());
  }
  CHECK(files >= 2);
}

TEST_CASE("Codex classes: 1 %, 5 % and 10 % of the surface are the limits, inclusive",
          "[unit][grading]") {
  GradingStandard s = shipped("house-diameter-v1.json");
  CHECK(s.id == "house-diameter-v1");
  CHECK(s.version == "1.0");
  CHECK(s.size_basis == SizeBasis::diameter);
  CHECK(s.grade_for(with_share(0.0)) == Grade::extra);
  CHECK(s.grade_for(with_share(0.01)) == Grade::extra);
  CHECK(s.grade_for(with_share(0.0101)) == Grade::class_i);
  CHECK(s.grade_for(with_share(0.05)) == Grade::class_i);
  CHECK(s.grade_for(with_share(0.0501)) == Grade::class_ii);
  CHECK(s.grade_for(with_share(0.10)) == Grade::class_ii);
  CHECK(s.grade_for(with_share(0.1001)) == Grade::out_of_grade);
  CHECK(s.label_for(Grade::class_i) == "Class I");
  CHECK(s.label_for(Grade::out_of_grade) == "out_of_grade");
}

TEST_CASE("diameter bands are [min, max): the lower edge belongs to the band",
          "[unit][grading]") {
  GradingStandard s = shipped("house-diameter-v1.json");
  auto code = [&](double d) {
    const SizeBand* b = s.size_for(with_diameter(d));
    return b == nullptr ? std::string("none") : b->code;
  };
  CHECK(code(100.0) == "A");
  CHECK(code(99.99) == "B");
  CHECK(code(90.0) == "B");
  CHECK(code(89.99) == "C");
  CHECK(code(70.0) == "D");
  CHECK(code(69.99) == "none");
  CHECK(code(199.99) == "A");
  CHECK(code(200.0) == "none");
}

TEST_CASE("the Chinese market standard grades by weight and absolute injury area",
          "[unit][grading]") {
  GradingStandard s = shipped("cn-ecommerce-pomegranate-v1.json");
  CHECK(s.size_basis == SizeBasis::weight);
  CHECK(s.label_for(Grade::extra) == "优等");
  CHECK(s.label_for(Grade::class_i) == "一级");
  CHECK(s.label_for(Grade::class_ii) == "二级");
  // Weight limits: 350 g, 250 g, 200 g.
  CHECK(s.grade_for(with_weight(350)) == Grade::extra);
  CHECK(s.grade_for(with_weight(349)) == Grade::class_i);
  CHECK(s.grade_for(with_weight(250)) == Grade::class_i);
  CHECK(s.grade_for(with_weight(249.9)) == Grade::class_ii);
  CHECK(s.grade_for(with_weight(200)) == Grade::class_ii);
  CHECK(s.grade_for(with_weight(199.9)) == Grade::out_of_grade);
  // Injury: none for 优等, 1 cm² for 一级, 2 cm² for 二级.
  CHECK(s.grade_for(with_weight(400, 0.5)) == Grade::class_i);
  CHECK(s.grade_for(with_weight(400, 100)) == Grade::class_i);
  CHECK(s.grade_for(with_weight(400, 101)) == Grade::class_ii);
  CHECK(s.grade_for(with_weight(400, 200)) == Grade::class_ii);
  CHECK(s.grade_for(with_weight(400, 201)) == Grade::out_of_grade);
  CHECK(s.grade_for(with_weight(260, 100)) == Grade::class_i);
  CHECK(s.grade_for(with_weight(240, 100)) == Grade::class_ii);
}

TEST_CASE("the same defect is Extra by its Codex share and only 二级 by its absolute area",
          "[unit][grading]") {
  // 1.5 cm² on a 90 mm fruit is under 1 % of its ~25,000 mm² skin: Codex Extra, 二级 here.
  GradingStandard codex = shipped("house-diameter-v1.json");
  GradingStandard cn = shipped("cn-ecommerce-pomegranate-v1.json");
  Measurement m = with_weight(400, 150);
  m.defect_share = 150.0 / 25000.0;
  CHECK(codex.grade_for(m) == Grade::extra);
  CHECK(cn.grade_for(m) == Grade::class_ii);
}

TEST_CASE("weight bands give size codes, open above 350 g", "[unit][grading]") {
  GradingStandard s = shipped("cn-ecommerce-pomegranate-v1.json");
  auto code = [&](double g) {
    const SizeBand* b = s.size_for(with_weight(g));
    return b == nullptr ? std::string("none") : b->code;
  };
  CHECK(code(2000) == "350g+");
  CHECK(code(350) == "350g+");
  CHECK(code(349.9) == "250-349g");
  CHECK(code(250) == "250-349g");
  CHECK(code(249.9) == "200-249g");
  CHECK(code(200) == "200-249g");
  CHECK(code(199.9) == "none");
}

TEST_CASE("rot and cracks put a flawless heavy fruit out of grade; a bruise does not",
          "[unit][grading]") {
  GradingStandard s = shipped("cn-ecommerce-pomegranate-v1.json");
  Measurement m = with_weight(500, 0);
  REQUIRE(s.grade_for(m) == Grade::extra);
  m.defect_kinds = bit(DefectKind::rot);
  CHECK(s.grade_for(m) == Grade::out_of_grade);
  m.defect_kinds = bit(DefectKind::crack);
  CHECK(s.grade_for(m) == Grade::out_of_grade);
  m.defect_kinds = bit(DefectKind::bruise) | bit(DefectKind::scar);
  m.defect_area_mm2 = m.largest_defect_mm2 = 50;
  CHECK(s.grade_for(m) == Grade::class_i);
}

TEST_CASE("an exclusion's area floor is compared with the largest defect",
          "[unit][grading]") {
  boost::json::object doc = valid_doc();
  item(doc, "exclusions", 0)["min_area_mm2"] = 50;
  Loaded loaded = load_doc(doc);
  INFO(loaded.errors);
  REQUIRE(loaded.standard);
  Measurement m = with_share(0.0);
  m.defect_kinds = bit(DefectKind::rot);
  m.largest_defect_mm2 = 49.9;
  CHECK(loaded.standard->grade_for(m) == Grade::extra);
  m.largest_defect_mm2 = 50;
  CHECK(loaded.standard->grade_for(m) == Grade::out_of_grade);
}

TEST_CASE("the colour range wraps through 0 deg and classes are best first",
          "[unit][grading]") {
  for (const char* name : {"house-diameter-v1.json", "cn-ecommerce-pomegranate-v1.json"}) {
    GradingStandard s = shipped(name);
    CHECK(s.in_colour_range(0, 0.8));
    CHECK(s.in_colour_range(359.5, 0.8));
    CHECK(s.in_colour_range(330, 0.8));
    CHECK(s.in_colour_range(30, 0.8));
    CHECK_FALSE(s.in_colour_range(31, 0.8));
    CHECK_FALSE(s.in_colour_range(329, 0.8));
    CHECK_FALSE(s.in_colour_range(120, 0.8));
    CHECK(s.in_colour_range(10, 0.25));
    CHECK_FALSE(s.in_colour_range(10, 0.24));
    CHECK(s.colour_class_for(1.0) == "full-red");
    CHECK(s.colour_class_for(0.8) == "full-red");
    CHECK(s.colour_class_for(0.79) == "red");
    CHECK(s.colour_class_for(0.5) == "red");
    CHECK(s.colour_class_for(0.49) == "pale");
    CHECK(s.colour_class_for(0.0) == "pale");
  }
}

TEST_CASE("a range that does not wrap is a plain interval", "[unit][grading]") {
  boost::json::object doc = valid_doc();
  doc["colour"].as_object()["hue_min_deg"] = 20;
  doc["colour"].as_object()["hue_max_deg"] = 60;
  Loaded loaded = load_doc(doc);
  REQUIRE(loaded.standard);
  CHECK(loaded.standard->in_colour_range(40, 0.5));
  CHECK_FALSE(loaded.standard->in_colour_range(0, 0.5));
  CHECK_FALSE(loaded.standard->in_colour_range(61, 0.5));
}

TEST_CASE("a colour share rule takes part in the class", "[unit][grading]") {
  boost::json::object doc = valid_doc();
  item(doc, "quality", 0)["min_colour_share"] = 0.8;
  Loaded loaded = load_doc(doc);
  INFO(loaded.errors);
  REQUIRE(loaded.standard);
  Measurement m = with_share(0.0);
  m.colour_share = 0.8;
  CHECK(loaded.standard->grade_for(m) == Grade::extra);
  m.colour_share = 0.79;
  CHECK(loaded.standard->grade_for(m) == Grade::class_i);
}

TEST_CASE("unknown keys, wrong types and out-of-range values name their JSON path",
          "[unit][grading][errors]") {
  std::string e = errors_after([](boost::json::object& d) {
    item(d, "quality", 0)["max_defects"] = 0.01;
    item(d, "sizes", 1)["min"] = "eighty";
    item(d, "quality", 1)["max_defect_share"] = 5;
    item(d, "exclusions", 0)["min_area_mm2"] = -1;
    d["colour"].as_object()["hue_max_deg"] = 400;
    d["colour"].as_object()["min_saturation"] = 1.5;
    d["min_confidence"] = 2;
    d["owner"] = "x";
  });
  CHECK(has(e, "quality[0].max_defects: unknown key (expected one of: clause, grade, label"));
  CHECK(has(e, "sizes[1].min: expected a number, got a string"));
  CHECK(has(e, "quality[1].max_defect_share: must be between 0 and 1, got 5"));
  CHECK(has(e, "exclusions[0].min_area_mm2: must be between 0 and 100000, got -1"));
  CHECK(has(e, "colour.hue_max_deg: must be between 0 and 360, got 400"));
  CHECK(has(e, "colour.min_saturation: must be between 0 and 1, got 1.5"));
  CHECK(has(e, "min_confidence: must be between 0 and 1, got 2"));
  CHECK(has(e, "standard.json.owner: unknown key"));
}

TEST_CASE("missing and empty clauses are errors", "[unit][grading][errors]") {
  std::string e = errors_after([](boost::json::object& d) {
    item(d, "quality", 2).erase("clause");
    item(d, "sizes", 0)["clause"] = "";
    d.erase("source");
    d.erase("colour");
  });
  CHECK(has(e, "quality[2].clause: missing required key (a string)"));
  CHECK(has(e, "sizes[0].clause: must not be empty"));
  CHECK(has(e, "standard.json.source: missing required key"));
  CHECK(has(e, "standard.json.colour: missing required key (an object)"));
}

TEST_CASE("unknown grade names and defect kinds are listed with the known ones",
          "[unit][grading][errors]") {
  std::string e = errors_after([](boost::json::object& d) {
    item(d, "quality", 0)["grade"] = "premium";
    item(d, "exclusions", 0)["kind"] = "mould";
    d["size_basis"] = "count";
  });
  CHECK(has(e, "quality[0].grade: unknown value \"premium\" (expected one of: extra, class_i, "
               "class_ii)"));
  CHECK(has(e, "exclusions[0].kind: unknown value \"mould\" (expected one of: bruise, rot, "
               "sunburn, scar, crack)"));
  CHECK(has(e, "size_basis: unknown value \"count\" (expected one of: diameter, weight)"));
}

TEST_CASE("size bands must be largest first, must not overlap and need distinct codes",
          "[unit][grading][errors]") {
  std::string overlap = errors_after(
      [](boost::json::object& d) { item(d, "sizes", 1)["max"] = 95; });
  CHECK(has(overlap, "sizes[1]: overlaps sizes[0]: [80, 95) mm and [90, 120) mm"));

  std::string order = errors_after([](boost::json::object& d) {
    auto& sizes = d["sizes"].as_array();
    std::swap(sizes[0], sizes[1]);
  });
  CHECK(has(order, "sizes[1]: must be listed after larger bands"));

  std::string code = errors_after([](boost::json::object& d) {
    item(d, "sizes", 1)["code"] = "L";
    item(d, "sizes", 0)["max"] = 70;
  });
  CHECK(has(code, "sizes[1].code: duplicate size code \"L\""));
  CHECK(has(code, "sizes[0].max: must be above min (90 mm)"));

  std::string weight = errors_after([](boost::json::object& d) {
    d["size_basis"] = "weight";
    item(d, "sizes", 0)["min"] = 6000;
  });
  CHECK(has(weight, "sizes[0].min: must be between 0 and 5000, got 6000"));
}

TEST_CASE("touching bands and gaps between bands are allowed", "[unit][grading]") {
  boost::json::object doc = valid_doc();
  item(doc, "sizes", 1)["max"] = 85;  // 85..90 mm is then a gap: no size code
  Loaded loaded = load_doc(doc);
  INFO(loaded.errors);
  REQUIRE(loaded.standard);
  CHECK(loaded.standard->size_for(with_diameter(87)) == nullptr);
  CHECK(loaded.standard->size_for(with_diameter(84.9))->code == "M");
}

TEST_CASE("classes must be best first and each must be reachable", "[unit][grading][errors]") {
  std::string order = errors_after([](boost::json::object& d) {
    auto& q = d["quality"].as_array();
    std::swap(q[0], q[1]);
  });
  CHECK(has(order, "quality[1].grade: \"extra\" listed after \"class_i\": list classes best "
                   "first"));
  CHECK(has(order, "quality[1]: never reached: at least as strict as quality[0]"));

  std::string twice = errors_after(
      [](boost::json::object& d) { item(d, "quality", 2)["grade"] = "class_i"; });
  CHECK(has(twice, "quality[2].grade: \"class_i\" listed after \"class_i\""));

  // Class II with a stricter area and no looser limit anywhere can never be reached.
  std::string dead = errors_after([](boost::json::object& d) {
    item(d, "quality", 2)["max_defect_share"] = 0.05;
    item(d, "quality", 2)["max_defect_mm2"] = 100;
  });
  CHECK(has(dead, "quality[2]: never reached: at least as strict as quality[1]"));
}

TEST_CASE("a later class looser on one limit and stricter on another is accepted",
          "[unit][grading]") {
  boost::json::object doc = valid_doc();
  item(doc, "quality", 2)["min_weight_g"] = 150;  // stricter on weight, looser on share
  Loaded loaded = load_doc(doc);
  INFO(loaded.errors);
  CHECK(loaded.standard);
}

TEST_CASE("colour classes must be best first with distinct codes", "[unit][grading][errors]") {
  std::string e = errors_after([](boost::json::object& d) {
    auto& classes = d["colour"].as_object()["classes"].as_array();
    classes[1].as_object()["min_share"] = 0.6;
    classes.push_back(boost::json::object{{"code", "red"}, {"min_share", 0}, {"clause", "c"}});
  });
  CHECK(has(e, "colour.classes[1].min_share: must be below the previous class's 0.5"));
  CHECK(has(e, "colour.classes[2].code: duplicate colour class \"red\""));
  std::string equal = errors_after([](boost::json::object& d) {
    d["colour"].as_object()["hue_max_deg"] = 330;
  });
  CHECK(has(equal, "colour.hue_max_deg: must differ from hue_min_deg"));
}

TEST_CASE("ids are plain and exclusions are not repeated", "[unit][grading][errors]") {
  std::string e = errors_after([](boost::json::object& d) {
    d["id"] = "Codex 310";
    d["version"] = "";
    d["exclusions"].as_array().push_back(
        boost::json::object{{"kind", "rot"}, {"clause", "again"}});
  });
  CHECK(has(e, "id: \"Codex 310\" may hold only lowercase letters"));
  CHECK(has(e, "version: must not be empty"));
  CHECK(has(e, "exclusions[1].kind: defect kind \"rot\" is excluded twice"));
}

TEST_CASE("every error in a file is reported in one pass", "[unit][grading][errors]") {
  boost::json::object doc = valid_doc();
  item(doc, "quality", 0)["grade"] = "premium";
  item(doc, "sizes", 1)["max"] = 95;
  doc["colour"].as_object()["hue_min_deg"] = -5;
  doc.erase("title");
  Loaded loaded = load_doc(doc);
  CHECK_FALSE(loaded.standard);
  CHECK(loaded.count >= 4);
}

TEST_CASE("a missing file or broken JSON is an error naming the file", "[unit][grading][errors]") {
  coldsort::test::TempDir dir;
  ConfigErrors errors;
  CHECK_FALSE(load_grading_standard((dir / "absent.json").string(), errors));
  CHECK(has(errors.joined(), "absent.json: cannot open file"));
  const std::string broken = (dir / "broken.json").string();
  std::ofstream(broken) << "{ \"id\": \"x\",\n  \"version\": }";
  ConfigErrors more;
  CHECK_FALSE(load_grading_standard(broken, more));
  CHECK(has(more.joined(), "broken.json: invalid JSON at line 2"));
}
