// DataManager::save: validation against the table and the three failure strategies (rollback:
// all or nothing; continue: keep what is valid and accepted; retry: all or nothing with retries of
// transient store failures).
#include "unit/services/data_manager_fixture.h"

namespace mystocks::services::test {
namespace {

using Rows = std::vector<std::string>;

TEST_F(DataManagerTest, RollbackWritesEverythingAndReports) {
  Result<SaveReport> report = manager_->save(
      "daily_kline", daily({{"600519.SH", 19723, 1850000}, {"000001.SZ", 19723, 10500}}));
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->rows_received, 2);
  EXPECT_EQ(report->rows_written, 2);
  EXPECT_EQ(report->rows_rejected, 0);
  EXPECT_EQ(report->attempts, 1);
  EXPECT_EQ(report->store, storage::StoreKind::kRelational);
  EXPECT_EQ(stored_daily(), (Rows{"000001.SZ|19723|10500", "600519.SH|19723|1850000"}));
}

TEST_F(DataManagerTest, RollbackRefusesTheWholeBatchForOneInvalidRow) {
  struct Case {
    RecordBatch batch;
    ErrorCode code;
    std::string needle;
  };
  std::vector<Case> cases;
  cases.push_back(
      {daily({{"600519.SH", 1, 1}, {"600519", 2, 1}}), ErrorCode::kInvalidSymbol,
       "row 1 column 'symbol' holds '600519', which is not canonical: use '600519.SH'"});
  cases.push_back(
      {daily({{"600519.SH", 1, 1}, {"600519.SH", 2, nullptr}}), ErrorCode::kInvalidArgument,
       "row 1 column 'close' is null, but table 'daily_kline' declares it non-nullable"});
  cases.push_back({daily({{"AAPL", 1, 1}}), ErrorCode::kInvalidSymbol, "row 0: "});
  cases.push_back(
      {make_batch(table("daily_kline"),
                  {"symbol", "trade_date", "open", "high", "low", "close", "volume", "amount",
                   "pct_change"},
                  {{"600519.SH", 1, 1, 1, 1, 1, 1, 1, std::numeric_limits<double>::quiet_NaN()}}),
       ErrorCode::kInvalidArgument, "row 0 column 'pct_change' is nan"});
  for (const Case& bad : cases) {
    Result<SaveReport> report = manager_->save("daily_kline", bad.batch, SaveStrategy::kRollback);
    ASSERT_FALSE(report.is_ok());
    EXPECT_EQ(report.status().code(), bad.code) << report.status().to_string();
    EXPECT_NE(report.status().message().find("table 'daily_kline': "), std::string::npos);
    EXPECT_NE(report.status().message().find(bad.needle), std::string::npos)
        << report.status().message();
  }
  EXPECT_EQ(stored_daily(), Rows{});
  EXPECT_TRUE(events_.empty());
  EXPECT_EQ(relational_->upsert_calls, 0);
}

TEST_F(DataManagerTest, BatchesThatDoNotFitTheTableFailWhateverTheStrategy) {
  const RecordBatch unknown = make_batch(table("daily_kline"), {"symbol", "trade_date", "colour"},
                                         {{"600519.SH", 1, "red"}});
  storage::TableSchema retyped = table("daily_kline");
  retyped.columns[5].field.scale = 2;  // close decimal(3) -> decimal(2)
  retyped.finalize();
  const RecordBatch mistyped = make_batch(
      retyped, {"symbol", "trade_date", "open", "high", "low", "close", "volume", "amount"},
      {{"600519.SH", 1, 1, 1, 1, 1, 1, 1}});
  const RecordBatch missing =
      make_batch(table("daily_kline"), {"symbol", "trade_date"}, {{"600519.SH", 1}});
  for (SaveStrategy strategy :
       {SaveStrategy::kRollback, SaveStrategy::kContinue, SaveStrategy::kRetry}) {
    EXPECT_EQ(manager_->save("daily_kline", unknown, strategy).status().message(),
              "table 'daily_kline' has no column 'colour' (see config/tables.yaml)");
    EXPECT_EQ(manager_->save("daily_kline", mistyped, strategy).status().message(),
              "column 'close' of table 'daily_kline' is declared decimal(3), but the batch holds "
              "decimal(2)");
    const Status lacking = manager_->save("daily_kline", missing, strategy).status();
    EXPECT_EQ(lacking.code(), ErrorCode::kSchemaMismatch);
    EXPECT_EQ(lacking.field(), "open");
  }
  EXPECT_EQ(manager_->save("dialy_kline", unknown).status().code(), ErrorCode::kNotFound);
}

TEST_F(DataManagerTest, ContinueKeepsValidRowsAndReportsInvalidOnes) {
  std::unique_ptr<DataManager> manager = make_manager({.chunk_rows = 2});
  manager->subscribe([this](const DataChanged& event) { events_.push_back(event); });
  Result<SaveReport> report = manager->save("daily_kline",
                                            daily({{"600519.SH", 1, 10},
                                                   {"bad", 1, 11},
                                                   {"600000.SH", 1, 12},
                                                   {"600519.SH", 2, nullptr},
                                                   {"300750.SZ", 1, 16}}),
                                            SaveStrategy::kContinue);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->rows_received, 5);
  EXPECT_EQ(report->rows_written, 3);
  EXPECT_EQ(report->rows_rejected, 2);  // rows 1 and 3 invalid
  EXPECT_EQ(report->attempts, 2);       // chunks {0,2} and {4}
  ASSERT_EQ(report->errors.size(), 2u);
  EXPECT_EQ(report->errors[0].column, "symbol");
  EXPECT_EQ(report->errors[1].column, "close");
  EXPECT_EQ(stored_daily(), (Rows{"300750.SZ|1|16", "600000.SH|1|12", "600519.SH|1|10"}));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].rows, 3);
}

// Issue 16: a store that refuses valid rows fails the save; the rows are not "rejected".
TEST_F(DataManagerTest, ContinueFailsWhenTheStoreRefusesAChunk) {
  std::unique_ptr<DataManager> manager = make_manager({.chunk_rows = 2});
  manager->subscribe([this](const DataChanged& event) { events_.push_back(event); });
  relational_->refuse = [](const std::string&, const RecordBatch& batch) -> Status {
    for (const std::string& symbol : batch.column("symbol")->as<std::string>()) {
      if (symbol == "000002.SZ") return error(ErrorCode::kIoError, "disk full");
    }
    return Status::ok();
  };
  Result<SaveReport> report = manager->save("daily_kline",
                                            daily({{"600519.SH", 1, 10},
                                                   {"600000.SH", 1, 12},
                                                   {"000002.SZ", 1, 14},
                                                   {"000001.SZ", 1, 13},
                                                   {"300750.SZ", 1, 16}}),
                                            SaveStrategy::kContinue);
  ASSERT_FALSE(report.is_ok());
  EXPECT_EQ(report.status().code(), ErrorCode::kIoError);
  EXPECT_EQ(report.status().message(),
            "table 'daily_kline': the relational store refused rows 2..3 of the batch (2 valid rows "
            "written before): disk full");
  EXPECT_EQ(stored_daily(), (Rows{"600000.SH|1|12", "600519.SH|1|10"}));
  ASSERT_EQ(events_.size(), 1u);  // the chunk written before the failure is announced
  EXPECT_EQ(events_[0].rows, 2);
}

TEST_F(DataManagerTest, ContinueBoundsTheErrorsItLists) {
  std::unique_ptr<DataManager> manager = make_manager({.max_reported_errors = 2});
  Result<SaveReport> report = manager->save(
      "daily_kline", daily({{"x", 1, 1}, {"y", 1, 1}, {"z", 1, 1}, {"600519.SH", 1, 1}}),
      SaveStrategy::kContinue);
  ASSERT_TRUE(report.is_ok());
  EXPECT_EQ(report->rows_rejected, 3);
  EXPECT_EQ(report->errors.size(), 2u);
  EXPECT_EQ(report->rows_written, 1);
}

TEST_F(DataManagerTest, RetryRetriesTransientFailuresWithGrowingPauses) {
  int failures_left = 2;
  relational_->refuse = [&](const std::string&, const RecordBatch&) -> Status {
    if (failures_left-- > 0) return error(ErrorCode::kUnavailable, "connection lost");
    return Status::ok();
  };
  Result<SaveReport> report =
      manager_->save("daily_kline", daily({{"600519.SH", 1, 1}}), SaveStrategy::kRetry);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->attempts, 3);
  EXPECT_EQ(sleeps_, (std::vector<int64_t>{100, 200}));
  EXPECT_EQ(stored_daily(), (Rows{"600519.SH|1|1"}));
  EXPECT_NE(metrics_.expose().find("mystocks_data_save_retries_total{table=\"daily_kline\"} 2"),
            std::string::npos);

  failures_left = 100;
  sleeps_.clear();
  Result<SaveReport> exhausted =
      manager_->save("daily_kline", daily({{"600519.SH", 2, 1}}), SaveStrategy::kRetry);
  EXPECT_EQ(exhausted.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(exhausted.status().message(),
            "table 'daily_kline': gave up after 3 attempts: connection lost");
  EXPECT_EQ(sleeps_, (std::vector<int64_t>{100, 200}));

  // Errors retrying cannot fix are returned at once; rollback never retries.
  relational_->refuse = [](const std::string&, const RecordBatch&) {
    return error(ErrorCode::kAlreadyExists, "duplicate");
  };
  EXPECT_EQ(manager_->save("daily_kline", daily({{"600519.SH", 3, 1}}), SaveStrategy::kRetry)
                .status()
                .code(),
            ErrorCode::kAlreadyExists);
  relational_->refuse = [](const std::string&, const RecordBatch&) {
    return error(ErrorCode::kUnavailable, "down");
  };
  const int calls = relational_->upsert_calls;
  EXPECT_EQ(manager_->save("daily_kline", daily({{"600519.SH", 4, 1}})).status().code(),
            ErrorCode::kUnavailable);
  EXPECT_EQ(relational_->upsert_calls, calls + 1);
  EXPECT_EQ(stored_daily(), (Rows{"600519.SH|1|1"}));
}

TEST_F(DataManagerTest, RetryAppliesToTheTimeSeriesStoreToo) {
  time_series_.failures_left = 1;
  const RecordBatch ticks =
      make_batch(table("tick"), {"ts", "symbol", "exchange", "last", "volume", "amount"},
                 {{int64_t{1706664600000}, "600519.SH", "SH", 1, 1, 1}});
  Result<SaveReport> report = manager_->save("tick", ticks, SaveStrategy::kRetry);
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->store, storage::StoreKind::kTimeSeries);
  EXPECT_EQ(report->attempts, 2);
  EXPECT_EQ(time_series_.written.size(), 1u);
}

TEST_F(DataManagerTest, EmptyBatchesWriteNothingAndAnnounceNothing) {
  Result<SaveReport> report = manager_->save("daily_kline", daily({}));
  ASSERT_TRUE(report.is_ok());
  EXPECT_EQ(report->rows_written, 0);
  EXPECT_TRUE(events_.empty());
}

TEST_F(DataManagerTest, AnOpenBreakerRefusesCallsWithoutTouchingTheStore) {
  BreakerRegistry breakers({.failure_threshold = 2, .success_threshold = 1, .open_timeout_ms = 1000},
                           clock_, metrics_);
  std::unique_ptr<DataManager> guarded = make_manager({.breakers = &breakers});
  relational_->refuse = [](const std::string&, const RecordBatch&) {
    return error(ErrorCode::kUnavailable, "connection refused");
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_EQ(guarded->save("daily_kline", daily({{"600519.SH", 19723, 1}})).status().code(),
              ErrorCode::kUnavailable);
  }
  EXPECT_EQ(relational_->upsert_calls, 2);
  EXPECT_EQ(breakers.get("store.relational").state(), BreakerState::kOpen);
  Result<SaveReport> refused = guarded->save("daily_kline", daily({{"600519.SH", 19723, 1}}));
  EXPECT_EQ(refused.status().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(relational_->upsert_calls, 2);  // refused by the breaker, not by the store
  EXPECT_EQ(guarded->load("daily_kline", {}).status().code(), ErrorCode::kUnavailable);
  // The time-series store has its own breaker and is unaffected.
  EXPECT_EQ(breakers.get("store.time_series").state(), BreakerState::kClosed);

  relational_->refuse = nullptr;
  clock_.advance_ms(1000);  // the open timeout passes: one probe goes through and closes it
  MYSTOCKS_EXPECT_OK(guarded->save("daily_kline", daily({{"600519.SH", 19723, 1}})).status());
  EXPECT_EQ(breakers.get("store.relational").state(), BreakerState::kClosed);
}

}  // namespace
}  // namespace mystocks::services::test
