#include "storage/relational/ddl.h"

#include <algorithm>

namespace mystocks::storage {

Status check_relational_table(const TableSchema& table) {
  MYSTOCKS_RETURN_IF_ERROR(check_identifier(table.name, "table"));
  for (const ColumnDef& column : table.columns) {
    MYSTOCKS_RETURN_IF_ERROR(
        check_identifier(column.field.name, fmt::format("table '{}' column", table.name)));
  }
  std::vector<const std::vector<std::string>*> keys{&table.primary_key, &table.unique_key};
  for (const std::vector<std::string>& index : table.unique_indexes) keys.push_back(&index);
  for (const auto* key : keys) {
    for (const std::string& name : *key) {
      const ColumnDef* column = table.column(name);
      if (column != nullptr && column->field.nullable) {
        return field_error(ErrorCode::kInvalidConfig, table.name + "." + name,
                           "table '{}' column '{}' is part of a key or unique index and must not "
                           "be nullable (NULLs never collide, so the constraint would not hold)",
                           table.name, name);
      }
    }
  }
  if (table.unique_key.empty()) {
    return field_error(ErrorCode::kInvalidConfig, table.name,
                       "table '{}' has no unique_key or primary_key to upsert on", table.name);
  }
  return Status::ok();
}

std::string create_table_sql(const TableSchema& table, SqlDialect dialect) {
  std::string sql = "CREATE TABLE " + quote_identifier(table.name) + " (";
  for (const ColumnDef& column : table.columns) {
    sql +=
        "\n  " + quote_identifier(column.field.name) + " " + column_type_sql(column.field, dialect);
    if (!column.field.nullable) sql += " NOT NULL";
    sql += ",";
  }
  const bool clustered_on_unique_key = table.primary_key.empty();
  const std::vector<std::string>& identity =
      clustered_on_unique_key ? table.unique_key : table.primary_key;
  sql += "\n  PRIMARY KEY (" + quoted_list(identity) + ")";
  if (!clustered_on_unique_key && table.unique_key != table.primary_key) {
    sql += ",\n  UNIQUE (" + quoted_list(table.unique_key) + ")";
  }
  sql += "\n)";
  if (dialect == SqlDialect::kSqlite) {
    sql += clustered_on_unique_key ? " STRICT, WITHOUT ROWID" : " STRICT";
  }
  return sql;
}

std::string create_index_sql(const TableSchema& table, const std::vector<std::string>& columns) {
  return "CREATE INDEX IF NOT EXISTS " + quote_identifier(index_name(table.name, columns)) +
         " ON " + quote_identifier(table.name) + " (" + quoted_list(columns) + ")";
}

std::string create_unique_index_sql(const TableSchema& table,
                                    const std::vector<std::string>& columns) {
  return "CREATE UNIQUE INDEX IF NOT EXISTS " +
         quote_identifier(index_name(table.name, columns, "ux")) + " ON " +
         quote_identifier(table.name) + " (" + quoted_list(columns) + ")";
}

Status migration_failed(const TableSchema& table, const std::string& where, const std::string& sql,
                        const Status& failure) {
  if (failure.code() == ErrorCode::kAlreadyExists) {
    return field_error(ErrorCode::kFailedPrecondition, table.name,
                       "{}: table '{}' already holds rows that repeat the columns of a newly "
                       "declared unique index, so it cannot be built ({}; {}). Remove the "
                       "duplicate rows or the declaration, then start again",
                       where, table.name, failure.message(), sql);
  }
  return failure.with_context(where + ": migrating table '" + table.name + "': " + sql);
}

std::string add_column_sql(const TableSchema& table, const Field& field, SqlDialect dialect) {
  std::string sql = "ALTER TABLE " + quote_identifier(table.name) + " ADD COLUMN " +
                    quote_identifier(field.name) + " " + column_type_sql(field, dialect);
  // No NOT NULL: existing rows have no value for the column (plan_migration insists on nullable).
  return sql;
}

std::vector<std::string> create_table_statements(const TableSchema& table, SqlDialect dialect) {
  std::vector<std::string> statements{create_table_sql(table, dialect)};
  for (const std::vector<std::string>& index : table.indexes) {
    statements.push_back(create_index_sql(table, index));
  }
  for (const std::vector<std::string>& index : table.unique_indexes) {
    statements.push_back(create_unique_index_sql(table, index));
  }
  return statements;
}

std::string schema_version_table_sql(SqlDialect dialect) {
  const bool sqlite = dialect == SqlDialect::kSqlite;
  const std::string text = sqlite ? "TEXT" : "text";
  const std::string integer = sqlite ? "INTEGER" : "bigint";
  return "CREATE TABLE IF NOT EXISTS " + quote_identifier(kSchemaVersionTable) + " (" +
         "\"table_name\" " + text + " PRIMARY KEY, \"version\" " + integer + " NOT NULL, " +
         "\"definition\" " + text + " NOT NULL, \"updated_at_ms\" " + integer + " NOT NULL)" +
         (sqlite ? " STRICT" : "");
}

std::string placeholder(SqlDialect dialect, size_t number) {
  return dialect == SqlDialect::kSqlite ? std::string("?") : "$" + std::to_string(number);
}

std::vector<std::string> migration_statements(const TableSchema& table, const MigrationPlan& plan,
                                              SqlDialect dialect) {
  switch (plan.kind) {
    case MigrationKind::kUnchanged:
      return {};
    case MigrationKind::kCreate:
      return create_table_statements(table, dialect);
    case MigrationKind::kAlter:
      break;
  }
  std::vector<std::string> statements;
  for (const Field& field : plan.added_columns) statements.push_back(add_column_sql(table, field, dialect));
  for (const std::vector<std::string>& index : plan.added_indexes) {
    statements.push_back(create_index_sql(table, index));
  }
  // A unique index left behind would go on refusing writes the declaration now allows.
  for (const std::vector<std::string>& index : plan.dropped_unique_indexes) {
    statements.push_back("DROP INDEX IF EXISTS " +
                         quote_identifier(index_name(table.name, index, "ux")));
  }
  // Fails, and stops start-up naming the table, if the rows already break the new constraint.
  for (const std::vector<std::string>& index : plan.added_unique_indexes) {
    statements.push_back(create_unique_index_sql(table, index));
  }
  return statements;
}

}  // namespace mystocks::storage
