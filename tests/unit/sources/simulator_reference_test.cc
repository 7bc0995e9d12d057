// The simulator's reference data (securities master, calendar, constituents, fundamentals, fund
// flow), realtime quotes against the ticks, schemas, and news being unsupported.
#include <algorithm>
#include <map>
#include <set>

#include "unit/sources/simulator_fixture.h"

namespace mystocks::sources::test {
namespace {

class SimulatorReferenceTest : public SimulatorTest {};

TEST_F(SimulatorReferenceTest, EveryBatchHasItsTablesSchema) {
  auto source = make(30);
  const SourceRequest request = request_for(first_symbols(*source, 2), "2024-05-06", "2024-05-06");
  for (DataType type : all_data_types()) {
    if (type == DataType::kNews || type == DataType::kIndexDaily ||
        type == DataType::kIndexComponents)
      continue;
    SourceRequest wanted = request;
    if (type == DataType::kFundamentals) wanted.from = *parse_date("2024-01-01");
    Result<RecordBatch> batch = fetch(*source, type, wanted);
    ASSERT_TRUE(batch.is_ok()) << data_type_name(type) << ": " << batch.status().to_string();
    EXPECT_TRUE(batch->schema() == *table(table_for(type)).schema()) << data_type_name(type);
    EXPECT_GT(batch->num_rows(), 0u) << data_type_name(type);
  }
}

TEST_F(SimulatorReferenceTest, NewsIsUnsupportedNamingSourceAndOperation) {
  auto source = make(10);
  Result<RecordBatch> news = source->news(SourceRequest{});
  ASSERT_FALSE(news.is_ok());
  EXPECT_EQ(news.status().code(), ErrorCode::kUnsupported);
  EXPECT_EQ(news.status().message(), "source 'sim' (simulator) does not support news");
}

TEST_F(SimulatorReferenceTest, SecuritiesMasterSpansTheBoardsWithUniqueNames) {
  auto source = make(300);
  const RecordBatch symbols = ok(source->symbols(SourceRequest{}));
  std::set<std::string> codes;
  std::set<std::string> names;
  std::map<std::string, int> boards;
  int stocks = 0;
  for (size_t row = 0; row < symbols.num_rows(); ++row) {
    const std::string& symbol = column<std::string>(symbols, "symbol")[row];
    const std::string& name = column<std::string>(symbols, "name")[row];
    EXPECT_TRUE(codes.insert(symbol).second) << symbol;
    EXPECT_TRUE(names.insert(name).second) << name;
    if (row > 0) {
      EXPECT_LT(column<std::string>(symbols, "symbol")[row - 1], symbol);
    }
    if (column<std::string>(symbols, "security_type")[row] != "stock") continue;
    ++stocks;
    const std::string& board = column<std::string>(symbols, "board")[row];
    EXPECT_EQ(board, board_name(board_of(*Symbol::parse(symbol)))) << symbol;
    EXPECT_EQ(column<std::string>(symbols, "exchange")[row],
              exchange_name(Symbol::parse(symbol)->exchange()));
    const bool st = column<uint8_t>(symbols, "is_st")[row] != 0;
    EXPECT_EQ(st, name.starts_with("ST") || name.starts_with("*ST")) << name;
    EXPECT_FALSE(is_null(symbols, "industry", row));
    EXPECT_LE(column<int64_t>(symbols, "float_shares")[row],
              column<int64_t>(symbols, "total_shares")[row]);
    ++boards[board];
  }
  EXPECT_EQ(stocks, 300);
  for (std::string_view board : {"main", "chinext", "star", "bse"}) {
    EXPECT_GT(boards[std::string(board)], 5) << board;
  }
  EXPECT_TRUE(codes.contains("000300.SH"));
  EXPECT_TRUE(codes.contains("399001.SZ"));
}

TEST_F(SimulatorReferenceTest, DemoUniverseHoldsTheWellKnownNamesAndIndicesByCanonicalSymbol) {
  const Universe universe = Universe::generate(7, 300);
  auto security_name = [&](std::string_view symbol) -> std::string {
    auto id = universe.find_security(*Symbol::parse(symbol));
    return id ? universe.securities()[*id].name : "(missing)";
  };
  auto index_name = [&](std::string_view symbol) -> std::string {
    auto id = universe.find_index(*Symbol::parse(symbol));
    return id ? universe.indices()[*id].name : "(missing)";
  };
  EXPECT_EQ(security_name("600519.SH"), "贵州茅台");
  EXPECT_EQ(security_name("000001.SZ"), "平安银行");
  EXPECT_EQ(security_name("600036.SH"), "招商银行");
  EXPECT_EQ(security_name("300750.SZ"), "宁德时代");
  EXPECT_EQ(security_name("000858.SZ"), "五粮液");
  EXPECT_EQ(index_name("000001.SH"), "上证指数");
  EXPECT_EQ(index_name("399001.SZ"), "深证成指");
  EXPECT_EQ(index_name("000300.SH"), "沪深300");
  EXPECT_EQ(index_name("399006.SZ"), "创业板指");
  EXPECT_EQ(index_name("000688.SH"), "科创50");
  EXPECT_EQ(index_name("000905.SH"), "中证500");
  // The same six digits name a stock on one exchange and an index on the other.
  EXPECT_FALSE(universe.find_index(*Symbol::parse("000001.SZ")));
  EXPECT_FALSE(universe.find_security(*Symbol::parse("000001.SH")));
  const auto& moutai = universe.securities()[*universe.find_security(*Symbol::parse("600519"))];
  EXPECT_EQ(moutai.board, Board::kMain);
  EXPECT_EQ(moutai.industry, "食品饮料");
  EXPECT_GT(moutai.initial_price, 100000);  // above 1,000 yuan, as the real share
  // CSI 500 is the next tier after CSI 300: no share in both.
  const auto& csi300 = universe.indices()[*universe.find_index(*Symbol::parse("000300.SH"))];
  const auto& csi500 = universe.indices()[*universe.find_index(*Symbol::parse("000905.SH"))];
  EXPECT_FALSE(csi500.members.empty());
  for (uint32_t member : csi500.members) {
    EXPECT_FALSE(std::binary_search(csi300.members.begin(), csi300.members.end(), member));
  }
  // Two generations from the same seed are the same market.
  const Universe again = Universe::generate(7, 300);
  for (size_t index = 0; index < universe.securities().size(); ++index) {
    EXPECT_EQ(universe.securities()[index].canonical, again.securities()[index].canonical);
    EXPECT_EQ(universe.securities()[index].initial_price, again.securities()[index].initial_price);
  }
}

TEST_F(SimulatorReferenceTest, QuotesOfAStockAndAnIndexSharingDigitsStayApart) {
  auto source = make(30);
  clock_.set_ms(at(2024, 5, 7, 10, 0, 1));
  const RecordBatch quotes =
      ok(source->realtime_quotes(request({"000001.SZ", "000001.SH"}, "2024-05-07", "2024-05-07")));
  ASSERT_EQ(quotes.num_rows(), 2u);
  std::map<std::string, int64_t> last;  // units of the quote table's price scale
  for (size_t row = 0; row < quotes.num_rows(); ++row) {
    last[column<std::string>(quotes, "symbol")[row]] = column<int64_t>(quotes, "last")[row];
  }
  ASSERT_EQ(last.size(), 2u);
  // 上证指数 stands around 3,000 points, 平安银行 trades around 11 yuan: two different series.
  EXPECT_GT(last["000001.SH"], 50 * last["000001.SZ"]);
  EXPECT_GT(last["000001.SZ"], 0);
}

TEST_F(SimulatorReferenceTest, UniverseOfNIsAPrefixOfLargerUniverses) {
  const Universe small = Universe::generate(5, 50);
  const Universe large = Universe::generate(5, 400);
  for (size_t index = 0; index < small.securities().size(); ++index) {
    EXPECT_EQ(small.securities()[index].canonical, large.securities()[index].canonical);
    EXPECT_EQ(small.securities()[index].name, large.securities()[index].name);
  }
}

TEST_F(SimulatorReferenceTest, CalendarRowsPerExchangeWithPreviousTradingDay) {
  auto source = make(10);
  const RecordBatch calendar = ok(source->trade_calendar(request({}, "2024-02-05", "2024-02-20")));
  ASSERT_EQ(calendar.num_rows(), 16u * 3);
  SourceRequest sz = request({}, "2024-02-05", "2024-02-20");
  sz.exchange = Exchange::kSZ;
  const RecordBatch only_sz = ok(source->trade_calendar(sz));
  ASSERT_EQ(only_sz.num_rows(), 16u);
  std::map<std::string, std::pair<bool, std::string>> by_date;
  for (size_t row = 0; row < only_sz.num_rows(); ++row) {
    EXPECT_EQ(column<std::string>(only_sz, "exchange")[row], "SZ");
    by_date[Date{column<int32_t>(only_sz, "trade_date")[row]}.to_string()] = {
        column<uint8_t>(only_sz, "is_open")[row] != 0,
        Date{column<int32_t>(only_sz, "pre_trade_date")[row]}.to_string()};
  }
  EXPECT_EQ(by_date["2024-02-08"], std::make_pair(true, std::string("2024-02-07")));
  EXPECT_EQ(by_date["2024-02-09"], std::make_pair(false, std::string("2024-02-08")));
  EXPECT_EQ(by_date["2024-02-19"], std::make_pair(true, std::string("2024-02-08")));
}

TEST_F(SimulatorReferenceTest, ConstituentWeightsSumToOneHundredOnRebalancingDays) {
  auto source = make(300);
  const RecordBatch weights = ok(source->index_components(request({}, "2024-01-01", "2024-03-31")));
  std::map<std::pair<std::string, int32_t>, double> sums;
  for (size_t row = 0; row < weights.num_rows(); ++row) {
    sums[{column<std::string>(weights, "index_symbol")[row],
          column<int32_t>(weights, "trade_date")[row]}] += column<double>(weights, "weight")[row];
  }
  std::set<std::string> dates;
  for (const auto& [key, sum] : sums) {
    EXPECT_NEAR(sum, 100.0, 1e-6) << key.first;
    dates.insert(Date{key.second}.to_string());
  }
  EXPECT_EQ(dates, (std::set<std::string>{"2024-01-02", "2024-02-01", "2024-03-01"}));
  // A range inside a month gets the weights in force: the month's first trading day.
  const RecordBatch mid =
      ok(source->index_components(request({"000300.SH"}, "2024-03-11", "2024-03-15")));
  ASSERT_GT(mid.num_rows(), 0u);
  EXPECT_EQ(Date{column<int32_t>(mid, "trade_date")[0]}.to_string(), "2024-03-01");
}

TEST_F(SimulatorReferenceTest, FundamentalsArePublishedReportsOnly) {
  auto source = make(20);
  clock_.set_ms(at(2025, 8, 1, 12, 0));
  const std::vector<std::string> symbols = first_symbols(*source, 3);
  const RecordBatch reports =
      ok(source->fundamentals(request_for(symbols, "2024-01-01", "2025-12-31")));
  std::set<std::string> periods;
  for (size_t row = 0; row < reports.num_rows(); ++row) {
    const Date announced{column<int32_t>(reports, "ann_date")[row]};
    EXPECT_LE(announced, *parse_date("2025-08-01"));
    periods.insert(Date{column<int32_t>(reports, "report_date")[row]}.to_string() + " " +
                   column<std::string>(reports, "period_type")[row]);
  }
  // Q1..FY 2024 and Q1 2025 are out by August 2025; H1 2025 (due by August 31) may not be.
  for (std::string_view period :
       {"2024-03-31 Q1", "2024-06-30 H1", "2024-09-30 Q3", "2024-12-31 FY", "2025-03-31 Q1"}) {
    EXPECT_TRUE(periods.contains(std::string(period))) << period;
  }
  EXPECT_FALSE(periods.contains("2025-09-30 Q3"));
}

TEST_F(SimulatorReferenceTest, FundFlowBuysAndSellsAddUpToTheDaysTurnover) {
  auto source = make(20);
  const SourceRequest request = request_for(first_symbols(*source, 3), "2024-05-06", "2024-05-10");
  const RecordBatch flow = ok(source->fund_flow(request));
  const RecordBatch daily = ok(source->daily_bars(request));
  ASSERT_EQ(flow.num_rows(), daily.num_rows());
  for (size_t row = 0; row < flow.num_rows(); ++row) {
    int64_t total = 0;
    for (std::string_view side : {"buy", "sell"}) {
      for (std::string_view size : {"small", "medium", "large", "xlarge"}) {
        total += column<int64_t>(flow, fmt::format("{}_{}_amount", side, size))[row];
      }
    }
    EXPECT_EQ(total, column<int64_t>(daily, "amount")[row]);
    EXPECT_EQ(column<std::string>(flow, "source")[row], "simulator");
  }
}

TEST_F(SimulatorReferenceTest, RealtimeQuotesShowTheSnapshotInForceAtTheClock) {
  auto source = make(30);
  const std::vector<std::string> symbols = first_symbols(*source, 4);
  const SourceRequest request = request_for(symbols, "2024-05-07", "2024-05-07");
  const RecordBatch ticks = ok(source->ticks(request));
  clock_.set_ms(at(2024, 5, 7, 10, 0, 1));  // the 10:00:00 snapshot is in force
  SourceRequest with_index = request;
  with_index.symbols.push_back(*Symbol::parse("000300.SH"));
  const RecordBatch quotes = ok(source->realtime_quotes(with_index));
  ASSERT_EQ(quotes.num_rows(), symbols.size() + 1);
  std::map<std::string, size_t> tick_row;
  for (size_t row = 0; row < ticks.num_rows(); ++row) {
    if (column<int64_t>(ticks, "ts")[row] == at(2024, 5, 7, 10, 0))
      tick_row[column<std::string>(ticks, "symbol")[row]] = row;
  }
  for (size_t row = 0; row < quotes.num_rows(); ++row) {
    const std::string& symbol = column<std::string>(quotes, "symbol")[row];
    if (symbol == "000300.SH") {
      EXPECT_TRUE(is_null(quotes, "limit_up", row));
      EXPECT_EQ(column<int64_t>(quotes, "ts")[row], at(2024, 5, 7, 10, 0));
      continue;
    }
    const size_t tick = tick_row.at(symbol);
    EXPECT_EQ(column<int64_t>(quotes, "ts")[row], at(2024, 5, 7, 10, 0));
    EXPECT_EQ(column<int64_t>(quotes, "last")[row], column<int64_t>(ticks, "last")[tick]);
    EXPECT_EQ(column<int64_t>(quotes, "volume")[row], column<int64_t>(ticks, "volume")[tick]);
    EXPECT_EQ(column<int64_t>(quotes, "amount")[row], column<int64_t>(ticks, "amount")[tick]);
    EXPECT_FALSE(is_null(quotes, "limit_up", row));
    EXPECT_EQ(column<int64_t>(quotes, "change")[row],
              column<int64_t>(quotes, "last")[row] - column<int64_t>(quotes, "pre_close")[row]);
  }
  // Before the auction: the previous close, nothing traded.
  clock_.set_ms(at(2024, 5, 7, 8, 0));
  const RecordBatch early = ok(source->realtime_quotes(request));
  EXPECT_EQ(column<int64_t>(early, "volume")[0], 0);
  EXPECT_EQ(column<int64_t>(early, "last")[0], column<int64_t>(early, "pre_close")[0]);
  // On a Saturday: Friday's closing snapshot.
  clock_.set_ms(at(2024, 5, 11, 12, 0));
  const RecordBatch weekend = ok(source->realtime_quotes(request));
  const RecordBatch friday =
      ok(source->daily_bars(request_for(symbols, "2024-05-10", "2024-05-10")));
  EXPECT_EQ(column<int64_t>(weekend, "ts")[0], at(2024, 5, 10, 15, 0));
  EXPECT_EQ(column<int64_t>(weekend, "last")[0], column<int64_t>(friday, "close")[0]);
}

TEST_F(SimulatorReferenceTest, RefusesATablesYamlItCannotFill) {
  std::vector<storage::TableSchema> tables;
  for (const storage::TableSchema& schema : catalog()->tables()) {
    if (schema.name != "tick") tables.push_back(schema);
  }
  auto without_tick = std::make_shared<const storage::TableCatalog>(std::move(tables));
  Result<std::unique_ptr<SimulatorSource>> source =
      SimulatorSource::create("sim", SimulatorOptions{}, without_tick, clock_);
  ASSERT_FALSE(source.is_ok());
  EXPECT_EQ(source.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(source.status().message().find("'tick'"), std::string::npos)
      << source.status().message();
}

}  // namespace
}  // namespace mystocks::sources::test
