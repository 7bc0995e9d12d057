// The `start`/`end` query parameters of the paper-trading lists (orders, trades) as relational
// filters on a timestamp column, by the rule the K-line routes follow (market_common.h
// exclusive_end): a date `end` covers its whole Asia/Shanghai day, an epoch-ms `end` is
// inclusive; `start` is inclusive.
// Internal to the api layer. Pure functions: safe from any thread.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "gateway/http_types.h"
#include "storage/relational_store.h"

namespace mystocks::api {

// Filters for `column` in [start, end]; none when neither is given. INVALID_ARGUMENT naming
// `start` (quoting both as sent) when start is not before the end.
Result<std::vector<storage::Filter>> time_range_filters(const gateway::HttpRequest& request,
                                                        const std::string& column);

}  // namespace mystocks::api
