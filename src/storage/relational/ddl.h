// DDL generated from tables.yaml declarations, per dialect: CREATE TABLE with keys, indexes,
// ADD COLUMN for migrations, and the schema-version table both stores keep. Pure functions over
// immutable TableSchema values: safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "storage/relational/schema_record.h"
#include "storage/relational/sql_dialect.h"
#include "storage/table_schema.h"

namespace mystocks::storage {

// Where each store records which version of each table's declaration it has applied.
inline constexpr std::string_view kSchemaVersionTable = "mystocks_schema_version";

// Checks what a relational table needs beyond the loader's rules: SQL-safe names and
// non-nullable key columns (a nullable key would let duplicates through a unique index).
Status check_relational_table(const TableSchema& table);

// CREATE TABLE (no IF NOT EXISTS: ensure_table decides). The identity is PRIMARY KEY
// (primary_key, else unique_key) plus UNIQUE (unique_key) when they differ. SQLite tables are
// STRICT, and WITHOUT ROWID when the unique key is the identity, so rows are clustered by it.
std::string create_table_sql(const TableSchema& table, SqlDialect dialect);

// CREATE INDEX IF NOT EXISTS for one declared index.
std::string create_index_sql(const TableSchema& table, const std::vector<std::string>& columns);

// The status to report when migration statement `sql` failed on `where` (a database name): a new
// unique index that existing rows break becomes kFailedPrecondition with what to do about it.
Status migration_failed(const TableSchema& table, const std::string& where, const std::string& sql,
                        const Status& failure);

// ALTER TABLE ... ADD COLUMN for a (nullable) column added to tables.yaml.
std::string add_column_sql(const TableSchema& table, const Field& field, SqlDialect dialect);

// Every statement that creates `table` from scratch: the table, then its indexes.
std::vector<std::string> create_table_statements(const TableSchema& table, SqlDialect dialect);

// The DDL that carries out `plan` (create, or add columns and indexes; nothing when unchanged),
// so both backends apply migrations the same way and only execute the statements.
std::vector<std::string> migration_statements(const TableSchema& table, const MigrationPlan& plan,
                                              SqlDialect dialect);

// CREATE TABLE IF NOT EXISTS for the schema-version table
// (table_name, version, definition, updated_at_ms).
std::string schema_version_table_sql(SqlDialect dialect);

// "?" for SQLite, "$<n>" for PostgreSQL; `number` counts from 1.
std::string placeholder(SqlDialect dialect, size_t number);

}  // namespace mystocks::storage
