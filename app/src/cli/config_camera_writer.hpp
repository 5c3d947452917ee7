#pragma once
// Writes calibration results into a line config's `camera` object in place, for
// `coldsort calibrate ... --config FILE --write`: the rest of the file is kept (key order
// too), the new file is validated before it replaces the old one, the old one is kept as
// FILE.bak, and the replacement is a rename so a crash leaves either the old or the new file.
// Thread safety: free functions; two writers of the same file at once are not supported.
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>

namespace coldsort::cli {

// JSON as people edit it: two-space indent, one key per line, arrays of plain numbers on one
// line, numbers in their shortest exact form ("2", "0.95", not "2E0").
std::string pretty_json(const boost::json::value& value);

// `value` rounded to `decimals` places (calibration figures beyond their precision only add
// noise to a hand-edited file).
double rounded(double value, int decimals);
// `value` rounded to `digits` significant digits.
double significant(double value, int digits);

struct ConfigWrite {
  std::string error;   // "" when written; else what went wrong (the file is unchanged)
  std::string backup;  // the previous version's path
  bool ok() const { return error.empty(); }
};

// Sets each key of `keys` in the config's `camera` object (replacing whole values, adding
// missing keys at the end), validates the result with core's config loader, then replaces
// `file` and keeps the previous version as `file`.bak.
ConfigWrite update_camera_config(const std::string& file, const boost::json::object& keys);

}  // namespace coldsort::cli
