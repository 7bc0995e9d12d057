// Helpers for tsdb tests: a small table with every column type, row <-> batch conversion, and
// opening a store in a temporary directory. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/clock.h"
#include "core/record_batch.h"
#include "core/timestamp.h"
#include "storage/table_schema.h"
#include "storage/tsdb/tsdb_store.h"
#include "support/temp_dir.h"

namespace mystocks::tsdb::test {

// 2024-01-02 (a Tuesday) 09:30:00 Asia/Shanghai.
inline constexpr int64_t kDay0Open = 1'704'159'000'000;
inline constexpr int64_t kDay = 86'400'000;

// A quote-like table: ts, symbol (tag), price decimal(3), volume int64 and nullable columns of
// the remaining types.
inline storage::TableSchema quote_schema(const std::string& name = "quote") {
  storage::TableSchema schema;
  schema.name = name;
  schema.classification = storage::DataClassification::kRealtimeQuote;
  schema.time_column = "ts";
  auto column = [&](std::string column_name, ColumnType type, int scale, bool nullable, bool tag) {
    schema.columns.push_back({Field{std::move(column_name), type, scale, nullable}, tag, ""});
  };
  column("ts", ColumnType::kTimestamp, 0, false, false);
  column("symbol", ColumnType::kString, 0, false, true);
  column("price", ColumnType::kDecimal, 3, false, false);
  column("volume", ColumnType::kInt64, 0, false, false);
  column("ratio", ColumnType::kDouble, 0, true, false);
  column("trades", ColumnType::kInt32, 0, true, false);
  column("halted", ColumnType::kBool, 0, true, false);
  column("note", ColumnType::kString, 0, true, false);
  schema.unique_key = {"symbol", "ts"};
  schema.finalize();
  return schema;
}

struct QuoteRow {
  std::string symbol;
  int64_t ts = 0;
  int64_t price = 0;
  int64_t volume = 0;
  std::optional<double> ratio;
  std::optional<int32_t> trades;
  std::optional<bool> halted;
  std::optional<std::string> note;

  friend bool operator==(const QuoteRow&, const QuoteRow&) = default;
  friend auto operator<=>(const QuoteRow& a, const QuoteRow& b) {
    return std::tie(a.symbol, a.ts) <=> std::tie(b.symbol, b.ts);
  }
};

inline std::ostream& operator<<(std::ostream& out, const QuoteRow& row) {
  out << "{" << row.symbol << " " << row.ts << " p=" << row.price << " v=" << row.volume;
  if (row.ratio) out << " r=" << *row.ratio;
  if (row.trades) out << " t=" << *row.trades;
  if (row.halted) out << " h=" << *row.halted;
  if (row.note) out << " n=" << *row.note;
  return out << "}";
}

inline RecordBatch quote_batch(const std::vector<QuoteRow>& rows,
                               const std::string& table = "quote") {
  auto schema = quote_schema(table).schema();
  RecordBatchBuilder builder(schema);
  for (const QuoteRow& row : rows) {
    builder.append_int64(0, row.ts);
    builder.append_string(1, row.symbol);
    builder.append_int64(2, row.price);
    builder.append_int64(3, row.volume);
    row.ratio ? builder.append_double(4, *row.ratio) : builder.append_null(4);
    row.trades ? builder.append_int32(5, *row.trades) : builder.append_null(5);
    row.halted ? builder.append_bool(6, *row.halted) : builder.append_null(6);
    row.note ? builder.append_string(7, *row.note) : builder.append_null(7);
  }
  Result<RecordBatch> batch = builder.finish();
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return std::move(*batch);
}

// Rows of a scan/latest result over quote_schema columns (any subset containing symbol and ts).
inline std::vector<QuoteRow> quote_rows(const RecordBatch& batch) {
  std::vector<QuoteRow> rows(batch.num_rows());
  const Schema& schema = batch.schema();
  for (size_t column = 0; column < schema.size(); ++column) {
    const std::string& name = schema.field(column).name;
    const Column& values = batch.column(column);
    for (size_t row = 0; row < rows.size(); ++row) {
      QuoteRow& out = rows[row];
      const bool null = values.is_null(row);
      if (name == "symbol") out.symbol = values.as<std::string>()[row];
      if (name == "ts") out.ts = values.as<int64_t>()[row];
      if (name == "price") out.price = values.as<int64_t>()[row];
      if (name == "volume") out.volume = values.as<int64_t>()[row];
      if (name == "ratio" && !null) out.ratio = values.as<double>()[row];
      if (name == "trades" && !null) out.trades = values.as<int32_t>()[row];
      if (name == "halted" && !null) out.halted = values.as<uint8_t>()[row] != 0;
      if (name == "note" && !null) out.note = values.as<std::string>()[row];
    }
  }
  return rows;
}

inline mystocks::test::TempDir make_temp_dir() {
  Result<mystocks::test::TempDir> dir = mystocks::test::TempDir::create("tsdb-test-");
  if (!dir.is_ok()) {
    ADD_FAILURE() << dir.status().to_string();
    std::abort();
  }
  return std::move(*dir);
}

struct StoreFixture {
  mystocks::test::TempDir dir = make_temp_dir();
  ManualClock clock{kDay0Open};
  MetricsRegistry metrics;

  TsdbOptions options() {
    TsdbOptions options;
    options.dir = dir.path() / "tsdb";
    options.sync.mode = SyncPolicy::Mode::kNone;
    options.clock = &clock;
    options.metrics = &metrics;
    return options;
  }

  std::unique_ptr<TsdbStore> open(const TsdbOptions& options) {
    Result<std::unique_ptr<TsdbStore>> store = TsdbStore::open(options);
    EXPECT_TRUE(store.is_ok()) << store.status().to_string();
    if (!store.is_ok()) return nullptr;
    return std::move(*store);
  }
  std::unique_ptr<TsdbStore> open() { return open(options()); }
};

}  // namespace mystocks::tsdb::test
