// The precision of derived values on the wire. Stored prices and amounts are exact decimals
// (decimal(3) prices, decimal(2) amounts: printed exactly, never rounded again); values computed
// from them as doubles carry float noise (pct_change -0.4573170731707317, an MA of
// 1670.8739999999998), so they are rounded to a fixed number of decimals per kind of field before
// printing, and then printed in their shortest round-trip form (core/json_text.h):
//   percents (pct_change, turnover_rate, margins, returns, ...)   4 decimals
//   ratios (current_ratio, sharpe, sortino, zscore, weights, ...)  4 decimals
//   indicator outputs (MA, MACD, RSI, BOLL, ...)                   4 decimals
//   adjusted prices (qfq/hfq)                                      3 decimals (the price tick)
// Double columns not listed (adj_factor, measured metrics) print as stored.
// docs/market-api.md and docs/indicators.md carry this table. Pure functions: any thread.
#pragma once

#include <string_view>

namespace mystocks {

inline constexpr int kPercentDecimals = 4;
inline constexpr int kRatioDecimals = 4;
inline constexpr int kIndicatorDecimals = 4;

// `value` rounded half away from zero to `decimals` places; non-finite values, and values too
// large to hold that many decimals in a double (|value| * 10^decimals >= 2^52), unchanged.
// REQUIRES: 0 <= decimals <= 15.
double round_decimals(double value, int decimals);

// The decimals a double column of tables.yaml is printed with, by column name; -1 = as stored.
int double_column_decimals(std::string_view column);

}  // namespace mystocks
