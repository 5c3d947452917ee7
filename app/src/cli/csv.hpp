#pragma once
// CSV as spreadsheets write it (RFC 4180): comma separated, fields quoted with "..." when they
// hold a comma, a quote (doubled inside) or a line break; LF or CRLF line ends; a UTF-8 BOM
// at the start is ignored. Reading keeps the line each record starts on, so that an error in
// a truth or index file can name the line a person has to fix.
// Thread safety: free functions and value types; a CsvWriter belongs to one thread.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace coldsort::cli {

struct CsvRecord {
  std::size_t line = 0;  // 1-based line the record starts on
  std::vector<std::string> fields;
};

struct CsvError {
  std::size_t line = 0;  // 0 when the file itself could not be read
  std::string message;
};

struct CsvParse {
  std::vector<CsvRecord> records;  // blank lines are skipped
  std::optional<CsvError> error;   // the first syntax error; records before it are kept
};

CsvParse parse_csv(std::string_view text);
CsvParse read_csv_file(const std::string& file);

// A CSV file with a header row: columns by name, every row as wide as the header.
class CsvTable {
 public:
  // Errors: "FILE:LINE: message" in `error`; the table is then unusable.
  static CsvTable read(const std::string& file);
  static CsvTable from_text(std::string_view text, const std::string& name);

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& name() const { return name_; }
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<CsvRecord>& rows() const { return rows_; }
  std::optional<std::size_t> column(std::string_view name) const;
  // The field of `row` in the named column; "" when the column is absent.
  std::string_view field(const CsvRecord& row, std::string_view column_name) const;
  // "FILE:LINE: column: message", for errors about one field.
  std::string where(const CsvRecord& row, std::string_view column_name) const;

 private:
  void build(CsvParse parse);
  std::string name_;
  std::string error_;
  std::vector<std::string> header_;
  std::vector<CsvRecord> rows_;
};

// Quotes a field only when it needs it.
std::string csv_quote(std::string_view field);

// Writes one row at a time; numbers with a fixed number of decimals, non-finite as "".
class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(&out) {}
  CsvWriter& field(std::string_view text);
  CsvWriter& number(double value, int decimals);
  CsvWriter& integer(std::int64_t value);
  CsvWriter& empty() { return field({}); }
  void end_row();
  void row(const std::vector<std::string>& fields);

 private:
  std::ostream* out_;
  bool first_ = true;
};

// "12.35" for (12.3456, 2); "" for NaN or infinity.
std::string format_fixed(double value, int decimals);
// Strict whole-field parses (surrounding spaces allowed): "12.5" -> 12.5, "12.5x" -> nullopt.
std::optional<double> parse_double(std::string_view text);
std::optional<std::int64_t> parse_int(std::string_view text);

}  // namespace coldsort::cli
