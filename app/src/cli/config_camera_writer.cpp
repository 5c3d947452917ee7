#include "config_camera_writer.hpp"

#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "coldsort/core/config.hpp"
#include "coldsort/core/json_reader.hpp"

namespace coldsort::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string number_text(double value) {
  if (!std::isfinite(value)) return "null";
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  if (ec != std::errc()) return "null";
  std::string out(text, end);
  // A whole number stays a JSON double ("2.0"), as it was typed and as it parses back.
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

bool all_numbers(const json::array& a) {
  for (const json::value& v : a)
    if (!v.is_number()) return false;
  return true;
}

void write_value(std::string& out, const json::value& v, int depth);

void newline(std::string& out, int depth) {
  out += '\n';
  out.append(static_cast<std::size_t>(depth) * 2, ' ');
}

void write_object(std::string& out, const json::object& o, int depth) {
  if (o.empty()) {
    out += "{}";
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [key, value] : o) {
    if (!first) out += ',';
    first = false;
    newline(out, depth + 1);
    out += json::serialize(json::value(json::string(key)));
    out += ": ";
    write_value(out, value, depth + 1);
  }
  newline(out, depth);
  out += '}';
}

void write_array(std::string& out, const json::array& a, int depth) {
  if (a.empty()) {
    out += "[]";
    return;
  }
  const bool inline_numbers = all_numbers(a);
  out += '[';
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (i > 0) out += inline_numbers ? ", " : ",";
    if (!inline_numbers) newline(out, depth + 1);
    write_value(out, a[i], depth + 1);
  }
  if (!inline_numbers) newline(out, depth);
  out += ']';
}

void write_value(std::string& out, const json::value& v, int depth) {
  switch (v.kind()) {
    case json::kind::object:
      write_object(out, v.get_object(), depth);
      break;
    case json::kind::array:
      write_array(out, v.get_array(), depth);
      break;
    case json::kind::double_:
      out += number_text(v.get_double());
      break;
    default:  // strings (escaped), integers, booleans, null
      out += json::serialize(v);
      break;
  }
}

std::string read_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes `text` beside `file` and renames it over `file`; the old file is copied to .bak.
std::string replace_file(const std::string& file, const std::string& text,
                         const std::string& backup) {
  const std::string temp = file + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return "cannot write " + temp;
  }
  std::error_code ec;
  fs::copy_file(file, backup, fs::copy_options::overwrite_existing, ec);
  if (!ec) fs::rename(temp, file, ec);
  if (ec) {
    fs::remove(temp);
    return "cannot replace " + file + ": " + ec.message();
  }
  return {};
}

}  // namespace

std::string pretty_json(const json::value& value) {
  std::string out;
  write_value(out, value, 0);
  return out;
}

double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

double significant(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*g", digits, value);
  return std::strtod(text, nullptr);
}

ConfigWrite update_camera_config(const std::string& file, const json::object& keys) {
  ConfigWrite result;
  core::ConfigErrors errors;
  auto doc = core::parse_json_file(file, errors);
  if (!doc || !doc->is_object()) {
    result.error = doc ? file + ": the config is not a JSON object" : errors.joined();
    return result;
  }
  json::value& camera = doc->as_object()["camera"];
  if (!camera.is_object()) camera = json::object();
  for (const auto& [key, value] : keys) camera.as_object()[key] = value;
  const std::string text = pretty_json(*doc) + "\n";

  // Validate before touching the file: relative paths in it resolve beside it.
  const std::string base = fs::path(file).parent_path().string();
  core::LoadedConfig check = core::load_config_text(text, base.empty() ? "." : base, file);
  if (!check.config) {
    result.error = "the updated config would be invalid, so " + file + " was not changed:\n" +
                   check.errors.joined();
    return result;
  }
  result.backup = file + ".bak";
  const std::string original = read_text(file);
  result.error = replace_file(file, text, result.backup);
  if (!result.ok()) return result;
  // Read back what is on disk, as coldsortd will.
  core::LoadedConfig reread = core::load_config(file);
  if (!reread.config) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << original;
    result.error = file + " did not read back valid, so the previous version was restored:\n" +
                   reread.errors.joined();
  }
  return result;
}

}  // namespace coldsort::cli
