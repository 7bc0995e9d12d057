// SqliteStore's DDL half: creating and migrating tables against the schema-version table.
#include <sqlite3.h>

#include "storage/relational/ddl.h"
#include "storage/relational/schema_record.h"
#include "storage/sqlite/sqlite_connection.h"
#include "storage/sqlite/sqlite_store.h"

namespace mystocks::storage {
namespace {

Result<std::optional<SchemaRecord>> read_record(SqliteConnection& connection,
                                                const std::string& table) {
  Result<sqlite3_stmt*> statement =
      connection.prepare("SELECT version, definition FROM " +
                             quote_identifier(kSchemaVersionTable) + " WHERE table_name = ?",
                         "reading the schema version of " + table);
  if (!statement.is_ok()) return statement.status();
  sqlite3_bind_text(*statement, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(*statement);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(*statement);
    return std::optional<SchemaRecord>();
  }
  if (rc != SQLITE_ROW) {
    Status failed = connection.status_of(rc, "reading the schema version of " + table);
    sqlite3_reset(*statement);
    return failed;
  }
  const int64_t version = sqlite3_column_int64(*statement, 0);
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(*statement, 1));
  std::string definition = text != nullptr ? text : "";
  sqlite3_reset(*statement);
  Result<SchemaRecord> record = decode_schema_record(table, version, definition);
  if (!record.is_ok()) return record.status();
  return std::optional<SchemaRecord>(std::move(*record));
}

Result<bool> table_exists(SqliteConnection& connection, const std::string& table) {
  Result<sqlite3_stmt*> statement =
      connection.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
                         "looking up " + table);
  if (!statement.is_ok()) return statement.status();
  sqlite3_bind_text(*statement, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  const int rc = sqlite3_step(*statement);
  const bool exists = rc == SQLITE_ROW && sqlite3_column_int64(*statement, 0) > 0;
  sqlite3_reset(*statement);
  if (rc != SQLITE_ROW) return connection.status_of(rc, "looking up " + table);
  return exists;
}

Status write_record(SqliteConnection& connection, const TableSchema& table, int64_t version,
                    int64_t now_ms) {
  Result<sqlite3_stmt*> statement = connection.prepare(
      "INSERT INTO " + quote_identifier(kSchemaVersionTable) +
          " (table_name, version, definition, updated_at_ms) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (table_name) DO UPDATE SET version = excluded.version, "
          "definition = excluded.definition, updated_at_ms = excluded.updated_at_ms",
      "recording the schema version of " + table.name);
  if (!statement.is_ok()) return statement.status();
  const std::string definition = encode_schema_record(table);
  sqlite3_bind_text(*statement, 1, table.name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(*statement, 2, version);
  sqlite3_bind_text(*statement, 3, definition.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(*statement, 4, now_ms);
  const int rc = sqlite3_step(*statement);
  sqlite3_reset(*statement);
  if (rc != SQLITE_DONE) return connection.status_of(rc, "recording the schema version");
  return Status::ok();
}

Status migrate(SqliteConnection& connection, const TableSchema& table, const std::string& path,
               int64_t now_ms) {
  Result<std::optional<SchemaRecord>> recorded = read_record(connection, table.name);
  if (!recorded.is_ok()) return recorded.status();
  if (!recorded->has_value()) {
    Result<bool> exists = table_exists(connection, table.name);
    if (!exists.is_ok()) return exists.status();
    if (*exists) {
      return field_error(ErrorCode::kFailedPrecondition, table.name,
                         "table '{}' already exists in {} but has no schema-version record, so "
                         "MyStocks did not create it; rename or drop it",
                         table.name, path);
    }
  }
  Result<MigrationPlan> plan = plan_migration(table, *recorded);
  if (!plan.is_ok()) return plan.status().with_context(path);
  if (plan->kind == MigrationKind::kUnchanged) return Status::ok();
  for (const std::string& sql : migration_statements(table, *plan, SqlDialect::kSqlite)) {
    Status applied = connection.execute(sql);
    if (!applied.is_ok()) return migration_failed(table, path, sql, applied);
  }
  return write_record(connection, table, plan->new_version, now_ms);
}

}  // namespace

Status SqliteStore::apply_declaration(const TableSchema& table) {
  SqliteConnection& connection = *writer_.connection;
  MYSTOCKS_RETURN_IF_ERROR(connection.execute(schema_version_table_sql(SqlDialect::kSqlite)));
  // IMMEDIATE takes the write lock before reading the record, so two processes starting at once
  // cannot both decide to create or alter the same table.
  MYSTOCKS_RETURN_IF_ERROR(connection.execute("BEGIN IMMEDIATE"));
  Status status = migrate(connection, table, options_.path, clock_.now_ms());
  if (status.is_ok()) status = connection.execute("COMMIT");
  if (!status.is_ok()) (void)connection.execute("ROLLBACK");
  return status;
}

}  // namespace mystocks::storage
