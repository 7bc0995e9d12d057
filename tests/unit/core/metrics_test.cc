#include "core/metrics.h"

#include <thread>

#include <gtest/gtest.h>

namespace mystocks {
namespace {

TEST(MetricsTest, ExposesCountersGaugesAndHistogramsInTextFormat) {
  MetricsRegistry registry;
  registry.counter("http_requests_total", "Requests served.", {"method", "status"})
      .with({"GET", "200"})
      .inc(3);
  registry.gauge("connections", "Open connections.").get().set(2);
  Histogram& latency =
      registry.histogram("latency_seconds", "Latency.", {"route"}, {0.1, 1}).with({"/health"});
  latency.observe(0.05);
  latency.observe(0.5);
  latency.observe(5);
  registry.gauge_callback("uptime_seconds", "Uptime.", [] { return 7.5; });
  const std::string text = registry.expose();
  EXPECT_NE(text.find("# TYPE http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("http_requests_total{method=\"GET\",status=\"200\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("connections 2\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/health\",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/health\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/health\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_count{route=\"/health\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("latency_seconds_sum{route=\"/health\"} 5.55\n"), std::string::npos);
  EXPECT_NE(text.find("uptime_seconds 7.5\n"), std::string::npos);
}

TEST(MetricsTest, EscapesLabelValues) {
  MetricsRegistry registry;
  registry.counter("odd_total", "Help with \\ backslash.", {"path"}).with({"a\"b\\c\nd"}).inc();
  const std::string text = registry.expose();
  EXPECT_NE(text.find(R"(odd_total{path="a\"b\\c\nd"} 1)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(# HELP odd_total Help with \\ backslash.)"), std::string::npos) << text;
}

TEST(MetricsTest, ConcurrentIncrementsAreNotLost) {
  MetricsRegistry registry;
  Counter& counter = registry.counter("hits_total", "Hits.").get();
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) counter.inc();
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter.value(), 40000);
}

TEST(MetricsTest, SameNameReturnsSameFamily) {
  MetricsRegistry registry;
  auto& first = registry.counter("x_total", "X.");
  auto& second = registry.counter("x_total", "X.");
  EXPECT_EQ(&first, &second);
}

}  // namespace
}  // namespace mystocks
