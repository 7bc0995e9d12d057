// SimulatorSource: the `simulator` adapter. Serves every IDataSource operation except news from a
// MarketSimulator (market_simulator.h): daily, index daily, minute (1m..60m) and tick data that
// agree with each other exactly, the securities master, index constituents with free-float
// weights, the trading calendar, fundamentals and fund flow, plus realtime quotes as of the
// injected Clock. News: tables.yaml has no news table (no DataClassification fits), so news is
// kUnsupported like any operation an adapter lacks.
// The daily bar of a session still trading at the Clock's now (before 15:00) is the day so far
// (open, high, low, volume so far, last price as close; no row before the opening match), as a
// vendor serves it mid-session: never the whole simulated day ahead of time.
// Requests are bounded by max_rows (an estimate checked before generating), so a caller asking
// for years of ticks gets kInvalidArgument telling it to split the request instead of an
// out-of-memory; the ingest pipeline fetches per symbol chunk and day.
// Thread-safety: immutable after create(); every operation may run concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "sources/data_source.h"
#include "sources/simulator/market_simulator.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

class SimulatorSource final : public IDataSource {
 public:
  static constexpr int64_t kDefaultMaxRows = 5'000'000;

  // Fails when tables.yaml lacks a table the simulator fills, or declares there a non-nullable
  // column the simulator cannot fill.
  static Result<std::unique_ptr<SimulatorSource>> create(
      std::string name, SimulatorOptions options,
      std::shared_ptr<const storage::TableCatalog> catalog, const Clock& clock,
      int64_t max_rows = kDefaultMaxRows);

  std::string_view name() const override { return name_; }
  std::string_view type() const override { return "simulator"; }

  Result<RecordBatch> daily_bars(const SourceRequest& request) override;
  Result<RecordBatch> index_daily_bars(const SourceRequest& request) override;
  Result<RecordBatch> minute_bars(const SourceRequest& request) override;
  Result<RecordBatch> ticks(const SourceRequest& request) override;
  Result<RecordBatch> realtime_quotes(const SourceRequest& request) override;
  Result<RecordBatch> symbols(const SourceRequest& request) override;
  Result<RecordBatch> index_components(const SourceRequest& request) override;
  Result<RecordBatch> trade_calendar(const SourceRequest& request) override;
  Result<RecordBatch> fundamentals(const SourceRequest& request) override;
  Result<RecordBatch> fund_flow(const SourceRequest& request) override;

  // The model, shared with the live feed (live_feed.h).
  const std::shared_ptr<const MarketSimulator>& simulator() const { return simulator_; }

 private:
  struct DayRange {
    int first = 0;
    int last = -1;  // first > last: no trading day in the range
    int count() const { return last >= first ? last - first + 1 : 0; }
  };
  struct Tables {
    const storage::TableSchema* daily = nullptr;
    const storage::TableSchema* minute = nullptr;
    const storage::TableSchema* tick = nullptr;
    const storage::TableSchema* quote = nullptr;
    const storage::TableSchema* symbols = nullptr;
    const storage::TableSchema* constituents = nullptr;
    const storage::TableSchema* calendar = nullptr;
    const storage::TableSchema* fundamentals = nullptr;
    const storage::TableSchema* fund_flow = nullptr;
  };

  SimulatorSource(std::string name, std::shared_ptr<const MarketSimulator> simulator,
                  std::shared_ptr<const storage::TableCatalog> catalog, Tables tables,
                  const Clock& clock, int64_t max_rows);

  // Requested securities (all when empty) in symbol order; kNotFound for unknown symbols and
  // kInvalidArgument for indices passed to a stock operation.
  Result<std::vector<uint32_t>> resolve_securities(const SourceRequest& request,
                                                   DataType type) const;
  Result<std::vector<uint32_t>> resolve_indices(const SourceRequest& request, DataType type) const;
  Result<DayRange> day_range(const SourceRequest& request, DataType type) const;
  Status check_rows(int64_t estimate, DataType type) const;
  Date today() const;
  // The calendar index of the session trading at the clock's now (until its 15:00 close; -1
  // when none is): its daily bar is the day so far, not the whole simulated day.
  struct OpenSession {
    int day = -1;
    TimestampMs now = 0;
  };
  OpenSession open_session() const;
  // Trading minutes of `now`'s day that have fully passed (0..240) on the market clock.
  static int completed_minutes(TimestampMs now);

  std::string name_;
  std::shared_ptr<const MarketSimulator> simulator_;
  std::shared_ptr<const storage::TableCatalog> catalog_;
  Tables tables_;
  const Clock* clock_;
  int64_t max_rows_;
};

}  // namespace mystocks::sources
