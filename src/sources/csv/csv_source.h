// CsvSource: the `csv` adapter. Serves datasets from CSV files under a root directory, one
// sub-directory per data type, any number of files each (per symbol as AkShare exports them, or
// many symbols per file with a symbol column):
//   daily/  index_daily/  minute_1m/ minute_5m/ ... minute_60m/  tick/  symbols/
//   index_components/  calendar/  fundamentals/  fund_flow/
// A data type without its directory is kUnsupported (so failover moves on); realtime quotes and
// news are always unsupported (files are not live). Rows are filtered to the requested symbols
// and dates and returned sorted by symbol, then time. open_stream() reads the files block by
// block and hands the rows out in bounded batches (csv_dataset_stream.h): imports of multi-GB
// files stream; the fetch operations return everything as one batch. Bad lines follow the configured policy:
// kStop fails the request with FILE:LINE:COLUMN; kSkip logs the first few per file and counts
// every one in mystocks_source_csv_rows_skipped_total.
// Thread-safety: immutable configuration; operations may run concurrently.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/metrics.h"
#include "sources/csv/csv_dataset_stream.h"
#include "sources/csv/csv_reader.h"
#include "sources/data_source.h"
#include "storage/table_schema.h"

namespace mystocks::sources {

struct CsvSourceOptions {
  std::string root;  // sources.csv_dir
  CsvOptions csv;    // encoding, error policy, delimiter, mappings (symbol/now are per file)
};

class CsvSource final : public IDataSource {
 public:
  static Result<std::unique_ptr<CsvSource>> create(
      std::string name, CsvSourceOptions options,
      std::shared_ptr<const storage::TableCatalog> catalog, const Clock& clock,
      MetricsRegistry& metrics);

  std::string_view name() const override { return name_; }
  std::string_view type() const override { return "csv"; }

  Result<RecordBatch> daily_bars(const SourceRequest& request) override;
  Result<RecordBatch> index_daily_bars(const SourceRequest& request) override;
  Result<RecordBatch> minute_bars(const SourceRequest& request) override;
  Result<RecordBatch> ticks(const SourceRequest& request) override;
  Result<RecordBatch> symbols(const SourceRequest& request) override;
  Result<RecordBatch> index_components(const SourceRequest& request) override;
  Result<RecordBatch> trade_calendar(const SourceRequest& request) override;
  Result<RecordBatch> fundamentals(const SourceRequest& request) override;
  Result<RecordBatch> fund_flow(const SourceRequest& request) override;

  Result<std::unique_ptr<BatchStream>> open_stream(DataType type, const SourceRequest& request,
                                                   size_t chunk_rows) override;

  // The directory serving `dataset` ("daily", "minute_5m", ...).
  std::string directory_for(DataType type, BarInterval interval) const;

 private:
  CsvSource(std::string name, CsvSourceOptions options,
            std::shared_ptr<const storage::TableCatalog> catalog, const Clock& clock,
            MetricsRegistry& metrics);

  // The files, filters and order serving `request` (symbols are never filtered by date).
  Result<CsvStreamPlan> plan(DataType type, const SourceRequest& request, bool filter_dates,
                             size_t chunk_rows) const;
  // Every requested row of the type's directory as one sorted batch.
  Result<RecordBatch> load(DataType type, const SourceRequest& request, bool filter_dates);

  std::string name_;
  CsvSourceOptions options_;
  std::shared_ptr<const storage::TableCatalog> catalog_;
  const Clock* clock_;
  Counter* rows_imported_;
  Counter* rows_skipped_;
};

}  // namespace mystocks::sources
