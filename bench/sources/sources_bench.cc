// Throughput of the data sources: the simulator generating ticks, minute and daily bars and the
// live feed, and the CSV reader parsing + validating tick snapshots (31 columns) and AkShare
// daily bars. Rates are rows per second (counter rows/s). The CSV inputs are produced in memory
// from simulated ticks, so the numbers exclude disk reads.
#include <memory>
#include <string>

#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <iconv.h>

#include "core/clock.h"
#include "core/decimal.h"
#include "sources/csv/csv_reader.h"
#include "sources/simulator/live_feed.h"
#include "sources/simulator/simulator_source.h"
#include "storage/tables_yaml.h"
#include "tick_csv.h"

namespace mystocks::sources {
namespace {

void count_rows(benchmark::State& state, int64_t rows) {
  state.counters["rows/s"] =
      benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
  state.counters["rows"] = static_cast<double>(rows) / static_cast<double>(state.iterations());
}

void BM_SimulatorTicks(benchmark::State& state) {
  auto source = simulator(static_cast<int>(state.range(0)));
  int64_t rows = 0;
  for (auto _ : state) {
    Result<RecordBatch> batch = source->ticks(range("2024-05-07", "2024-05-07"));
    rows += static_cast<int64_t>(batch->num_rows());
    benchmark::DoNotOptimize(batch);
  }
  count_rows(state, rows);
}
BENCHMARK(BM_SimulatorTicks)->Arg(50)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SimulatorMinuteBars(benchmark::State& state) {
  auto source = simulator(300);
  int64_t rows = 0;
  for (auto _ : state) {
    Result<RecordBatch> batch = source->minute_bars(range("2024-05-06", "2024-05-10"));
    rows += static_cast<int64_t>(batch->num_rows());
    benchmark::DoNotOptimize(batch);
  }
  count_rows(state, rows);
}
BENCHMARK(BM_SimulatorMinuteBars)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_SimulatorDailyBars(benchmark::State& state) {
  auto source = simulator(300);
  int64_t rows = 0;
  for (auto _ : state) {
    Result<RecordBatch> batch = source->daily_bars(range("2024-01-02", "2024-12-31"));
    rows += static_cast<int64_t>(batch->num_rows());
    benchmark::DoNotOptimize(batch);
  }
  count_rows(state, rows);
}
BENCHMARK(BM_SimulatorDailyBars)->Unit(benchmark::kMillisecond)->UseRealTime();

// A whole continuous session of the live feed for 300 symbols, pulled once per market minute.
void BM_LiveFeedSession(benchmark::State& state) {
  auto source = simulator(300);
  int64_t rows = 0;
  for (auto _ : state) {
    ManualClock wall(shanghai_time(Date::from_ymd(2024, 5, 7), 9, 30));
    LiveOptions options;
    options.speed = 1;
    options.max_rows = 1'000'000;
    auto feed = std::move(LiveFeed::create(source->simulator(), catalog(), wall, options)).value();
    for (int minute = 0; minute < 330; ++minute) {
      wall.advance_ms(kMillisPerMinute);
      Result<LiveBatch> batch = feed->next_batch();
      rows += static_cast<int64_t>(batch->ticks.num_rows());
    }
  }
  count_rows(state, rows);
}
BENCHMARK(BM_LiveFeedSession)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void BM_CsvParseTicks(benchmark::State& state) {
  const std::string& text = tick_csv();
  const storage::TableSchema& tick = **catalog()->find("tick");
  int64_t rows = 0;
  for (auto _ : state) {
    auto reader = std::move(CsvReader::open_text(text, "ticks.csv", tick, CsvOptions{})).value();
    Result<CsvChunk> chunk = reader->next(static_cast<size_t>(state.range(0)));
    while (chunk.is_ok() && chunk->batch.num_rows() > 0) {
      rows += static_cast<int64_t>(chunk->batch.num_rows());
      if (reader->done()) break;
      chunk = reader->next(static_cast<size_t>(state.range(0)));
    }
  }
  count_rows(state, rows);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
// Whole file in one batch, and 64 K-row chunks (the pipeline's likely batch size).
BENCHMARK(BM_CsvParseTicks)->Arg(0)->Arg(65536)->Unit(benchmark::kMillisecond)->UseRealTime();

std::string to_gbk(const std::string& utf8) {
  iconv_t converter = iconv_open("GB18030", "UTF-8");
  std::string out(utf8.size() * 2, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* target = out.data();
  size_t out_left = out.size();
  iconv(converter, &in, &in_left, &target, &out_left);
  iconv_close(converter);
  out.resize(out.size() - out_left);
  return out;
}

// AkShare daily export: Chinese headers, lots, GBK-encoded as Excel saves it.
void BM_CsvParseAkshareDailyGbk(benchmark::State& state) {
  static const std::string text = [] {
    std::string utf8 =
        "日期,股票代码,开盘,收盘,最高,最低,成交量,成交额,振幅,涨跌幅,涨跌额,换手率\n";
    for (int row = 0; row < 200000; ++row) {
      const Date date{Date::from_ymd(1990, 1, 1).days + row % 60000};
      utf8 += fmt::format(
          "{},600519,{}.{:02},1685.01,1718.19,1678.10,{},5468236800.00,2.34,-2.00,-34.39,0.26\n",
          date.to_string(), 1700 + row % 50, row % 100, 30000 + row % 5000);
    }
    return to_gbk(utf8);
  }();
  const storage::TableSchema& daily = **catalog()->find("daily_kline");
  int64_t rows = 0;
  for (auto _ : state) {
    CsvOptions options;
    options.encoding = TextEncoding::kGbk;
    auto opened = CsvReader::open_text(text, "600519.csv", daily, options);
    if (!opened.is_ok()) {
      state.SkipWithError(opened.status().to_string().c_str());
      break;
    }
    Result<CsvChunk> chunk = (*opened)->next(0);
    if (!chunk.is_ok()) {
      state.SkipWithError(chunk.status().to_string().c_str());
      break;
    }
    rows += static_cast<int64_t>(chunk->batch.num_rows());
  }
  count_rows(state, rows);
}
BENCHMARK(BM_CsvParseAkshareDailyGbk)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace mystocks::sources
