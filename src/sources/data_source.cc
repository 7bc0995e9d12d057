#include "sources/data_source.h"

namespace mystocks::sources {

Status IDataSource::unsupported(DataType type) const {
  return error(ErrorCode::kUnsupported, "source '{}' ({}) does not support {}", name(),
               this->type(), operation_name(type));
}

Result<RecordBatch> IDataSource::daily_bars(const SourceRequest&) {
  return unsupported(DataType::kDaily);
}
Result<RecordBatch> IDataSource::index_daily_bars(const SourceRequest&) {
  return unsupported(DataType::kIndexDaily);
}
Result<RecordBatch> IDataSource::minute_bars(const SourceRequest&) {
  return unsupported(DataType::kMinute);
}
Result<RecordBatch> IDataSource::symbols(const SourceRequest&) {
  return unsupported(DataType::kSymbols);
}
Result<RecordBatch> IDataSource::index_components(const SourceRequest&) {
  return unsupported(DataType::kIndexComponents);
}
Result<RecordBatch> IDataSource::realtime_quotes(const SourceRequest&) {
  return unsupported(DataType::kRealtimeQuotes);
}
Result<RecordBatch> IDataSource::trade_calendar(const SourceRequest&) {
  return unsupported(DataType::kTradeCalendar);
}
Result<RecordBatch> IDataSource::fundamentals(const SourceRequest&) {
  return unsupported(DataType::kFundamentals);
}
Result<RecordBatch> IDataSource::fund_flow(const SourceRequest&) {
  return unsupported(DataType::kFundFlow);
}
Result<RecordBatch> IDataSource::news(const SourceRequest&) { return unsupported(DataType::kNews); }
Result<RecordBatch> IDataSource::ticks(const SourceRequest&) {
  return unsupported(DataType::kTick);
}

Result<std::unique_ptr<BatchStream>> IDataSource::open_stream(DataType type,
                                                              const SourceRequest& request,
                                                              size_t /*chunk_rows*/) {
  Result<RecordBatch> batch = fetch(*this, type, request);
  if (!batch.is_ok()) return batch.status();
  return single_batch_stream(std::move(batch).value());
}

Result<RecordBatch> fetch(IDataSource& source, DataType type, const SourceRequest& request) {
  switch (type) {
    case DataType::kDaily:
      return source.daily_bars(request);
    case DataType::kIndexDaily:
      return source.index_daily_bars(request);
    case DataType::kMinute:
      return source.minute_bars(request);
    case DataType::kSymbols:
      return source.symbols(request);
    case DataType::kIndexComponents:
      return source.index_components(request);
    case DataType::kRealtimeQuotes:
      return source.realtime_quotes(request);
    case DataType::kTradeCalendar:
      return source.trade_calendar(request);
    case DataType::kFundamentals:
      return source.fundamentals(request);
    case DataType::kFundFlow:
      return source.fund_flow(request);
    case DataType::kNews:
      return source.news(request);
    case DataType::kTick:
      return source.ticks(request);
  }
  return error(ErrorCode::kInternal, "data type {} has no operation", static_cast<int>(type));
}

Status check_date_range(const IDataSource& source, DataType type, const SourceRequest& request) {
  if (request.from <= request.to) return Status::ok();
  return field_error(ErrorCode::kInvalidArgument, "from",
                     "source '{}' {}: from {} is after to {}: expected from <= to", source.name(),
                     operation_name(type), request.from.to_string(), request.to.to_string());
}

}  // namespace mystocks::sources
