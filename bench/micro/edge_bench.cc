// Micro benchmarks of the per-request edge path: symbol parsing, request ids, the router's
// dispatch of GET /health (envelope rendering included) and metric updates.
#include <benchmark/benchmark.h>

#include "api/system_routes.h"
#include "core/clock.h"
#include "core/decimal.h"
#include "core/metrics.h"
#include "core/symbol.h"
#include "gateway/request_id.h"
#include "gateway/router.h"

namespace mystocks {
namespace {

void BM_SymbolParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Symbol::parse("sh.600519"));
}
BENCHMARK(BM_SymbolParse);

void BM_DecimalParse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Decimal::parse("1850.01", 2));
}
BENCHMARK(BM_DecimalParse);

void BM_GenerateRequestId(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(gateway::generate_request_id());
}
BENCHMARK(BM_GenerateRequestId);

void BM_CounterInc(benchmark::State& state) {
  static MetricsRegistry registry;
  Counter& counter = registry.counter("bench_total", "Bench.").get();
  for (auto _ : state) counter.inc();
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_RouterHealth(benchmark::State& state) {
  MetricsRegistry metrics;
  HealthChecks health;
  gateway::RouteRegistry registry;
  if (!api::register_system_routes(registry, {.metrics = &metrics, .health = &health,
                                              .registry = &registry, .version = "bench"})
           .is_ok()) {
    state.SkipWithError("route registration failed");
    return;
  }
  gateway::Router router(registry, metrics, SystemClock::instance());
  for (auto _ : state) {
    gateway::HttpRequest request;
    request.target = "/health";
    benchmark::DoNotOptimize(router.handle(request));
  }
}
BENCHMARK(BM_RouterHealth);

}  // namespace
}  // namespace mystocks
