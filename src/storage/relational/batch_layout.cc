#include "storage/relational/batch_layout.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <unordered_map>

namespace mystocks::storage {
namespace {

bool in_list(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string declared_columns(const TableSchema& table) {
  std::string out;
  for (const ColumnDef& column : table.columns)
    out += (out.empty() ? "" : ", ") + column.field.name;
  return out;
}

Status check_values(const TableSchema& table, const Field& field, const Column& column) {
  if (!field.nullable && column.has_nulls()) {
    const auto& validity = column.validity();
    const size_t row = static_cast<size_t>(std::find(validity.begin(), validity.end(), uint8_t{0}) -
                                           validity.begin());
    return field_error(ErrorCode::kInvalidArgument, field.name,
                       "column '{}' row {} is null, but table '{}' declares it non-nullable",
                       field.name, row, table.name);
  }
  if (field.type == ColumnType::kDouble) {
    const std::vector<double>& values = column.as<double>();
    for (size_t row = 0; row < values.size(); ++row) {
      if (!std::isfinite(values[row]) && !column.is_null(row)) {
        return field_error(ErrorCode::kInvalidArgument, field.name,
                           "column '{}' row {} is {}: stores keep finite numbers only (send null "
                           "for a missing value)",
                           field.name, row, values[row]);
      }
    }
  }
  return Status::ok();
}

// Appends the bytes of one key cell; strings are length-prefixed so ("ab","c") != ("a","bc").
void append_key_cell(std::string& key, const Column& column, size_t row) {
  if (column.is_null(row)) {
    key += '\0';
    return;
  }
  key += '\1';
  std::visit(
      [&](const auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        if constexpr (std::is_same_v<T, std::string>) {
          const auto size = static_cast<uint32_t>(values[row].size());
          key.append(reinterpret_cast<const char*>(&size), sizeof(size));
          key += values[row];
        } else {
          key.append(reinterpret_cast<const char*>(&values[row]), sizeof(T));
        }
      },
      column.values());
}

// -1, 0 or 1 as row `a`'s cell orders before, equal to or after row `b`'s; nulls first.
int compare_cells(const Column& column, size_t a, size_t b) {
  const bool a_null = column.is_null(a);
  const bool b_null = column.is_null(b);
  if (a_null || b_null) return static_cast<int>(b_null) - static_cast<int>(a_null);
  return std::visit(
      [&](const auto& values) {
        if (values[a] < values[b]) return -1;
        return values[b] < values[a] ? 1 : 0;
      },
      column.values());
}

// A run: consecutive rows with one value of the first key column, strictly ascending on the key.
struct Run {
  uint32_t first;
  uint32_t size;
};

// The batch cut into runs, or nullopt when some run is not strictly ascending. Sources deliver
// rows grouped by symbol and ordered by time (the symbols in any order): one run per symbol.
std::optional<std::vector<Run>> ascending_runs(const RecordBatch& batch,
                                               const std::vector<size_t>& key_positions) {
  if (key_positions.empty() || batch.num_rows() == 0) return std::nullopt;
  const Column& group_column = batch.column(key_positions.front());
  std::vector<Run> runs{{0, 1}};
  for (size_t row = 1; row < batch.num_rows(); ++row) {
    if (compare_cells(group_column, row - 1, row) != 0) {
      runs.push_back({static_cast<uint32_t>(row), 1});
      continue;
    }
    // Same first-column value: the rest of the key decides.
    int order = 0;
    for (size_t key_idx = 1; key_idx < key_positions.size() && order == 0; ++key_idx) {
      order = compare_cells(batch.column(key_positions[key_idx]), row - 1, row);
    }
    if (order >= 0) return std::nullopt;
    ++runs.back().size;
  }
  return runs;
}

bool run_before(const Column& group_column, const Run& a, const Run& b) {
  return compare_cells(group_column, a.first, b.first) < 0;
}

bool runs_in_order(const Column& group_column, const std::vector<Run>& runs) {
  for (size_t index = 1; index < runs.size(); ++index) {
    if (!run_before(group_column, runs[index - 1], runs[index])) return false;
  }
  return true;
}

// Sorts the runs by their first-column value; false when a value has two runs (then a key may
// repeat across them and only hashing can tell).
bool sort_distinct_runs(const Column& group_column, std::vector<Run>& runs) {
  std::sort(runs.begin(), runs.end(),
            [&](const Run& a, const Run& b) { return run_before(group_column, a, b); });
  return runs_in_order(group_column, runs);
}

std::vector<uint32_t> rows_of(const std::vector<Run>& runs, size_t total) {
  std::vector<uint32_t> rows;
  rows.reserve(total);
  for (const Run& run : runs) {
    for (uint32_t row = run.first; row < run.first + run.size; ++row) rows.push_back(row);
  }
  return rows;
}

}  // namespace

Result<BatchLayout> layout_batch(const TableSchema& table, const RecordBatch& batch) {
  BatchLayout layout;
  const Schema& schema = batch.schema();
  for (size_t index = 0; index < schema.size(); ++index) {
    const Field& given = schema.field(index);
    const ColumnDef* declared = table.column(given.name);
    if (declared == nullptr) {
      return field_error(ErrorCode::kSchemaMismatch, given.name,
                         "batch column '{}' is not a column of table '{}' (columns: {})",
                         given.name, table.name, declared_columns(table));
    }
    if (in_list(layout.columns, given.name)) {
      return field_error(ErrorCode::kSchemaMismatch, given.name, "batch column '{}' appears twice",
                         given.name);
    }
    if (declared->field.type != given.type || declared->field.scale != given.scale) {
      return field_error(ErrorCode::kSchemaMismatch, given.name,
                         "batch column '{}' is {}, but table '{}' declares {}", given.name,
                         given.type_string(), table.name, declared->field.type_string());
    }
    MYSTOCKS_RETURN_IF_ERROR(check_values(table, declared->field, batch.column(index)));
    layout.columns.push_back(given.name);
    layout.fields.push_back(&declared->field);
    if (!in_list(table.unique_key, given.name) && !in_list(table.primary_key, given.name)) {
      layout.update_columns.push_back(given.name);
    }
  }
  for (const ColumnDef& column : table.columns) {
    const std::string& name = column.field.name;
    if (in_list(layout.columns, name)) continue;
    const bool key = in_list(table.unique_key, name) || in_list(table.primary_key, name);
    if (key || !column.field.nullable) {
      return field_error(ErrorCode::kSchemaMismatch, name,
                         "batch for table '{}' lacks column '{}', which is {}", table.name, name,
                         key ? "part of the key" : "non-nullable");
    }
  }
  for (const std::string& name : table.unique_key) {
    layout.key_positions.push_back(*schema.index_of(name));
  }
  return layout;
}

std::optional<std::vector<uint32_t>> rows_to_write(const RecordBatch& batch,
                                                   const std::vector<size_t>& key_positions) {
  if (std::optional<std::vector<Run>> runs = ascending_runs(batch, key_positions)) {
    const Column& group_column = batch.column(key_positions.front());
    if (runs_in_order(group_column, *runs)) return std::nullopt;
    if (sort_distinct_runs(group_column, *runs)) return rows_of(*runs, batch.num_rows());
  }
  const size_t rows = batch.num_rows();
  std::unordered_map<std::string, uint32_t> last_row;
  last_row.reserve(rows);
  std::string key;
  bool duplicates = false;
  for (size_t row = 0; row < rows; ++row) {
    key.clear();
    for (size_t position : key_positions) append_key_cell(key, batch.column(position), row);
    auto [it, inserted] = last_row.try_emplace(key, static_cast<uint32_t>(row));
    if (!inserted) {
      it->second = static_cast<uint32_t>(row);
      duplicates = true;
    }
  }
  if (!duplicates) return std::nullopt;
  std::vector<uint32_t> keep;
  keep.reserve(last_row.size());
  for (const auto& [unused, row] : last_row) keep.push_back(row);
  std::sort(keep.begin(), keep.end());
  return keep;
}

}  // namespace mystocks::storage
