// TableInfo: a time-series table as the engine sees it — the declared TableSchema plus the
// positions of its time, tag and value columns. Stored columns (in chunks) are the time column
// followed by the value columns; tags live once per series. Also the schema checks of
// create_table and the MANIFEST encoding of a schema.
// Immutable once built; safe to share between threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/table_schema.h"
#include "storage/tsdb/byte_stream.h"

namespace mystocks::tsdb {

struct TableInfo {
  storage::TableSchema schema;          // as created (finalized)
  size_t time_index = 0;                // in schema.columns
  std::vector<size_t> tag_indices;      // in schema.columns, declaration order
  std::vector<size_t> value_indices;    // neither tag nor time, declaration order
  std::vector<size_t> stored_indices;   // time_index, then value_indices
  std::optional<size_t> symbol_tag;     // position in tag_indices of a tag named "symbol"
  std::optional<size_t> exchange_tag;   // position in tag_indices of a tag named "exchange"
  size_t fixed_row_bytes = 0;           // raw bytes of the stored non-string columns per row

  const std::string& name() const { return schema.name; }
  const Field& field(size_t column) const { return schema.columns[column].field; }
  size_t column_count() const { return schema.columns.size(); }
  std::optional<size_t> column_index(std::string_view name) const;
  bool is_tag(size_t column) const { return schema.columns[column].tag; }

  // Checks the schema (name, a non-nullable timestamp time column, string tags) and derives
  // the positions. INVALID_ARGUMENT naming the table and column otherwise.
  static Result<TableInfo> make(const storage::TableSchema& schema);
};

// Whether `existing` may be replaced by `declared`: the same columns with the same types, tags
// and nullability, plus any number of new nullable value columns. SCHEMA_MISMATCH naming the
// first difference otherwise.
Status check_compatible(const TableInfo& existing, const TableInfo& declared);

void encode_table_schema(const storage::TableSchema& schema, ByteWriter& out);
Result<storage::TableSchema> decode_table_schema(ByteReader& in);

}  // namespace mystocks::tsdb
