#include "storage/table_schema.h"

namespace mystocks::storage {

const ColumnDef* TableSchema::column(std::string_view name) const {
  for (const ColumnDef& column : columns) {
    if (column.field.name == name) return &column;
  }
  return nullptr;
}

std::vector<std::string> TableSchema::tag_columns() const {
  std::vector<std::string> tags;
  for (const ColumnDef& column : columns) {
    if (column.tag) tags.push_back(column.field.name);
  }
  return tags;
}

void TableSchema::finalize() {
  std::vector<Field> fields;
  fields.reserve(columns.size());
  for (const ColumnDef& column : columns) fields.push_back(column.field);
  schema_ = std::make_shared<const Schema>(std::move(fields));
}

Result<const TableSchema*> TableCatalog::find(std::string_view name) const {
  for (const TableSchema& table : tables_) {
    if (table.name == name) return &table;
  }
  std::string known;
  for (const TableSchema& table : tables_) {
    known += known.empty() ? "" : ", ";
    known += table.name;
  }
  return field_error(ErrorCode::kNotFound, "table", "table '{}' is not declared in tables.yaml "
                     "(declared: {})", name, known);
}

}  // namespace mystocks::storage
