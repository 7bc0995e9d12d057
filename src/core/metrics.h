// Metrics registry: counters, gauges and histograms with labels, exposed in the Prometheus text
// format (version 0.0.4). Families are created once (usually at start-up) and handed out as
// stable references; updating a metric is lock-free, so hot paths may keep a `Counter&` and
// increment it from any thread. Creating families/children takes a mutex; expose() may run
// concurrently with updates (each value is read atomically, the scrape is not a snapshot).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mystocks {

class Counter {
 public:
  void inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void dec(double amount = 1.0) { value_.fetch_sub(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds` are the finite upper bounds, ascending; +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative count of observations <= bounds()[index] (index == bounds().size() is +Inf).
  uint64_t cumulative_count(size_t index) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket, not cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Default latency buckets in seconds (100 µs .. 10 s).
std::vector<double> default_latency_buckets();

enum class MetricType { kCounter, kGauge, kHistogram };

// All children of one metric name, keyed by label values.
template <typename Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // The child for these label values (created on first use). REQUIRES: one value per label name.
  Metric& with(const std::vector<std::string>& label_values);
  // Shorthand for a family without labels.
  Metric& get() { return with({}); }

  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls `visit(label_values, metric)` for every child in label order.
  template <typename Visit>
  void for_each(Visit&& visit) const {
    std::lock_guard lock(mutex_);
    for (const auto& [labels, metric] : children_) visit(labels, *metric);
  }

 private:
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, std::unique_ptr<Metric>> children_;  // GUARDED_BY(mutex_)
};

class MetricsRegistry {
 public:
  // The process-wide registry the server exposes on /metrics.
  static MetricsRegistry& global();

  // Returns the family, creating it on first use. Registering one name twice with another type
  // or other labels is a programmer error (asserted). Counter names must end in "_total".
  Family<Counter>& counter(const std::string& name, const std::string& help,
                           std::vector<std::string> label_names = {});
  Family<Gauge>& gauge(const std::string& name, const std::string& help,
                       std::vector<std::string> label_names = {});
  Family<Histogram>& histogram(const std::string& name, const std::string& help,
                               std::vector<std::string> label_names = {},
                               std::vector<double> bounds = default_latency_buckets());
  // A gauge computed at scrape time (uptime, pool sizes owned elsewhere).
  void gauge_callback(const std::string& name, const std::string& help,
                      std::function<double()> read);

  // The Prometheus text exposition of every family, sorted by name.
  std::string expose() const;

 private:
  struct Entry {
    MetricType type;
    std::string help;
    std::unique_ptr<Family<Counter>> counters;
    std::unique_ptr<Family<Gauge>> gauges;
    std::unique_ptr<Family<Histogram>> histograms;
    std::function<double()> callback;
  };
  Entry& entry_for(const std::string& name, MetricType type, const std::string& help,
                   const std::vector<std::string>& label_names);

  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // GUARDED_BY(mutex_)
};

template <typename Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& label_values) {
  std::lock_guard lock(mutex_);
  auto it = children_.find(label_values);
  if (it == children_.end()) it = children_.emplace(label_values, make_()).first;
  return *it->second;
}

}  // namespace mystocks
