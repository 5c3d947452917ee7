#include "csv.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace coldsort::cli {
namespace {

bool is_line_end(char c) { return c == '\n' || c == '\r'; }

// Reads one field starting at `i`; advances `i` and `line` past it. False on a syntax error.
bool read_field(std::string_view text, std::size_t& i, std::size_t& line, std::string& field,
                CsvError& error) {
  const std::size_t n = text.size();
  if (i < n && text[i] == '"') {
    const std::size_t opened_on = line;
    ++i;
    for (;;) {
      if (i >= n) {
        error = {opened_on, "quoted field never closed (a \" is missing)"};
        return false;
      }
      char c = text[i++];
      if (c == '"') {
        if (i < n && text[i] == '"') {  // "" inside quotes is one quote
          field += '"';
          ++i;
          continue;
        }
        break;
      }
      if (c == '\n') ++line;
      field += c;
    }
    if (i < n && text[i] != ',' && !is_line_end(text[i])) {
      error = {line, "unexpected text after a closing quote"};
      return false;
    }
    return true;
  }
  while (i < n && text[i] != ',' && !is_line_end(text[i])) {
    if (text[i] == '"') {
      error = {line, "a quote inside an unquoted field (quote the whole field and double the quote)"};
      return false;
    }
    field += text[i++];
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

CsvParse parse_csv(std::string_view text) {
  CsvParse out;
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // Excel's UTF-8 mark
  std::size_t i = 0, line = 1;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRecord record;
    record.line = line;
    bool quoted_start = text[i] == '"';
    for (;;) {
      std::string field;
      CsvError error;
      if (!read_field(text, i, line, field, error)) {
        out.error = std::move(error);
        return out;
      }
      record.fields.push_back(std::move(field));
      if (i < n && text[i] == ',') {
        ++i;
        continue;
      }
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      break;
    }
    bool blank = !quoted_start && record.fields.size() == 1 && record.fields[0].empty();
    if (!blank) out.records.push_back(std::move(record));
  }
  return out;
}

CsvParse read_csv_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    CsvParse out;
    out.error = CsvError{0, "cannot open (missing or unreadable)"};
    return out;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_csv(text.str());
}

CsvTable CsvTable::read(const std::string& file) {
  CsvTable table;
  table.name_ = file;
  table.build(read_csv_file(file));
  return table;
}

CsvTable CsvTable::from_text(std::string_view text, const std::string& name) {
  CsvTable table;
  table.name_ = name;
  table.build(parse_csv(text));
  return table;
}

void CsvTable::build(CsvParse parse) {
  if (parse.error) {
    error_ = parse.error->line == 0
                 ? name_ + ": " + parse.error->message
                 : name_ + ":" + std::to_string(parse.error->line) + ": " + parse.error->message;
    return;
  }
  if (parse.records.empty()) {
    error_ = name_ + ": empty file (a header row naming the columns is required)";
    return;
  }
  std::set<std::string, std::less<>> seen;
  for (const std::string& name : parse.records.front().fields) {
    std::string column(trim(name));
    if (!seen.insert(column).second) {
      error_ = name_ + ":" + std::to_string(parse.records.front().line) + ": column \"" + column +
               "\" appears twice in the header";
      return;
    }
    header_.push_back(std::move(column));
  }
  for (std::size_t r = 1; r < parse.records.size(); ++r) {
    CsvRecord& row = parse.records[r];
    if (row.fields.size() != header_.size()) {
      error_ = name_ + ":" + std::to_string(row.line) + ": " + std::to_string(row.fields.size()) +
               " fields, but the header has " + std::to_string(header_.size());
      rows_.clear();
      return;
    }
    rows_.push_back(std::move(row));
  }
}

std::optional<std::size_t> CsvTable::column(std::string_view name) const {
  for (std::size_t c = 0; c < header_.size(); ++c)
    if (header_[c] == name) return c;
  return std::nullopt;
}

std::string_view CsvTable::field(const CsvRecord& row, std::string_view column_name) const {
  auto c = column(column_name);
  if (!c || *c >= row.fields.size()) return {};
  return row.fields[*c];
}

std::string CsvTable::where(const CsvRecord& row, std::string_view column_name) const {
  return name_ + ":" + std::to_string(row.line) + ": " + std::string(column_name);
}

std::string csv_quote(std::string_view field) {
  bool needs = field.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!field.empty() && (field.front() == ' ' || field.back() == ' '));
  if (!needs) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

CsvWriter& CsvWriter::field(std::string_view text) {
  if (!first_) *out_ << ',';
  *out_ << csv_quote(text);
  first_ = false;
  return *this;
}

CsvWriter& CsvWriter::number(double value, int decimals) {
  return field(format_fixed(value, decimals));
}

CsvWriter& CsvWriter::integer(std::int64_t value) { return field(std::to_string(value)); }

void CsvWriter::end_row() {
  *out_ << '\n';
  first_ = true;
}

void CsvWriter::row(const std::vector<std::string>& fields) {
  for (const std::string& f : fields) field(f);
  end_row();
}

std::string format_fixed(double value, int decimals) {
  if (!std::isfinite(value)) return {};
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text = buffer;
  if (text.starts_with("-") && text.find_first_not_of("-0.") == std::string::npos)
    text.erase(0, 1);  // "-0.00" reads as a sign error to people
  return text;
}

std::optional<double> parse_double(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value))
    return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace coldsort::cli
