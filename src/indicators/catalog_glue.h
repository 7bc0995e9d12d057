// Internal to catalog.cc: binds a typed indicator state to the registry's two uniform entry
// points, batch (writing caller-provided columns) and incremental (an IndicatorStream), so both
// run the very same state code. A binding is a factory `Result<State> make(ParamValues,
// Convention)` plus the input mask: a single-field mask feeds State::update(double) from that
// column; a wider mask feeds State::update(const Ohlcv&).
// Thread-safety: a StateStream needs external synchronisation, like the state it wraps.
#pragma once

#include <array>
#include <bit>
#include <memory>
#include <type_traits>
#include <utility>

#include "indicators/batch.h"
#include "indicators/dmi.h"
#include "indicators/ma_systems.h"
#include "indicators/macd.h"
#include "indicators/momentum.h"
#include "indicators/registry.h"
#include "indicators/stochastic.h"
#include "indicators/volatility.h"

namespace mystocks::indicators::glue {

inline int as_int(double value) { return static_cast<int>(value); }

// A point's outputs in the order of the spec's output names.
inline std::array<double, 1> values_of(double v) { return {v}; }
inline std::array<double, 3> values_of(const MacdPoint& p) { return {p.dif, p.dea, p.hist}; }
inline std::array<double, 2> values_of(const StochPoint& p) { return {p.k, p.d}; }
inline std::array<double, 3> values_of(const KdjPoint& p) { return {p.k, p.d, p.j}; }
inline std::array<double, 3> values_of(const BollPoint& p) { return {p.mid, p.upper, p.lower}; }
inline std::array<double, 4> values_of(const DmiPoint& p) { return {p.pdi, p.mdi, p.adx, p.adxr}; }
inline std::array<double, 2> values_of(const LinePoint& p) { return {p.value, p.average}; }
inline std::array<double, 2> values_of(const PairPoint& p) { return {p.first, p.second}; }

template <typename State>
constexpr bool kTakesBar = std::is_invocable_v<decltype(&State::update), State&, const Ohlcv&>;

// The field a single-input state reads: the only bit of kMask.
template <FieldMask kMask>
constexpr Field kSingleField = static_cast<Field>(std::countr_zero(static_cast<unsigned>(kMask)));

template <typename State>
class StateStream final : public IndicatorStream {
 public:
  StateStream(State state, double Ohlcv::*field) : state_(std::move(state)), field_(field) {}
  void update(const Ohlcv& bar, std::span<double> out) override {
    const auto values = [&] {
      if constexpr (kTakesBar<State>) {
        return values_of(state_.update(bar));
      } else {
        return values_of(state_.update(bar.*field_));
      }
    }();
    for (size_t out_idx = 0; out_idx < values.size(); ++out_idx) out[out_idx] = values[out_idx];
  }

 private:
  State state_;
  double Ohlcv::*field_;
};

inline double Ohlcv::*member_of(Field field) {
  switch (field) {
    case Field::kOpen:
      return &Ohlcv::open;
    case Field::kHigh:
      return &Ohlcv::high;
    case Field::kLow:
      return &Ohlcv::low;
    case Field::kVolume:
      return &Ohlcv::volume;
    case Field::kAmount:
      return &Ohlcv::amount;
    case Field::kClose:
      break;
  }
  return &Ohlcv::close;
}

template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<Result<T>> {
  using type = T;
};

template <FieldMask kMask, auto kMake>
struct Binding {
  using State =
      typename ResultValue<std::invoke_result_t<decltype(kMake), ParamValues, Convention>>::type;

  // REQUIRES: out has one column per output, each as long as the input (compute_indicator_into
  // checks).
  static Status compute(const OhlcvColumns& bars, ParamValues params, Convention convention,
                        OutputSpans out) {
    auto made = kMake(params, convention);
    if (!made) return made.status();
    State& state = *made;
    const size_t length = out[0].size();
    auto store = [&](size_t bar_idx, const auto& point) {
      const auto values = values_of(point);
      for (size_t out_idx = 0; out_idx < values.size(); ++out_idx) {
        out[out_idx][bar_idx] = values[out_idx];
      }
    };
    if constexpr (kTakesBar<State>) {
      run_bars<kMask>(state, bars, length, store);
    } else {
      const std::span<const double> column = bars.column(kSingleField<kMask>);
      for (size_t bar_idx = 0; bar_idx < length; ++bar_idx) {
        store(bar_idx, state.update(column[bar_idx]));
      }
    }
    return Status::ok();
  }

  static Result<std::unique_ptr<IndicatorStream>> stream(ParamValues params,
                                                         Convention convention) {
    auto made = kMake(params, convention);
    if (!made) return made.status();
    return std::unique_ptr<IndicatorStream>(std::make_unique<StateStream<State>>(
        std::move(made).value(), member_of(kSingleField<kMask>)));
  }
};

}  // namespace mystocks::indicators::glue
