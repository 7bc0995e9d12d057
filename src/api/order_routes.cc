#include "api/order_routes.h"

#include <optional>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/order_rules.h"
#include "api/route_prelude.h"
#include "api/route_support.h"
#include "api/time_filters.h"
#include "core/decimal.h"
#include "core/symbol.h"
#include "core/timestamp.h"

namespace mystocks::api {
namespace {

using storage::Filter;

constexpr std::string_view kOrders = "orders";
json::value order_schema() {
  json::object properties;
  for (const char* name :
       {"order_id", "client_order_id", "account_id", "symbol", "side", "order_type",
        "time_in_force", "status", "reject_reason", "trade_date"}) {
    properties[name] = json::object{{"type", json::array{"string", "null"}}};
  }
  for (const char* name : {"price", "avg_fill_price", "frozen_cash", "commission"}) {
    properties[name] = json::object{{"type", json::array{"number", "null"}}};
  }
  for (const char* name : {"quantity", "filled_quantity", "created_at", "updated_at"}) {
    properties[name] = json::object{{"type", "integer"}};
  }
  return json::object{{"type", "object"}, {"properties", std::move(properties)}};
}

json::value create_schema() {
  return json::object{
      {"type", "object"},
      {"required", json::array{"symbol", "side", "type", "quantity"}},
      {"additionalProperties", false},
      {"properties",
       {{"symbol", {{"type", "string"}, {"examples", json::array{"600519.SH"}}}},
        {"side", {{"type", "string"}, {"enum", json::array{"buy", "sell"}}}},
        {"type", {{"type", "string"}, {"enum", json::array{"limit", "market"}}}},
        {"price",
         {{"type", json::array{"number", "string"}},
          {"description", "limit price in yuan, a multiple of 0.01; omit for market orders"}}},
        {"quantity", {{"type", "integer"}, {"minimum", 1}}},
        {"time_in_force", {{"type", "string"}, {"enum", json::array{"day"}}}},
        {"client_order_id",
         {{"type", "string"},
          {"minLength", 1},
          {"maxLength", 64},
          {"description",
           "idempotency key: repeating it with the same fields returns the existing order, "
           "with other fields is a 409 naming them"}}}}}};
}

// What the symbols table and daily_kline say about a symbol today.
struct Instrument {
  Symbol symbol;
  bool is_st = false;
  std::optional<int64_t> pre_close_cents;
};

class OrderBook {
 public:
  OrderBook(MarketApi api, services::PaperBroker& broker) : api_(api), broker_(broker) {}

  ApiReply create(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    const json::object& body = request.body_json.as_object();
    Result<Instrument> instrument = lookup(std::string(body.at("symbol").as_string()));
    if (!instrument.is_ok()) return ApiReply::fail(instrument.status());
    const bool buy = body.at("side").as_string() == "buy";
    const OrderType type =
        body.at("type").as_string() == "limit" ? OrderType::kLimit : OrderType::kMarket;
    const int64_t quantity = json_int64(body.at("quantity"));
    const Board board = board_of(instrument->symbol);
    if (Status status = check_quantity(board, type, quantity); !status.is_ok()) {
      return ApiReply::fail(status);
    }
    const int percent = limit_percent(board, instrument->is_st);
    std::optional<PriceLimits> band;
    if (instrument->pre_close_cents) {
      band = price_limits(*instrument->pre_close_cents, percent);
    }
    Result<std::optional<int64_t>> price_mils =
        limit_price(body, type, band, percent, instrument->symbol);
    if (!price_mils.is_ok()) return ApiReply::fail(price_mils.status());
    if (buy && !*price_mils && !band) {
      return ApiReply::fail(field_error(
          ErrorCode::kFailedPrecondition, "symbol",
          "symbol '{}' has no previous close in daily_kline, so the cash a market buy needs "
          "(its limit-up price) cannot be reserved",
          instrument->symbol.to_string()));
    }
    services::OrderTicket ticket{
        .user = *user,
        .symbol = instrument->symbol.to_string(),
        .buy = buy,
        .limit = type == OrderType::kLimit,
        .price_mils = *price_mils,
        .quantity = quantity,
        .reserve_price_mils = price_mils->value_or(band ? band->up * kMilsPerCent : 0)};
    if (const json::value* key = body.if_contains("client_order_id")) {
      ticket.client_order_id = std::string(key->as_string());
    }
    Result<services::PlacedOrder> placed = broker_.place(ticket);
    if (!placed.is_ok()) return ApiReply::fail(placed.status());
    if (placed->existing) {
      return ApiReply::ok(row_json(placed->order, 0),
                          "an order with this client_order_id and the same fields exists: "
                          "returning it");
    }
    return ApiReply::ok(row_json(placed->order, 0), "order accepted");
  }

  ApiReply list(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    if (Status expired = broker_.expire_stale(*user); !expired.is_ok()) {
      return ApiReply::fail(expired);
    }
    std::vector<Filter> filters = {storage::eq("account_id", *user)};
    for (const char* name : {"status", "symbol", "side"}) {
      if (std::optional<std::string> value = string_param(request, name))
        filters.push_back(storage::eq(name, *value));
    }
    Result<std::vector<Filter>> range = time_range_filters(request, "created_at");
    if (!range.is_ok()) return ApiReply::fail(range.status());
    filters.insert(filters.end(), range->begin(), range->end());
    const Page page = page_of(request);
    Result<int64_t> total = api_.data->count(std::string(kOrders), filters);
    if (!total.is_ok()) return ApiReply::fail(total.status());
    services::LoadQuery query;
    query.filters = filters;
    query.order_by = {{"created_at", storage::SortOrder::kDescending}};
    query.limit = page.size;
    query.offset = page.offset();
    Result<RecordBatch> rows = api_.data->load(std::string(kOrders), query);
    if (!rows.is_ok()) return ApiReply::fail(rows.status());
    return ApiReply::page(rows_json(*rows), {page.page, page.size, *total});
  }

  ApiReply get(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    if (Status expired = broker_.expire_stale(*user); !expired.is_ok()) {
      return ApiReply::fail(expired);
    }
    Result<RecordBatch> order = find(*user, request.path_params.at("id"));
    if (!order.is_ok()) return ApiReply::fail(order.status());
    return ApiReply::ok(row_json(*order, 0));
  }

  ApiReply cancel(const HttpRequest& request) const {
    Result<std::string> user = user_id_of(request);
    if (!user.is_ok()) return ApiReply::fail(user.status());
    if (Status expired = broker_.expire_stale(*user); !expired.is_ok()) {
      return ApiReply::fail(expired);
    }
    Result<RecordBatch> cancelled = broker_.cancel(*user, request.path_params.at("id"));
    if (!cancelled.is_ok()) return ApiReply::fail(cancelled.status());
    return ApiReply::ok(row_json(*cancelled, 0), "order cancelled");
  }

 private:
  // The limit price in mils (nullopt for market orders), checked against tick and band; the
  // messages quote the price as sent.
  static Result<std::optional<int64_t>> limit_price(const json::object& body, OrderType type,
                                                    const std::optional<PriceLimits>& band,
                                                    int percent, const Symbol& symbol) {
    const json::value* price = body.if_contains("price");
    if (type == OrderType::kMarket) {
      if (price != nullptr) {
        return field_error(ErrorCode::kInvalidArgument, "price",
                           "price must be omitted for market orders");
      }
      return std::optional<int64_t>();
    }
    if (price == nullptr) {
      return field_error(ErrorCode::kInvalidArgument, "price",
                         "price is required for limit orders");
    }
    const std::string shown = price->is_string() ? std::string(price->as_string())
                                                 : shortest_number(price->to_number<double>());
    Result<int64_t> mils = price->is_string() ? parse_price_mils(price->as_string())
                                              : parse_price_mils(price->to_number<double>());
    if (!mils.is_ok()) return mils.status();
    MYSTOCKS_RETURN_IF_ERROR(check_tick(*mils, shown));
    if (!band) {
      return field_error(ErrorCode::kFailedPrecondition, "symbol",
                         "symbol '{}' has no previous close in daily_kline, so rule price_limit "
                         "cannot be checked",
                         symbol.to_string());
    }
    MYSTOCKS_RETURN_IF_ERROR(check_price_band(*mils, *band, percent, shown));
    return std::optional<int64_t>(*mils);
  }

  static Status not_found(const std::string& id) {
    return field_error(ErrorCode::kNotFound, "id", "no order '{}' for this user", id);
  }

  Result<RecordBatch> find(const std::string& user, const std::string& id) const {
    services::LoadQuery query;
    query.filters = {storage::eq("order_id", id), storage::eq("account_id", user)};
    Result<RecordBatch> rows = api_.data->load(std::string(kOrders), query);
    if (!rows.is_ok()) return rows.status();
    if (rows->num_rows() == 0) return not_found(id);
    return rows;
  }

  // The listed stock behind `text` with its ST flag and previous close.
  Result<Instrument> lookup(const std::string& text) const {
    Result<Symbol> symbol = Symbol::parse(text, "symbol");
    if (!symbol.is_ok()) return symbol.status();
    const std::string canonical = symbol->to_string();
    Result<RecordBatch> listed = listed_symbols(*api_.data, {canonical});
    if (!listed.is_ok()) return listed.status();
    if (listed->num_rows() == 0) {
      return field_error(ErrorCode::kInvalidArgument, "symbol",
                         "symbol '{}' violates rule known_symbol: it is not in the symbols table",
                         canonical);
    }
    if (string_at(*listed, "security_type", 0) != "stock") {
      return field_error(ErrorCode::kInvalidArgument, "symbol",
                         "symbol '{}' violates rule tradable_security: it is a {}, only stocks "
                         "take orders",
                         canonical, string_at(*listed, "security_type", 0));
    }
    if (string_at(*listed, "status", 0) != "L") {
      return field_error(ErrorCode::kInvalidArgument, "symbol",
                         "symbol '{}' violates rule listed: its listing status is '{}'", canonical,
                         string_at(*listed, "status", 0));
    }
    Instrument instrument{*symbol, listed->column("is_st")->as<uint8_t>()[0] != 0, std::nullopt};
    // The newest bar up to today: today's pre_close when today's bar exists, else its close.
    const Date today = shanghai_date(api_.clock->now_ms());
    services::LoadQuery query;
    query.columns = {"trade_date", "close", "pre_close"};
    query.symbols = {canonical};
    query.range.end = shanghai_time(Date{today.days + 1}, 0, 0);
    query.order = storage::SortOrder::kDescending;
    query.limit = 1;
    Result<RecordBatch> bars = api_.data->load("daily_kline", query);
    if (!bars.is_ok()) return bars.status();
    if (bars->num_rows() == 1) {
      const Column& pre_close = *bars->column("pre_close");
      const bool today_bar = bars->column("trade_date")->as<int32_t>()[0] == today.days;
      const int64_t mils = today_bar && !pre_close.is_null(0) ? pre_close.as<int64_t>()[0]
                                                              : int64_at(*bars, "close", 0);
      instrument.pre_close_cents = (mils + kMilsPerCent / 2) / kMilsPerCent;
    }
    return instrument;
  }

  MarketApi api_;
  services::PaperBroker& broker_;
};

}  // namespace

Status register_order_routes(gateway::RouteRegistry& registry, const MarketApi& api,
                             services::PaperBroker& broker) {
  auto book = std::make_shared<OrderBook>(api, broker);
  const json::value order = order_schema();

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/orders",
      .version = "v1",
      .summary = "Place a paper order",
      .description =
          "Admitted only for a listed stock and within the A-share trading rules; a rejection "
          "names the field and the rule (known_symbol, tradable_security, listed, min_quantity, "
          "lot_size, max_quantity, tick_size, price_limit), the account's cash (buys reserve "
          "price x quantity and fees) and sellable shares (no_short_selling, t_plus_one). "
          "Admitted orders have status new until the live feed fills them. Quantity rules: "
          "main board and ChiNext whole lots of 100; STAR at least 200 then steps of 1; BSE at "
          "least 100 then steps of 1.",
      .tags = {"orders"},
      .resource = "orders",
      .action = "write",
      .request_schema = create_schema(),
      .response_schema = order,
      .handler = [book](const HttpRequest& request) { return book->create(request); },
  }));

  std::vector<ParamSpec> list_params = {
      {.name = "status",
       .schema = json::object{{"type", "string"},
                              {"enum", json::array{"pending_new", "new", "partially_filled",
                                                   "filled", "cancelled", "rejected", "expired"}}}},
      {.name = "symbol", .schema = json::object{{"type", "string"}, {"format", "symbol"}}},
      {.name = "side",
       .schema = json::object{{"type", "string"}, {"enum", json::array{"buy", "sell"}}}},
      {.name = "start",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "created at or after (a date: its Asia/Shanghai midnight)"},
      {.name = "end",
       .schema = json::object{{"type", "string"}, {"format", "date-or-epoch-ms"}},
       .description = "created up to: a date covers its whole day, an instant is inclusive (the "
                      "K-line rule)"},
  };
  for (ParamSpec& spec : page_params(50, 500)) list_params.push_back(std::move(spec));
  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/orders",
      .version = "v1",
      .summary = "The caller's paper orders, newest first",
      .tags = {"orders"},
      .resource = "orders",
      .action = "read",
      .params = std::move(list_params),
      .response_schema = json::object{{"type", "array"}, {"items", order}},
      .handler = [book](const HttpRequest& request) { return book->list(request); },
  }));

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kGet,
      .path = "/api/v1/orders/{id}",
      .version = "v1",
      .summary = "One of the caller's paper orders",
      .tags = {"orders"},
      .resource = "orders",
      .action = "read",
      .params = {id_path_param("order id")},
      .response_schema = order,
      .handler = [book](const HttpRequest& request) { return book->get(request); },
  }));

  MYSTOCKS_RETURN_IF_ERROR(registry.add(RouteSpec{
      .method = HttpMethod::kPost,
      .path = "/api/v1/orders/{id}/cancel",
      .version = "v1",
      .summary = "Cancel a working paper order",
      .description = "409 when the order is already filled, cancelled, rejected or expired.",
      .tags = {"orders"},
      .resource = "orders",
      .action = "write",
      .params = {id_path_param("order id")},
      .response_schema = order,
      .handler = [book](const HttpRequest& request) { return book->cancel(request); },
  }));
  return Status::ok();
}

}  // namespace mystocks::api
