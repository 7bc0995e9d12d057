// PostgresStore's DDL half: creating and migrating tables against the schema-version table, in
// one transaction under an advisory lock so concurrent start-ups apply each change once.
#include "storage/postgres/pg_binary.h"
#include "storage/postgres/postgres_store.h"
#include "storage/relational/ddl.h"
#include "storage/relational/schema_record.h"

namespace mystocks::storage {
namespace {

// pg_advisory_xact_lock key serialising MyStocks DDL across processes ("MYST").
constexpr int64_t kDdlLockKey = 0x4D595354;

BoundValue text(const std::string& value) { return {ColumnType::kString, 0, value}; }

Result<std::optional<SchemaRecord>> read_record(PostgresConnection& connection,
                                                const std::string& table) {
  Result<PgResult> result =
      connection.query("SELECT version, definition FROM " + quote_identifier(kSchemaVersionTable) +
                           " WHERE table_name = $1",
                       {text(table)});
  if (!result.is_ok()) return result.status();
  if (PQntuples(result->get()) == 0) return std::optional<SchemaRecord>();
  Column version(empty_values_for(ColumnType::kInt64));
  MYSTOCKS_RETURN_IF_ERROR(
      pg::decode_cell(std::string_view(PQgetvalue(result->get(), 0, 0),
                                       static_cast<size_t>(PQgetlength(result->get(), 0, 0))),
                      ColumnType::kInt64, 0, version));
  const std::string definition(PQgetvalue(result->get(), 0, 1),
                               static_cast<size_t>(PQgetlength(result->get(), 0, 1)));
  Result<SchemaRecord> record = decode_schema_record(table, version.as<int64_t>()[0], definition);
  if (!record.is_ok()) return record.status();
  return std::optional<SchemaRecord>(std::move(*record));
}

Result<bool> table_exists(PostgresConnection& connection, const std::string& table) {
  Result<PgResult> result = connection.query(
      "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = $1",
      {text(table)});
  if (!result.is_ok()) return result.status();
  return PQntuples(result->get()) > 0;
}

Status migrate(PostgresConnection& connection, const TableSchema& table, int64_t now_ms,
               const std::string& where) {
  MYSTOCKS_RETURN_IF_ERROR(
      connection.execute(fmt::format("SELECT pg_advisory_xact_lock({})", kDdlLockKey)));
  MYSTOCKS_RETURN_IF_ERROR(connection.execute(schema_version_table_sql(SqlDialect::kPostgres)));
  Result<std::optional<SchemaRecord>> recorded = read_record(connection, table.name);
  if (!recorded.is_ok()) return recorded.status();
  if (!recorded->has_value()) {
    Result<bool> exists = table_exists(connection, table.name);
    if (!exists.is_ok()) return exists.status();
    if (*exists) {
      return field_error(ErrorCode::kFailedPrecondition, table.name,
                         "table '{}' already exists in {} but has no schema-version record, so "
                         "MyStocks did not create it; rename or drop it",
                         table.name, where);
    }
  }
  Result<MigrationPlan> plan = plan_migration(table, *recorded);
  if (!plan.is_ok()) return plan.status().with_context(where);
  if (plan->kind == MigrationKind::kUnchanged) return Status::ok();
  for (const std::string& sql : migration_statements(table, *plan, SqlDialect::kPostgres)) {
    Status applied = connection.execute(sql);
    if (!applied.is_ok()) return migration_failed(table, where, sql, applied);
  }
  Result<PgResult> written = connection.query(
      "INSERT INTO " + quote_identifier(kSchemaVersionTable) +
          " (table_name, version, definition, updated_at_ms) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (table_name) DO UPDATE SET version = excluded.version, "
          "definition = excluded.definition, updated_at_ms = excluded.updated_at_ms",
      {text(table.name),
       {ColumnType::kInt64, 0, plan->new_version},
       text(encode_schema_record(table)),
       {ColumnType::kInt64, 0, now_ms}});
  return written.is_ok() ? Status::ok() : written.status();
}

}  // namespace

Status PostgresStore::apply_declaration(PostgresConnection& connection, const TableSchema& table) {
  MYSTOCKS_RETURN_IF_ERROR(connection.execute("BEGIN"));
  Status status = migrate(connection, table, clock_.now_ms(),
                          "postgres " + describe_conninfo(options_.primary_conninfo));
  if (status.is_ok()) {
    status = connection.execute("COMMIT");
  } else if (!connection.is_broken()) {
    (void)connection.execute("ROLLBACK");
  }
  return status;
}

Result<int64_t> PostgresStore::schema_version(const std::string& table) {
  Result<std::shared_ptr<const TableSchema>> known = find_table(table);
  if (!known.is_ok()) return known.status();
  int64_t version = 0;
  MYSTOCKS_RETURN_IF_ERROR(on_primary([&](PostgresConnection& connection) {
    Result<std::optional<SchemaRecord>> record = read_record(connection, table);
    if (!record.is_ok()) return record.status();
    if (!record->has_value()) {
      return error(ErrorCode::kNotFound, "table '{}' has no schema-version record", table);
    }
    version = (*record)->version;
    return Status::ok();
  }));
  return version;
}

}  // namespace mystocks::storage
