#include "storage/tsdb/table_info.h"

#include <algorithm>
#include <iterator>
#include <string_view>

namespace mystocks::tsdb {
namespace {

bool valid_table_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

// Classifications retired from tables.yaml (issue #19) whose tables may still sit in the MANIFEST
// of an existing store, which keeps them (no DROP). They open as plain time-series tables: a
// classification only picks the default store, and these tables are already in this one.
constexpr std::string_view kRetiredClassifications[] = {"level2_snapshot"};

Result<storage::DataClassification> stored_classification(std::string_view name) {
  if (std::ranges::find(kRetiredClassifications, name) != std::end(kRetiredClassifications)) {
    return storage::DataClassification::kTick;
  }
  return storage::parse_classification(name);
}

}  // namespace

std::optional<size_t> TableInfo::column_index(std::string_view name) const {
  for (size_t index = 0; index < schema.columns.size(); ++index) {
    if (schema.columns[index].field.name == name) return index;
  }
  return std::nullopt;
}

Result<TableInfo> TableInfo::make(const storage::TableSchema& schema) {
  if (!valid_table_name(schema.name)) {
    return field_error(
        ErrorCode::kInvalidArgument, "table",
        "table name '{}' is invalid for tsdb: expected 1-64 characters of a-z, 0-9, _",
        schema.name);
  }
  TableInfo info;
  info.schema = schema;
  info.schema.finalize();
  bool has_time = false;
  for (size_t index = 0; index < schema.columns.size(); ++index) {
    const storage::ColumnDef& column = schema.columns[index];
    const Field& field = column.field;
    for (size_t other = 0; other < index; ++other) {
      if (schema.columns[other].field.name == field.name) {
        return field_error(ErrorCode::kInvalidArgument, field.name,
                           "table '{}' declares column '{}' twice", schema.name, field.name);
      }
    }
    if (field.name == schema.time_column) {
      if (field.type != ColumnType::kTimestamp || field.nullable || column.tag) {
        return field_error(ErrorCode::kInvalidArgument, field.name,
                           "table '{}': time column '{}' must be a non-nullable, non-tag timestamp",
                           schema.name, field.name);
      }
      info.time_index = index;
      has_time = true;
    } else if (column.tag) {
      if (field.type != ColumnType::kString || field.nullable) {
        return field_error(ErrorCode::kInvalidArgument, field.name,
                           "table '{}': tag column '{}' must be a non-nullable string", schema.name,
                           field.name);
      }
      if (field.name == "symbol") info.symbol_tag = info.tag_indices.size();
      if (field.name == "exchange") info.exchange_tag = info.tag_indices.size();
      info.tag_indices.push_back(index);
    } else {
      info.value_indices.push_back(index);
    }
  }
  if (!has_time) {
    return field_error(ErrorCode::kInvalidArgument, "time_column",
                       "table '{}': time column '{}' is not among its columns", schema.name,
                       schema.time_column);
  }
  if (info.tag_indices.empty()) {
    return field_error(ErrorCode::kInvalidArgument, "tags",
                       "table '{}' has no tag column: a time-series table needs at least one "
                       "(usually symbol)",
                       schema.name);
  }
  info.stored_indices.push_back(info.time_index);
  info.stored_indices.insert(info.stored_indices.end(), info.value_indices.begin(),
                             info.value_indices.end());
  for (size_t index : info.stored_indices) {
    const ColumnType type = info.field(index).type;
    info.fixed_row_bytes += type == ColumnType::kString ? 16
                            : type == ColumnType::kBool  ? 1
                            : (type == ColumnType::kInt32 || type == ColumnType::kDate) ? 4
                                                                                         : 8;
  }
  return info;
}

Status check_compatible(const TableInfo& existing, const TableInfo& declared) {
  const std::string& table = existing.name();
  for (const storage::ColumnDef& old_column : existing.schema.columns) {
    const storage::ColumnDef* new_column = declared.schema.column(old_column.field.name);
    if (new_column == nullptr) {
      return field_error(ErrorCode::kSchemaMismatch, old_column.field.name,
                         "table '{}' exists with column '{}', which the new declaration drops; "
                         "tsdb only accepts added nullable columns",
                         table, old_column.field.name);
    }
    if (!(new_column->field == old_column.field) || new_column->tag != old_column.tag) {
      return field_error(
          ErrorCode::kSchemaMismatch, old_column.field.name,
          "table '{}' exists with column '{}' {}{}, declared now as {}{}", table,
          old_column.field.name, old_column.field.type_string(),
          old_column.tag ? " tag" : (old_column.field.nullable ? " nullable" : ""),
          new_column->field.type_string(),
          new_column->tag ? " tag" : (new_column->field.nullable ? " nullable" : ""));
    }
  }
  for (const storage::ColumnDef& new_column : declared.schema.columns) {
    if (existing.schema.column(new_column.field.name) != nullptr) continue;
    if (new_column.tag || !new_column.field.nullable) {
      return field_error(ErrorCode::kSchemaMismatch, new_column.field.name,
                         "table '{}' exists; new column '{}' must be a nullable value column",
                         table, new_column.field.name);
    }
  }
  if (existing.schema.time_column != declared.schema.time_column) {
    return field_error(ErrorCode::kSchemaMismatch, "time_column",
                       "table '{}' exists with time column '{}', declared now as '{}'", table,
                       existing.schema.time_column, declared.schema.time_column);
  }
  return Status::ok();
}

void encode_table_schema(const storage::TableSchema& schema, ByteWriter& out) {
  out.put_string(schema.name);
  out.put_string(storage::classification_name(schema.classification));
  out.put_string(schema.time_column);
  out.put_signed(schema.retention_days);
  out.put_varint(schema.columns.size());
  for (const storage::ColumnDef& column : schema.columns) {
    out.put_string(column.field.name);
    out.put_u8(static_cast<uint8_t>(column.field.type));
    out.put_u8(static_cast<uint8_t>(column.field.scale));
    out.put_u8(static_cast<uint8_t>((column.field.nullable ? 1 : 0) | (column.tag ? 2 : 0)));
  }
}

Result<storage::TableSchema> decode_table_schema(ByteReader& in) {
  storage::TableSchema schema;
  std::string classification;
  int64_t retention = 0;
  uint64_t count = 0;
  if (!in.get_string(schema.name) || !in.get_string(classification) ||
      !in.get_string(schema.time_column) || !in.get_signed(retention) ||
      !in.get_count(count, 10'000)) {
    return error(ErrorCode::kDataLoss, "table schema is truncated");
  }
  Result<storage::DataClassification> parsed = stored_classification(classification);
  if (!parsed.is_ok())
    return error(ErrorCode::kDataLoss, "table schema: {}", parsed.status().message());
  schema.classification = *parsed;
  schema.retention_days = static_cast<int>(retention);
  schema.partition = storage::Partitioning::kDay;
  for (uint64_t index = 0; index < count; ++index) {
    storage::ColumnDef column;
    uint8_t type = 0;
    uint8_t scale = 0;
    uint8_t flags = 0;
    if (!in.get_string(column.field.name) || !in.get_u8(type) || !in.get_u8(scale) ||
        !in.get_u8(flags) || type > static_cast<uint8_t>(ColumnType::kString)) {
      return error(ErrorCode::kDataLoss, "table schema of '{}' is truncated", schema.name);
    }
    column.field.type = static_cast<ColumnType>(type);
    column.field.scale = scale;
    column.field.nullable = (flags & 1) != 0;
    column.tag = (flags & 2) != 0;
    schema.columns.push_back(std::move(column));
  }
  for (const storage::ColumnDef& column : schema.columns) {
    if (column.tag) schema.unique_key.push_back(column.field.name);
  }
  schema.unique_key.push_back(schema.time_column);
  schema.finalize();
  return schema;
}

}  // namespace mystocks::tsdb
