#include "storage/relational/sql_dialect.h"

#include <cctype>

namespace mystocks::storage {

Status check_identifier(std::string_view name, std::string_view what) {
  auto valid_char = [](unsigned char c, bool first) {
    return std::isalpha(c) || c == '_' || (!first && std::isdigit(c));
  };
  bool valid = !name.empty() && name.size() <= kMaxIdentifierLength;
  for (size_t index = 0; valid && index < name.size(); ++index) {
    valid = valid_char(static_cast<unsigned char>(name[index]), index == 0);
  }
  if (valid) return Status::ok();
  return error(ErrorCode::kInvalidConfig,
               "{} '{}' is not a valid SQL name: use letters, digits and '_' (not first), at most "
               "{} bytes",
               what, name, kMaxIdentifierLength);
}

std::string quote_identifier(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string column_type_sql(const Field& field, SqlDialect dialect) {
  if (dialect == SqlDialect::kSqlite) {
    switch (field.type) {
      case ColumnType::kDouble:
        return "REAL";
      case ColumnType::kString:
        return "TEXT";
      default:
        return "INTEGER";  // bool, ints, decimal units, timestamp ms, date days
    }
  }
  switch (field.type) {
    case ColumnType::kBool:
      return "boolean";
    case ColumnType::kInt32:
      return "integer";
    case ColumnType::kInt64:
      return "bigint";
    case ColumnType::kDouble:
      return "double precision";
    // 19 digits hold every int64 unit count, so no value we write can overflow the column.
    case ColumnType::kDecimal:
      return fmt::format("numeric(19, {})", field.scale);
    case ColumnType::kTimestamp:
      return "timestamptz";
    case ColumnType::kDate:
      return "date";
    // Byte order, as SQLite's BINARY collation: results sort the same on both backends whatever
    // the server's locale, and comparisons skip locale rules.
    case ColumnType::kString:
      return "text COLLATE \"C\"";
  }
  return "text";
}

std::string index_name(std::string_view table, const std::vector<std::string>& columns,
                       std::string_view prefix) {
  std::string name = std::string(prefix) + "_" + std::string(table);
  for (const std::string& column : columns) name += "_" + column;
  if (name.size() <= kMaxIdentifierLength) return name;
  uint32_t hash = 2166136261u;  // FNV-1a keeps shortened names stable across runs
  for (unsigned char c : name) hash = (hash ^ c) * 16777619u;
  return fmt::format("{}_{:08x}", name.substr(0, kMaxIdentifierLength - 9), hash);
}

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += quote_identifier(name);
  }
  return out;
}

}  // namespace mystocks::storage
