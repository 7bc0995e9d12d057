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

}  // namespace

// The bulk-load case: COPY into the table itself, in a savepoint. COPY fills pages with
// heap_multi_insert (one WAL record per page), where INSERT ... SELECT from staging inserts and
// logs row by row: measured on 1.25 M new daily K-lines, the direct COPY took about half the
// server time of staging + insert. The first unique violation rolls the chunk back, clears
// `try_direct` and merges the chunk through the staging table.
Status PostgresStore::copy_direct_or_merge(PostgresConnection& connection, const Chunk& chunk,
                                           const std::string& staging, const std::string& merge,
                                           bool& try_direct) {
  MYSTOCKS_RETURN_IF_ERROR(connection.execute("SAVEPOINT mystocks_direct"));
  Status copied = copy_rows(connection, quote_identifier(chunk.table.name), chunk);
  if (copied.is_ok()) return connection.execute("RELEASE SAVEPOINT mystocks_direct");
  if (copied.code() != ErrorCode::kAlreadyExists || connection.is_broken()) return copied;
  try_direct = false;
  MYSTOCKS_RETURN_IF_ERROR(connection.execute(
      "ROLLBACK TO SAVEPOINT mystocks_direct; RELEASE SAVEPOINT mystocks_direct"));
  MYSTOCKS_RETURN_IF_ERROR(copy_rows(connection, quote_identifier(staging), chunk));
  return connection.execute(merge);
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
  bool try_direct = true;

  MYSTOCKS_RETURN_IF_ERROR(
      connection.execute(in_transaction ? "SAVEPOINT mystocks_upsert" : "BEGIN"));
  Status status = connection.execute(create_staging_sql(table, staging));
  for (size_t begin = 0; status.is_ok() && begin < total; begin += chunk_rows) {
    const size_t end = std::min(total, begin + chunk_rows);
    const Chunk chunk{table, layout, batch, rows, begin, end};
    if (try_direct && end - begin >= kDirectCopyMinRows) {
      status = copy_direct_or_merge(connection, chunk, staging, merge, try_direct);
      if (try_direct) continue;  // straight into the table: the staging table is still empty
    } else {
      status = copy_rows(connection, quote_identifier(staging), chunk);
      if (status.is_ok()) status = connection.execute(merge);
    }
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
