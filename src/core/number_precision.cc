#include "core/number_precision.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace mystocks {
namespace {

constexpr double kPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

// Every double column of config/tables.yaml that holds a derived value, with its decimals.
constexpr std::pair<std::string_view, int> kDerivedColumns[] = {
    // percents
    {"pct_change", kPercentDecimals},
    {"turnover_rate", kPercentDecimals},
    {"main_net_pct", kPercentDecimals},
    {"weight", kPercentDecimals},
    {"roe", kPercentDecimals},
    {"roa", kPercentDecimals},
    {"gross_margin", kPercentDecimals},
    {"net_margin", kPercentDecimals},
    {"debt_to_assets", kPercentDecimals},
    {"revenue_yoy", kPercentDecimals},
    {"net_profit_yoy", kPercentDecimals},
    {"total_return", kPercentDecimals},
    {"annual_return", kPercentDecimals},
    {"benchmark_return", kPercentDecimals},
    {"max_drawdown", kPercentDecimals},
    {"volatility", kPercentDecimals},
    {"win_rate", kPercentDecimals},
    // ratios
    {"current_ratio", kRatioDecimals},
    {"sharpe", kRatioDecimals},
    {"sortino", kRatioDecimals},
    {"zscore", kRatioDecimals},
    {"strength", kRatioDecimals},
    {"target_weight", kRatioDecimals},
};

}  // namespace

double round_decimals(double value, int decimals) {
  const double power = kPowersOfTen[decimals];
  const double scaled = value * power;
  if (!std::isfinite(scaled) || std::fabs(scaled) >= 4503599627370496.0 /* 2^52 */) return value;
  return std::round(scaled) / power;
}

int double_column_decimals(std::string_view column) {
  const auto* found = std::find_if(std::begin(kDerivedColumns), std::end(kDerivedColumns),
                                   [column](const auto& entry) { return entry.first == column; });
  return found == std::end(kDerivedColumns) ? -1 : found->second;
}

}  // namespace mystocks
