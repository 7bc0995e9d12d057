// CSV tick snapshots through parse (sources/csv) and the DataManager's batch validation
// (services/batch_validator.h): the CPU work of the ingest path before the store writes.
#include <benchmark/benchmark.h>

#include "services/batch_validator.h"
#include "sources/csv/csv_reader.h"
#include "tick_csv.h"

namespace mystocks::sources {
namespace {

void BM_CsvParseAndValidateTicks(benchmark::State& state) {
  const std::string& text = tick_csv();
  const storage::TableSchema& tick = **catalog()->find("tick");
  int64_t rows = 0;
  for (auto _ : state) {
    auto reader = std::move(CsvReader::open_text(text, "ticks.csv", tick, CsvOptions{})).value();
    while (!reader->done()) {
      Result<CsvChunk> chunk = reader->next(65536);
      if (!chunk.is_ok()) {
        state.SkipWithError(chunk.status().to_string().c_str());
        return;
      }
      Status schema = services::check_batch_schema(tick, chunk->batch);
      services::RowCheck check = services::check_batch_rows(tick, chunk->batch);
      if (!schema.is_ok() || !check.errors.empty()) {
        state.SkipWithError("validation rejected simulated ticks");
        return;
      }
      rows += static_cast<int64_t>(check.valid_rows.size());
    }
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CsvParseAndValidateTicks)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ValidateTicksOnly(benchmark::State& state) {
  const storage::TableSchema& tick = **catalog()->find("tick");
  auto reader =
      std::move(CsvReader::open_text(tick_csv(), "ticks.csv", tick, CsvOptions{})).value();
  const RecordBatch batch = std::move(reader->next(0)).value().batch;
  int64_t rows = 0;
  for (auto _ : state) {
    services::RowCheck check = services::check_batch_rows(tick, batch);
    rows += static_cast<int64_t>(check.valid_rows.size());
    benchmark::DoNotOptimize(check);
  }
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ValidateTicksOnly)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace mystocks::sources
