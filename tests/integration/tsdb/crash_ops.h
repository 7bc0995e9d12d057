// The deterministic operation sequence of the tsdb crash test: the writer process performs it,
// the test replays it into a model. Operation `index` is a function of the index alone, so a
// writer restarted at any index continues the same sequence. The table has two series per symbol
// (frequency 1m and 5m, like minute_kline). Writes overwrite earlier keys often; every tenth
// operation deletes a range of one symbol - every other one only of one frequency (a tombstone
// matching the tag) - and every tenth (another one) replaces a range of one symbol atomically
// (TimeSeriesStore::replace_range), two of three of them only one frequency's series.
// Test-only; pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/record_batch.h"
#include "storage/table_schema.h"
#include "storage/time_series_store.h"

namespace mystocks::tsdb::crash {

inline constexpr int64_t kBase = 1'704'159'000'000;  // 2024-01-02 09:30 Asia/Shanghai
inline constexpr int kRowsPerWrite = 20;
inline const std::vector<std::string> kSymbols = {"000001.SZ", "000002.SZ", "600000.SH",
                                                  "600519.SH"};
inline const std::vector<std::string> kFrequencies = {"1m", "5m"};

struct Row {
  int64_t price = 0;
  int64_t volume = 0;
  friend bool operator==(const Row&, const Row&) = default;
};
using Key = std::tuple<std::string, std::string, int64_t>;  // symbol, frequency, ts
using Model = std::map<Key, Row>;

inline storage::TableSchema table_schema() {
  storage::TableSchema schema;
  schema.name = "crash";
  schema.classification = storage::DataClassification::kTick;
  schema.time_column = "ts";
  schema.columns = {{Field{"ts", ColumnType::kTimestamp}, false, ""},
                    {Field{"symbol", ColumnType::kString}, true, ""},
                    {Field{"frequency", ColumnType::kString}, true, ""},
                    {Field{"price", ColumnType::kDecimal, 3}, false, ""},
                    {Field{"volume", ColumnType::kInt64}, false, ""}};
  schema.unique_key = {"symbol", "frequency", "ts"};
  schema.finalize();
  return schema;
}

inline bool is_delete(int64_t index) { return index % 10 == 9; }
inline bool is_replace(int64_t index) { return index % 10 == 4; }

// Spread over several days (about 2,000 snapshots a day per symbol), so flushes cut several
// segments and compaction has days to merge.
inline int64_t timestamp_of(int64_t slot) { return kBase + (slot % 6000) * 3000 + (slot / 6000) * 86'400'000; }

struct Write {
  std::vector<std::string> symbols;
  std::vector<std::string> frequencies;
  std::vector<int64_t> ts;
  std::vector<Row> rows;
};

inline Write write_of(int64_t index) {
  Write write;
  for (int row = 0; row < kRowsPerWrite; ++row) {
    const int64_t slot = (index * 7 + row * 13) % (index + 50) + index / 2;
    write.symbols.push_back(kSymbols[static_cast<size_t>((index + row) % 4)]);
    write.frequencies.push_back(kFrequencies[static_cast<size_t>((index + row) / 4 % 2)]);
    write.ts.push_back(timestamp_of(slot));
    write.rows.push_back(Row{index * 1000 + row, index});
  }
  return write;
}

struct Delete {
  std::string symbol;
  storage::TimeRange range;
  std::string frequency;  // "" = every frequency of the symbol

  std::map<std::string, std::string> tags() const {
    if (frequency.empty()) return {};
    return {{"frequency", frequency}};
  }
};

inline Delete delete_of(int64_t index) {
  const int64_t nth = index / 10;
  return {kSymbols[static_cast<size_t>(nth % 4)],
          {timestamp_of(index / 2 - 5), timestamp_of(index / 2 + 5)},
          nth % 2 == 0 ? std::string() : kFrequencies[static_cast<size_t>(nth / 2 % 2)]};
}

// A range of one symbol and the rows that replace it: four of the six slots of the range, so a
// replace both overwrites and removes rows.
struct Replace {
  Delete scope;
  Write rows;
};

inline Replace replace_of(int64_t index) {
  const int64_t nth = index / 10;
  Replace replace{{kSymbols[static_cast<size_t>(nth % 4)],
                   {timestamp_of(index / 2 - 3), timestamp_of(index / 2 + 3)},
                   nth % 3 == 0 ? std::string() : kFrequencies[static_cast<size_t>(nth % 2)]},
                  {}};
  for (int64_t slot = index / 2 - 2; slot < index / 2 + 2; ++slot) {
    replace.rows.symbols.push_back(replace.scope.symbol);
    // An untagged replace writes both frequencies (it deleted both).
    replace.rows.frequencies.push_back(!replace.scope.frequency.empty()
                                           ? replace.scope.frequency
                                           : kFrequencies[static_cast<size_t>(slot % 2)]);
    replace.rows.ts.push_back(timestamp_of(slot));
    replace.rows.rows.push_back(Row{index * 1000 + slot, index});
  }
  return replace;
}

inline void erase_range(Model& model, const Delete& scope) {
  for (auto it = model.begin(); it != model.end();) {
    const auto& [symbol, frequency, ts] = it->first;
    if (symbol == scope.symbol && (scope.frequency.empty() || frequency == scope.frequency) &&
        ts >= scope.range.start && ts < scope.range.end) {
      it = model.erase(it);
    } else {
      ++it;
    }
  }
}

inline RecordBatch batch_of(const Write& write) {
  RecordBatchBuilder builder(table_schema().schema());
  for (size_t row = 0; row < write.ts.size(); ++row) {
    builder.append_int64(0, write.ts[row]);
    builder.append_string(1, write.symbols[row]);
    builder.append_string(2, write.frequencies[row]);
    builder.append_int64(3, write.rows[row].price);
    builder.append_int64(4, write.rows[row].volume);
  }
  return std::move(*builder.finish());
}

inline void add(Model& model, const Write& write) {
  for (size_t row = 0; row < write.ts.size(); ++row) {
    model[{write.symbols[row], write.frequencies[row], write.ts[row]}] = write.rows[row];
  }
}

// The rows of a scan of the crash table.
inline Model model_of(const RecordBatch& batch) {
  Model model;
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    model[{batch.column("symbol")->as<std::string>()[row],
           batch.column("frequency")->as<std::string>()[row],
           batch.column("ts")->as<int64_t>()[row]}] =
        Row{batch.column("price")->as<int64_t>()[row], batch.column("volume")->as<int64_t>()[row]};
  }
  return model;
}

inline void apply(Model& model, int64_t index) {
  if (is_delete(index)) {
    erase_range(model, delete_of(index));
    return;
  }
  const bool replacing = is_replace(index);
  const Write write = replacing ? replace_of(index).rows : write_of(index);
  if (replacing) erase_range(model, replace_of(index).scope);
  add(model, write);
}

}  // namespace mystocks::tsdb::crash
