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
#include "storage/table_schema.h"

namespace mystocks::api {

// TEMPORARY until authentication lands: the caller is whoever header X-User-Id names, "demo"
// when it is absent. Accepted: 1-64 characters of [A-Za-z0-9_.@-]; otherwise kInvalidArgument
// naming the header.
inline constexpr std::string_view kDefaultUserId = "demo";
Result<std::string> user_id_of(const gateway::HttpRequest& request);
// The ParamSpec documenting X-User-Id in the OpenAPI document.
gateway::ParamSpec user_header_param();

// One cell as JSON: decimals as numbers, dates as "YYYY-MM-DD", timestamps as epoch ms, null for
// nulls and non-finite doubles.
boost::json::value cell_json(const RecordBatch& batch, size_t column, size_t row);
boost::json::object row_json(const RecordBatch& batch, size_t row);
boost::json::array rows_json(const RecordBatch& batch);

// A value to write: null, bool, integer (int32/int64/timestamp/date days/decimal units at the
// column's scale), double or string.
using Cell = std::variant<std::monostate, bool, int64_t, double, std::string>;

// A batch of `columns` of `table` holding `rows` (each as long as `columns`).
Result<RecordBatch> make_rows(const storage::TableSchema& table,
                              const std::vector<std::string>& columns,
                              const std::vector<std::vector<Cell>>& rows);

// "<prefix>-<time base36>-<random hex>": unique across processes, sortable by creation time.
std::string new_id(std::string_view prefix, const Clock& clock);

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

// Reads a typed parameter bound by the router (request.params).
int64_t int_param(const gateway::HttpRequest& request, std::string_view name, int64_t fallback);
std::string string_param(const gateway::HttpRequest& request, std::string_view name,
                         std::string_view fallback = {});
bool has_param(const gateway::HttpRequest& request, std::string_view name);

// An integer of a body the gateway validated as {"type": "integer"}: int64, uint64 (clamped to
// INT64_MAX) or an integral double such as 100.0.
int64_t json_int64(const boost::json::value& value);

// Column value accessors for result batches (REQUIRES: the column exists and has that type).
const std::string& string_at(const RecordBatch& batch, std::string_view column, size_t row);
int64_t int64_at(const RecordBatch& batch, std::string_view column, size_t row);

}  // namespace mystocks::api
