#include "api/watchlist_routes.h"

#include <algorithm>
#include <optional>
#include <set>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/route_prelude.h"
#include "api/route_support.h"
#include "core/symbol.h"

namespace mystocks::api {
namespace {

using storage::RelationalOps;

const std::string kLists = "watchlists";
const std::string kMembers = "watchlist_symbols";

json::value symbols_schema(int64_t min_items) {
  return json::object{{"type", "array"},
                      {"minItems", min_items},
                      {"maxItems", kMaxWatchlistSymbols},
                      {"items", {{"type", "string"}, {"examples", json::array{"600519.SH"}}}}};
}

json::value name_schema() {
  return json::object{{"type", "string"}, {"minLength", 1}, {"maxLength", 64}};
}

json::value watchlist_schema() {
  json::object member{{"type", "object"},
                      {"properties",
                       {{"symbol", {{"type", "string"}}},
                        {"sort_order", {{"type", "integer"}}},
                        {"note", {{"type", json::array{"string", "null"}}}},
                        {"added_at", {{"type", "integer"}}}}}};
  return json::object{{"type", "object"},
                      {"properties",
                       {{"id", {{"type", "string"}}},
                        {"name", {{"type", "string"}}},
                        {"description", {{"type", json::array{"string", "null"}}}},
                        {"created_at", {{"type", "integer"}}},
                        {"updated_at", {{"type", "integer"}}},
                        {"symbols", {{"type", "array"}, {"items", std::move(member)}}}}}};
}

class Watchlists {
 public:
  explicit Watchlists(MarketApi api) : api_(api) {}

  // Plain reads, no transaction (which would take SQLite's write lock): two queries, the lists
  // and all their members.
  ApiReply list(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    services::LoadQuery lists_query;
    lists_query.filters = {storage::eq("user_id", *user)};
    lists_query.order_by = {{"name"}};
    Result<RecordBatch> lists = api_.data->load(kLists, lists_query);
    if (!lists.is_ok()) return ApiReply::fail(lists.status());
    json::array out;
    if (lists->num_rows() == 0) return ApiReply::ok(std::move(out));
    const std::vector<std::string>& ids = lists->column("watchlist_id")->as<std::string>();
    services::LoadQuery members_query;
    members_query.columns = {"watchlist_id", "symbol", "sort_order", "note", "added_at"};
    members_query.filters = {storage::in("watchlist_id", {ids.begin(), ids.end()})};
    members_query.order_by = {{"watchlist_id"}, {"sort_order"}};
    Result<RecordBatch> members = api_.data->load(kMembers, members_query);
    if (!members.is_ok()) return ApiReply::fail(members.status());
    for (size_t row = 0; row < lists->num_rows(); ++row) {
      out.push_back(render(*lists, row, *members));
    }
    return ApiReply::ok(std::move(out));
  }

  ApiReply create(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    const json::object& body = request.body_json.as_object();
    const std::string name(body.at("name").as_string());
    std::vector<std::string> symbols;
    if (const json::value* given = body.if_contains("symbols")) {
      Result<std::vector<std::string>> checked = known_symbols(given->as_array(), "symbols");
      if (!checked.is_ok()) return ApiReply::fail(checked.status());
      symbols = std::move(*checked);
    }
    const std::string id = new_id("wl", api_.record_clock());
    const int64_t now = api_.record_clock().now_ms();
    return in_transaction(
        *user, id,
        [&](RelationalOps& ops) -> Status {
          MYSTOCKS_RETURN_IF_ERROR(check_name_free(ops, *user, name, ""));
          MYSTOCKS_RETURN_IF_ERROR(
              write_list(ops, id, *user, name, description_of(body), now, now));
          return add_members(ops, id, symbols, 0, now);
        },
        "watchlist created");
  }

  ApiReply get(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    const std::string& id = request.path_params.at("id");
    services::LoadQuery list_query;
    list_query.filters = {storage::eq("watchlist_id", id), storage::eq("user_id", *user)};
    Result<RecordBatch> list = api_.data->load(kLists, list_query);
    if (!list.is_ok()) return ApiReply::fail(list.status());
    if (list->num_rows() == 0) return ApiReply::fail(not_found(id));
    services::LoadQuery members_query;
    members_query.columns = {"watchlist_id", "symbol", "sort_order", "note", "added_at"};
    members_query.filters = {storage::eq("watchlist_id", id)};
    members_query.order_by = {{"sort_order"}};
    Result<RecordBatch> members = api_.data->load(kMembers, members_query);
    if (!members.is_ok()) return ApiReply::fail(members.status());
    return ApiReply::ok(render(*list, 0, *members));
  }

  // Replaces what the body names: the name, the description (null clears it) and, when given,
  // the whole symbol list in the given order.
  ApiReply update(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    const json::object& body = request.body_json.as_object();
    const std::string& id = request.path_params.at("id");
    std::optional<std::vector<std::string>> symbols;
    if (const json::value* given = body.if_contains("symbols")) {
      Result<std::vector<std::string>> checked = known_symbols(given->as_array(), "symbols");
      if (!checked.is_ok()) return ApiReply::fail(checked.status());
      symbols = std::move(*checked);
    }
    const int64_t now = api_.record_clock().now_ms();
    return in_transaction(
        *user, id,
        [&](RelationalOps& ops) -> Status {
          Result<RecordBatch> current = find_list(ops, *user, id);
          if (!current.is_ok()) return current.status();
          std::string name = string_at(*current, "name", 0);
          if (const json::value* given = body.if_contains("name")) {
            name = std::string(given->as_string());
            MYSTOCKS_RETURN_IF_ERROR(check_name_free(ops, *user, name, id));
          }
          std::optional<std::string> description;
          if (const Column& column = *current->column("description"); !column.is_null(0)) {
            description = column.as<std::string>()[0];
          }
          if (body.contains("description")) description = description_of(body);
          MYSTOCKS_RETURN_IF_ERROR(write_list(ops, id, *user, name, description,
                                              int64_at(*current, "created_at", 0), now));
          if (!symbols) return Status::ok();
          Result<int64_t> erased = ops.erase(kMembers, {storage::eq("watchlist_id", id)});
          if (!erased.is_ok()) return erased.status();
          return add_members(ops, id, *symbols, 0, now);
        },
        "watchlist updated");
  }

  ApiReply remove(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    const std::string& id = request.path_params.at("id");
    Status status = api_.data->transaction([&](RelationalOps& ops) -> Status {
      Result<RecordBatch> current = find_list(ops, *user, id);
      if (!current.is_ok()) return current.status();
      Result<int64_t> members = ops.erase(kMembers, {storage::eq("watchlist_id", id)});
      if (!members.is_ok()) return members.status();
      Result<int64_t> lists = ops.erase(kLists, {storage::eq("watchlist_id", id)});
      return lists.is_ok() ? Status::ok() : lists.status();
    });
    if (!status.is_ok()) return ApiReply::fail(status);
    return ApiReply::ok(json::object{{"id", id}, {"deleted", true}}, "watchlist deleted");
  }

  ApiReply add_symbols(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    const std::string& id = request.path_params.at("id");
    Result<std::vector<std::string>> symbols =
        known_symbols(request.body_json.as_object().at("symbols").as_array(), "symbols");
    if (!symbols.is_ok()) return ApiReply::fail(symbols.status());
    const int64_t now = api_.record_clock().now_ms();
    return in_transaction(
        *user, id,
        [&](RelationalOps& ops) -> Status {
          Result<RecordBatch> current = find_list(ops, *user, id);
          if (!current.is_ok()) return current.status();
          Result<RecordBatch> members = ops.query(
              kMembers,
              {.columns = {"symbol", "sort_order"}, .filters = {storage::eq("watchlist_id", id)}});
          if (!members.is_ok()) return members.status();
          int32_t next = 0;
          std::set<std::string> present;
          for (size_t row = 0; row < members->num_rows(); ++row) {
            present.insert(string_at(*members, "symbol", row));
            next = std::max(next, members->column("sort_order")->as<int32_t>()[row] + 1);
          }
          for (size_t index = 0; index < symbols->size(); ++index) {
            if (present.contains((*symbols)[index])) {
              return field_error(ErrorCode::kAlreadyExists, fmt::format("symbols[{}]", index),
                                 "symbol '{}' is already in watchlist '{}'", (*symbols)[index], id);
            }
          }
          if (static_cast<int64_t>(present.size() + symbols->size()) > kMaxWatchlistSymbols) {
            return field_error(ErrorCode::kOutOfRange, "symbols",
                               "watchlist '{}' would hold {} symbols; at most {} are allowed", id,
                               present.size() + symbols->size(), kMaxWatchlistSymbols);
          }
          MYSTOCKS_RETURN_IF_ERROR(add_members(ops, id, *symbols, next, now));
          return touch(ops, *current, now);
        },
        "symbols added");
  }

  ApiReply remove_symbol(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    const std::string& id = request.path_params.at("id");
    Result<Symbol> symbol = Symbol::parse(request.path_params.at("symbol"), "symbol");
    if (!symbol.is_ok()) return ApiReply::fail(symbol.status());
    const std::string canonical = symbol->to_string();
    return in_transaction(
        *user, id,
        [&](RelationalOps& ops) -> Status {
          Result<RecordBatch> current = find_list(ops, *user, id);
          if (!current.is_ok()) return current.status();
          Result<int64_t> erased = ops.erase(
              kMembers, {storage::eq("watchlist_id", id), storage::eq("symbol", canonical)});
          if (!erased.is_ok()) return erased.status();
          if (*erased == 0) {
            return field_error(ErrorCode::kNotFound, "symbol",
                               "symbol '{}' is not in watchlist '{}'", canonical, id);
          }
          return touch(ops, *current, api_.record_clock().now_ms());
        },
        "symbol removed");
  }

 private:
  const storage::TableSchema& table(const std::string& name) const {
    return **api_.catalog->find(name);
  }

  // Runs `change` and then renders list `id` in the same transaction.
  template <typename Change>
  ApiReply in_transaction(const std::string& user, const std::string& id, Change&& change,
                          std::string message) const {
    json::object out;
    Status status = api_.data->transaction([&](RelationalOps& ops) -> Status {
      MYSTOCKS_RETURN_IF_ERROR(change(ops));
      Result<RecordBatch> list = find_list(ops, user, id);
      if (!list.is_ok()) return list.status();
      Result<json::object> rendered = render(ops, *list, 0);
      if (!rendered.is_ok()) return rendered.status();
      out = std::move(*rendered);
      return Status::ok();
    });
    if (!status.is_ok()) return ApiReply::fail(status);
    return ApiReply::ok(std::move(out), std::move(message));
  }

  static std::optional<std::string> description_of(const json::object& body) {
    const json::value* given = body.if_contains("description");
    if (given == nullptr || given->is_null()) return std::nullopt;
    return std::string(given->as_string());
  }

  static Result<RecordBatch> find_list(RelationalOps& ops, const std::string& user,
                                       const std::string& id) {
    Result<RecordBatch> rows = ops.query(
        kLists, {.filters = {storage::eq("watchlist_id", id), storage::eq("user_id", user)}});
    if (!rows.is_ok()) return rows.status();
    if (rows->num_rows() == 0) return not_found(id);
    return rows;
  }

  static Status not_found(const std::string& id) {
    return field_error(ErrorCode::kNotFound, "id", "no watchlist '{}' for this user", id);
  }

  // List `row` of `lists` with its rows of `members` (watchlist_id, symbol, sort_order, note,
  // added_at; ordered by sort_order within a list).
  static json::object render(const RecordBatch& lists, size_t row, const RecordBatch& members) {
    const std::string& id = string_at(lists, "watchlist_id", row);
    json::object out{{"id", id}};
    const json::object list = row_json(lists, row);
    for (const char* key : {"name", "description", "created_at", "updated_at"}) {
      out[key] = list.at(key);
    }
    json::array symbols;
    const std::vector<std::string>& owners = members.column("watchlist_id")->as<std::string>();
    for (size_t member = 0; member < members.num_rows(); ++member) {
      if (owners[member] != id) continue;
      json::object entry = row_json(members, member);
      entry.erase("watchlist_id");
      symbols.push_back(std::move(entry));
    }
    out["symbols"] = std::move(symbols);
    return out;
  }

  static Result<json::object> render(RelationalOps& ops, const RecordBatch& lists, size_t row) {
    Result<RecordBatch> members = ops.query(
        kMembers, {.columns = {"watchlist_id", "symbol", "sort_order", "note", "added_at"},
                   .filters = {storage::eq("watchlist_id", string_at(lists, "watchlist_id", row))},
                   .order_by = {{"sort_order"}}});
    if (!members.is_ok()) return members.status();
    return render(lists, row, *members);
  }

  static Status check_name_free(RelationalOps& ops, const std::string& user,
                                const std::string& name, const std::string& own_id) {
    Result<RecordBatch> same =
        ops.query(kLists, {.columns = {"watchlist_id"},
                           .filters = {storage::eq("user_id", user), storage::eq("name", name)}});
    if (!same.is_ok()) return same.status();
    for (size_t row = 0; row < same->num_rows(); ++row) {
      if (string_at(*same, "watchlist_id", row) != own_id) {
        return field_error(ErrorCode::kAlreadyExists, "name",
                           "a watchlist named '{}' already exists (id '{}')", name,
                           string_at(*same, "watchlist_id", row));
      }
    }
    return Status::ok();
  }

  Status write_list(RelationalOps& ops, const std::string& id, const std::string& user,
                    const std::string& name, const std::optional<std::string>& description,
                    int64_t created_at, int64_t updated_at) const {
    Result<RecordBatch> row = make_rows(
        table(kLists),
        {"watchlist_id", "user_id", "name", "description", "created_at", "updated_at"},
        {{id, user, name, description ? Cell{*description} : Cell{}, created_at, updated_at}});
    if (!row.is_ok()) return row.status();
    Status written = ops.upsert(kLists, *row);
    // check_name_free ran first, but a concurrent request can take the name in between (PostgreSQL
    // reads committed data only); the unique index on (user_id, name) then refuses the write.
    if (written.code() == ErrorCode::kAlreadyExists) {
      return field_error(ErrorCode::kAlreadyExists, "name", "a watchlist named '{}' already exists",
                         name);
    }
    return written;
  }

  Status touch(RelationalOps& ops, const RecordBatch& list, int64_t now) const {
    std::optional<std::string> description;
    if (const Column& column = *list.column("description"); !column.is_null(0)) {
      description = column.as<std::string>()[0];
    }
    return write_list(ops, string_at(list, "watchlist_id", 0), string_at(list, "user_id", 0),
                      string_at(list, "name", 0), description, int64_at(list, "created_at", 0),
                      now);
  }

  Status add_members(RelationalOps& ops, const std::string& id,
                     const std::vector<std::string>& symbols, int32_t first_order,
                     int64_t now) const {
    if (symbols.empty()) return Status::ok();
    std::vector<std::vector<Cell>> rows;
    for (size_t index = 0; index < symbols.size(); ++index) {
      rows.push_back({id, symbols[index], int64_t{first_order + static_cast<int32_t>(index)}, now});
    }
    Result<RecordBatch> batch =
        make_rows(table(kMembers), {"watchlist_id", "symbol", "sort_order", "added_at"}, rows);
    if (!batch.is_ok()) return batch.status();
    return ops.upsert(kMembers, *batch);
  }

  // Canonical, distinct symbols of a JSON array, each in the symbols table; errors name
  // "<field>[i]".
  Result<std::vector<std::string>> known_symbols(const json::array& given,
                                                 std::string_view field) const {
    std::vector<std::string> canonical;
    for (size_t index = 0; index < given.size(); ++index) {
      const std::string where = fmt::format("{}[{}]", field, index);
      Result<Symbol> symbol = Symbol::parse(given[index].as_string(), where);
      if (!symbol.is_ok()) return symbol.status();
      std::string text = symbol->to_string();
      if (std::find(canonical.begin(), canonical.end(), text) != canonical.end()) {
        return field_error(ErrorCode::kInvalidArgument, where, "symbol '{}' is given twice", text);
      }
      canonical.push_back(std::move(text));
    }
    if (canonical.empty()) return canonical;
    Result<RecordBatch> listed = listed_symbols(*api_.data, canonical);
    if (!listed.is_ok()) return listed.status();
    const std::vector<std::string>& found = listed->column("symbol")->as<std::string>();
    for (size_t index = 0; index < canonical.size(); ++index) {
      if (std::find(found.begin(), found.end(), canonical[index]) == found.end()) {
        return field_error(ErrorCode::kInvalidArgument, fmt::format("{}[{}]", field, index),
                           "symbol '{}' is not in the symbols table", canonical[index]);
      }
    }
    return canonical;
  }

  MarketApi api_;
};

}  // namespace

Status register_watchlist_routes(gateway::RouteRegistry& registry, const MarketApi& api) {
  auto lists = std::make_shared<Watchlists>(api);
  const json::value one = watchlist_schema();
  auto route = [&](HttpMethod method, std::string path, std::string summary,
                   std::vector<ParamSpec> params, json::value body, json::value response,
                   gateway::Handler handler) {
    return registry.add(RouteSpec{.method = method,
                                  .path = std::move(path),
                                  .version = "v1",
                                  .summary = std::move(summary),
                                  .tags = {"watchlists"},
                                  .resource = "watchlists",
                                  .action = method == HttpMethod::kGet ? "read" : "write",
                                  .params = std::move(params),
                                  .request_schema = std::move(body),
                                  .response_schema = std::move(response),
                                  .handler = std::move(handler)});
  };
  using Call = ApiReply (Watchlists::*)(const HttpRequest&) const;
  auto bind = [lists](Call call) {
    return [lists, call](const HttpRequest& request) { return ((*lists).*call)(request); };
  };
  const ParamSpec symbol_param{.name = "symbol",
                               .in = ParamLocation::kPath,
                               .schema = json::object{{"type", "string"}},
                               .required = true,
                               .description = "symbol to remove, e.g. 600519.SH"};

  MYSTOCKS_RETURN_IF_ERROR(
      route(HttpMethod::kGet, "/api/v1/watchlists", "The caller's watchlists with their symbols",
            {}, nullptr, json::object{{"type", "array"}, {"items", one}}, bind(&Watchlists::list)));
  MYSTOCKS_RETURN_IF_ERROR(route(
      HttpMethod::kPost, "/api/v1/watchlists", "Create a watchlist (409 when the name is taken)",
      {},
      json::object{{"type", "object"},
                   {"required", json::array{"name"}},
                   {"additionalProperties", false},
                   {"properties",
                    {{"name", name_schema()},
                     {"description", {{"type", json::array{"string", "null"}}, {"maxLength", 256}}},
                     {"symbols", symbols_schema(0)}}}},
      one, bind(&Watchlists::create)));
  MYSTOCKS_RETURN_IF_ERROR(route(HttpMethod::kGet, "/api/v1/watchlists/{id}", "One watchlist",
                                 {id_path_param("watchlist id")}, nullptr, one,
                                 bind(&Watchlists::get)));
  MYSTOCKS_RETURN_IF_ERROR(route(
      HttpMethod::kPut, "/api/v1/watchlists/{id}",
      "Rename, describe, or replace the symbols of a watchlist (fields given are replaced)",
      {id_path_param("watchlist id")},
      json::object{{"type", "object"},
                   {"additionalProperties", false},
                   {"properties",
                    {{"name", name_schema()},
                     {"description", {{"type", json::array{"string", "null"}}, {"maxLength", 256}}},
                     {"symbols", symbols_schema(0)}}}},
      one, bind(&Watchlists::update)));
  MYSTOCKS_RETURN_IF_ERROR(route(HttpMethod::kDelete, "/api/v1/watchlists/{id}",
                                 "Delete a watchlist and its symbols",
                                 {id_path_param("watchlist id")}, nullptr,
                                 json::object{{"type", "object"}}, bind(&Watchlists::remove)));
  MYSTOCKS_RETURN_IF_ERROR(route(HttpMethod::kPost, "/api/v1/watchlists/{id}/symbols",
                                 "Append symbols to a watchlist (409 when one is already in it)",
                                 {id_path_param("watchlist id")},
                                 json::object{{"type", "object"},
                                              {"required", json::array{"symbols"}},
                                              {"additionalProperties", false},
                                              {"properties", {{"symbols", symbols_schema(1)}}}},
                                 one, bind(&Watchlists::add_symbols)));
  MYSTOCKS_RETURN_IF_ERROR(route(HttpMethod::kDelete, "/api/v1/watchlists/{id}/symbols/{symbol}",
                                 "Remove one symbol from a watchlist",
                                 {id_path_param("watchlist id"), symbol_param}, nullptr, one,
                                 bind(&Watchlists::remove_symbol)));
  return Status::ok();
}

}  // namespace mystocks::api
