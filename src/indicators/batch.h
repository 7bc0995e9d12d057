// Internal: the loops that turn an incremental state into a batch function, so every batch
// result is, by construction, the state's result bar by bar. Included by the indicator sources
// only; not part of the public API.
// Thread-safety: the functions touch only their arguments.
#pragma once

#include <span>
#include <vector>

#include "indicators/ohlcv.h"

namespace mystocks::indicators {

// Runs a single-input state over a column.
template <typename State>
std::vector<double> run_column(State& state, std::span<const double> values) {
  std::vector<double> out(values.size());
  for (size_t bar_idx = 0; bar_idx < values.size(); ++bar_idx) {
    out[bar_idx] = state.update(values[bar_idx]);
  }
  return out;
}

// Reads the fields in kMask of one bar; the others stay NaN. kMask is a template argument so the
// per-bar loop has no branches on which columns exist.
template <FieldMask kMask>
Ohlcv bar_at(const OhlcvColumns& bars, size_t bar_idx) {
  Ohlcv bar;
  if constexpr ((kMask & field_bit(Field::kOpen)) != 0) bar.open = bars.open[bar_idx];
  if constexpr ((kMask & field_bit(Field::kHigh)) != 0) bar.high = bars.high[bar_idx];
  if constexpr ((kMask & field_bit(Field::kLow)) != 0) bar.low = bars.low[bar_idx];
  if constexpr ((kMask & field_bit(Field::kClose)) != 0) bar.close = bars.close[bar_idx];
  if constexpr ((kMask & field_bit(Field::kVolume)) != 0) bar.volume = bars.volume[bar_idx];
  if constexpr ((kMask & field_bit(Field::kAmount)) != 0) bar.amount = bars.amount[bar_idx];
  return bar;
}

// Runs a bar state over `length` bars of `bars` (checked by check_columns for kMask) and hands
// each output to sink(bar_idx, point).
template <FieldMask kMask, typename State, typename Sink>
void run_bars(State& state, const OhlcvColumns& bars, size_t length, Sink&& sink) {
  for (size_t bar_idx = 0; bar_idx < length; ++bar_idx) {
    sink(bar_idx, state.update(bar_at<kMask>(bars, bar_idx)));
  }
}

// Runs a single-output bar state into one column.
template <FieldMask kMask, typename State>
std::vector<double> run_bars_column(State& state, const OhlcvColumns& bars, size_t length) {
  std::vector<double> out(length);
  run_bars<kMask>(state, bars, length, [&](size_t bar_idx, double value) { out[bar_idx] = value; });
  return out;
}

}  // namespace mystocks::indicators
