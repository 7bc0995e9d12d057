// PaperBroker against the shipped tables.yaml on a real SQLite store: admission (cash reserve,
// no short selling, T+1), matching (limit and market, the next quote only), exact fee
// arithmetic, cancel and its race with matching, idempotent client_order_id and a restart.
#include "services/paper_broker.h"

#include <atomic>
#include <thread>

#include "services/table_rows.h"
#include "unit/services/data_manager_fixture.h"

namespace mystocks::services::test {
namespace {

constexpr int64_t kInitialCents = 100'000'000;
constexpr int64_t kDayMs = 86'400'000;

class PaperBrokerTest : public DataManagerTest {
 protected:
  std::unique_ptr<PaperBroker> make_broker() {
    return std::make_unique<PaperBroker>(*manager_, clock_,
                                         PaperBrokerOptions{.initial_cash_cents = kInitialCents});
  }

  // One realtime_quote row at the clock's time plus `delay_ms`; prices in mils.
  RecordBatch quote(const std::string& symbol, int64_t last, std::optional<int64_t> bid,
                    std::optional<int64_t> ask, int64_t delay_ms = 1000) const {
    Result<RecordBatch> rows = make_rows(
        table("realtime_quote"),
        {"ts", "symbol", "last", "bid1_price", "ask1_price", "volume", "amount"},
        {{clock_.now_ms() + delay_ms, symbol, last, bid ? services::Cell{*bid} : services::Cell{},
          ask ? services::Cell{*ask} : services::Cell{}, int64_t{0}, int64_t{0}}});
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return std::move(*rows);
  }

  static OrderTicket buy(int64_t quantity, std::optional<int64_t> price_mils,
                         const std::string& user = "alice") {
    return {.user = user,
            .symbol = "600519.SH",
            .buy = true,
            .limit = price_mils.has_value(),
            .price_mils = price_mils,
            .quantity = quantity,
            .reserve_price_mils = price_mils.value_or(11'000)};
  }
  static OrderTicket sell(int64_t quantity, std::optional<int64_t> price_mils) {
    OrderTicket ticket = buy(quantity, price_mils);
    ticket.buy = false;
    return ticket;
  }

  static std::string id_of(const PlacedOrder& placed) {
    return string_at(placed.order, "order_id", 0);
  }
  std::string status_of(const std::string& id) {
    Result<RecordBatch> rows = sqlite_->query("orders", {.filters = {storage::eq("order_id", id)}});
    return rows.is_ok() && rows->num_rows() == 1 ? string_at(*rows, "status", 0) : "?";
  }
  int64_t account_field(PaperBroker& broker, const char* column) {
    Result<RecordBatch> row = broker.account("alice");
    EXPECT_TRUE(row.is_ok()) << row.status().to_string();
    return int64_at(*row, column, 0);
  }
  int64_t trades_of(const std::string& id) {
    Result<int64_t> count = sqlite_->count("trades", {storage::eq("order_id", id)});
    return count.is_ok() ? *count : -1;
  }
};

TEST(PaperFeesTest, FeesAreExactCentsWithTheCommissionMinimum) {
  const FeeSchedule schedule;
  EXPECT_EQ(trade_amount_cents(10'000, 100), 100'000);  // 100 x 10.000 yuan
  const TradeFees small = trade_fees(schedule, false, 100'000);
  EXPECT_EQ(small.commission_cents, 500);  // 0.25 yuan is below the 5 yuan minimum
  EXPECT_EQ(small.stamp_duty_cents, 0);    // buys pay no stamp duty
  EXPECT_EQ(small.transfer_fee_cents, 1);  // 0.01 yuan
  const TradeFees large = trade_fees(schedule, true, 168'000'000);  // 1,680,000 yuan sold
  EXPECT_EQ(large.commission_cents, 42'000);
  EXPECT_EQ(large.stamp_duty_cents, 84'000);
  EXPECT_EQ(large.transfer_fee_cents, 1'680);
  EXPECT_EQ(large.total_cents(), 127'680);
  // Half up at the cent: 12,345.67 yuan x 0.001 % = 0.1234567 yuan -> 0.12.
  EXPECT_EQ(trade_fees(schedule, false, 1'234'567).transfer_fee_cents, 12);
  EXPECT_EQ(trade_amount_cents(10'005, 1), 1'001);  // 10.005 yuan rounds half up to 10.01
}

TEST_F(PaperBrokerTest, LimitBuyFillsOnlyWhenTheAskReachesTheLimit) {
  auto broker = make_broker();
  Result<PlacedOrder> placed = broker->place(buy(200, 10'000));
  ASSERT_TRUE(placed.is_ok()) << placed.status().to_string();
  const std::string id = id_of(*placed);
  // 200 x 10.00 = 2,000 yuan reserved with its fees (5 + 0.02).
  EXPECT_EQ(int64_at(placed->order, "frozen_cash", 0), 200'502);
  EXPECT_EQ(account_field(*broker, "frozen_cash"), 200'502);

  broker->on_quotes(quote("600519.SH", 10'010, 10'000, 10'010));  // ask above the limit
  broker->flush();
  EXPECT_EQ(status_of(id), "new");
  broker->on_quotes(quote("600519.SH", 9'990, 9'980, 9'990));  // ask 9.99 <= 10.00
  broker->flush();
  EXPECT_EQ(status_of(id), "filled");
  EXPECT_EQ(trades_of(id), 1);

  const int64_t amount = 199'800;  // 200 x 9.99
  const int64_t fees = 500 + 2;    // minimum commission, transfer fee 0.02
  EXPECT_EQ(account_field(*broker, "cash"), kInitialCents - amount - fees);
  EXPECT_EQ(account_field(*broker, "frozen_cash"), 0);
  EXPECT_EQ(account_field(*broker, "market_value"), amount);
  EXPECT_EQ(account_field(*broker, "total_fees"), fees);
  // cash + market value + fees = initial cash, at the fill price.
  EXPECT_EQ(account_field(*broker, "cash") + account_field(*broker, "market_value") +
                account_field(*broker, "total_fees"),
            kInitialCents);
  Result<RecordBatch> positions = broker->positions("alice");
  ASSERT_TRUE(positions.is_ok());
  ASSERT_EQ(positions->num_rows(), 1u);
  EXPECT_EQ(int64_at(*positions, "quantity", 0), 200);
  EXPECT_EQ(int64_at(*positions, "available_quantity", 0), 0);  // T+1
  EXPECT_EQ(int64_at(*positions, "avg_cost", 0), 100'151);      // (1998 + 5.02) / 200 = 10.0151
}

TEST_F(PaperBrokerTest, MarketOrderTakesTheNextQuoteNotAnOlderOne) {
  auto broker = make_broker();
  Result<PlacedOrder> placed = broker->place(buy(100, std::nullopt));
  ASSERT_TRUE(placed.is_ok()) << placed.status().to_string();
  broker->on_quotes(quote("600519.SH", 10'000, 9'990, 10'000, -1000));  // before the order
  broker->flush();
  EXPECT_EQ(status_of(id_of(*placed)), "new");
  broker->on_quotes(quote("600519.SH", 10'050, 10'040, 10'060));
  broker->flush();
  EXPECT_EQ(status_of(id_of(*placed)), "filled");
  Result<RecordBatch> trades =
      sqlite_->query("trades", {.filters = {storage::eq("order_id", id_of(*placed))}});
  ASSERT_TRUE(trades.is_ok());
  EXPECT_EQ(int64_at(*trades, "price", 0), 10'060);  // the ask
  EXPECT_EQ(int64_at(*trades, "amount", 0), 100'600);
}

TEST_F(PaperBrokerTest, SharesBoughtTodaySellFromTheNextDayWithStampDuty) {
  auto broker = make_broker();
  Result<PlacedOrder> bought = broker->place(buy(1000, 10'000));
  ASSERT_TRUE(bought.is_ok());
  broker->on_quotes(quote("600519.SH", 10'000, 9'990, 10'000));
  broker->flush();
  ASSERT_EQ(status_of(id_of(*bought)), "filled");

  Result<PlacedOrder> early = broker->place(sell(1000, 10'500));
  ASSERT_FALSE(early.is_ok());
  EXPECT_EQ(early.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(early.status().message().find("t_plus_one"), std::string::npos)
      << early.status().message();

  clock_.advance_ms(kDayMs);
  Result<PlacedOrder> sold = broker->place(sell(1000, 10'500));
  ASSERT_TRUE(sold.is_ok()) << sold.status().to_string();
  Result<PlacedOrder> again = broker->place(sell(100, 10'500));  // all 1000 are reserved
  ASSERT_FALSE(again.is_ok());
  broker->on_quotes(quote("600519.SH", 10'500, 10'500, 10'510));
  broker->flush();
  ASSERT_EQ(status_of(id_of(*sold)), "filled");
  // Bought 10,000.00 + 5.00 + 0.10; sold 10,500.00 - 5.00 - 5.25 stamp - 0.11 transfer.
  const int64_t buy_cost = 1'000'000 + 500 + 10;
  const int64_t proceeds = 1'050'000 - 500 - 525 - 11;  // 0.105 transfer rounds half up
  EXPECT_EQ(account_field(*broker, "cash"), kInitialCents - buy_cost + proceeds);
  EXPECT_EQ(account_field(*broker, "realized_pnl"), proceeds - buy_cost);
  EXPECT_EQ(account_field(*broker, "market_value"), 0);
  EXPECT_EQ(account_field(*broker, "total_fees"), 510 + 1036);
}

TEST_F(PaperBrokerTest, RefusesWhatTheAccountCannotCover) {
  auto broker = make_broker();
  Result<PlacedOrder> rich = broker->place(buy(100'000, 10'000));  // 1,000,000 yuan + fees
  ASSERT_FALSE(rich.is_ok());
  EXPECT_EQ(rich.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(rich.status().message().find("1000260.00"), std::string::npos)
      << rich.status().message();
  Result<PlacedOrder> naked = broker->place(sell(100, 10'000));
  ASSERT_FALSE(naked.is_ok());
  EXPECT_NE(naked.status().message().find("no_short_selling"), std::string::npos);
  EXPECT_EQ(account_field(*broker, "frozen_cash"), 0);  // nothing reserved by refusals
}

TEST_F(PaperBrokerTest, CancelReleasesTheReserveAndAFilledOrderCannotBeCancelled) {
  auto broker = make_broker();
  Result<PlacedOrder> placed = broker->place(buy(100, 10'000));
  ASSERT_TRUE(placed.is_ok());
  Result<RecordBatch> cancelled = broker->cancel("alice", id_of(*placed));
  ASSERT_TRUE(cancelled.is_ok()) << cancelled.status().to_string();
  EXPECT_EQ(string_at(*cancelled, "status", 0), "cancelled");
  EXPECT_EQ(account_field(*broker, "frozen_cash"), 0);
  EXPECT_EQ(account_field(*broker, "cash"), kInitialCents);
  broker->on_quotes(quote("600519.SH", 9'000, 8'990, 9'000));
  broker->flush();
  EXPECT_EQ(status_of(id_of(*placed)), "cancelled");  // a cancelled order never fills
  EXPECT_EQ(trades_of(id_of(*placed)), 0);

  Result<PlacedOrder> second = broker->place(buy(100, 10'000));
  broker->on_quotes(quote("600519.SH", 9'000, 8'990, 9'000));
  broker->flush();
  Result<RecordBatch> late = broker->cancel("alice", id_of(*second));
  ASSERT_FALSE(late.is_ok());
  EXPECT_EQ(late.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(broker->cancel("bob", id_of(*second)).is_ok());  // another user's order: 404
}

TEST_F(PaperBrokerTest, CancelRacingMatchingNeverDoubleFillsOrFillsACancelledOrder) {
  auto broker = make_broker();
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    Result<PlacedOrder> placed = broker->place(buy(100, 10'000));
    ASSERT_TRUE(placed.is_ok()) << placed.status().to_string();
    ids.push_back(id_of(*placed));
  }
  std::atomic<int> cancelled{0};
  std::thread canceller([&] {
    for (const std::string& id : ids) {
      if (broker->cancel("alice", id).is_ok()) ++cancelled;
    }
  });
  for (int i = 0; i < 40; ++i) broker->on_quotes(quote("600519.SH", 9'990, 9'980, 9'990, i));
  canceller.join();
  broker->flush();
  int filled = 0;
  for (const std::string& id : ids) {
    const std::string status = status_of(id);
    ASSERT_TRUE(status == "filled" || status == "cancelled") << status;
    EXPECT_EQ(trades_of(id), status == "filled" ? 1 : 0) << id;
    filled += status == "filled" ? 1 : 0;
  }
  EXPECT_EQ(filled + cancelled.load(), 40);
  const int64_t per_fill = 99'900 + 500 + 1;  // 100 x 9.99 + commission + transfer fee
  EXPECT_EQ(account_field(*broker, "cash"), kInitialCents - filled * per_fill);
  EXPECT_EQ(account_field(*broker, "frozen_cash"), 0);
}

TEST_F(PaperBrokerTest, ClientOrderIdIsIdempotentAndRefusesDifferentFields) {
  auto broker = make_broker();
  OrderTicket ticket = buy(100, 10'000);
  ticket.client_order_id = "k1";
  Result<PlacedOrder> first = broker->place(ticket);
  Result<PlacedOrder> again = broker->place(ticket);
  ASSERT_TRUE(first.is_ok() && again.is_ok());
  EXPECT_TRUE(again->existing);
  EXPECT_EQ(id_of(*again), id_of(*first));
  EXPECT_EQ(account_field(*broker, "frozen_cash"), 100'501);  // reserved once
  ticket.quantity = 200;
  ticket.price_mils = 10'010;
  ticket.reserve_price_mils = 10'010;
  Result<PlacedOrder> changed = broker->place(ticket);
  ASSERT_FALSE(changed.is_ok());
  EXPECT_EQ(changed.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(changed.status().message().find("price, quantity"), std::string::npos)
      << changed.status().message();
}

TEST_F(PaperBrokerTest, ARestartedBrokerResumesTheWorkingOrders) {
  std::string id;
  {
    auto before = make_broker();
    Result<PlacedOrder> placed = before->place(buy(100, 10'000));
    ASSERT_TRUE(placed.is_ok());
    id = id_of(*placed);
  }
  auto after = make_broker();
  after->on_quotes(quote("600519.SH", 10'000, 9'990, 10'000));
  after->flush();
  EXPECT_EQ(status_of(id), "filled");
  after->on_quotes(quote("600519.SH", 9'000, 8'990, 9'000));
  after->flush();
  EXPECT_EQ(trades_of(id), 1);  // filled once
}

TEST_F(PaperBrokerTest, QuotesSavedThroughTheDataManagerDriveMatching) {
  auto broker = make_broker();
  Result<PlacedOrder> placed = broker->place(buy(100, 10'000));
  ASSERT_TRUE(placed.is_ok());
  MYSTOCKS_ASSERT_OK(
      manager_->save("realtime_quote", quote("600519.SH", 10'000, 9'990, 10'000)).status());
  broker->flush();
  EXPECT_EQ(status_of(id_of(*placed)), "filled");
  EXPECT_EQ(broker->stats().fills, 1);
}

TEST_F(PaperBrokerTest, DayOrdersOfAnEarlierDayExpireAndReleaseCash) {
  auto broker = make_broker();
  Result<PlacedOrder> placed = broker->place(buy(100, 10'000));
  ASSERT_TRUE(placed.is_ok());
  clock_.advance_ms(kDayMs);
  MYSTOCKS_ASSERT_OK(broker->expire_stale("alice"));
  EXPECT_EQ(status_of(id_of(*placed)), "expired");
  EXPECT_EQ(account_field(*broker, "frozen_cash"), 0);
}

}  // namespace
}  // namespace mystocks::services::test
