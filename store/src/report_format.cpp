// format_report: an aligned table for a terminal, RFC 4180 CSV, or JSON. Every format prints
// a double as the table does (its column's decimals), so the three never disagree.
#include <boost/json.hpp>

#include <cmath>
#include <cstdio>
#include <sstream>

#include "coldsort/store/reports.hpp"

namespace coldsort::store {
namespace {

std::string fixed_text(double value, int decimals) {
  if (!std::isfinite(value)) return "";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals < 0 ? 0 : decimals, value);
  std::string out = text;
  // A tiny negative value rounds to "-0.00": print it as zero.
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

std::string cell_text(const ReportCell& cell, int decimals) {
  if (const auto* i = std::get_if<std::int64_t>(&cell)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&cell)) return fixed_text(*d, decimals);
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  return "";
}

bool is_number(const ReportCell& cell) {
  return std::holds_alternative<std::int64_t>(cell) || std::holds_alternative<double>(cell);
}

// Terminal columns of UTF-8 text: one per code point (the units are Latin plus "°").
std::size_t display_width(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string header_text(const ReportColumn& c) {
  return c.unit.empty() ? c.name : c.name + " (" + c.unit + ")";
}

std::string format_table(const ReportTable& t) {
  const std::size_t n = t.columns.size();
  std::vector<std::size_t> width(n);
  std::vector<bool> right(n, false);
  std::vector<std::vector<std::string>> cells;
  for (std::size_t c = 0; c < n; ++c) width[c] = display_width(header_text(t.columns[c]));
  for (const auto& row : t.rows) {
    auto& texts = cells.emplace_back();
    for (std::size_t c = 0; c < n && c < row.size(); ++c) {
      texts.push_back(cell_text(row[c], t.columns[c].decimals));
      width[c] = std::max(width[c], display_width(texts.back()));
      if (is_number(row[c])) right[c] = true;
    }
  }
  std::ostringstream out;
  auto line = [&](const std::vector<std::string>& texts) {
    std::string text;
    for (std::size_t c = 0; c < texts.size(); ++c) {
      const std::string pad(width[c] - display_width(texts[c]), ' ');
      if (c > 0) text += "  ";
      text += right[c] ? pad + texts[c] : texts[c] + (c + 1 < texts.size() ? pad : "");
    }
    out << text << "\n";
  };
  out << t.title << "\n\n";
  std::vector<std::string> header, rule;
  for (std::size_t c = 0; c < n; ++c) {
    header.push_back(header_text(t.columns[c]));
    rule.emplace_back(width[c], '-');
  }
  line(header);
  line(rule);
  for (const auto& texts : cells) line(texts);
  if (t.rows.empty()) out << "(no rows)\n";
  if (!t.notes.empty()) out << "\n";
  for (const std::string& note : t.notes) out << "* " << note << "\n";
  return out.str();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// RFC 4180: CRLF line ends, a header row of the column names.
std::string format_csv(const ReportTable& t) {
  std::string out;
  for (std::size_t c = 0; c < t.columns.size(); ++c) out += (c ? "," : "") + csv_field(t.columns[c].name);
  out += "\r\n";
  for (const auto& row : t.rows) {
    for (std::size_t c = 0; c < t.columns.size() && c < row.size(); ++c)
      out += (c ? "," : "") + csv_field(cell_text(row[c], t.columns[c].decimals));
    out += "\r\n";
  }
  return out;
}

std::string json_string(const std::string& text) { return boost::json::serialize(boost::json::string(text)); }

// Numbers are written as the table prints them ("12.35", not 1.235E1), so a reader gets
// the same decimal the other formats show.
std::string json_value(const ReportCell& cell, int decimals) {
  if (const auto* s = std::get_if<std::string>(&cell)) return json_string(*s);
  const std::string text = cell_text(cell, decimals);
  return text.empty() ? "null" : text;
}

std::string format_json(const ReportTable& t) {
  std::string out = "{\"report\":" + json_string(t.report) + ",\"title\":" + json_string(t.title) + ",\"columns\":[";
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const ReportColumn& col = t.columns[c];
    out += std::string(c ? "," : "") + "{\"name\":" + json_string(col.name) + ",\"unit\":" + json_string(col.unit) +
           ",\"decimals\":" + std::to_string(col.decimals) + "}";
  }
  out += "],\"rows\":[";
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    out += r ? ",\n{" : "\n{";
    for (std::size_t c = 0; c < t.columns.size() && c < t.rows[r].size(); ++c)
      out += (c ? "," : "") + json_string(t.columns[c].name) + ":" + json_value(t.rows[r][c], t.columns[c].decimals);
    out += "}";
  }
  out += "],\"notes\":[";
  for (std::size_t i = 0; i < t.notes.size(); ++i) out += (i ? "," : "") + json_string(t.notes[i]);
  return out + "]}";
}

}  // namespace

std::string format_report(const ReportTable& table, ReportFormat format) {
  switch (format) {
    case ReportFormat::csv: return format_csv(table);
    case ReportFormat::json: return format_json(table);
    case ReportFormat::table: break;
  }
  return format_table(table);
}

}  // namespace coldsort::store
