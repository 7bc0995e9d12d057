// FailoverSource: one IDataSource over several, trying them in a configured priority order per
// data type (sources.priority_daily: "primary,backup"). It moves to the next source when one is
// unavailable (any retry-the-call code: kUnavailable, kDeadlineExceeded, kResourceExhausted,
// kRateLimited, kIoError) or does not support the operation (kUnsupported); any other failure,
// above all kInvalidArgument, is the caller's and is returned at once - another source would
// refuse the same request. When every source fails the result is kUnsupported if none supports
// the operation, else kUnavailable, naming what each source said.
// Metrics: mystocks_source_requests_total{source,data_type,outcome},
// mystocks_source_failovers_total{data_type,from}, mystocks_source_rows_total{source,data_type},
// mystocks_source_request_seconds{source,data_type}.
// Thread-safety: as safe as the sources it owns (the built-in ones: fully concurrent).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/metrics.h"
#include "sources/data_source.h"

namespace mystocks::sources {

// Source names in the order to try them, per data type.
using PriorityMap = std::map<DataType, std::vector<std::string>>;

// True when a failure of this code sends the request on to the next source.
bool falls_through(ErrorCode code);

class FailoverSource final : public IDataSource {
 public:
  // `default_priority` serves the data types `priorities` leaves out. Every name must be one of
  // `sources` (kInvalidConfig naming the data type and the known sources).
  static Result<std::unique_ptr<FailoverSource>> create(
      std::string name, std::vector<std::unique_ptr<IDataSource>> sources, PriorityMap priorities,
      std::vector<std::string> default_priority, MetricsRegistry& metrics, const Clock& clock);

  std::string_view name() const override { return name_; }
  std::string_view type() const override { return "failover"; }

  Result<RecordBatch> daily_bars(const SourceRequest& request) override;
  Result<RecordBatch> index_daily_bars(const SourceRequest& request) override;
  Result<RecordBatch> minute_bars(const SourceRequest& request) override;
  Result<RecordBatch> symbols(const SourceRequest& request) override;
  Result<RecordBatch> index_components(const SourceRequest& request) override;
  Result<RecordBatch> realtime_quotes(const SourceRequest& request) override;
  Result<RecordBatch> trade_calendar(const SourceRequest& request) override;
  Result<RecordBatch> fundamentals(const SourceRequest& request) override;
  Result<RecordBatch> fund_flow(const SourceRequest& request) override;
  Result<RecordBatch> news(const SourceRequest& request) override;
  Result<RecordBatch> ticks(const SourceRequest& request) override;

  // A member source by name (`mystocks ingest --source NAME` bypasses the priorities), or null.
  IDataSource* find(std::string_view source_name) const;
  const std::vector<std::unique_ptr<IDataSource>>& sources() const { return sources_; }
  // The order tried for `type`.
  const std::vector<std::string>& priority(DataType type) const;

 private:
  FailoverSource(std::string name, std::vector<std::unique_ptr<IDataSource>> sources,
                 PriorityMap priorities, std::vector<std::string> default_priority,
                 MetricsRegistry& metrics, const Clock& clock);

  Result<RecordBatch> run(DataType type, const SourceRequest& request);

  std::string name_;
  std::vector<std::unique_ptr<IDataSource>> sources_;
  PriorityMap priorities_;
  std::vector<std::string> default_priority_;
  const Clock* clock_;
  Family<Counter>* requests_;
  Family<Counter>* failovers_;
  Family<Counter>* rows_;
  Family<Histogram>* latency_;
};

}  // namespace mystocks::sources
