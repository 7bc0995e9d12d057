// DataManager::transaction, count and size: commits publish DataChanged after the commit only,
// a failed body leaves nothing behind and announces nothing, batches are validated like save(),
// and time-series tables are refused by name.
#include <gtest/gtest.h>

#include "unit/services/data_manager_fixture.h"

namespace mystocks::services::test {
namespace {

class DataManagerTxnTest : public DataManagerTest {
 protected:
  RecordBatch watchlist(const std::string& id, const std::string& name) const {
    return make_batch(table("watchlists"),
                      {"watchlist_id", "user_id", "name", "created_at", "updated_at"},
                      {{id, "demo", name, int64_t{1}, int64_t{2}}});
  }
};

TEST_F(DataManagerTxnTest, CommitWritesEveryTableAndThenPublishes) {
  size_t events_inside = 0;
  MYSTOCKS_ASSERT_OK(manager_->transaction([&](storage::RelationalOps& ops) -> Status {
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("watchlists", watchlist("w1", "a")));
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("daily_kline", daily({{"600519.SH", 19000, 1500}})));
    Result<int64_t> seen = ops.count("watchlists", {});
    EXPECT_TRUE(seen.is_ok());
    EXPECT_EQ(*seen, 1) << "the body reads its own writes";
    events_inside = events_.size();
    return Status::ok();
  }));
  EXPECT_EQ(events_inside, 0u) << "DataChanged before the commit";
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].table, "watchlists");
  EXPECT_EQ(events_[1].table, "daily_kline");
  EXPECT_EQ(events_[1].symbols, (std::vector<std::string>{"600519.SH"}));
  EXPECT_EQ(*manager_->count("watchlists", {}), 1);
  EXPECT_EQ(*manager_->count("watchlists", {storage::eq("name", "b")}), 0);
  EXPECT_EQ(manager_->size("daily_kline")->rows, 1);
  EXPECT_EQ(manager_->size("daily_kline")->bytes_on_disk, -1);
}

TEST_F(DataManagerTxnTest, FailedBodyRollsBackAndPublishesNothing) {
  Status status = manager_->transaction([&](storage::RelationalOps& ops) -> Status {
    MYSTOCKS_RETURN_IF_ERROR(ops.upsert("watchlists", watchlist("w1", "a")));
    return Status(ErrorCode::kAlreadyExists, "name taken", "name");
  });
  EXPECT_EQ(status.code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(status.field(), "name");
  EXPECT_EQ(*manager_->count("watchlists", {}), 0);
  EXPECT_TRUE(events_.empty());
}

TEST_F(DataManagerTxnTest, BatchesAreValidatedAndTablesMustBeRelational) {
  // A null in a non-nullable column is refused before the store sees it, naming the column.
  RecordBatch bad = make_batch(table("watchlists"),
                               {"watchlist_id", "user_id", "name", "created_at", "updated_at"},
                               {{"w1", nullptr, "a", int64_t{1}, int64_t{2}}});
  Status invalid = manager_->transaction(
      [&](storage::RelationalOps& ops) { return ops.upsert("watchlists", bad); });
  EXPECT_FALSE(invalid.is_ok());
  EXPECT_NE(invalid.message().find("user_id"), std::string::npos) << invalid.to_string();

  Status time_series = manager_->transaction([&](storage::RelationalOps& ops) -> Status {
    Result<int64_t> rows = ops.count("tick", {});
    return rows.is_ok() ? Status::ok() : rows.status();
  });
  EXPECT_EQ(time_series.code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(time_series.message().find("'tick'"), std::string::npos);
  EXPECT_EQ(manager_->count("tick", {}).status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(manager_->count("no_such_table", {}).status().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(events_.empty());
}

}  // namespace
}  // namespace mystocks::services::test
