#include "api/time_filters.h"

#include "api/market_common.h"
#include "api/route_prelude.h"

namespace mystocks::api {

Result<std::vector<storage::Filter>> time_range_filters(const gateway::HttpRequest& request,
                                                        const std::string& column) {
  const std::optional<int64_t> start = int_param(request, "start");
  const std::optional<TimestampMs> end = exclusive_end(request);
  if (start && end && *start >= *end) {
    const std::string* raw_start = request.query_param("start");
    const std::string* raw_end = request.query_param("end");
    return field_error(ErrorCode::kInvalidArgument, "start", "start '{}' is after end '{}'",
                       raw_start ? *raw_start : std::string(), raw_end ? *raw_end : std::string());
  }
  std::vector<storage::Filter> filters;
  if (start) filters.push_back(storage::cmp(column, storage::FilterOp::kGe, *start));
  if (end) filters.push_back(storage::cmp(column, storage::FilterOp::kLt, *end));
  return filters;
}

}  // namespace mystocks::api
