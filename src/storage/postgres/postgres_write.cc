// PostgresStore's write path, per chunk, inside one transaction (or a savepoint of the caller's
// transaction): rows whose keys are new go in by binary COPY straight into the table; once a key
// collides, chunks go by binary COPY into a per-connection temporary staging table and one
// INSERT ... SELECT ... ON CONFLICT DO UPDATE from it.
#include "storage/postgres/pg_binary.h"
#include "storage/postgres/postgres_store.h"
#include "storage/relational/sql_dialect.h"

namespace mystocks::storage {
namespace {

// COPY data is handed to libpq in pieces of about this size: large enough to amortise the
// calls, small enough to keep client memory flat whatever the batch size.
constexpr size_t kCopyBufferBytes = 1 << 20;

// "mystocks_stage_<table>_<hash of the column list>": a declaration change (new process, new
// columns) gets a new staging table rather than a stale one on a pooled connection.
std::string staging_table(const TableSchema& table) {
  uint32_t hash = 2166136261u;
  for (const ColumnDef& column : table.columns) {
    for (char c : column.field.name + ":" + column.field.type_string() + ";") {
      hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
    }
  }
  const std::string suffix = fmt::format("_{:08x}", hash);
  std::string name = "mystocks_stage_" + table.name;
  if (name.size() + suffix.size() > kMaxIdentifierLength) {
    name.resize(kMaxIdentifierLength - suffix.size());
  }
  return name + suffix;
}

std::string create_staging_sql(const TableSchema& table, const std::string& staging) {
  std::string sql = "CREATE TEMP TABLE IF NOT EXISTS " + quote_identifier(staging) + " (";
  for (size_t index = 0; index < table.columns.size(); ++index) {
    const Field& field = table.columns[index].field;
    sql += (index == 0 ? "" : ", ") + quote_identifier(field.name) + " " +
           column_type_sql(field, SqlDialect::kPostgres);
  }
  return sql + ") ON COMMIT DELETE ROWS";
}

// Below this many rows a failed direct COPY would cost more round trips than it saves.
constexpr size_t kDirectCopyMinRows = 10'000;

// One cell of a key column as a bound parameter, in the units pg_binary expects.
BoundValue key_param(const Column& column, const Field& field, size_t row) {
  switch (field.type) {
    case ColumnType::kBool:
      return {field.type, field.scale, column.as<uint8_t>()[row] != 0};
    case ColumnType::kInt32:
    case ColumnType::kDate:
      return {field.type, field.scale, int64_t{column.as<int32_t>()[row]}};
    case ColumnType::kInt64:
    case ColumnType::kDecimal:
    case ColumnType::kTimestamp:
      return {field.type, field.scale, column.as<int64_t>()[row]};
    case ColumnType::kDouble:
      return {field.type, field.scale, column.as<double>()[row]};
    case ColumnType::kString:
      return {field.type, field.scale, column.as<std::string>()[row]};
  }
  return {ColumnType::kInt64, 0, int64_t{0}};  // unreachable: the switch covers every type
}

}  // namespace

// The bulk-load case: COPY into the table itself, in a savepoint. COPY fills pages with
// heap_multi_insert (one WAL record per page), where INSERT ... SELECT from staging inserts and
// logs row by row: measured on 1.25 M new daily K-lines, the direct COPY took about half the
// server time of staging + insert. The first unique violation rolls the chunk back and clears
// `try_direct`; the caller then merges the chunk's rows through the staging table.
Status PostgresStore::copy_direct(PostgresConnection& connection, const Chunk& chunk,
                                  bool& try_direct) {
  MYSTOCKS_RETURN_IF_ERROR(connection.execute("SAVEPOINT mystocks_direct"));
  Status copied = copy_rows(connection, quote_identifier(chunk.table.name), chunk);
  if (copied.is_ok()) {
    count_upsert_rows(UpsertPath::kDirect, chunk.end - chunk.begin);
    return connection.execute("RELEASE SAVEPOINT mystocks_direct");
  }
  if (copied.code() != ErrorCode::kAlreadyExists || connection.is_broken()) return copied;
  count_upsert_rows(UpsertPath::kDirectRolledBack, chunk.end - chunk.begin);
  try_direct = false;
  return connection.execute(
      "ROLLBACK TO SAVEPOINT mystocks_direct; RELEASE SAVEPOINT mystocks_direct");
}

// Whether the chunk's first key is already in the table. A batch that starts with a stored key is
// most likely a re-delivery or a correction, and goes straight to the merge instead of COPYing a
// chunk that would be rolled back and left behind as dead tuples.
Result<bool> PostgresStore::first_key_exists(PostgresConnection& connection, const Chunk& chunk) {
  const size_t row = chunk.rows != nullptr ? (*chunk.rows)[chunk.begin] : chunk.begin;
  std::string sql = "SELECT 1 FROM " + quote_identifier(chunk.table.name) + " WHERE ";
  std::vector<BoundValue> params;
  for (const size_t position : chunk.layout.key_positions) {
    const Column& column = chunk.batch.column(position);
    if (column.is_null(row)) return false;  // a NULL key matches nothing
    params.push_back(key_param(column, *chunk.layout.fields[position], row));
    sql += fmt::format("{}{} = ${}", params.size() == 1 ? "" : " AND ",
                       quote_identifier(chunk.layout.columns[position]), params.size());
  }
  Result<PgResult> found = connection.query(sql + " LIMIT 1", params);
  if (!found.is_ok()) return found.status();
  return PQntuples(found->get()) > 0;
}

Status PostgresStore::copy_rows(PostgresConnection& connection, const std::string& target_sql,
                                const Chunk& chunk) {
  const BatchLayout& layout = chunk.layout;
  const RecordBatch& batch = chunk.batch;
  const std::vector<uint32_t>* rows = chunk.rows;
  const size_t end = chunk.end;
  const std::string sql =
      "COPY " + target_sql + " (" + quoted_list(layout.columns) + ") FROM STDIN (FORMAT binary)";
  const size_t columns = layout.columns.size();
  size_t next = chunk.begin;
  bool header_sent = false;
  bool trailer_sent = false;
  return connection.copy_in(sql, [&](std::string& out) {
    if (!header_sent) {
      pg::append_copy_header(out);
      header_sent = true;
    }
    while (next < end && out.size() < kCopyBufferBytes) {
      const size_t row = rows != nullptr ? (*rows)[next] : next;
      pg::append_u16(out, static_cast<uint16_t>(columns));
      for (size_t column_idx = 0; column_idx < columns; ++column_idx) {
        const Column& column = batch.column(column_idx);
        if (column.is_null(row)) {
          pg::append_u32(out, 0xffffffffu);  // length -1: NULL
          continue;
        }
        const size_t length_at = out.size();
        pg::append_u32(out, 0);
        const Field& field = *layout.fields[column_idx];
        pg::append_cell(out, column, field.type, field.scale, row);
        const auto length = static_cast<uint32_t>(out.size() - length_at - 4);
        for (int byte = 0; byte < 4; ++byte) {
          out[length_at + static_cast<size_t>(byte)] = static_cast<char>(length >> (24 - 8 * byte));
        }
      }
      ++next;
    }
    if (next == end && !trailer_sent) {
      pg::append_copy_trailer(out);
      trailer_sent = true;
    }
    return !trailer_sent;
  });
}

Status PostgresStore::write_batch(PostgresConnection& connection, const TableSchema& table,
                                  const BatchLayout& layout, const RecordBatch& batch,
                                  bool in_transaction) {
  if (batch.num_rows() == 0) return Status::ok();
  // ON CONFLICT DO UPDATE refuses to touch one row twice in a statement, so a batch repeating a
  // key is reduced to each key's last row first (the last write wins, as on SQLite). A batch
  // grouped by symbol goes in key order: B-tree inserts at the right edge take PostgreSQL's
  // fast path (measured: ~8 % less server time loading 1.25 M daily K-lines into an empty table).
  const std::optional<std::vector<uint32_t>> unique_rows =
      rows_to_write(batch, layout.key_positions);
  const std::vector<uint32_t>* rows = unique_rows.has_value() ? &*unique_rows : nullptr;
  const size_t total = rows != nullptr ? rows->size() : batch.num_rows();
  const std::string staging = staging_table(table);
  const std::string merge = build_upsert(SqlDialect::kPostgres, table, layout, staging);
  const auto chunk_rows = static_cast<size_t>(options_.copy_chunk_rows);
  // Direct chunks double after each one that went in: every COPY statement costs the server a
  // fixed set-up (measured: 13 COPYs of 100 k rows took ~8 % more server CPU than one of
  // 1.3 M), while a collision wastes at most copy_chunk_rows more rows than went in before it.
  size_t direct_rows = chunk_rows;
  bool try_direct = true;

  MYSTOCKS_RETURN_IF_ERROR(
      connection.execute(in_transaction ? "SAVEPOINT mystocks_upsert" : "BEGIN"));
  Status status = connection.execute(create_staging_sql(table, staging));
  if (status.is_ok() && total >= kDirectCopyMinRows && chunk_rows >= kDirectCopyMinRows) {
    Result<bool> stored = first_key_exists(connection, {table, layout, batch, rows, 0, total});
    status = stored.status();
    try_direct = stored.is_ok() && !*stored;
  }
  size_t end = 0;
  for (size_t begin = 0; status.is_ok() && begin < total; begin = end) {
    end = std::min(total, begin + (try_direct ? direct_rows : chunk_rows));
    const Chunk chunk{table, layout, batch, rows, begin, end};
    if (try_direct && end - begin >= kDirectCopyMinRows) {
      status = copy_direct(connection, chunk, try_direct);
      if (!try_direct) {
        end = begin;  // a key collided: these rows go through the merge, in staging chunks
      } else if (direct_rows < total) {
        direct_rows *= 2;  // straight into the table; staging is still empty
      }
      continue;
    }
    status = copy_rows(connection, quote_identifier(staging), chunk);
    if (status.is_ok()) status = connection.execute(merge);
    if (status.is_ok()) count_upsert_rows(UpsertPath::kMerge, end - begin);
    // The staging table empties itself at commit; only a following chunk or a later upsert in
    // the caller's transaction needs it emptied now.
    if (status.is_ok() && (end < total || in_transaction)) {
      status = connection.execute("TRUNCATE " + quote_identifier(staging));
    }
  }
  if (status.is_ok()) {
    return connection.execute(in_transaction ? "RELEASE SAVEPOINT mystocks_upsert" : "COMMIT");
  }
  if (!connection.is_broken()) {
    (void)connection.execute(in_transaction
                                 ? "ROLLBACK TO SAVEPOINT mystocks_upsert; RELEASE SAVEPOINT "
                                   "mystocks_upsert"
                                 : "ROLLBACK");
  }
  return status.with_context("upsert into " + table.name);
}

}  // namespace mystocks::storage
