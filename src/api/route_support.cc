#include "api/route_support.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>

#include <fmt/format.h>

#include "api/route_prelude.h"
#include "core/decimal.h"
#include "core/row_json.h"
#include "core/timestamp.h"
#include "gateway/params.h"

namespace mystocks::api {

Result<std::string> user_id_of(const gateway::HttpRequest& request) {
  if (request.principal.anonymous()) {
    // Only a policy granting a user-owned resource to "anonymous" gets here.
    return error(ErrorCode::kUnauthenticated,
                 "{} belongs to a signed-in user: send a bearer token, a session cookie or a "
                 "signed API-key request",
                 request.path);
  }
  return request.principal.subject;
}

json::object row_json(const RecordBatch& batch, size_t row) {
  return mystocks::row_json(batch, row);
}

json::array rows_json(const RecordBatch& batch) { return mystocks::rows_json(batch); }

gateway::ParamSpec id_path_param(std::string description) {
  return {.name = "id",
          .in = gateway::ParamLocation::kPath,
          .schema = boost::json::object{{"type", "string"}},
          .required = true,
          .description = std::move(description)};
}

std::vector<gateway::ParamSpec> page_params(int64_t default_size, int64_t max_size) {
  return {
      {.name = "page",
       .schema = json::object{{"type", "integer"}, {"minimum", 1}, {"default", 1}},
       .description = "page number, from 1"},
      {.name = "size",
       .schema = json::object{{"type", "integer"},
                              {"minimum", 1},
                              {"maximum", max_size},
                              {"default", default_size}},
       .description = fmt::format("rows per page, 1-{}", max_size)},
  };
}

Page page_of(const gateway::HttpRequest& request) {
  return Page{gateway::int_param(request, "page").value_or(1),
              gateway::int_param(request, "size").value_or(50)};
}

Result<RecordBatch> listed_symbols(services::DataManager& data,
                                   const std::vector<std::string>& symbols) {
  services::LoadQuery query;
  query.columns = {"symbol", "name", "security_type", "status", "is_st"};
  query.symbols = symbols;
  return data.load("symbols", query);
}

int64_t json_int64(const json::value& value) {
  if (value.is_int64()) return value.as_int64();
  if (value.is_uint64()) {
    return value.as_uint64() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(value.as_uint64());
  }
  if (value.is_double() && std::fabs(value.as_double()) < 9.2e18) {
    return static_cast<int64_t>(value.as_double());
  }
  return value.is_double() && value.as_double() < 0 ? std::numeric_limits<int64_t>::min()
                                                    : std::numeric_limits<int64_t>::max();
}

}  // namespace mystocks::api
