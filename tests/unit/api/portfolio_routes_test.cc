// The paper account through the router: an order placed by the route fills from a saved quote,
// then trades, positions and account agree (cash + market value + fees = initial cash at the
// fill price); users see only their own rows; client_order_id conflicts name the fields; the
// orders list treats a date end as the whole day; messages quote prices as sent.
#include <gtest/gtest.h>

#include "core/decimal.h"
#include "core/timestamp.h"
#include "services/table_rows.h"
#include "unit/api/api_ext_fixture.h"

namespace mystocks::api::test {
namespace {

class PortfolioRoutesTest : public ApiExtTest {
 protected:
  std::string order_body(const std::string& extra) const {
    return R"({"symbol":")" + main_ + R"(","side":"buy","type":"market","quantity":100)" + extra +
           "}";
  }

  // A realtime quote of main_ one second from now, asking `ask_mils`.
  void quote(int64_t ask_mils) {
    Result<RecordBatch> rows = services::make_rows(
        **catalog_->find("realtime_quote"),
        {"ts", "symbol", "last", "bid1_price", "ask1_price", "volume", "amount"},
        {{clock_.now_ms() + 1000, main_, ask_mils, ask_mils - 10, ask_mils, int64_t{1000},
          int64_t{0}}});
    ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
    MYSTOCKS_ASSERT_OK(data_->save("realtime_quote", *rows).status());
    broker_->flush();
  }
};

TEST_F(PortfolioRoutesTest, AFillShowsInTradesPositionsAndAccount) {
  Reply placed = post("/api/v1/orders", order_body(""));
  ASSERT_EQ(placed.status, 200) << text(placed);
  const std::string id(placed.data().at("order_id").as_string());
  quote(10'000);
  Reply order = get("/api/v1/orders/" + id);
  ASSERT_EQ(order.data().at("status").as_string(), "filled") << text(order);
  EXPECT_EQ(order.data().at("filled_quantity").as_int64(), 100);
  EXPECT_DOUBLE_EQ(order.data().at("avg_fill_price").as_double(), 10.0);

  Reply trades = get("/api/v1/trades?order_id=" + id);
  ASSERT_EQ(trades.status, 200) << text(trades);
  ASSERT_EQ(trades.data().as_array().size(), 1u);
  const json::object& trade = trades.data().as_array()[0].as_object();
  EXPECT_DOUBLE_EQ(trade.at("amount").as_double(), 1000.0);
  EXPECT_DOUBLE_EQ(trade.at("commission").as_double(), 5.0);
  EXPECT_DOUBLE_EQ(trade.at("transfer_fee").as_double(), 0.01);
  EXPECT_EQ(trades.body.at("pagination").at("total").as_int64(), 1);
  // A date end covers its whole day (the K-line rule); the day before holds nothing.
  EXPECT_EQ(get("/api/v1/trades?end=2026-11-25").data().as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/trades?end=2026-11-24").data().as_array().size(), 0u);

  Reply positions = get("/api/v1/positions");
  ASSERT_EQ(positions.status, 200) << text(positions);
  ASSERT_EQ(positions.data().as_array().size(), 1u);
  const json::object& position = positions.data().as_array()[0].as_object();
  EXPECT_EQ(position.at("quantity").as_int64(), 100);
  EXPECT_EQ(position.at("available_quantity").as_int64(), 0);  // T+1

  Reply account = get("/api/v1/account");
  ASSERT_EQ(account.status, 200) << text(account);
  const json::object& funds = account.data().as_object();
  EXPECT_EQ(Decimal::from_double(funds.at("cash").as_double(), 2)->units() +
                Decimal::from_double(funds.at("market_value").as_double(), 2)->units() +
                Decimal::from_double(funds.at("total_fees").as_double(), 2)->units(),
            100'000'000);
  EXPECT_DOUBLE_EQ(funds.at("cash").as_double(), 1'000'000.0 - 1000.0 - 5.01);

  // Another user sees none of it.
  EXPECT_TRUE(get("/api/v1/trades", "alice").data().as_array().empty());
  EXPECT_TRUE(get("/api/v1/positions", "alice").data().as_array().empty());
  EXPECT_DOUBLE_EQ(get("/api/v1/account", "alice").data().at("cash").as_double(), 1'000'000.0);
  // Selling today what was bought today breaks T+1.
  Reply sell = post("/api/v1/orders", R"({"symbol":")" + main_ +
                                          R"(","side":"sell","type":"market","quantity":100})");
  EXPECT_EQ(sell.status, 409) << text(sell);
  EXPECT_EQ(sell.field(), "quantity");
  EXPECT_NE(sell.message().find("t_plus_one"), std::string::npos) << sell.message();
}

TEST_F(PortfolioRoutesTest, AReusedClientOrderIdWithOtherFieldsIsAConflict) {
  ASSERT_EQ(post("/api/v1/orders", order_body(R"(,"client_order_id":"c1")")).status, 200);
  Reply same = post("/api/v1/orders", order_body(R"(,"client_order_id":"c1")"));
  EXPECT_EQ(same.status, 200) << text(same);
  Reply changed = post("/api/v1/orders", R"({"symbol":")" + main_ +
                                             R"(","side":"buy","type":"market","quantity":200,)"
                                             R"("client_order_id":"c1"})");
  EXPECT_EQ(changed.status, 409) << text(changed);
  EXPECT_EQ(changed.field(), "client_order_id");
  EXPECT_NE(changed.message().find("differs in quantity"), std::string::npos) << changed.message();
  EXPECT_EQ(get("/api/v1/orders").data().as_array().size(), 1u);
}

TEST_F(PortfolioRoutesTest, OrdersListTakesADateEndAsTheWholeDay) {
  ASSERT_EQ(post("/api/v1/orders", order_body("")).status, 200);
  EXPECT_EQ(get("/api/v1/orders?end=2026-11-25").data().as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/orders?start=2026-11-25&end=2026-11-25").data().as_array().size(), 1u);
  EXPECT_EQ(get("/api/v1/orders?end=2026-11-24").data().as_array().size(), 0u);
  EXPECT_EQ(get("/api/v1/orders?end=" + std::to_string(kNow)).data().as_array().size(), 1u)
      << "an instant end is inclusive";
}

TEST_F(PortfolioRoutesTest, MessagesQuoteWhatTheUserSent) {
  Reply price = post("/api/v1/orders", R"({"symbol":")" + main_ +
                                           R"(","side":"buy","type":"limit","quantity":100,)"
                                           R"("price":26.1234})");
  EXPECT_EQ(price.status, 400) << text(price);
  EXPECT_NE(price.message().find("26.1234"), std::string::npos) << price.message();
  Reply quantity =
      post("/api/v1/orders",
           R"({"symbol":")" + main_ + R"(","side":"buy","type":"market","quantity":100.5})");
  EXPECT_EQ(quantity.status, 400) << text(quantity);
  EXPECT_NE(json::serialize(quantity.body).find("100.5"), std::string::npos) << text(quantity);
  EXPECT_EQ(json::serialize(quantity.body).find("1.005E2"), std::string::npos) << text(quantity);
}

}  // namespace
}  // namespace mystocks::api::test
