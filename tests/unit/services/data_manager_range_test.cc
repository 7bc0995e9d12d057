// DataManager::delete_range and DataManager::replace on the real embedded stores: daily_kline in
// SQLite (one filtered DELETE; erase + upsert in one transaction) and tick in tsdb (a tombstone;
// one replace record). Only the scope changes, DataChanged announces it, and every refusal names
// its field and leaves the data as it was.
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/timestamp.h"
#include "support/embedded_stores.h"

namespace mystocks::services {
namespace {

constexpr const char* kMoutai = "600519.SH";
constexpr const char* kPingan = "000001.SZ";

Date day(int day_of_month) { return *parse_date(fmt::format("2024-03-{:02}", day_of_month)); }

storage::TimeRange days(int first, int last) {
  return {shanghai_time(day(first), 0, 0), shanghai_time(day(last + 1), 0, 0)};
}

class DataManagerRangeTest : public ::testing::Test, protected mystocks::test::EmbeddedStores {
 protected:
  DataManagerRangeTest() : EmbeddedStores(shanghai_time(day(29), 18, 0)) {}

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(open_stores("data_range_"));
    data_->subscribe([this](const DataChanged& event) { events_.push_back(event); });
  }

  // The named columns of `table` (their declared types) as a batch schema.
  std::shared_ptr<const Schema> columns_of(const std::string& table,
                                           const std::vector<std::string>& columns) {
    const storage::TableSchema& schema = **catalog_->find(table);
    std::vector<Field> fields;
    for (const std::string& name : columns) fields.push_back(schema.column(name)->field);
    return std::make_shared<const Schema>(std::move(fields));
  }

  // Daily bars of `symbol` on March `first`..`last` closing at `close` (yuan thousandths).
  RecordBatch bars(const std::string& symbol, int first, int last, int64_t close) {
    RecordBatchBuilder rows(columns_of("daily_kline", {"symbol", "trade_date", "open", "high",
                                                       "low", "close", "volume", "amount"}));
    for (int date = first; date <= last; ++date) {
      rows.append_string(0, symbol);
      rows.append_int32(1, day(date).days);
      for (size_t price = 2; price <= 5; ++price) rows.append_int64(price, close);
      rows.append_int64(6, 1000);
      rows.append_int64(7, close * 100);
    }
    return std::move(rows.finish()).value();
  }

  // One tick of `symbol` a minute from 09:30 on March `date`, `count` of them, at `last`.
  RecordBatch ticks(const std::string& symbol, int date, int count, int64_t last) {
    RecordBatchBuilder rows(
        columns_of("tick", {"ts", "symbol", "exchange", "last", "volume", "amount"}));
    for (int minute = 0; minute < count; ++minute) {
      rows.append_int64(0, shanghai_time(day(date), 9, 30) + minute * 60'000);
      rows.append_string(1, symbol);
      rows.append_string(2, symbol.substr(7));
      rows.append_int64(3, last);
      rows.append_int64(4, 100 * (minute + 1));
      rows.append_int64(5, last * (minute + 1));
    }
    return std::move(rows.finish()).value();
  }

  // "symbol day:value" per stored row (close of a bar, last of a tick).
  std::vector<std::string> stored(const std::string& table) {
    const bool daily = table == "daily_kline";
    Result<RecordBatch> rows = data_->load(table, {});
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    std::vector<std::string> out;
    if (!rows.is_ok()) return out;
    for (size_t row = 0; row < rows->num_rows(); ++row) {
      const std::string& symbol = rows->column("symbol")->as<std::string>()[row];
      const Date date = daily ? Date{rows->column("trade_date")->as<int32_t>()[row]}
                              : shanghai_date(rows->column("ts")->as<int64_t>()[row]);
      const int64_t value = rows->column(daily ? "close" : "last")->as<int64_t>()[row];
      out.push_back(fmt::format("{} {}:{}", symbol, date.to_string().substr(8), value));
    }
    return out;
  }

  void seed_bars() {
    for (const char* symbol : {kMoutai, kPingan}) {
      ASSERT_TRUE(data_->save("daily_kline", bars(symbol, 4, 8, 1000)).is_ok());
    }
    events_.clear();
  }

  void seed_ticks() {
    for (const char* symbol : {kMoutai, kPingan}) {
      for (int date = 4; date <= 6; ++date) {
        ASSERT_TRUE(data_->save("tick", ticks(symbol, date, 3, 1000)).is_ok());
      }
    }
    events_.clear();
  }

  // `count` minute bars of `symbol` at `frequency` (minutes apart) from 09:30 on March `date`.
  RecordBatch minute_bars(const std::string& symbol, const std::string& frequency, int step,
                          int date, int count, int64_t close) {
    RecordBatchBuilder rows(columns_of("minute_kline", {"ts", "symbol", "frequency", "open", "high",
                                                        "low", "close", "volume", "amount"}));
    for (int bar = 0; bar < count; ++bar) {
      rows.append_int64(0, shanghai_time(day(date), 9, 30) + bar * step * 60'000);
      rows.append_string(1, symbol);
      rows.append_string(2, frequency);
      for (size_t price = 3; price <= 6; ++price) rows.append_int64(price, close);
      rows.append_int64(7, 1000);
      rows.append_int64(8, close * 100);
    }
    return std::move(rows.finish()).value();
  }

  // Rows of minute_kline with frequency `frequency`.
  size_t minute_rows(const std::string& frequency) {
    Result<RecordBatch> rows =
        data_->load("minute_kline", {.filters = {storage::eq("frequency", frequency)}});
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    return rows.is_ok() ? rows->num_rows() : 0;
  }

  std::vector<DataChanged> events_;
};

TEST_F(DataManagerRangeTest, DeleteRangeRemovesOnlyTheScopeFromSqlite) {
  seed_bars();
  Result<int64_t> removed = data_->delete_range(
      "daily_kline", {.symbols = {"600519"}, .range = days(5, 6)});  // any spelling
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 2);
  const std::vector<std::string> left = stored("daily_kline");
  EXPECT_EQ(left.size(), 8u);
  EXPECT_EQ(std::count_if(left.begin(), left.end(),
                          [](const std::string& row) { return row.starts_with(kMoutai); }),
            3);
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].table, "daily_kline");
  EXPECT_EQ(events_[0].rows, 0);
  EXPECT_EQ(events_[0].rows_deleted, 2);
  EXPECT_EQ(events_[0].symbols, std::vector<std::string>{kMoutai});
  EXPECT_TRUE(events_[0].has_range);
  EXPECT_EQ(events_[0].batch, nullptr);
  // Nothing left to delete: no event.
  EXPECT_EQ(*data_->delete_range("daily_kline", {.symbols = {kMoutai}, .range = days(5, 6)}), 0);
  EXPECT_EQ(events_.size(), 1u);
}

TEST_F(DataManagerRangeTest, DeleteRangeRemovesOnlyTheScopeFromTsdb) {
  seed_ticks();
  Result<int64_t> removed = data_->delete_range("tick", {.range = days(5, 5)});
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 6);  // both symbols' ticks of March 5
  const std::vector<std::string> left = stored("tick");
  EXPECT_EQ(left.size(), 12u);
  EXPECT_TRUE(std::none_of(left.begin(), left.end(), [](const std::string& row) {
    return row.find(" 05:") != std::string::npos;
  }));
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].rows_deleted, 6);
  EXPECT_TRUE(events_[0].symbols.empty());  // every symbol
}

TEST_F(DataManagerRangeTest, DeleteNeedsAScopeOrWholeTableAndRefusesOtherTablesByName) {
  seed_bars();
  Result<int64_t> unscoped = data_->delete_range("daily_kline", {});
  EXPECT_EQ(unscoped.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(unscoped.status().field(), "symbols");
  EXPECT_EQ(data_->delete_range("users", {.whole_table = true}).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(data_->delete_range("audit_log", {.range = days(1, 2)}).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(data_->delete_range("no_such_table", {.whole_table = true}).status().code(),
            ErrorCode::kNotFound);
  Result<int64_t> bad_symbol = data_->delete_range("daily_kline", {.symbols = {kMoutai, "zz"}});
  EXPECT_EQ(bad_symbol.status().code(), ErrorCode::kInvalidSymbol);
  EXPECT_EQ(bad_symbol.status().field(), "symbols[1]");
  EXPECT_EQ(data_->delete_range("trade_calendar", {.symbols = {kMoutai}}).status().field(),
            "symbols");
  EXPECT_EQ(stored("daily_kline").size(), 10u);
  EXPECT_TRUE(events_.empty());

  Result<int64_t> everything = data_->delete_range("daily_kline", {.whole_table = true});
  ASSERT_TRUE(everything.is_ok()) << everything.status().to_string();
  EXPECT_EQ(*everything, 10);
  EXPECT_TRUE(stored("daily_kline").empty());
}

TEST_F(DataManagerRangeTest, ReplaceSwapsTheRangeInSqliteAndKeepsTheRest) {
  seed_bars();
  // The source now has March 5 corrected and no March 6.
  Result<ReplaceReport> report = data_->replace(
      "daily_kline", {.symbols = {kMoutai}, .range = days(5, 6)}, bars(kMoutai, 5, 5, 2000));
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->rows_deleted, 2);
  EXPECT_EQ(report->rows_written, 1);
  const std::vector<std::string> left = stored("daily_kline");
  const std::vector<std::string> moutai(left.begin() + 5, left.end());  // 000001 sorts first
  EXPECT_EQ(moutai, (std::vector<std::string>{"600519.SH 04:1000", "600519.SH 05:2000",
                                              "600519.SH 07:1000", "600519.SH 08:1000"}));
  EXPECT_EQ(std::vector<std::string>(left.begin(), left.begin() + 5).back(), "000001.SZ 08:1000");
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_EQ(events_[0].rows, 1);
  EXPECT_EQ(events_[0].rows_deleted, 2);
  ASSERT_NE(events_[0].batch, nullptr);
}

TEST_F(DataManagerRangeTest, ReplaceSwapsTheRangeInTsdbAndKeepsTheRest) {
  seed_ticks();
  Result<ReplaceReport> report = data_->replace("tick", {.symbols = {kPingan}, .range = days(5, 5)},
                                                ticks(kPingan, 5, 2, 3000));
  ASSERT_TRUE(report.is_ok()) << report.status().to_string();
  EXPECT_EQ(report->rows_deleted, 3);
  EXPECT_EQ(report->rows_written, 2);
  const std::vector<std::string> left = stored("tick");
  EXPECT_EQ(left.size(), 17u);
  EXPECT_EQ(std::count(left.begin(), left.end(), "000001.SZ 05:3000"), 2);
  EXPECT_EQ(std::count(left.begin(), left.end(), "000001.SZ 05:1000"), 0);
  EXPECT_EQ(std::count(left.begin(), left.end(), "600519.SH 05:1000"), 3);
}

TEST_F(DataManagerRangeTest, ReplaceRefusesInvalidOrStrayRowsAndChangesNothing) {
  seed_bars();
  seed_ticks();
  const std::vector<std::string> bars_before = stored("daily_kline");
  const std::vector<std::string> ticks_before = stored("tick");
  // A row after the range.
  Result<ReplaceReport> late = data_->replace(
      "daily_kline", {.symbols = {kMoutai}, .range = days(5, 6)}, bars(kMoutai, 5, 7, 2000));
  EXPECT_EQ(late.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(late.status().field(), "rows[2]");
  // A symbol the replace does not cover.
  Result<ReplaceReport> stray = data_->replace("tick", {.symbols = {kMoutai}, .range = days(5, 5)},
                                               ticks(kPingan, 5, 1, 2000));
  EXPECT_EQ(stray.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(stray.status().field(), "rows[0]");
  // An invalid row (a symbol not in canonical form) fails validation like save(kRollback).
  Result<ReplaceReport> invalid = data_->replace(
      "daily_kline", {.symbols = {kMoutai}, .range = days(5, 6)}, bars("600519", 5, 5, 2000));
  EXPECT_EQ(invalid.status().code(), ErrorCode::kInvalidSymbol);
  EXPECT_EQ(stored("daily_kline"), bars_before);
  EXPECT_EQ(stored("tick"), ticks_before);
  EXPECT_TRUE(events_.empty());
}

// A tag value narrows a tsdb delete and replace to the series with it: 5m bars go, 1m bars of
// the same symbol and days stay. Tag values that cannot select anything are refused by name.
TEST_F(DataManagerRangeTest, TagsNarrowATsdbDeleteAndReplaceToOneFrequency) {
  for (int date = 4; date <= 5; ++date) {
    ASSERT_TRUE(data_->save("minute_kline", minute_bars(kMoutai, "1m", 1, date, 10, 1000)).is_ok());
    ASSERT_TRUE(data_->save("minute_kline", minute_bars(kMoutai, "5m", 5, date, 2, 1000)).is_ok());
  }
  Result<int64_t> removed = data_->delete_range(
      "minute_kline", {.symbols = {"600519"}, .range = days(4, 4), .tags = {{"frequency", "5m"}}});
  ASSERT_TRUE(removed.is_ok()) << removed.status().to_string();
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(minute_rows("1m"), 20u);
  EXPECT_EQ(minute_rows("5m"), 2u);

  Result<ReplaceReport> replaced = data_->replace(
      "minute_kline", {.symbols = {kMoutai}, .range = days(5, 5), .tags = {{"frequency", "5m"}}},
      minute_bars(kMoutai, "5m", 5, 5, 1, 2000));
  ASSERT_TRUE(replaced.is_ok()) << replaced.status().to_string();
  EXPECT_EQ(replaced->rows_deleted, 2);
  EXPECT_EQ(minute_rows("1m"), 20u);
  EXPECT_EQ(minute_rows("5m"), 1u);

  auto refused = [&](const std::string& table, std::map<std::string, std::string> tags) {
    return data_->delete_range(table, {.range = days(4, 5), .tags = std::move(tags)}).status();
  };
  EXPECT_EQ(refused("minute_kline", {{"interval", "5m"}}).field(), "tags.interval");
  EXPECT_EQ(refused("minute_kline", {{"symbol", kMoutai}}).field(), "tags.symbol");
  EXPECT_EQ(refused("minute_kline", {{"frequency", ""}}).field(), "tags.frequency");
  const Status relational = refused("daily_kline", {{"frequency", "5m"}});
  EXPECT_EQ(relational.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(relational.field(), "tags.frequency");
  EXPECT_NE(refused("minute_kline", {{"interval", "5m"}}).message().find("frequency"),
            std::string::npos);
  EXPECT_EQ(minute_rows("1m") + minute_rows("5m"), 21u);
}

}  // namespace
}  // namespace mystocks::services
