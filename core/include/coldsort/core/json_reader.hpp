#pragma once
// Reads a Boost.JSON document into typed structs while collecting every error with the JSON
// path it occurred at ("outlets[3].position_cups: must be between 1 and 400, got 0").
// Readers never throw on bad input; they record the error and return a fallback so that one
// pass reports everything that is wrong.
// Thread safety: none; one reader per parse.
#include <boost/json/value.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace coldsort::core {

struct ConfigError {
  std::string path;     // JSON path, e.g. "lanes[2].outlets[5].product"; may be a file name
  std::string message;  // what was wrong and what was expected
  std::string to_string() const;
};

class ConfigErrors {
 public:
  void add(std::string path, std::string message);
  bool empty() const { return errors_.empty(); }
  const std::vector<ConfigError>& list() const { return errors_; }
  // Prefixes every error added through `scoped(prefix)` with a file or section name.
  std::string joined() const;

 private:
  std::vector<ConfigError> errors_;
};

// Parses text as JSON; on a syntax error records "<where>: invalid JSON at line L column C".
std::optional<boost::json::value> parse_json_text(std::string_view text, std::string_view where,
                                                  ConfigErrors& errors);
// Reads and parses a file; a missing or unreadable file is an error naming the file.
std::optional<boost::json::value> parse_json_file(const std::string& file, ConfigErrors& errors);

// A view of one JSON object at `path`. Call `finish()` after reading every key you know: it
// reports each key that nobody asked for as unknown, listing the known ones.
class ObjectReader {
 public:
  ObjectReader(const boost::json::value& value, std::string path, ConfigErrors& errors);

  bool valid() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const;
  bool has(std::string_view key) const;

  // Required when `fallback` is empty; absent keys then produce "missing required key".
  std::string string(std::string_view key, std::optional<std::string> fallback = {});
  double number(std::string_view key, double min, double max,
                std::optional<double> fallback = {});
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max,
                       std::optional<std::int64_t> fallback = {});
  bool boolean(std::string_view key, std::optional<bool> fallback = {});
  // A string that must be one of `allowed`.
  std::string choice(std::string_view key, std::initializer_list<std::string_view> allowed,
                     std::optional<std::string> fallback = {});
  std::vector<std::string> strings(std::string_view key, bool required = true);
  std::vector<double> numbers(std::string_view key, bool required = true);
  // An array of objects; calls `each(reader)` for each element, path "key[i]".
  template <class F>
  void objects(std::string_view key, bool required, F&& each);
  // Every key of this object, in document order (for objects used as maps: name -> value).
  std::vector<std::string> keys() const;
  // A nested object; nullopt (with an error if required) when absent or not an object.
  std::optional<ObjectReader> child(std::string_view key, bool required = true);

  void error(std::string_view key, std::string message);
  ConfigErrors& errors() { return *errors_; }
  void finish();

 private:
  const boost::json::value* lookup(std::string_view key, bool required, const char* expected);
  const boost::json::array* array(std::string_view key, bool required);

  const boost::json::object* object_ = nullptr;
  std::string path_;
  ConfigErrors* errors_;
  std::set<std::string, std::less<>> known_;
};

template <class F>
void ObjectReader::objects(std::string_view key, bool required, F&& each) {
  const boost::json::array* items = array(key, required);
  if (items == nullptr) return;
  for (std::size_t i = 0; i < items->size(); ++i) {
    ObjectReader item((*items)[i], path_of(key) + "[" + std::to_string(i) + "]", *errors_);
    if (item.valid()) each(item);
  }
}

// "a, b, c" for messages that list what was expected.
std::string join_names(const std::vector<std::string>& names);

}  // namespace coldsort::core
