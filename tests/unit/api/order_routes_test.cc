// Paper orders through the router: admission rules named in each rejection, the stored row,
// listing with filters and pages, get, cancel and the 409 on a second cancel.
#include <gtest/gtest.h>

#include "api/order_rules.h"
#include "core/decimal.h"
#include "core/timestamp.h"
#include "services/paper_fees.h"
#include "services/table_rows.h"
#include "unit/api/api_ext_fixture.h"

namespace mystocks::api::test {
namespace {

class OrderRoutesTest : public ApiExtTest {
 protected:
  // The previous close of `symbol` (today's bar is not closed at 10:00), in cents.
  int64_t prev_close_cents(const std::string& symbol) {
    RecordBatch bars = daily(symbol);
    EXPECT_GT(bars.num_rows(), 0u);
    const Date today = shanghai_date(kNow);
    const auto& dates = bars.column("trade_date")->as<int32_t>();
    const auto& close = bars.column("close")->as<int64_t>();
    size_t last = bars.num_rows() - 1;
    if (dates[last] == today.days) {
      return (bars.column("pre_close")->as<int64_t>()[last] + 5) / 10;
    }
    return (close[last] + 5) / 10;
  }
  static std::string yuan(int64_t cents) { return Decimal(cents, 2).to_string(); }

  // What a buy of `quantity` at `price_cents` reserves: the amount and its fees, in yuan.
  static double reserve_yuan(int64_t price_cents, int64_t quantity) {
    const int64_t amount = price_cents * quantity;
    return static_cast<double>(amount + services::trade_fees({}, false, amount).total_cents()) /
           100;
  }

  // Gives `user` `quantity` sellable shares of `symbol` (bought on an earlier day).
  void give_shares(const std::string& symbol, int64_t quantity, const std::string& user = "demo") {
    Result<RecordBatch> row = services::make_rows(
        **catalog_->find("positions"),
        {"account_id", "symbol", "quantity", "available_quantity", "frozen_quantity", "avg_cost",
         "realized_pnl", "opened_at", "updated_at"},
        {{user, symbol, quantity, quantity, int64_t{0}, int64_t{100'000}, int64_t{0},
          kNow - 86'400'000, kNow - 86'400'000}});
    ASSERT_TRUE(row.is_ok()) << row.status().to_string();
    MYSTOCKS_ASSERT_OK(data_->save("positions", *row).status());
  }

  Reply place(const std::string& symbol, const std::string& side, int64_t quantity,
              const std::string& price, std::string user = {}) {
    std::string body = R"({"symbol":")" + symbol + R"(","side":")" + side +
                       R"(","type":"limit","quantity":)" + std::to_string(quantity) +
                       R"(,"price":)" + price + "}";
    return post("/api/v1/orders", body, std::move(user));
  }
};

TEST_F(OrderRoutesTest, AcceptedLimitBuyIsStoredAsNewWithFrozenCash) {
  const int64_t close = prev_close_cents(main_);
  Reply reply = place(main_, "buy", 200, yuan(close));
  ASSERT_EQ(reply.status, 200) << text(reply);
  const json::object& order = reply.data().as_object();
  EXPECT_EQ(order.at("status").as_string(), "new");
  EXPECT_EQ(order.at("symbol").as_string(), main_);
  EXPECT_EQ(order.at("account_id").as_string(), "demo");
  EXPECT_EQ(order.at("quantity").as_int64(), 200);
  EXPECT_DOUBLE_EQ(order.at("price").as_double(), static_cast<double>(close) / 100);
  EXPECT_DOUBLE_EQ(order.at("frozen_cash").as_double(), reserve_yuan(close, 200));
  EXPECT_EQ(order.at("trade_date").as_string(), "2026-11-25");

  Reply stored = get("/api/v1/orders/" + std::string(order.at("order_id").as_string()));
  ASSERT_EQ(stored.status, 200) << text(stored);
  EXPECT_EQ(stored.data(), reply.data());
}

TEST_F(OrderRoutesTest, BandEdgesAreAcceptedAndOneTickBeyondIsRejected) {
  for (const std::string& symbol : {main_, chinext_, star_, bse_}) {
    const int percent = limit_percent(board_of(*Symbol::parse(symbol)), false);
    const PriceLimits band = price_limits(prev_close_cents(symbol), percent);
    const int64_t quantity = board_of(*Symbol::parse(symbol)) == Board::kStar ? 200 : 100;
    give_shares(symbol, quantity);
    EXPECT_EQ(place(symbol, "buy", quantity, yuan(band.up)).status, 200) << symbol;
    EXPECT_EQ(place(symbol, "sell", quantity, yuan(band.down)).status, 200) << symbol;
    for (int64_t cents : {band.up + 1, band.down - 1}) {
      Reply reply = place(symbol, "buy", quantity, yuan(cents));
      EXPECT_EQ(reply.status, 400) << symbol << " " << text(reply);
      EXPECT_EQ(reply.field(), "price");
      EXPECT_EQ(reply.code(), "OUT_OF_RANGE");
      EXPECT_NE(reply.message().find("price_limit"), std::string::npos) << reply.message();
      EXPECT_NE(reply.message().find(std::to_string(percent) + "%"), std::string::npos)
          << reply.message();
    }
  }
}

TEST_F(OrderRoutesTest, SpecialTreatmentStocksHaveTheFivePercentBand) {
  if (st_.empty()) GTEST_SKIP() << "the simulated universe has no ST main-board stock";
  const PriceLimits band = price_limits(prev_close_cents(st_), 5);
  EXPECT_EQ(place(st_, "buy", 100, yuan(band.up)).status, 200);
  EXPECT_EQ(place(st_, "buy", 100, yuan(band.up + 1)).status, 400);
}

struct RejectCase {
  std::string name;
  std::string body;  // with $MAIN, $STAR, $BSE, $PRICE (the previous close of the symbol)
  int status;
  std::string field;
  std::string rule;  // expected in the message
};

TEST_F(OrderRoutesTest, RejectionsNameTheFieldAndTheRule) {
  const std::vector<RejectCase> cases = {
      {"odd lot on the main board",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":150,"price":$PMAIN})", 400,
       "quantity", "lot_size"},
      {"below one lot",
       R"({"symbol":"$MAIN","side":"sell","type":"limit","quantity":50,"price":$PMAIN})", 400,
       "quantity", "min_quantity"},
      {"STAR below 200",
       R"({"symbol":"$STAR","side":"buy","type":"limit","quantity":199,"price":$PSTAR})", 400,
       "quantity", "min_quantity"},
      {"main board above the maximum",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":1000100,"price":$PMAIN})", 400,
       "quantity", "max_quantity"},
      {"price off the tick",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":100,"price":"$PMAIN5"})", 400,
       "price", "tick_size"},
      {"price finer than a mil",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":100,"price":$PMAIN01})", 400,
       "price", "tick_size"},
      {"negative price",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":100,"price":-1})", 400, "price",
       "tick_size"},
      {"unknown symbol",
       R"({"symbol":"689999.SH","side":"buy","type":"limit","quantity":200,"price":10})", 400,
       "symbol", "known_symbol"},
      {"an index",
       R"({"symbol":"000300.SH","side":"buy","type":"limit","quantity":100,"price":10})", 400,
       "symbol", "tradable_security"},
      {"bad symbol", R"({"symbol":"ABC","side":"buy","type":"limit","quantity":100,"price":10})",
       400, "symbol", ""},
      {"unknown side",
       R"({"symbol":"$MAIN","side":"hold","type":"limit","quantity":100,"price":10})", 400, "side",
       ""},
      {"unknown type", R"({"symbol":"$MAIN","side":"buy","type":"stop","quantity":100,"price":10})",
       400, "type", ""},
      {"limit without price", R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":100})",
       400, "price", ""},
      {"market with price",
       R"({"symbol":"$MAIN","side":"buy","type":"market","quantity":100,"price":10})", 400, "price",
       ""},
      {"quantity not an integer",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":1.5,"price":10})", 400,
       "quantity", ""},
      {"quantity beyond int64",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":18446744073709551615,"price":$PMAIN})",
       400, "quantity", "max_quantity"},
      {"zero quantity", R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":0,"price":10})",
       400, "quantity", ""},
      {"unknown field",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":100,"price":10,"leverage":3})",
       400, "leverage", ""},
      {"missing symbol", R"({"side":"buy","type":"limit","quantity":100,"price":10})", 400,
       "symbol", ""},
      {"malformed JSON", R"({"symbol":"$MAIN",)", 400, "body", ""},
      {"price not a decimal",
       R"({"symbol":"$MAIN","side":"buy","type":"limit","quantity":100,"price":"ten"})", 400,
       "price", ""},
  };
  auto fill = [&](std::string body) {
    auto replace = [&](const std::string& from, const std::string& to) {
      for (size_t at = body.find(from); at != std::string::npos;
           at = body.find(from, at + to.size())) {
        body.replace(at, from.size(), to);
      }
    };
    replace("$PMAIN", yuan(prev_close_cents(main_)));
    replace("$PSTAR", yuan(prev_close_cents(star_)));
    replace("$MAIN", main_);
    replace("$STAR", star_);
    return body;
  };
  for (const RejectCase& c : cases) {
    Reply reply = post("/api/v1/orders", fill(c.body));
    EXPECT_EQ(reply.status, c.status) << c.name << ": " << text(reply);
    EXPECT_EQ(reply.field(), c.field) << c.name << ": " << text(reply);
    if (!c.rule.empty()) {
      EXPECT_NE(reply.message().find("rule " + c.rule), std::string::npos)
          << c.name << ": " << reply.message();
    }
  }
  Reply list = get("/api/v1/orders");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.data().as_array().empty()) << "a rejected order was stored: " << text(list);
}

TEST_F(OrderRoutesTest, BoardQuantityStepsFollowTheBoard) {
  give_shares(main_, 100);
  Reply written_as_double =
      post("/api/v1/orders",
           R"({"symbol":")" + main_ + R"(","side":"sell","type":"market","quantity":1e2})");
  EXPECT_EQ(written_as_double.status, 200) << text(written_as_double);
  EXPECT_EQ(place(star_, "buy", 201, yuan(prev_close_cents(star_))).status, 200);
  EXPECT_EQ(place(bse_, "buy", 101, yuan(prev_close_cents(bse_))).status, 200);
  Reply chinext = place(chinext_, "buy", 101, yuan(prev_close_cents(chinext_)));
  EXPECT_EQ(chinext.status, 400);
  EXPECT_NE(chinext.message().find("lot_size"), std::string::npos);
}

TEST_F(OrderRoutesTest, MarketBuyFreezesCashAtTheLimitUpPrice) {
  Reply reply = post("/api/v1/orders", R"({"symbol":")" + main_ +
                                           R"(","side":"buy","type":"market","quantity":300})");
  ASSERT_EQ(reply.status, 200) << text(reply);
  const PriceLimits band = price_limits(prev_close_cents(main_), 10);
  EXPECT_TRUE(reply.data().at("price").is_null());
  EXPECT_DOUBLE_EQ(reply.data().at("frozen_cash").as_double(), reserve_yuan(band.up, 300));
}

TEST_F(OrderRoutesTest, ClientOrderIdReturnsTheExistingOrder) {
  const std::string body =
      R"({"symbol":")" + main_ +
      R"(","side":"sell","type":"market","quantity":100,"client_order_id":"k1"})";
  give_shares(main_, 100);
  give_shares(main_, 100, "alice");
  Reply first = post("/api/v1/orders", body);
  Reply second = post("/api/v1/orders", body);
  ASSERT_EQ(first.status, 200) << text(first);
  ASSERT_EQ(second.status, 200) << text(second);
  EXPECT_EQ(first.data().at("order_id"), second.data().at("order_id"));
  EXPECT_EQ(get("/api/v1/orders").data().as_array().size(), 1u);
  // Another user's key space is separate.
  Reply other = post("/api/v1/orders", body, "alice");
  EXPECT_NE(other.data().at("order_id"), first.data().at("order_id"));
}

TEST_F(OrderRoutesTest, ListFiltersAndPages) {
  const std::string price = yuan(prev_close_cents(main_));
  for (int index = 0; index < 3; ++index) {
    ASSERT_EQ(place(main_, "buy", 100, price).status, 200);
    clock_.advance_ms(1000);
  }
  give_shares(main_, 100);
  ASSERT_EQ(place(main_, "sell", 100, price).status, 200);
  ASSERT_EQ(place(main_, "buy", 100, price, "alice").status, 200);

  Reply page1 = get("/api/v1/orders?side=buy&size=2");
  ASSERT_EQ(page1.status, 200) << text(page1);
  EXPECT_EQ(page1.data().as_array().size(), 2u);
  const json::object& pagination = page1.body.at("pagination").as_object();
  EXPECT_EQ(pagination.at("total").as_int64(), 3);
  EXPECT_EQ(pagination.at("pages").as_int64(), 2);
  const auto& rows = page1.data().as_array();
  EXPECT_GE(rows[0].at("created_at").as_int64(), rows[1].at("created_at").as_int64());
  Reply page2 = get("/api/v1/orders?side=buy&size=2&page=2");
  EXPECT_EQ(page2.data().as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/orders?symbol=" + main_).data().as_array().size(), 4u);
  EXPECT_EQ(get("/api/v1/orders?status=cancelled").data().as_array().size(), 0u);
  EXPECT_EQ(get("/api/v1/orders", "alice").data().as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/orders?start=" + std::to_string(kNow + 1500)).data().as_array().size(),
            2u);

  for (const char* bad : {"?size=501", "?page=0", "?status=open", "?side=long", "?symbol=XYZ",
                          "?start=2026-13-01", "?colour=red", "?start=2026-11-26&end=2026-11-25"}) {
    Reply reply = get(std::string("/api/v1/orders") + bad);
    EXPECT_EQ(reply.status, 400) << bad << ": " << text(reply);
    EXPECT_FALSE(reply.field().empty()) << bad;
  }
}

TEST_F(OrderRoutesTest, CancelOnceThenConflict) {
  Reply placed = place(main_, "buy", 100, yuan(prev_close_cents(main_)));
  ASSERT_EQ(placed.status, 200) << text(placed);
  const std::string id(placed.data().at("order_id").as_string());
  clock_.advance_ms(5000);

  EXPECT_EQ(post("/api/v1/orders/" + id + "/cancel", "", "alice").status, 404);
  Reply cancelled = post("/api/v1/orders/" + id + "/cancel", "");
  ASSERT_EQ(cancelled.status, 200) << text(cancelled);
  EXPECT_EQ(cancelled.data().at("status").as_string(), "cancelled");
  EXPECT_EQ(cancelled.data().at("updated_at").as_int64(), kNow + 5000);
  EXPECT_EQ(cancelled.data().at("price"), placed.data().at("price"));
  EXPECT_DOUBLE_EQ(cancelled.data().at("frozen_cash").as_double(), 0.0);

  Reply again = post("/api/v1/orders/" + id + "/cancel", "");
  EXPECT_EQ(again.status, 409) << text(again);
  EXPECT_EQ(again.field(), "status");
  EXPECT_NE(again.message().find("cancelled"), std::string::npos);
  EXPECT_EQ(get("/api/v1/orders/" + id).data().at("status").as_string(), "cancelled");
}

TEST_F(OrderRoutesTest, UnknownOrdersAndOtherUsersOrdersAreNotFound) {
  Reply placed = place(main_, "buy", 100, yuan(prev_close_cents(main_)));
  const std::string id(placed.data().at("order_id").as_string());
  EXPECT_EQ(get("/api/v1/orders/ord-nope").status, 404);
  Reply other = get("/api/v1/orders/" + id, "alice");
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.field(), "id");
  EXPECT_EQ(post("/api/v1/orders/ord-nope/cancel", "").status, 404);
}

// The rule functions on their own, as a table.
TEST(OrderRulesTest, QuantityTable) {
  struct Case {
    Board board;
    OrderType type;
    int64_t quantity;
    std::string rule;  // empty: accepted
  };
  const Case cases[] = {
      {Board::kMain, OrderType::kLimit, 100, ""},
      {Board::kMain, OrderType::kLimit, 99, "min_quantity"},
      {Board::kMain, OrderType::kLimit, 250, "lot_size"},
      {Board::kMain, OrderType::kLimit, 1'000'000, ""},
      {Board::kMain, OrderType::kLimit, 1'000'100, "max_quantity"},
      {Board::kChiNext, OrderType::kLimit, 300'000, ""},
      {Board::kChiNext, OrderType::kMarket, 150'100, "max_quantity"},
      {Board::kStar, OrderType::kLimit, 200, ""},
      {Board::kStar, OrderType::kLimit, 201, ""},
      {Board::kStar, OrderType::kLimit, 100, "min_quantity"},
      {Board::kStar, OrderType::kMarket, 50'001, "max_quantity"},
      {Board::kBse, OrderType::kLimit, 100, ""},
      {Board::kBse, OrderType::kLimit, 133, ""},
      {Board::kBse, OrderType::kLimit, 99, "min_quantity"},
  };
  for (const Case& c : cases) {
    Status status = check_quantity(c.board, c.type, c.quantity);
    if (c.rule.empty()) {
      EXPECT_TRUE(status.is_ok()) << board_name(c.board) << " " << c.quantity << ": "
                                  << status.message();
    } else {
      EXPECT_NE(status.message().find(c.rule), std::string::npos)
          << board_name(c.board) << " " << c.quantity << ": " << status.message();
      EXPECT_EQ(status.field(), "quantity");
    }
  }
}

TEST(OrderRulesTest, TickAndPriceParsing) {
  EXPECT_TRUE(check_tick(10'010).is_ok());
  EXPECT_FALSE(check_tick(10'015).is_ok());
  EXPECT_FALSE(check_tick(0).is_ok());
  EXPECT_EQ(*parse_price_mils(10.01), 10'010);
  EXPECT_EQ(*parse_price_mils(std::string_view("10.01")), 10'010);
  // Never rounded onto a tick, and the message quotes the number as sent.
  Result<int64_t> fine = parse_price_mils(26.1234);
  ASSERT_FALSE(fine.is_ok());
  EXPECT_NE(fine.status().message().find("price 26.1234 violates rule tick_size"),
            std::string::npos)
      << fine.status().message();
  EXPECT_EQ(shortest_number(100.5), "100.5");
  EXPECT_NE(check_tick(10'005, "10.005").message().find("price 10.005 "), std::string::npos);
  EXPECT_NE(check_price_band(11'010, price_limits(1000, 10), 10, "11.01")
                .message()
                .find("price 11.01 violates"),
            std::string::npos);
  EXPECT_FALSE(check_tick(*parse_price_mils(10.005)).is_ok());
  EXPECT_FALSE(parse_price_mils(std::string_view("10.0001")).is_ok());
  const PriceLimits band = price_limits(1000, 10);
  EXPECT_TRUE(check_price_band(11'000, band, 10).is_ok());
  EXPECT_EQ(check_price_band(11'010, band, 10).code(), ErrorCode::kOutOfRange);
  EXPECT_TRUE(check_price_band(9'000, band, 10).is_ok());
  EXPECT_FALSE(check_price_band(8'990, band, 10).is_ok());
}

}  // namespace
}  // namespace mystocks::api::test

namespace mystocks::api::test {
namespace {

TEST_F(OrderRoutesTest, DayOrdersExpireWhenTheirTradingDateIsOver) {
  Reply working = place(main_, "buy", 100, yuan(prev_close_cents(main_)));
  Reply done = place(main_, "buy", 100, yuan(prev_close_cents(main_)));
  ASSERT_EQ(working.status, 200) << text(working);
  const std::string id(working.data().at("order_id").as_string());
  const std::string done_id(done.data().at("order_id").as_string());
  ASSERT_EQ(post("/api/v1/orders/" + done_id + "/cancel", "").status, 200);
  clock_.advance_ms(5 * 3'600'000);  // 15:00 the same day: still working
  EXPECT_EQ(get("/api/v1/orders/" + id).data().at("status").as_string(), "new");

  clock_.set_ms(kNow + 86'400'000);  // the next day
  Reply next_day = get("/api/v1/orders/" + id);
  ASSERT_EQ(next_day.status, 200) << text(next_day);
  EXPECT_EQ(next_day.data().at("status").as_string(), "expired");
  EXPECT_DOUBLE_EQ(next_day.data().at("frozen_cash").as_double(), 0.0);
  EXPECT_EQ(next_day.data().at("updated_at").as_int64(), kNow + 86'400'000);
  EXPECT_EQ(get("/api/v1/orders/" + done_id).data().at("status").as_string(), "cancelled")
      << "a cancelled order stays cancelled";
  EXPECT_EQ(get("/api/v1/orders?status=expired").data().as_array().size(), 1u);
  Reply cancel = post("/api/v1/orders/" + id + "/cancel", "");
  EXPECT_EQ(cancel.status, 409) << text(cancel);
  EXPECT_NE(cancel.message().find("expired"), std::string::npos);
}

}  // namespace
}  // namespace mystocks::api::test
