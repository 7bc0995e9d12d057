// Helpers the indicator, watchlist, order and data routes share: the caller's user id, rows of a
// RecordBatch as JSON, one-off batches for single-row writes, server-assigned ids, pagination
// parameters and the "is this symbol listed" lookup.
// Thread-safety: pure functions, except new_id (internally synchronised).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "core/clock.h"
#include "core/record_batch.h"
#include "core/status.h"
#include "gateway/envelope.h"
#include "gateway/http_types.h"
#include "gateway/route_registry.h"
#include "services/data_manager.h"
#include "services/table_rows.h"
#include "storage/table_schema.h"

namespace mystocks::api {

// The row helpers live below the api layer (services/table_rows.h); the routes use them
// unqualified.
using services::Cell;
using services::int64_at;
using services::make_rows;
using services::new_id;
using services::string_at;

// The caller's user id: the subject the router authenticated (tokens, cookies or API keys; never
// a header the client picks). kUnauthenticated for anonymous callers.
Result<std::string> user_id_of(const gateway::HttpRequest& request);

boost::json::object row_json(const RecordBatch& batch, size_t row);
boost::json::array rows_json(const RecordBatch& batch);

// A required string path parameter `{id}` of a resource, described as `description`.
gateway::ParamSpec id_path_param(std::string description);

// page (>= 1, default 1) and size (1..max_size, default default_size) query parameters.
std::vector<gateway::ParamSpec> page_params(int64_t default_size, int64_t max_size);
struct Page {
  int64_t page = 1;
  int64_t size = 50;
  int64_t offset() const { return (page - 1) * size; }
};
Page page_of(const gateway::HttpRequest& request);

// The symbols-table rows of `symbols` (canonical), keyed by symbol, with columns symbol, name,
// security_type, status, is_st. Missing symbols simply have no row.
Result<RecordBatch> listed_symbols(services::DataManager& data,
                                   const std::vector<std::string>& symbols);

// An integer of a body the gateway validated as {"type": "integer"}: int64, uint64 (clamped to
// INT64_MAX) or an integral double such as 100.0.
int64_t json_int64(const boost::json::value& value);
}  // namespace mystocks::api
