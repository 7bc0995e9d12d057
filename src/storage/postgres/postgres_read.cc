// PostgresStore's read path: statements built from typed queries, results decoded from binary.
#include <charconv>

#include "storage/postgres/pg_binary.h"
#include "storage/postgres/postgres_store.h"

namespace mystocks::storage {

Result<RecordBatch> PostgresStore::run_select(PostgresConnection& connection,
                                              const SelectStatement& select,
                                              const std::string& table) {
  Result<PgResult> result = connection.query(select.sql.text, select.sql.params);
  if (!result.is_ok()) return result.status();
  PGresult* rows = result->get();
  const int row_count = PQntuples(rows);
  if (row_count > select.max_rows) return too_many_rows(table, select.max_rows);
  const std::vector<Field>& fields = select.fields;
  if (PQnfields(rows) != static_cast<int>(fields.size())) {
    return error(ErrorCode::kInternal, "postgres returned {} columns for {} requested",
                 PQnfields(rows), fields.size());
  }
  std::vector<Column> columns;
  columns.reserve(fields.size());
  for (size_t column_idx = 0; column_idx < fields.size(); ++column_idx) {
    const Field& field = fields[column_idx];
    const Oid oid = PQftype(rows, static_cast<int>(column_idx));
    if (oid != pg::type_oid(field.type)) {
      return field_error(ErrorCode::kSchemaMismatch, field.name,
                         "column '{}.{}' has PostgreSQL type oid {} but tables.yaml declares {} "
                         "(oid {}); was the table altered outside MyStocks?",
                         table, field.name, oid, field.type_string(), pg::type_oid(field.type));
    }
    Column column(empty_values_for(field.type));
    column.mutable_validity().reserve(static_cast<size_t>(row_count));
    for (int row = 0; row < row_count; ++row) {
      const int slot = static_cast<int>(column_idx);
      if (PQgetisnull(rows, row, slot)) {
        // A placeholder value keeps the column's length; validity marks it null.
        std::visit([](auto& values) { values.emplace_back(); }, column.mutable_values());
        column.mutable_validity().push_back(0);
        continue;
      }
      const std::string_view bytes(PQgetvalue(rows, row, slot),
                                   static_cast<size_t>(PQgetlength(rows, row, slot)));
      Status decoded = pg::decode_cell(bytes, field.type, field.scale, column);
      if (!decoded.is_ok()) {
        return decoded.with_context(fmt::format("column '{}.{}' row {}", table, field.name, row));
      }
    }
    if (!column.has_nulls()) column.mutable_validity().clear();
    columns.push_back(std::move(column));
  }
  return RecordBatch::make(std::make_shared<const Schema>(fields), std::move(columns));
}

Result<int64_t> PostgresStore::run_count(PostgresConnection& connection,
                                         const SqlStatement& statement) {
  Result<PgResult> result = connection.query(statement.text, statement.params);
  if (!result.is_ok()) return result.status();
  if (PQntuples(result->get()) != 1 || PQgetlength(result->get(), 0, 0) != 8) {
    return error(ErrorCode::kInternal, "postgres: count(*) returned no bigint");
  }
  Column column(empty_values_for(ColumnType::kInt64));
  MYSTOCKS_RETURN_IF_ERROR(pg::decode_cell(std::string_view(PQgetvalue(result->get(), 0, 0), 8),
                                           ColumnType::kInt64, 0, column));
  return column.as<int64_t>()[0];
}

Result<int64_t> PostgresStore::run_erase(PostgresConnection& connection,
                                         const SqlStatement& statement) {
  Result<PgResult> result = connection.query(statement.text, statement.params);
  if (!result.is_ok()) return result.status();
  const std::string_view affected = PQcmdTuples(result->get());
  int64_t rows = 0;
  std::from_chars(affected.data(), affected.data() + affected.size(), rows);
  return rows;
}

}  // namespace mystocks::storage
