// TableSchema: one table as declared in config/tables.yaml — its columns with types, which
// columns are tags (series identity in the time-series store), keys, partitioning, retention and
// target store. TableCatalog holds every declared table. Built once at start-up by the loader
// (storage/tables_yaml.h); immutable afterwards and safe to share between threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "storage/classification.h"

namespace mystocks::storage {

struct ColumnDef {
  Field field;
  bool tag = false;  // series identity (symbol, exchange, frequency) for time-series tables
  std::string description;
};

enum class Partitioning : uint8_t { kNone, kDay, kMonth, kYear };

struct TableSchema {
  std::string name;
  DataClassification classification = DataClassification::kTick;
  std::optional<StoreKind> target_override;
  std::string description;
  std::vector<ColumnDef> columns;
  std::string time_column;               // required for time-series tables ("ts")
  std::vector<std::string> primary_key;  // may be empty (the store then uses unique_key)
  std::vector<std::string> unique_key;   // upsert identity; for time-series: tags + time
  std::vector<std::vector<std::string>> indexes;
  // Further unique constraints besides the upsert identity (relational tables only), e.g. one
  // watchlist name per user: a write that breaks one fails with kAlreadyExists.
  std::vector<std::vector<std::string>> unique_indexes;
  Partitioning partition = Partitioning::kNone;
  int retention_days = 0;  // 0 keeps data forever

  StoreKind target() const { return target_override.value_or(default_target(classification)); }
  // All columns in declared order as a core Schema (shared, built once).
  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  const ColumnDef* column(std::string_view name) const;
  std::vector<std::string> tag_columns() const;

  // Builds schema() from columns; the loader calls it after filling the fields.
  void finalize();

 private:
  std::shared_ptr<const Schema> schema_ = std::make_shared<const Schema>();
};

class TableCatalog {
 public:
  TableCatalog() = default;
  explicit TableCatalog(std::vector<TableSchema> tables) : tables_(std::move(tables)) {}

  // NotFound naming the table and the known ones.
  Result<const TableSchema*> find(std::string_view name) const;
  const std::vector<TableSchema>& tables() const { return tables_; }

 private:
  std::vector<TableSchema> tables_;
};

}  // namespace mystocks::storage
