#include "indicators/lookback.h"

#include <cmath>
#include <vector>

namespace mystocks::indicators {
namespace {

// A price path that rises and falls with varying ranges and volumes, so no indicator meets a
// zero range, a zero volume or a flat stretch (which would leave an output undefined for a
// reason other than missing history).
struct ProbeSeries {
  std::vector<double> open, high, low, close, volume, amount;

  explicit ProbeSeries(size_t bars) {
    for (size_t bar = 0; bar < bars; ++bar) {
      const double x = static_cast<double>(bar);
      const double mid = 100.0 + 8.0 * std::sin(x * 0.21) + 3.0 * std::sin(x * 0.057) + 0.01 * x;
      const double range = 1.0 + 0.5 * std::fabs(std::sin(x * 0.37));
      close.push_back(mid + 0.3 * std::sin(x * 1.3));
      open.push_back(mid - 0.2 * std::cos(x * 0.9));
      high.push_back(std::max(open.back(), close.back()) + range);
      low.push_back(std::min(open.back(), close.back()) - range);
      volume.push_back(10'000.0 + 3'000.0 * std::fabs(std::sin(x * 0.13)) + 17.0 * (bar % 7));
      amount.push_back(volume.back() * close.back());
    }
  }
};

}  // namespace

Result<int64_t> lookback_bars(const IndicatorSpec& spec, const ParamMap& params,
                              Convention convention, int64_t max_bars) {
  // One bar past the cap: an indicator still undefined there needs at least max_bars.
  const ProbeSeries probe(static_cast<size_t>(max_bars) + 1);
  const OhlcvColumns columns{probe.open,  probe.high,   probe.low,
                             probe.close, probe.volume, probe.amount};
  Result<IndicatorOutput> output = compute_indicator(spec.name, columns, params, convention);
  if (!output.is_ok()) return output.status();
  for (size_t bar = 0; bar < probe.close.size(); ++bar) {
    bool defined = true;
    for (const std::vector<double>& values : output->columns) defined &= std::isfinite(values[bar]);
    if (defined) return static_cast<int64_t>(bar);
  }
  return max_bars;
}

}  // namespace mystocks::indicators
