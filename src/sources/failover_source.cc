#include "sources/failover_source.h"

#include <set>

namespace mystocks::sources {
namespace {

std::string_view outcome_of(ErrorCode code) {
  if (code == ErrorCode::kOk) return "ok";
  if (code == ErrorCode::kUnsupported) return "unsupported";
  if (error_info(code).retry == RetryClass::kRetryCall) return "unavailable";
  return "error";
}

}  // namespace

bool falls_through(ErrorCode code) {
  return code == ErrorCode::kUnsupported || error_info(code).retry == RetryClass::kRetryCall;
}

Result<std::unique_ptr<FailoverSource>> FailoverSource::create(
    std::string name, std::vector<std::unique_ptr<IDataSource>> sources, PriorityMap priorities,
    std::vector<std::string> default_priority, MetricsRegistry& metrics, const Clock& clock) {
  std::set<std::string, std::less<>> known;
  std::string known_list;
  for (const auto& source : sources) {
    if (!known.emplace(source->name()).second) {
      return field_error(ErrorCode::kInvalidConfig, "sources.instances",
                         "source name '{}' is used twice: every instance needs its own name",
                         source->name());
    }
    known_list += known_list.empty() ? "" : ", ";
    known_list += source->name();
  }
  auto check = [&](const std::vector<std::string>& order, std::string_view key) -> Status {
    if (order.empty()) {
      return field_error(ErrorCode::kInvalidConfig, std::string(key),
                         "{} is empty: list at least one of the sources ({})", key, known_list);
    }
    for (const std::string& source : order) {
      if (!known.contains(source)) {
        return field_error(ErrorCode::kInvalidConfig, std::string(key),
                           "{} names source '{}', which is not configured: expected one of {}", key,
                           source, known_list);
      }
    }
    return Status::ok();
  };
  for (const auto& [type, order] : priorities) {
    MYSTOCKS_RETURN_IF_ERROR(check(order, "sources.priority_" + std::string(data_type_name(type))));
  }
  bool needs_default = false;
  for (DataType type : all_data_types()) needs_default |= !priorities.contains(type);
  if (needs_default) MYSTOCKS_RETURN_IF_ERROR(check(default_priority, "sources.priority"));
  return std::unique_ptr<FailoverSource>(
      new FailoverSource(std::move(name), std::move(sources), std::move(priorities),
                         std::move(default_priority), metrics, clock));
}

FailoverSource::FailoverSource(std::string name, std::vector<std::unique_ptr<IDataSource>> sources,
                               PriorityMap priorities, std::vector<std::string> default_priority,
                               MetricsRegistry& metrics, const Clock& clock)
    : name_(std::move(name)),
      sources_(std::move(sources)),
      priorities_(std::move(priorities)),
      default_priority_(std::move(default_priority)),
      clock_(&clock),
      requests_(&metrics.counter("mystocks_source_requests_total",
                                 "Data-source requests by source, data type and outcome",
                                 {"source", "data_type", "outcome"})),
      failovers_(&metrics.counter("mystocks_source_failovers_total",
                                  "Requests passed on to the next source in the priority list",
                                  {"data_type", "from"})),
      rows_(&metrics.counter("mystocks_source_rows_total", "Rows delivered by data sources",
                             {"source", "data_type"})),
      latency_(&metrics.histogram("mystocks_source_request_seconds", "Data-source request latency",
                                  {"source", "data_type"})) {}

IDataSource* FailoverSource::find(std::string_view source_name) const {
  for (const auto& source : sources_) {
    if (source->name() == source_name) return source.get();
  }
  return nullptr;
}

const std::vector<std::string>& FailoverSource::priority(DataType type) const {
  auto it = priorities_.find(type);
  return it == priorities_.end() ? default_priority_ : it->second;
}

Result<RecordBatch> FailoverSource::run(DataType type, const SourceRequest& request) {
  const std::string type_name(data_type_name(type));
  const std::vector<std::string>& order = priority(type);
  std::string attempts;
  bool any_supported = false;
  for (size_t position = 0; position < order.size(); ++position) {
    IDataSource* source = find(order[position]);
    const int64_t started = clock_->steady_ns();
    Result<RecordBatch> result = fetch(*source, type, request);
    const double seconds = static_cast<double>(clock_->steady_ns() - started) / 1e9;
    latency_->with({order[position], type_name}).observe(seconds);
    const ErrorCode code = result.status().code();
    requests_->with({order[position], type_name, std::string(outcome_of(code))}).inc();
    if (result.is_ok()) {
      rows_->with({order[position], type_name}).inc(static_cast<double>(result->num_rows()));
      return result;
    }
    if (!falls_through(code)) return result;
    any_supported |= code != ErrorCode::kUnsupported;
    attempts += attempts.empty() ? "" : "; ";
    attempts += order[position] + ": " + result.status().to_string();
    if (position + 1 < order.size()) failovers_->with({type_name, order[position]}).inc();
  }
  if (!any_supported) {
    return error(ErrorCode::kUnsupported, "no configured source supports {} ({})",
                 operation_name(type), attempts);
  }
  return error(ErrorCode::kUnavailable, "{} failed on every source in sources.priority_{} ({})",
               operation_name(type), type_name, attempts);
}

Result<RecordBatch> FailoverSource::daily_bars(const SourceRequest& r) {
  return run(DataType::kDaily, r);
}
Result<RecordBatch> FailoverSource::index_daily_bars(const SourceRequest& r) {
  return run(DataType::kIndexDaily, r);
}
Result<RecordBatch> FailoverSource::minute_bars(const SourceRequest& r) {
  return run(DataType::kMinute, r);
}
Result<RecordBatch> FailoverSource::symbols(const SourceRequest& r) {
  return run(DataType::kSymbols, r);
}
Result<RecordBatch> FailoverSource::index_components(const SourceRequest& r) {
  return run(DataType::kIndexComponents, r);
}
Result<RecordBatch> FailoverSource::realtime_quotes(const SourceRequest& r) {
  return run(DataType::kRealtimeQuotes, r);
}
Result<RecordBatch> FailoverSource::trade_calendar(const SourceRequest& r) {
  return run(DataType::kTradeCalendar, r);
}
Result<RecordBatch> FailoverSource::fundamentals(const SourceRequest& r) {
  return run(DataType::kFundamentals, r);
}
Result<RecordBatch> FailoverSource::fund_flow(const SourceRequest& r) {
  return run(DataType::kFundFlow, r);
}
Result<RecordBatch> FailoverSource::news(const SourceRequest& r) { return run(DataType::kNews, r); }
Result<RecordBatch> FailoverSource::ticks(const SourceRequest& r) {
  return run(DataType::kTick, r);
}

}  // namespace mystocks::sources
