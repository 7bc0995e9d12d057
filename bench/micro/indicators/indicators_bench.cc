// Throughput of every registered indicator over 1 M bars, reported as bars/s (items_per_second):
//  - into/NAME[/CONVENTION]: compute_indicator_into with caller-owned output columns reused
//    across calls, the hot-path API (default parameters, each convention where they differ);
//  - alloc/NAME: compute_indicator, which allocates fresh output vectors on every call;
//  - stream/NAME: the registry's incremental form, one virtual update per bar;
//  - BM_*StateUpdate: a typed state updated in a plain loop.
// Run from a Release build; docs/performance.md has the table.
#include <benchmark/benchmark.h>

#include <cmath>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "indicators/macd.h"
#include "indicators/moving_average.h"
#include "indicators/registry.h"
#include "indicators/stochastic.h"

namespace mystocks::indicators {
namespace {

constexpr size_t kBars = 1'000'000;

struct Series {
  std::vector<double> open, high, low, close, volume, amount;
  OhlcvColumns columns() const { return {open, high, low, close, volume, amount}; }
};

const Series& series() {
  static const Series data = [] {
    Series s;
    std::mt19937_64 rng(1);
    std::normal_distribution<double> step(0.0, 0.02);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    double close = 50.0;
    for (size_t bar_idx = 0; bar_idx < kBars; ++bar_idx) {
      const double open = close * (1.0 + step(rng) / 4.0);
      close = std::max(1.0, std::round(close * (1.0 + step(rng)) * 100.0) / 100.0);
      const double high = std::max(open, close) * (1.0 + unit(rng) * 0.01);
      const double low = std::min(open, close) * (1.0 - unit(rng) * 0.01);
      const double volume = std::floor(1000.0 + unit(rng) * 100000.0);
      s.open.push_back(open);
      s.high.push_back(high);
      s.low.push_back(low);
      s.close.push_back(close);
      s.volume.push_back(volume);
      s.amount.push_back(volume * close);
    }
    return s;
  }();
  return data;
}

void into(benchmark::State& state, const IndicatorSpec* spec, Convention convention) {
  const OhlcvColumns bars = series().columns();
  OutputColumns columns(spec->outputs.size(), std::vector<double>(kBars));
  std::vector<std::span<double>> out(columns.begin(), columns.end());
  for (auto _ : state) {
    Status status = compute_indicator_into(spec->name, bars, {}, convention, out);
    if (!status.is_ok()) {
      state.SkipWithError(status.to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}

void alloc(benchmark::State& state, const IndicatorSpec* spec, Convention convention) {
  const OhlcvColumns bars = series().columns();
  for (auto _ : state) {
    auto result = compute_indicator(spec->name, bars, {}, convention);
    if (!result.is_ok()) {
      state.SkipWithError(result.status().to_string().c_str());
      return;
    }
    benchmark::DoNotOptimize(result->columns.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}

void stream(benchmark::State& state, const IndicatorSpec* spec, Convention convention) {
  const Series& s = series();
  std::vector<double> out(spec->outputs.size());
  for (auto _ : state) {
    auto made = make_stream(spec->name, {}, convention);
    IndicatorStream& indicator = **made;
    for (size_t bar_idx = 0; bar_idx < kBars; ++bar_idx) {
      indicator.update({s.open[bar_idx], s.high[bar_idx], s.low[bar_idx], s.close[bar_idx],
                        s.volume[bar_idx], s.amount[bar_idx]},
                       out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}

// The typed incremental states, without the registry's virtual call per bar.
void BM_EmaStateUpdate(benchmark::State& state) {
  const auto& close = series().close;
  for (auto _ : state) {
    EmaState ema = EmaState::create(12, Convention::kTaLib).value();
    double last = 0.0;
    for (double value : close) last = ema.update(value);
    benchmark::DoNotOptimize(last);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}
BENCHMARK(BM_EmaStateUpdate)->Unit(benchmark::kMillisecond);

void BM_MacdStateUpdate(benchmark::State& state) {
  const auto& close = series().close;
  for (auto _ : state) {
    MacdState macd = MacdState::create({}, Convention::kChinaBroker).value();
    MacdPoint last;
    for (double value : close) last = macd.update(value);
    benchmark::DoNotOptimize(last);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBars));
}
BENCHMARK(BM_MacdStateUpdate)->Unit(benchmark::kMillisecond);

// Google Benchmark keeps the name pointer; the names live here for the whole run.
std::deque<std::string>& names() {
  static std::deque<std::string> storage;
  return storage;
}

const char* name_of(std::string name) { return names().emplace_back(std::move(name)).c_str(); }

const bool kRegistered = [] {
  for (const IndicatorSpec& spec : all_indicators()) {
    for (Convention convention : {Convention::kTaLib, Convention::kChinaBroker}) {
      if (!spec.convention_sensitive && convention == Convention::kChinaBroker) continue;
      const std::string suffix =
          spec.convention_sensitive ? "/" + std::string(convention_name(convention)) : "";
      benchmark::RegisterBenchmark(name_of("into/" + std::string(spec.name) + suffix), into, &spec,
                                   convention)
          ->Unit(benchmark::kMillisecond);
    }
  }
  for (const char* name : {"ma", "macd", "kdj"}) {
    benchmark::RegisterBenchmark(name_of(std::string("alloc/") + name + "/china_broker"), alloc,
                                 find_indicator(name), Convention::kChinaBroker)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(name_of(std::string("stream/") + name + "/china_broker"), stream,
                                 find_indicator(name), Convention::kChinaBroker)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace mystocks::indicators
