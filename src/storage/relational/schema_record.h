// The schema record behind migrations: what a store wrote to its schema-version table when it
// last applied a table's declaration (columns, keys, indexes), and the plan that takes the
// database from that record to the current tables.yaml. Compatible changes are additions
// (nullable columns, indexes); anything that would drop, retype or re-key data is refused with a
// message naming the table, the column and the change. Pure functions: safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/table_schema.h"

namespace mystocks::storage {

struct SchemaRecord {
  int64_t version = 0;
  std::vector<Field> columns;
  std::vector<std::string> primary_key;
  std::vector<std::string> unique_key;
  std::vector<std::vector<std::string>> indexes;
  std::vector<std::vector<std::string>> unique_indexes;
};

// One line per fact ("column close decimal(3) not_null", "unique_key symbol,trade_date", ...):
// readable in a SQL shell, and stable, so equal declarations encode equally.
std::string encode_schema_record(const TableSchema& table);
// kDataLoss naming the table when the stored text cannot be read back.
Result<SchemaRecord> decode_schema_record(const std::string& table, int64_t version,
                                          const std::string& text);

enum class MigrationKind : uint8_t { kCreate, kAlter, kUnchanged };

struct MigrationPlan {
  MigrationKind kind = MigrationKind::kUnchanged;
  int64_t new_version = 0;           // version to record (unchanged: the current)
  std::vector<Field> added_columns;  // ADD COLUMN, in declaration order
  std::vector<std::vector<std::string>> added_indexes;
  std::vector<std::vector<std::string>> added_unique_indexes;    // CREATE UNIQUE INDEX
  std::vector<std::vector<std::string>> dropped_unique_indexes;  // DROP INDEX
};

// `recorded` is empty when the table was never created. kSchemaMismatch listing every
// incompatible change otherwise.
Result<MigrationPlan> plan_migration(const TableSchema& declared,
                                     const std::optional<SchemaRecord>& recorded);

}  // namespace mystocks::storage
