// load_market_snapshot on the real embedded stores: one day's daily bars (the newest date by
// default) and the latest realtime quote of each symbol, ascending by symbol, narrowed by
// symbols (unknown ones listed as missing), board (from the securities master) and exchange;
// refusals name their field.
#include "services/market/market_snapshot.h"

#include <gtest/gtest.h>

#include "core/timestamp.h"
#include "support/embedded_stores.h"

namespace mystocks::services {
namespace {

Date day(int day_of_month) { return *parse_date(fmt::format("2024-03-{:02}", day_of_month)); }

class MarketSnapshotTest : public ::testing::Test, protected mystocks::test::EmbeddedStores {
 protected:
  MarketSnapshotTest() : EmbeddedStores(shanghai_time(day(29), 18, 0)) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_stores("market_snapshot_"));
    // Written out of symbol order on purpose: the answer sorts.
    seed_symbol("600519.SH", "main");
    seed_symbol("300750.SZ", "chinext");
    seed_symbol("000001.SZ", "main");
    seed_symbol("688981.SH", "star");
  }

  std::shared_ptr<const Schema> columns_of(const std::string& table,
                                           const std::vector<std::string>& columns) {
    const storage::TableSchema& schema = **catalog_->find(table);
    std::vector<Field> fields;
    for (const std::string& name : columns) fields.push_back(schema.column(name)->field);
    return std::make_shared<const Schema>(std::move(fields));
  }

  void seed_symbol(const std::string& symbol, const std::string& board) {
    RecordBatchBuilder rows(columns_of(
        "symbols",
        {"symbol", "name", "exchange", "board", "security_type", "status", "is_st", "updated_at"}));
    const std::vector<std::string> texts = {symbol, symbol + " Co", symbol.substr(7),
                                            board,  "stock",        "L"};
    for (size_t column = 0; column < texts.size(); ++column) {
      rows.append_string(column, texts[column]);
    }
    rows.append_bool(6, false);
    rows.append_int64(7, clock_.now_ms());
    MYSTOCKS_ASSERT_OK(data_->save("symbols", std::move(rows.finish()).value()).status());
  }

  // One daily bar of `symbol` on March `date` closing at `close` units (yuan thousandths).
  void seed_bar(const std::string& symbol, int date, int64_t close) {
    RecordBatchBuilder rows(columns_of("daily_kline", {"symbol", "trade_date", "open", "high",
                                                       "low", "close", "volume", "amount"}));
    rows.append_string(0, symbol);
    rows.append_int32(1, day(date).days);
    for (size_t price = 2; price <= 5; ++price) rows.append_int64(price, close);
    rows.append_int64(6, 1000);
    rows.append_int64(7, close * 100);
    MYSTOCKS_ASSERT_OK(data_->save("daily_kline", std::move(rows.finish()).value()).status());
  }

  // A realtime quote of `symbol` at 09:30 + `minute` on March 29, at `last` units.
  void seed_quote(const std::string& symbol, int minute, int64_t last) {
    RecordBatchBuilder rows(
        columns_of("realtime_quote", {"ts", "symbol", "last", "volume", "amount"}));
    rows.append_int64(0, shanghai_time(day(29), 9, 30) + minute * 60'000);
    rows.append_string(1, symbol);
    rows.append_int64(2, last);
    rows.append_int64(3, 100);
    rows.append_int64(4, last * 100);
    MYSTOCKS_ASSERT_OK(data_->save("realtime_quote", std::move(rows.finish()).value()).status());
  }

  // "symbol:value" per row of the snapshot, `column` as int64 units.
  static std::vector<std::string> cells(const MarketSnapshot& snapshot, const char* column) {
    std::vector<std::string> out;
    const RecordBatch& rows = snapshot.rows;
    for (size_t row = 0; row < rows.num_rows(); ++row) {
      out.push_back(fmt::format("{}:{}", rows.column(0).as<std::string>()[row],
                                rows.column(column)->as<int64_t>()[row]));
    }
    return out;
  }
};

TEST_F(MarketSnapshotTest, DailyAnswersTheNewestDateByDefaultAscendingBySymbol) {
  seed_bar("600519.SH", 27, 1700000);
  seed_bar("600519.SH", 28, 1710000);
  seed_bar("300750.SZ", 28, 180000);
  seed_bar("000001.SZ", 28, 9410);
  seed_bar("000001.SZ", 27, 9400);

  Result<MarketSnapshot> newest = load_market_snapshot(*market_, {.kind = SnapshotKind::kDaily});
  MYSTOCKS_ASSERT_OK(newest.status());
  EXPECT_EQ(newest->date->to_string(), "2024-03-28");
  EXPECT_EQ(cells(*newest, "close"),
            (std::vector<std::string>{"000001.SZ:9410", "300750.SZ:180000", "600519.SH:1710000"}));
  EXPECT_EQ(newest->rows.schema().field(1).name, "trade_date");
  EXPECT_EQ(newest->rows.column("adj_factor"), nullptr);  // unadjusted cross-section
  EXPECT_TRUE(newest->missing.empty());

  Result<MarketSnapshot> earlier =
      load_market_snapshot(*market_, {.kind = SnapshotKind::kDaily, .date = day(27)});
  MYSTOCKS_ASSERT_OK(earlier.status());
  EXPECT_EQ(cells(*earlier, "close"),
            (std::vector<std::string>{"000001.SZ:9400", "600519.SH:1700000"}));
}

TEST_F(MarketSnapshotTest, DailyFiltersBySymbolsBoardAndExchange) {
  for (const char* symbol : {"600519.SH", "300750.SZ", "000001.SZ", "688981.SH"}) {
    seed_bar(symbol, 28, 10000);
  }
  Result<MarketSnapshot> listed = load_market_snapshot(
      *market_, {.kind = SnapshotKind::kDaily, .symbols = {"688981.SH", "000001.SZ", "600036.SH"}});
  MYSTOCKS_ASSERT_OK(listed.status());
  EXPECT_EQ(cells(*listed, "close"),
            (std::vector<std::string>{"000001.SZ:10000", "688981.SH:10000"}));
  EXPECT_EQ(listed->missing, std::vector<std::string>{"600036.SH"});

  Result<MarketSnapshot> main_board =
      load_market_snapshot(*market_, {.kind = SnapshotKind::kDaily, .board = "main"});
  MYSTOCKS_ASSERT_OK(main_board.status());
  EXPECT_EQ(cells(*main_board, "close"),
            (std::vector<std::string>{"000001.SZ:10000", "600519.SH:10000"}));

  Result<MarketSnapshot> shanghai_main = load_market_snapshot(
      *market_, {.kind = SnapshotKind::kDaily, .board = "main", .exchange = "SH"});
  MYSTOCKS_ASSERT_OK(shanghai_main.status());
  EXPECT_EQ(cells(*shanghai_main, "close"), std::vector<std::string>{"600519.SH:10000"});
}

TEST_F(MarketSnapshotTest, DailyWithoutBarsOnTheDateIsNotFoundNamingTheDate) {
  Result<MarketSnapshot> empty = load_market_snapshot(*market_, {.kind = SnapshotKind::kDaily});
  EXPECT_EQ(empty.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(empty.status().field(), "date");

  seed_bar("600519.SH", 28, 1710000);
  Result<MarketSnapshot> weekend =
      load_market_snapshot(*market_, {.kind = SnapshotKind::kDaily, .date = day(30)});
  EXPECT_EQ(weekend.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(weekend.status().field(), "date");
  EXPECT_NE(weekend.status().message().find("2024-03-30"), std::string::npos)
      << weekend.status().message();
}

TEST_F(MarketSnapshotTest, QuoteAnswersTheLatestRowOfEachSymbol) {
  seed_quote("600519.SH", 0, 1700000);
  seed_quote("600519.SH", 5, 1705000);
  seed_quote("000001.SZ", 3, 9400);
  seed_quote("688981.SH", 1, 50000);

  Result<MarketSnapshot> all = load_market_snapshot(*market_, {});
  MYSTOCKS_ASSERT_OK(all.status());
  EXPECT_FALSE(all->date.has_value());
  EXPECT_EQ(all->rows.schema().field(0).name, "symbol");
  EXPECT_EQ(cells(*all, "last"),
            (std::vector<std::string>{"000001.SZ:9400", "600519.SH:1705000", "688981.SH:50000"}));

  Result<MarketSnapshot> shanghai = load_market_snapshot(
      *market_, {.symbols = {"600519.SH", "000001.SZ", "601318.SH"}, .exchange = "SH"});
  MYSTOCKS_ASSERT_OK(shanghai.status());
  EXPECT_EQ(cells(*shanghai, "last"), std::vector<std::string>{"600519.SH:1705000"});
  // Outside the exchange filter or without a quote: both are missing from the answer.
  EXPECT_EQ(shanghai->missing, (std::vector<std::string>{"000001.SZ", "601318.SH"}));
}

TEST_F(MarketSnapshotTest, UnknownBoardOrExchangeIsRefusedNamingTheField) {
  Result<MarketSnapshot> board = load_market_snapshot(*market_, {.board = "growth"});
  EXPECT_EQ(board.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(board.status().field(), "board");
  EXPECT_NE(board.status().message().find("'growth'"), std::string::npos);
  EXPECT_NE(board.status().message().find("chinext"), std::string::npos);

  Result<MarketSnapshot> exchange = load_market_snapshot(*market_, {.exchange = "HK"});
  EXPECT_EQ(exchange.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(exchange.status().field(), "exchange");
}

}  // namespace
}  // namespace mystocks::services
