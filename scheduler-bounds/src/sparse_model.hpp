#pragma once
// A linear model as plain arrays (columns, rows, triplets), built without COIN-OR so the model
// code stays solver-neutral; coin_solve.cpp hands it to CLP or CBC. The sense is maximise.
// Thread safety: plain values.
#include <cstddef>
#include <limits>
#include <vector>

namespace coldsort::scheduler_bounds {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct SparseModel {
  std::vector<double> col_lower, col_upper, objective;
  std::vector<char> integer;
  std::vector<double> row_lower, row_upper;
  std::vector<int> entry_row, entry_col;
  std::vector<double> entry_value;

  int add_col(double lower, double upper, double objective_coefficient = 0, bool is_integer = false) {
    col_lower.push_back(lower);
    col_upper.push_back(upper);
    objective.push_back(objective_coefficient);
    integer.push_back(is_integer ? 1 : 0);
    return static_cast<int>(col_lower.size()) - 1;
  }
  int add_row(double lower, double upper) {
    row_lower.push_back(lower);
    row_upper.push_back(upper);
    return static_cast<int>(row_lower.size()) - 1;
  }
  void set(int row, int col, double value) {
    if (row < 0 || col < 0 || value == 0) return;
    entry_row.push_back(row);
    entry_col.push_back(col);
    entry_value.push_back(value);
  }
  std::size_t cols() const { return col_lower.size(); }
  std::size_t rows() const { return row_lower.size(); }
  std::size_t integers() const {
    std::size_t n = 0;
    for (char c : integer) n += c != 0;
    return n;
  }
};

}  // namespace coldsort::scheduler_bounds
