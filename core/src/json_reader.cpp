#include "coldsort/core/json_reader.hpp"

#include <boost/json/stream_parser.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

namespace coldsort::core {
namespace {

const char* kind_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: return "null";
    case boost::json::kind::bool_: return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return "an integer";
    case boost::json::kind::double_: return "a number";
    case boost::json::kind::string: return "a string";
    case boost::json::kind::array: return "an array";
    case boost::json::kind::object: return "an object";
  }
  return "a value";
}

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

// Line and column of a byte offset, for syntax errors people can find in an editor.
std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

std::string ConfigError::to_string() const {
  return path.empty() ? message : path + ": " + message;
}

void ConfigErrors::add(std::string path, std::string message) {
  errors_.push_back({std::move(path), std::move(message)});
}

std::string ConfigErrors::joined() const {
  std::string out;
  for (const ConfigError& e : errors_) out += e.to_string() + "\n";
  return out;
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::optional<boost::json::value> parse_json_text(std::string_view text, std::string_view where,
                                                  ConfigErrors& errors) {
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    auto [line, column] = line_column(text, used);
    errors.add(std::string(where), "invalid JSON at line " + std::to_string(line) +
                                       " column " + std::to_string(column) + ": " +
                                       ec.message());
    return std::nullopt;
  }
  return parser.release();
}

std::optional<boost::json::value> parse_json_file(const std::string& file, ConfigErrors& errors) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.add(file, "cannot open file (missing or unreadable)");
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json_text(text.str(), file, errors);
}

ObjectReader::ObjectReader(const boost::json::value& value, std::string path,
                           ConfigErrors& errors)
    : path_(std::move(path)), errors_(&errors) {
  object_ = value.if_object();
  if (object_ == nullptr)
    errors.add(path_.empty() ? "<root>" : path_,
               std::string("expected an object, got ") + kind_name(value));
}

std::string ObjectReader::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::vector<std::string> ObjectReader::keys() const {
  std::vector<std::string> out;
  if (object_ != nullptr)
    for (const auto& item : *object_) out.emplace_back(item.key());
  return out;
}

bool ObjectReader::has(std::string_view key) const {
  return object_ != nullptr && object_->contains(key);
}

void ObjectReader::error(std::string_view key, std::string message) {
  errors_->add(path_of(key), std::move(message));
}

const boost::json::value* ObjectReader::lookup(std::string_view key, bool required,
                                               const char* expected) {
  known_.emplace(key);
  if (object_ == nullptr) return nullptr;
  const boost::json::value* v = object_->if_contains(key);
  if (v == nullptr && required) error(key, std::string("missing required key (") + expected + ")");
  return v;
}

std::string ObjectReader::string(std::string_view key, std::optional<std::string> fallback) {
  const boost::json::value* v = lookup(key, !fallback, "a string");
  if (v == nullptr) return fallback.value_or("");
  if (!v->is_string()) {
    error(key, std::string("expected a string, got ") + kind_name(*v));
    return fallback.value_or("");
  }
  return std::string(v->get_string());
}

double ObjectReader::number(std::string_view key, double min, double max,
                            std::optional<double> fallback) {
  const boost::json::value* v = lookup(key, !fallback, "a number");
  if (v == nullptr) return fallback.value_or(min);
  if (!v->is_number()) {
    error(key, std::string("expected a number, got ") + kind_name(*v));
    return fallback.value_or(min);
  }
  double d = v->to_number<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    error(key, "must be between " + format_number(min) + " and " + format_number(max) +
                   ", got " + format_number(d));
    return fallback.value_or(min);
  }
  return d;
}

std::int64_t ObjectReader::integer(std::string_view key, std::int64_t min, std::int64_t max,
                                   std::optional<std::int64_t> fallback) {
  const boost::json::value* v = lookup(key, !fallback, "an integer");
  if (v == nullptr) return fallback.value_or(min);
  std::int64_t i = 0;
  if (v->is_int64()) {
    i = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(max)) {
    i = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_uint64()) {
    i = max + (max < INT64_MAX ? 1 : 0);  // out of range: report below
  } else {
    error(key, std::string("expected an integer, got ") + kind_name(*v));
    return fallback.value_or(min);
  }
  if (i < min || i > max) {
    error(key, "must be an integer between " + std::to_string(min) + " and " +
                   std::to_string(max) + ", got " + std::to_string(i));
    return fallback.value_or(min);
  }
  return i;
}

bool ObjectReader::boolean(std::string_view key, std::optional<bool> fallback) {
  const boost::json::value* v = lookup(key, !fallback, "true or false");
  if (v == nullptr) return fallback.value_or(false);
  if (!v->is_bool()) {
    error(key, std::string("expected true or false, got ") + kind_name(*v));
    return fallback.value_or(false);
  }
  return v->get_bool();
}

std::string ObjectReader::choice(std::string_view key,
                                 std::initializer_list<std::string_view> allowed,
                                 std::optional<std::string> fallback) {
  bool had = has(key);
  std::string value = string(key, fallback);
  if (!had && fallback) return value;
  for (std::string_view a : allowed)
    if (a == value) return value;
  std::vector<std::string> names(allowed.begin(), allowed.end());
  if (!value.empty() || had) error(key, "unknown value \"" + value + "\" (expected one of: " +
                                            join_names(names) + ")");
  return fallback.value_or(std::string(*allowed.begin()));
}

const boost::json::array* ObjectReader::array(std::string_view key, bool required) {
  const boost::json::value* v = lookup(key, required, "an array");
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    error(key, std::string("expected an array, got ") + kind_name(*v));
    return nullptr;
  }
  return &v->get_array();
}

std::vector<std::string> ObjectReader::strings(std::string_view key, bool required) {
  std::vector<std::string> out;
  const boost::json::array* items = array(key, required);
  if (items == nullptr) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const boost::json::value& item = (*items)[i];
    if (item.is_string()) {
      out.emplace_back(item.get_string());
    } else {
      errors_->add(path_of(key) + "[" + std::to_string(i) + "]",
                   std::string("expected a string, got ") + kind_name(item));
    }
  }
  return out;
}

std::vector<double> ObjectReader::numbers(std::string_view key, bool required) {
  std::vector<double> out;
  const boost::json::array* items = array(key, required);
  if (items == nullptr) return out;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const boost::json::value& item = (*items)[i];
    if (item.is_number() && std::isfinite(item.to_number<double>())) {
      out.push_back(item.to_number<double>());
    } else {
      errors_->add(path_of(key) + "[" + std::to_string(i) + "]",
                   std::string("expected a finite number, got ") + kind_name(item));
    }
  }
  return out;
}

std::optional<ObjectReader> ObjectReader::child(std::string_view key, bool required) {
  const boost::json::value* v = lookup(key, required, "an object");
  if (v == nullptr) return std::nullopt;
  ObjectReader reader(*v, path_of(key), *errors_);
  if (!reader.valid()) return std::nullopt;
  return reader;
}

void ObjectReader::finish() {
  if (object_ == nullptr) return;
  for (const auto& [key, value] : *object_) {
    if (known_.count(std::string_view(key)) != 0) continue;
    std::vector<std::string> names(known_.begin(), known_.end());
    error(key, "unknown key (expected one of: " + join_names(names) + ")");
  }
}

}  // namespace coldsort::core
