// IDataSource: one provider of market data (the simulator, CSV files, later vendor APIs). Every
// operation returns one RecordBatch whose schema is the tables.yaml table of its DataType
// (data_type.h), so the ingest pipeline can hand it to DataManager::save unchanged.
//
// Invariants every adapter keeps:
// - An operation the adapter cannot serve returns kUnsupported naming the source and the
//   operation (unsupported() below) - never an empty batch, which would read as "no data".
// - Results for a date do not depend on the range asked for, so the pipeline may split a job
//   into symbol chunks and date ranges and resume after the last stored date.
// - Rows come sorted by symbol, then time; requests cover inclusive Asia/Shanghai dates.
// - Expected failures are values: kInvalidArgument (bad request: never retried, no failover),
//   kUnavailable and other retry-the-call codes (transient: failover tries the next source).
// Thread-safety: adapters document their own; the simulator and CSV adapters are safe to call
// concurrently from any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/record_batch.h"
#include "core/status.h"
#include "core/symbol.h"
#include "core/timestamp.h"
#include "sources/batch_stream.h"
#include "sources/data_type.h"

namespace mystocks::sources {

// One request shape for every operation; each operation reads the fields it documents.
struct SourceRequest {
  // Securities (indices for index operations). Empty means every one the source knows.
  std::vector<Symbol> symbols;
  Date from{};                              // first trading date, inclusive
  Date to{};                                // last trading date, inclusive
  BarInterval interval = BarInterval::k1m;  // minute_bars only
  std::optional<Exchange> exchange;         // trade_calendar only; empty = SH, SZ and BJ

  static SourceRequest range(std::vector<Symbol> symbols, Date from, Date to) {
    SourceRequest request;
    request.symbols = std::move(symbols);
    request.from = from;
    request.to = to;
    return request;
  }
};

class IDataSource {
 public:
  virtual ~IDataSource() = default;

  // Instance name from configuration ("primary", "simulator"); labels metrics and messages.
  virtual std::string_view name() const = 0;
  // Adapter type ("simulator", "csv") as the factory knows it.
  virtual std::string_view type() const = 0;

  // The defaults return unsupported(); adapters override what they serve.
  // daily_kline rows of stocks in [from, to]; suspended days have no row.
  virtual Result<RecordBatch> daily_bars(const SourceRequest& request);
  // daily_kline rows of indices.
  virtual Result<RecordBatch> index_daily_bars(const SourceRequest& request);
  // minute_kline rows at request.interval; ts is the bar start.
  virtual Result<RecordBatch> minute_bars(const SourceRequest& request);
  // symbols rows of the requested (or all) securities; dates are ignored.
  virtual Result<RecordBatch> symbols(const SourceRequest& request);
  // index_constituents rows of the requested indices on their rebalancing dates in [from, to].
  virtual Result<RecordBatch> index_components(const SourceRequest& request);
  // realtime_quote rows, one per requested symbol, as of the source's clock; dates ignored.
  virtual Result<RecordBatch> realtime_quotes(const SourceRequest& request);
  // trade_calendar rows for every calendar day in [from, to] of each exchange.
  virtual Result<RecordBatch> trade_calendar(const SourceRequest& request);
  // fundamentals rows whose report_date is in [from, to].
  virtual Result<RecordBatch> fundamentals(const SourceRequest& request);
  // fund_flow rows in [from, to].
  virtual Result<RecordBatch> fund_flow(const SourceRequest& request);
  // News items. No table declares them yet, so every current adapter is unsupported.
  virtual Result<RecordBatch> news(const SourceRequest& request);
  // tick rows (Level-1 snapshots) in [from, to].
  virtual Result<RecordBatch> ticks(const SourceRequest& request);

  // The rows fetch() would return for `type`, as a stream of batches of about `chunk_rows` rows
  // (0 = one batch), for imports larger than memory. The default fetches and hands out one
  // batch; sources reading files stream them (the csv adapter).
  virtual Result<std::unique_ptr<BatchStream>> open_stream(DataType type,
                                                           const SourceRequest& request,
                                                           size_t chunk_rows);

 protected:
  // kUnsupported: "source 'NAME' (TYPE) does not support OPERATION".
  Status unsupported(DataType type) const;
};

// Calls the operation that serves `type` (the pipeline and failover dispatch through this).
Result<RecordBatch> fetch(IDataSource& source, DataType type, const SourceRequest& request);

// kInvalidArgument unless from <= to; names the source and operation.
Status check_date_range(const IDataSource& source, DataType type, const SourceRequest& request);

}  // namespace mystocks::sources
