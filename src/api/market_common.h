// Building blocks shared by the market route families (market_*_routes.cc): parameter specs
// with their JSON schemas, the time window every ranged route reads (with its maximum span),
// JSON schemas derived from tables.yaml column declarations, and CSV replies. The data reads
// themselves live below, in services/market/market_query.h.
// Internal to the api layer. Pure functions over their arguments: safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/record_batch.h"
#include "core/status.h"
#include "gateway/envelope.h"
#include "gateway/route_registry.h"
#include "services/market/market_query.h"
#include "storage/table_schema.h"

namespace mystocks::api {

// --- parameters -----------------------------------------------------------------------------
gateway::ParamSpec symbol_param(std::string description,
                                gateway::ParamLocation in = gateway::ParamLocation::kQuery);
gateway::ParamSpec time_param(std::string name, std::string description);
gateway::ParamSpec limit_param(int64_t default_limit, int64_t max_limit, std::string description);
gateway::ParamSpec enum_param(std::string name, std::vector<std::string> values,
                              std::optional<std::string> default_value, std::string description);

// [start, end) in epoch ms. A missing start means "the newest rows up to end"; a missing end is
// now. An end given as a date (YYYY-MM-DD, YYYYMMDD) covers that whole day; an epoch-ms end is
// inclusive. start after end is INVALID_ARGUMENT on "start"; a span over max_span_days is
// OUT_OF_RANGE on "end" (400: we refuse rather than silently truncate).
using services::TimeWindow;
Result<TimeWindow> read_window(const gateway::HttpRequest& request, const Clock& clock,
                               int64_t max_span_days, std::string_view scope);
// The `end` parameter as an exclusive bound by the rule above (a date covers its whole day, an
// instant is inclusive); nullopt when absent.
std::optional<TimestampMs> exclusive_end(const gateway::HttpRequest& request);

// --- responses ------------------------------------------------------------------------------
// JSON schema of one row with the given columns of `table` (types and descriptions from
// tables.yaml); all columns when `columns` is empty.
boost::json::object row_schema(const storage::TableSchema& table,
                               const std::vector<std::string>& columns = {});
boost::json::object object_schema(boost::json::object properties);
boost::json::object array_schema(boost::json::value items);

// True when the Accept header prefers text/csv over JSON.
bool wants_csv(const gateway::HttpRequest& request);
gateway::ApiReply csv_reply(const RecordBatch& batch);

}  // namespace mystocks::api
