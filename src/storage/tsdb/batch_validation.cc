#include "storage/tsdb/batch_validation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "core/symbol.h"

namespace mystocks::tsdb {
namespace {

std::string declared_columns(const TableInfo& table) {
  std::string out;
  for (const storage::ColumnDef& column : table.schema.columns) {
    if (!out.empty()) out += ", ";
    out += column.field.name;
  }
  return out;
}

Status check_tag(const TableInfo& table, const std::vector<const Column*>& columns,
                 size_t tag_position, const std::vector<std::string>& tags, size_t row) {
  const std::string& value = tags[tag_position];
  const std::string& name = table.field(table.tag_indices[tag_position]).name;
  if (value.empty() || value.size() > kMaxTagBytes || value.find('\0') != std::string::npos) {
    return field_error(ErrorCode::kInvalidArgument, name,
                       "table '{}' column '{}' row {}: tag value '{}' is invalid: expected 1-{} "
                       "bytes without NUL",
                       table.name(), name, row, value, kMaxTagBytes);
  }
  if (table.symbol_tag == tag_position) {
    Result<Symbol> symbol = Symbol::parse(value, name);
    if (!symbol.is_ok()) {
      return field_error(ErrorCode::kInvalidSymbol, name, "table '{}' column '{}' row {}: {}",
                         table.name(), name, row, symbol.status().message());
    }
    const std::string canonical = symbol->to_string();
    if (canonical != value) {
      return field_error(ErrorCode::kInvalidSymbol, name,
                         "table '{}' column '{}' row {}: symbol '{}' is not canonical: write '{}'",
                         table.name(), name, row, value, canonical);
    }
    if (table.exchange_tag) {
      const std::string& exchange = tags[*table.exchange_tag];
      if (exchange != exchange_name(symbol->exchange())) {
        const std::string& exchange_column = table.field(table.tag_indices[*table.exchange_tag]).name;
        return field_error(ErrorCode::kInvalidArgument, exchange_column,
                           "table '{}' column '{}' row {}: exchange '{}' disagrees with symbol "
                           "'{}' (expected '{}')",
                           table.name(), exchange_column, row, exchange, value,
                           exchange_name(symbol->exchange()));
      }
    }
  }
  (void)columns;
  return Status::ok();
}

Status check_values(const TableInfo& table, size_t column_index, const Column& column) {
  const Field& field = table.field(column_index);
  if (!field.nullable && column.has_nulls()) {
    const auto& validity = column.validity();
    const size_t row = std::find(validity.begin(), validity.end(), 0) - validity.begin();
    return field_error(ErrorCode::kSchemaMismatch, field.name,
                       "table '{}' column '{}' row {}: null in a non-nullable column", table.name(),
                       field.name, row);
  }
  if (field.type == ColumnType::kDouble) {
    const std::vector<double>& values = column.as<double>();
    for (size_t row = 0; row < values.size(); ++row) {
      if (!std::isfinite(values[row]) && !column.is_null(row)) {
        return field_error(ErrorCode::kInvalidArgument, field.name,
                           "table '{}' column '{}' row {}: {} is not allowed: expected a finite "
                           "number (use null for a missing value)",
                           table.name(), field.name, row, values[row]);
      }
    }
  }
  if (column_index == table.time_index) {
    const std::vector<int64_t>& values = column.as<int64_t>();
    for (size_t row = 0; row < values.size(); ++row) {
      if (values[row] < kMinTimestamp || values[row] >= kMaxTimestamp) {
        return field_error(ErrorCode::kInvalidTimestamp, field.name,
                           "table '{}' column '{}' row {}: timestamp {} is out of range: expected "
                           "epoch milliseconds from 1990-01-01 to 2200-01-01",
                           table.name(), field.name, row, values[row]);
      }
    }
  }
  return Status::ok();
}

}  // namespace

std::string series_key(const std::vector<std::string>& tags) {
  std::string key;
  for (size_t index = 0; index < tags.size(); ++index) {
    if (index > 0) key.push_back('\0');
    key += tags[index];
  }
  return key;
}

std::vector<std::string> split_series_key(std::string_view key) {
  std::vector<std::string> tags;
  size_t start = 0;
  while (true) {
    const size_t end = key.find('\0', start);
    tags.emplace_back(key.substr(start, end == std::string_view::npos ? key.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return tags;
}

Result<ValidatedBatch> validate_batch(const TableInfo& table, const RecordBatch& batch) {
  ValidatedBatch out;
  out.table = &table;
  out.rows = batch.num_rows();
  out.columns.assign(table.column_count(), nullptr);
  if (batch.num_rows() > std::numeric_limits<uint32_t>::max() / 2) {
    return error(ErrorCode::kPayloadTooLarge, "table '{}': a batch of {} rows is too large",
                 table.name(), batch.num_rows());
  }
  const Schema& schema = batch.schema();
  for (size_t index = 0; index < schema.size(); ++index) {
    const Field& field = schema.field(index);
    const std::optional<size_t> column = table.column_index(field.name);
    if (!column) {
      return field_error(ErrorCode::kSchemaMismatch, field.name,
                         "table '{}' has no column '{}' (declared: {})", table.name(), field.name,
                         declared_columns(table));
    }
    const Field& declared = table.field(*column);
    if (field.type != declared.type || field.scale != declared.scale) {
      return field_error(ErrorCode::kSchemaMismatch, field.name,
                         "table '{}' column '{}' is {} in the batch but declared {}", table.name(),
                         field.name, field.type_string(), declared.type_string());
    }
    if (out.columns[*column] != nullptr) {
      return field_error(ErrorCode::kSchemaMismatch, field.name,
                         "table '{}': the batch has column '{}' twice", table.name(), field.name);
    }
    out.columns[*column] = &batch.column(index);
  }
  for (size_t column = 0; column < table.column_count(); ++column) {
    const Field& field = table.field(column);
    if (out.columns[column] == nullptr) {
      if (!field.nullable) {
        return field_error(ErrorCode::kSchemaMismatch, field.name,
                           "table '{}': the batch lacks column '{}', which is not nullable",
                           table.name(), field.name);
      }
      continue;
    }
    MYSTOCKS_RETURN_IF_ERROR(check_values(table, column, *out.columns[column]));
  }

  // Group rows by series; consecutive rows of one series (the usual layout) cost one string
  // comparison per tag.
  const size_t tag_count = table.tag_indices.size();
  std::vector<const std::vector<std::string>*> tag_values(tag_count);
  for (size_t tag = 0; tag < tag_count; ++tag) {
    tag_values[tag] = &out.columns[table.tag_indices[tag]]->as<std::string>();
  }
  std::unordered_map<std::string, size_t> group_of;
  std::vector<std::string> tags(tag_count);
  size_t current = SIZE_MAX;
  for (size_t row = 0; row < out.rows; ++row) {
    bool same = current != SIZE_MAX;
    for (size_t tag = 0; same && tag < tag_count; ++tag) {
      same = (*tag_values[tag])[row] == out.groups[current].tags[tag];
    }
    if (same) {
      auto& run = out.groups[current].runs.back();
      if (run.second == row) {
        ++run.second;
      } else {
        out.groups[current].runs.emplace_back(row, row + 1);
      }
      ++out.groups[current].rows;
      continue;
    }
    for (size_t tag = 0; tag < tag_count; ++tag) tags[tag] = (*tag_values[tag])[row];
    std::string key = series_key(tags);
    auto [it, inserted] = group_of.emplace(key, out.groups.size());
    if (inserted) {
      for (size_t tag = 0; tag < tag_count; ++tag) {
        MYSTOCKS_RETURN_IF_ERROR(check_tag(table, out.columns, tag, tags, row));
      }
      out.groups.push_back(SeriesGroup{std::move(key), tags, {}, 0});
    }
    current = it->second;
    out.groups[current].runs.emplace_back(row, row + 1);
    ++out.groups[current].rows;
  }
  return out;
}

}  // namespace mystocks::tsdb
