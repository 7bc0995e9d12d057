// DataManager: routing of every declared table to exactly one store, opening, loading through
// one query shape, DataChanged events and per-table metrics. (Saving: data_manager_save_test.cc.)
#include "core/timestamp.h"
#include "unit/services/data_manager_fixture.h"

namespace mystocks::services::test {
namespace {

using storage::StoreKind;

TEST_F(DataManagerTest, RoutesEveryDeclaredTableToExactlyOneStore) {
  int time_series = 0;
  int relational = 0;
  for (const storage::TableSchema& declared : catalog_.tables()) {
    Result<RouteDecision> route = manager_->route(declared.name);
    ASSERT_TRUE(route.is_ok()) << declared.name;
    EXPECT_EQ(route->store, storage::default_target(declared.classification)) << declared.name;
    EXPECT_FALSE(route->overridden);
    (route->store == StoreKind::kRelational ? relational : time_series) += 1;
  }
  EXPECT_EQ(time_series, 5);
  // watchlists keeps lists, watchlist_symbols their members; ingest_jobs shares
  // data_quality_metrics' classification.
  EXPECT_EQ(relational, 21);
  Result<RouteDecision> daily = manager_->route("daily_kline");
  EXPECT_EQ(daily->explanation,
            "table 'daily_kline' (classification daily_kline) is stored in the relational store: "
            "the default for classification 'daily_kline'; served by " +
                sqlite_->describe());
  Result<RouteDecision> tick = manager_->route("tick");
  EXPECT_EQ(tick->backend, "tsdb (embedded time-series store)");
  EXPECT_NE(tick->explanation.find("is stored in the time-series store"), std::string::npos);
  EXPECT_EQ(manager_->route("ticks").status().code(), ErrorCode::kNotFound);
}

TEST_F(DataManagerTest, OverrideAndMissingStoreAreExplainedNotHidden) {
  Result<storage::TableCatalog> catalog = storage::parse_tables_yaml(R"(
tables:
  quotes_archive:
    classification: realtime_quote
    target: relational
    columns:
      - {name: symbol, type: string, tag: true}
      - {name: ts, type: timestamp}
      - {name: last, type: decimal(3)}
    unique_key: [symbol, ts]
  ticks:
    classification: tick
    time_column: ts
    columns:
      - {name: symbol, type: string, tag: true}
      - {name: ts, type: timestamp}
)",
                                                                     "t.yaml");
  ASSERT_TRUE(catalog.is_ok()) << catalog.status().to_string();
  DataManager manager(*catalog, nullptr, relational_.get(), clock_, {.metrics = &metrics_});
  Result<RouteDecision> archive = manager.route("quotes_archive");
  ASSERT_TRUE(archive.is_ok());
  EXPECT_TRUE(archive->overridden);
  EXPECT_EQ(archive->store, StoreKind::kRelational);
  EXPECT_NE(archive->explanation.find("tables.yaml overrides the default of its classification "
                                      "(the time-series store)"),
            std::string::npos)
      << archive->explanation;
  Result<RouteDecision> ticks = manager.route("ticks");
  EXPECT_NE(ticks->explanation.find("no such store is configured"), std::string::npos);
  const Status opened = manager.open();
  EXPECT_EQ(opened.code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(opened.message(),
            "table 'ticks' routes to the time-series store, but none is configured");
  EXPECT_EQ(manager.save("ticks", RecordBatch()).status().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(DataManagerTest, OpenCreatesEachTableInItsOwnStore) {
  EXPECT_EQ(time_series_.created,
            (std::vector<std::string>{"tick", "order_book_depth", "minute_kline", "index_quote",
                                      "realtime_quote"}));
  EXPECT_EQ(*sqlite_->schema_version("sync_messages"), 1);
  EXPECT_EQ(sqlite_->schema_version("tick").status().code(), ErrorCode::kNotFound);
}

TEST_F(DataManagerTest, DataChangedCarriesTableSymbolsAndTimeRange) {
  const Date first = Date::from_ymd(2024, 1, 2);
  ASSERT_TRUE(manager_
                  ->save("daily_kline", daily({{"600519.SH", first.days + 1, 1850000},
                                               {"000001.SZ", first.days, 10500},
                                               {"600519.SH", first.days, 1840000}}))
                  .is_ok());
  ASSERT_EQ(events_.size(), 1u);
  const DataChanged& event = events_[0];
  EXPECT_EQ(event.table, "daily_kline");
  EXPECT_EQ(event.store, StoreKind::kRelational);
  EXPECT_EQ(event.rows, 3);
  EXPECT_EQ(event.symbols, (std::vector<std::string>{"000001.SZ", "600519.SH"}));
  ASSERT_TRUE(event.has_range);
  EXPECT_EQ(event.range.start, shanghai_time(first, 0, 0));
  EXPECT_EQ(event.range.end, shanghai_time(Date{first.days + 2}, 0, 0));

  const RecordBatch ticks =
      make_batch(table("tick"), {"ts", "symbol", "exchange", "last", "volume", "amount"},
                 {{int64_t{1706664600000}, "600519.SH", "SH", 1850000, 100, 18500000},
                  {int64_t{1706664603000}, "600519.SH", "SH", 1850100, 200, 37000000}});
  ASSERT_TRUE(manager_->save("tick", ticks).is_ok());
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[1].store, StoreKind::kTimeSeries);
  EXPECT_EQ(events_[1].range.start, 1706664600000);
  EXPECT_EQ(events_[1].range.end, 1706664603001);
  EXPECT_EQ(time_series_.written.size(), 1u);

  // A table without symbol or time columns still announces its writes.
  const RecordBatch setting = make_batch(
      table("system_config"), {},
      {{"cache.l1_capacity", "1000", "int", nullptr, false, nullptr, int64_t{1706664600000}}});
  ASSERT_TRUE(manager_->save("system_config", setting).is_ok());
  ASSERT_EQ(events_.size(), 3u);
  EXPECT_TRUE(events_[2].symbols.empty());
  EXPECT_FALSE(events_[2].has_range);
}

TEST_F(DataManagerTest, DataChangedLendsTheWrittenRowsDuringDelivery) {
  std::vector<std::string> seen;  // what the handler read from the borrowed batch
  manager_->subscribe([&](const DataChanged& event) {
    ASSERT_NE(event.schema, nullptr);
    ASSERT_NE(event.batch, nullptr);
    EXPECT_EQ(event.schema->name, event.table);
    EXPECT_EQ(static_cast<int64_t>(event.batch->num_rows()), event.rows);
    for (const std::string& symbol : event.batch->column("symbol")->as<std::string>()) {
      seen.push_back(symbol);
    }
  });
  ASSERT_TRUE(
      manager_->save("daily_kline", daily({{"600519.SH", 19723, 1}, {"000001.SZ", 19723, 2}}))
          .is_ok());
  EXPECT_EQ(seen, (std::vector<std::string>{"600519.SH", "000001.SZ"}));
}

TEST_F(DataManagerTest, UnsubscribedHandlersHearNothing) {
  int heard = 0;
  const SubscriptionId id = manager_->subscribe([&](const DataChanged&) { ++heard; });
  ASSERT_TRUE(manager_->save("daily_kline", daily({{"600519.SH", 19723, 1}})).is_ok());
  manager_->unsubscribe(id);
  ASSERT_TRUE(manager_->save("daily_kline", daily({{"600519.SH", 19724, 1}})).is_ok());
  EXPECT_EQ(heard, 1);
  EXPECT_EQ(events_.size(), 2u);
}

TEST_F(DataManagerTest, LoadsRelationalRowsBySymbolsRangeAndOrder) {
  const Date day = Date::from_ymd(2024, 1, 2);
  ASSERT_TRUE(manager_
                  ->save("daily_kline", daily({{"600519.SH", day.days, 1},
                                               {"600519.SH", day.days + 1, 2},
                                               {"600519.SH", day.days + 2, 3},
                                               {"000001.SZ", day.days + 1, 4}}))
                  .is_ok());
  LoadQuery query{.columns = {"symbol", "trade_date", "close"},
                  .symbols = {"sh600519"},  // any accepted spelling; loaded as 600519.SH
                  .range = {shanghai_time(day, 9, 30), shanghai_time(Date{day.days + 2}, 0, 0)},
                  .order = storage::SortOrder::kDescending};
  Result<RecordBatch> rows = manager_->load("daily_kline", query);
  ASSERT_TRUE(rows.is_ok()) << rows.status().to_string();
  // 09:30 on day 0 is after its midnight, so day 0 is out; day 2's midnight is the open end.
  EXPECT_EQ(rows_text(*rows),
            (std::vector<std::string>{fmt::format("600519.SH|{}|2", day.days + 1)}));
  query = {.columns = {"trade_date"},
           .symbols = {"600519.SH"},
           .order = storage::SortOrder::kDescending,
           .limit = 2};
  EXPECT_EQ(rows_text(*manager_->load("daily_kline", query)),
            (std::vector<std::string>{std::to_string(day.days + 2), std::to_string(day.days + 1)}));
  query = {.columns = {"symbol"},
           .filters = {storage::cmp("close", storage::FilterOp::kGe, int64_t{3})}};
  EXPECT_EQ(rows_text(*manager_->load("daily_kline", query)),
            (std::vector<std::string>{"000001.SZ", "600519.SH"}));

  EXPECT_EQ(manager_->load("daily_kline", {.symbols = {"AAPL"}}).status().code(),
            ErrorCode::kInvalidSymbol);
  EXPECT_EQ(manager_->load("system_config", {.symbols = {"600519.SH"}}).status().field(),
            "symbols");
  EXPECT_EQ(manager_->load("system_config", {.range = {0, 1}}).status().field(), "range");
  EXPECT_EQ(manager_->load("daily_kline", {.range = {5, 1}}).status().field(), "range");
}

TEST_F(DataManagerTest, LoadsTimeSeriesThroughAScanQuery) {
  LoadQuery query{.columns = {"ts", "close"},
                  .symbols = {"000001"},
                  .range = {100, 200},
                  .filters = {storage::eq("frequency", "5m")},
                  .order = storage::SortOrder::kDescending,
                  .limit = 10,
                  .offset = 5};
  ASSERT_TRUE(manager_->load("minute_kline", query).is_ok());
  EXPECT_EQ(time_series_.last_scan_table, "minute_kline");
  const storage::ScanQuery& scan = time_series_.last_scan;
  EXPECT_EQ(scan.columns, (std::vector<std::string>{"ts", "close"}));
  EXPECT_EQ(scan.symbols, (std::vector<std::string>{"000001.SZ"}));
  EXPECT_EQ(scan.tag_equals.at("frequency"), "5m");
  EXPECT_EQ(scan.range.start, 100);
  EXPECT_EQ(scan.range.end, 200);
  EXPECT_EQ(scan.order, storage::SortOrder::kDescending);
  EXPECT_EQ(scan.limit, 10);
  EXPECT_EQ(scan.offset, 5);
  query.filters = {storage::cmp("close", storage::FilterOp::kGt, int64_t{1})};
  const Status unsupported = manager_->load("minute_kline", query).status();
  EXPECT_EQ(unsupported.code(), ErrorCode::kUnsupported);
  EXPECT_EQ(unsupported.field(), "filters[0]");
  EXPECT_NE(unsupported.message().find("equality on a tag column (symbol, frequency)"),
            std::string::npos);
  EXPECT_EQ(manager_->load("minute_kline", {.order_by = {{"close"}}}).status().code(),
            ErrorCode::kUnsupported);
}

TEST_F(DataManagerTest, CountsRowsAndLatencyPerTable) {
  ASSERT_TRUE(
      manager_->save("daily_kline", daily({{"600519.SH", 1, 1}, {"600519.SH", 2, 1}})).is_ok());
  ASSERT_TRUE(
      manager_->save("daily_kline", daily({{"bad", 3, 1}}), SaveStrategy::kContinue).is_ok());
  ASSERT_TRUE(manager_->load("daily_kline", {}).is_ok());
  const std::string text = metrics_.expose();
  for (const char* line :
       {"mystocks_data_rows_written_total{table=\"daily_kline\"} 2",
        "mystocks_data_rows_rejected_total{table=\"daily_kline\"} 1",
        "mystocks_data_save_failures_total{table=\"daily_kline\"} 1",
        "mystocks_data_rows_read_total{table=\"daily_kline\"} 2",
        "mystocks_data_operation_seconds_count{table=\"daily_kline\",operation=\"save\"} 2",
        "mystocks_data_operation_seconds_count{table=\"daily_kline\",operation=\"load\"} 1"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

TEST(SaveStrategyTest, NamesParseBack) {
  for (SaveStrategy strategy :
       {SaveStrategy::kRollback, SaveStrategy::kContinue, SaveStrategy::kRetry}) {
    EXPECT_EQ(*parse_save_strategy(save_strategy_name(strategy)), strategy);
  }
  const Status unknown = parse_save_strategy("yolo").status();
  EXPECT_EQ(unknown.field(), "strategy");
  EXPECT_EQ(unknown.message(),
            "save strategy 'yolo' is unknown: expected rollback, continue or retry");
}

}  // namespace
}  // namespace mystocks::services::test
