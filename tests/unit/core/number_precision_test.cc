// Derived values print at their documented precision: the rounding itself (half away from zero,
// huge and non-finite values untouched), the per-column table, and both JSON writers and the
// tree form applying it to the float noise issue 19 quoted.
#include "core/number_precision.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

#include "core/json_text.h"
#include "core/row_json.h"

namespace mystocks {
namespace {

TEST(NumberPrecisionTest, RoundsHalfAwayFromZeroAndLeavesWhatItCannotRound) {
  EXPECT_EQ(round_decimals(-0.4573170731707317, 4), -0.4573);
  EXPECT_EQ(round_decimals(0.05807234375263181, 4), 0.0581);
  EXPECT_EQ(round_decimals(1670.8739999999998, 4), 1670.874);
  EXPECT_EQ(round_decimals(2.5, 0), 3.0);
  EXPECT_EQ(round_decimals(-2.5, 0), -3.0);
  EXPECT_EQ(round_decimals(1e15, 4), 1e15) << "beyond 2^52 units a double has no 4th decimal";
  EXPECT_TRUE(std::isnan(round_decimals(std::nan(""), 4)));
  EXPECT_EQ(round_decimals(std::numeric_limits<double>::infinity(), 4),
            std::numeric_limits<double>::infinity());
}

TEST(NumberPrecisionTest, PercentsAndRatiosHaveDecimalsOtherDoublesPrintAsStored) {
  EXPECT_EQ(double_column_decimals("pct_change"), kPercentDecimals);
  EXPECT_EQ(double_column_decimals("turnover_rate"), kPercentDecimals);
  EXPECT_EQ(double_column_decimals("sharpe"), kRatioDecimals);
  EXPECT_EQ(double_column_decimals("adj_factor"), -1) << "an input of the adjustment";
  EXPECT_EQ(double_column_decimals("value"), -1);
}

TEST(NumberPrecisionTest, BothJsonFormsPrintTheRoundedShortestText) {
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"pct_change", ColumnType::kDouble, 0, true},
                         {"turnover_rate", ColumnType::kDouble, 0, true},
                         {"adj_factor", ColumnType::kDouble, 0, true}});
  RecordBatchBuilder builder(schema);
  builder.append_double(0, -0.4573170731707317);
  builder.append_double(1, 0.05807234375263181);
  builder.append_double(2, 1.0000000000000002);
  Result<RecordBatch> batch = builder.finish();
  ASSERT_TRUE(batch.is_ok());
  const std::string expected =
      R"([{"pct_change":-0.4573,"turnover_rate":0.0581,"adj_factor":1.0000000000000002}])";
  std::string text;
  append_rows_json(text, *batch);
  EXPECT_EQ(text, expected);
  EXPECT_EQ(to_json_text(rows_json(*batch)), expected);
}

}  // namespace
}  // namespace mystocks
