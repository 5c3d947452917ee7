// coldsort plan, simulate-day and instance as a user runs them: exit codes, the bound, the
// methods side by side, what cannot be planned, and a plan written for coldsortd.
#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "coldsort/scheduler/plan_json.hpp"
#include "run_command.hpp"
#include "temp_dir.hpp"

namespace {

using coldsort::test::run_command;
namespace json = boost::json;

const std::string kCli = COLDSORT_CLI;
const std::string kXs = std::string(COLDSORT_CONFIG_DIR) + "/instances/xs.json";

// The JSON document a command printed (its last line; a progress bar goes to stderr only on
// a terminal).
json::object last_json(const std::string& output) {
  const auto start = output.rfind("\n{");
  return json::parse(output.substr(start == std::string::npos ? 0 : start + 1)).as_object();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::int64_t kpi(const json::value& method, const char* name) {
  return method.at("kpis").at(name).to_number<std::int64_t>();
}

}  // namespace

TEST_CASE("coldsort plan puts every method against the bound, and flow ahead", "[integration][cli][planning]") {
  auto r = run_command(kCli + " plan --instance " + kXs + " --method all --bound lp --json");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json::object doc = last_json(r.output);
  REQUIRE(doc.at("bounds").as_array().size() == 2);
  const double bound = doc.at("bounds").as_array()[1].at("on_time_parcels").to_number<double>();
  const auto& methods = doc.at("methods").as_array();
  REQUIRE(methods.size() == 3);
  std::map<std::string, std::int64_t> on_time;
  for (const json::value& m : methods) {
    CHECK(m.at("violations").as_array().empty());  // no method breaks a hard constraint
    on_time[json::value_to<std::string>(m.at("method"))] = kpi(m, "parcels_on_time");
    CHECK(kpi(m, "parcels_on_time") <= bound + 1e-6);
    CHECK(m.at("ratio_to_bound").to_number<double>() == Approx(kpi(m, "parcels_on_time") / bound));
  }
  CHECK(on_time["flow"] > on_time["edd"]);
  CHECK(on_time["flow"] > on_time["fifo"]);
}

TEST_CASE("what cannot be planned is named, and the rest is planned", "[integration][cli][planning]") {
  coldsort::test::TempDir dir;
  auto doc = json::parse(read_text(kXs)).as_object();
  // Nobody may pack the first order's box type any more: take the skill from everyone.
  auto& first = doc["orders"].as_array()[0].as_object();
  const std::string box = json::value_to<std::string>(first["box_type"]);
  const std::string order = json::value_to<std::string>(first["id"]);
  for (auto& w : doc["workers"].as_array()) {
    json::array kept;
    for (auto& s : w.as_object()["skills"].as_array())
      if (s.at("box_type") != json::value(box)) kept.push_back(s);
    w.as_object()["skills"] = kept;
  }
  const std::string path = (dir / "no-skill.json").string();
  std::ofstream(path) << json::serialize(doc);
  auto r = run_command(kCli + " plan --instance " + path + " --method flow --bound capacity");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(r.output.find("order " + order + ": no worker on shift can pack " + box) != std::string::npos);
  r = run_command(kCli + " plan --instance " + path + " --method flow --bound capacity --json");
  REQUIRE(r.exit_code == 0);
  const json::object planned = last_json(r.output);
  const json::value& flow = planned.at("methods").as_array().at(0);
  CHECK(flow.at("violations").as_array().empty());
  CHECK(kpi(flow, "parcels_planned") > kpi(flow, "parcels_demanded") / 2);  // the rest is planned
  bool named = false;
  for (const json::value& f : flow.at("infeasible").as_array())
    named = named || f.at("subject") == json::value("order " + order);
  CHECK(named);
}

TEST_CASE("bad planning input gets a clear error and exit code 2", "[integration][cli][planning]") {
  coldsort::test::TempDir dir;
  const std::string path = (dir / "bad.json").string();
  std::ofstream(path) << R"({"schema_version": 1, "name": "bad", "horizon_min": 60, "box_types": [],
    "products": [], "stations": [], "outlets": [], "workers": [],
    "orders": [{"id": "A", "product": "XL", "box_type": "gift-4", "courier": "SF", "cutoff_min": 30}],
    "flow": []})";
  auto r = run_command(kCli + " plan --instance " + path);
  CHECK(r.exit_code == 2);
  CHECK(r.output.find(path + ".orders[0].product: unknown product \"XL\"") != std::string::npos);
  r = run_command(kCli + " plan --instance " + kXs + " --method magic");
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("unknown method \"magic\"") != std::string::npos);
  r = run_command(kCli + " simulate-day --instance " + kXs);
  CHECK(r.exit_code == 2);
}

TEST_CASE("a plan written for coldsortd reads back, and simulate-day runs the day", "[integration][cli][planning]") {
  coldsort::test::TempDir dir;
  const std::string out = (dir / "plan.json").string();
  auto r = run_command(kCli + " plan --instance " + kXs + " --method edd --bound none --out " + out);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  auto loaded = coldsort::scheduler::load_plan(out);
  INFO(loaded.errors.joined());
  REQUIRE(loaded.plan);
  CHECK(loaded.plan->method == "edd");
  CHECK(loaded.plan->instance == "xs");
  CHECK(loaded.plan->day_start == "07:00");
  CHECK_FALSE(loaded.plan->tasks.empty());
  CHECK_FALSE(loaded.plan->outlets.empty());

  r = run_command(kCli + " simulate-day --instance " + kXs + " --method edd --seed 3 --bound capacity --json");
  REQUIRE(r.exit_code == 0);
  const json::object doc = last_json(r.output);
  const json::value& edd = doc.at("methods").as_array().at(0);
  CHECK(edd.at("day").at("replans").to_number<std::int64_t>() > 0);
  CHECK(kpi(edd, "parcels_on_time") + kpi(edd, "parcels_late") + kpi(edd, "parcels_unplanned") ==
        kpi(edd, "parcels_demanded"));
  CHECK(edd.at("day").at("cold_wait_p95_min").to_number<double>() <= 30.0 + 1e-6);  // xs's cold limit
}
