// Daily bars from a source without pre_close (a CSV with no such column) get it derived on
// ingest: from the symbol's previous row in the batch, else from its last stored close; a bar
// with no earlier close anywhere keeps null. A pre_close the source gave is never changed.
#include <gtest/gtest.h>

#include "unit/services/ingest_fixture.h"

namespace mystocks::services::test {
namespace {

// Every fetch with pre_close null in all rows, as a CSV without the column is read.
WrappingSource::Hook without_pre_close() {
  return [](int, Result<RecordBatch> fetched) -> Result<RecordBatch> {
    if (!fetched.is_ok() || fetched->num_rows() == 0) return fetched;
    const std::optional<size_t> pre_close = fetched->schema().index_of("pre_close");
    if (!pre_close) return fetched;
    std::vector<Column> columns;
    for (size_t index = 0; index < fetched->num_columns(); ++index) {
      columns.push_back(fetched->column(index));
    }
    columns[*pre_close].mutable_validity().assign(fetched->num_rows(), 0);
    return RecordBatch::make(fetched->schema_ptr(), std::move(columns));
  };
}

class IngestPreCloseTest : public IngestTest {
 protected:
  std::string first_symbol() const {
    const sources::Universe& universe = simulator_->simulator()->universe();
    return universe.securities()[universe.sorted_securities()[0]].canonical;
  }

  // (close, pre_close or -1 when null) of every stored bar of `symbol` in date order.
  std::vector<std::pair<int64_t, int64_t>> stored_bars(const std::string& symbol) {
    Result<RecordBatch> rows =
        data_->load("daily_kline", {.columns = {"close", "pre_close"}, .symbols = {symbol}});
    EXPECT_TRUE(rows.is_ok()) << rows.status().to_string();
    std::vector<std::pair<int64_t, int64_t>> out;
    if (!rows.is_ok()) return out;
    for (size_t row = 0; row < rows->num_rows(); ++row) {
      const Column& pre_close = rows->column(1);
      out.emplace_back(rows->column(0).as<int64_t>()[row],
                       pre_close.is_null(row) ? -1 : pre_close.as<int64_t>()[row]);
    }
    return out;
  }
};

TEST_F(IngestPreCloseTest, MissingPreCloseComesFromThePreviousRowOrTheLastStoredClose) {
  const std::string symbol = first_symbol();
  WrappingSource csv_like(*simulator_, without_pre_close());
  // Nothing stored yet: the first bar has no earlier close and stays null; the rest follow
  // their previous row in the batch.
  MYSTOCKS_ASSERT_OK(run(daily_spec({symbol}, "2024-02-01", "2024-02-09"), &csv_like).status);
  std::vector<std::pair<int64_t, int64_t>> bars = stored_bars(symbol);
  ASSERT_GE(bars.size(), 3u);
  EXPECT_EQ(bars[0].second, -1);
  for (size_t row = 1; row < bars.size(); ++row) {
    EXPECT_EQ(bars[row].second, bars[row - 1].first) << "row " << row;
  }
  // A later import's first bar takes the last stored close.
  const size_t before = bars.size();
  MYSTOCKS_ASSERT_OK(run(daily_spec({symbol}, "2024-02-19", "2024-02-23"), &csv_like).status);
  bars = stored_bars(symbol);
  ASSERT_GT(bars.size(), before);
  EXPECT_EQ(bars[before].second, bars[before - 1].first);
  for (size_t row = 1; row < bars.size(); ++row) {
    EXPECT_EQ(bars[row].second, bars[row - 1].first) << "row " << row;
  }
}

TEST_F(IngestPreCloseTest, APreCloseTheSourceGaveIsKept) {
  const std::string symbol = first_symbol();
  // Every bar's pre_close is 1.00 yuan (100 units at scale 2): nothing is derived over it.
  WrappingSource fixed(*simulator_, [](int, Result<RecordBatch> fetched) -> Result<RecordBatch> {
    if (!fetched.is_ok()) return fetched;
    RecordBatch out = *fetched;
    for (size_t row = 0; row < out.num_rows(); ++row) out = with_value(out, "pre_close", row, 100);
    return out;
  });
  MYSTOCKS_ASSERT_OK(run(daily_spec({symbol}, "2024-02-01", "2024-02-09"), &fixed).status);
  for (const auto& [close, pre_close] : stored_bars(symbol)) EXPECT_EQ(pre_close, 100);
}

}  // namespace
}  // namespace mystocks::services::test
