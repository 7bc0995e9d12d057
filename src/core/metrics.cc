#include "core/metrics.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace mystocks {
namespace {

[[maybe_unused]] bool valid_metric_name(const std::string& name) {  // used by asserts only
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == ':';
  });
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

void append_escaped(std::string& out, const std::string& text, bool escape_quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// name{a="1",b="2"} with optional extra label (le for histogram buckets).
void append_series(std::string& out, const std::string& name, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, const std::string& extra_name = {},
                   const std::string& extra_value = {}) {
  out += name;
  if (names.empty() && extra_name.empty()) return;
  out += '{';
  for (size_t index = 0; index < names.size(); ++index) {
    if (index > 0) out += ',';
    out += names[index];
    out += "=\"";
    append_escaped(out, index < values.size() ? values[index] : std::string(), true);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name + "=\"" + extra_value + "\"";
  }
  out += '}';
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
  for (size_t index = 0; index <= bounds_.size(); ++index) buckets_[index] = 0;
}

void Histogram::observe(double value) {
  const size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

uint64_t Histogram::cumulative_count(size_t index) const {
  uint64_t total = 0;
  for (size_t bucket = 0; bucket <= index && bucket <= bounds_.size(); ++bucket) {
    total += buckets_[bucket].load(std::memory_order_relaxed);
  }
  return total;
}

std::vector<double> default_latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricsRegistry& MetricsRegistry::global() {
  static MetricsRegistry registry;
  return registry;
}

MetricsRegistry::Entry& MetricsRegistry::entry_for(const std::string& name, MetricType type,
                                                   const std::string& help,
                                                   const std::vector<std::string>& label_names) {
  assert(valid_metric_name(name) && "metric names match [a-zA-Z_:][a-zA-Z0-9_:]*");
  assert((type != MetricType::kCounter || name.ends_with("_total")) &&
         "counter names end in _total (Prometheus convention, checked by promtool)");
  auto [it, inserted] = entries_.try_emplace(name);
  Entry& entry = it->second;
  if (inserted) {
    entry.type = type;
    entry.help = help;
  }
  assert(entry.type == type && "metric registered twice with different types");
  (void)label_names;
  return entry;
}

Family<Counter>& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                          std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_for(name, MetricType::kCounter, help, label_names);
  if (!entry.counters) {
    entry.counters = std::make_unique<Family<Counter>>(std::move(label_names),
                                                       [] { return std::make_unique<Counter>(); });
  }
  return *entry.counters;
}

Family<Gauge>& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                                      std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_for(name, MetricType::kGauge, help, label_names);
  if (!entry.gauges) {
    entry.gauges = std::make_unique<Family<Gauge>>(std::move(label_names),
                                                   [] { return std::make_unique<Gauge>(); });
  }
  return *entry.gauges;
}

Family<Histogram>& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                              std::vector<std::string> label_names,
                                              std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_for(name, MetricType::kHistogram, help, label_names);
  if (!entry.histograms) {
    entry.histograms = std::make_unique<Family<Histogram>>(
        std::move(label_names), [bounds] { return std::make_unique<Histogram>(bounds); });
  }
  return *entry.histograms;
}

void MetricsRegistry::gauge_callback(const std::string& name, const std::string& help,
                                     std::function<double()> read) {
  std::lock_guard lock(mutex_);
  Entry& entry = entry_for(name, MetricType::kGauge, help, {});
  entry.callback = std::move(read);
}

std::string MetricsRegistry::expose() const {
  std::lock_guard lock(mutex_);
  std::string out;
  out.reserve(entries_.size() * 256);
  for (const auto& named_entry : entries_) {
    // Plain references, not a structured binding: clang 14 (the fuzz build) cannot capture
    // structured bindings in the lambdas below.
    const std::string& name = named_entry.first;
    const auto& entry = named_entry.second;
    out += "# HELP " + name + " ";
    append_escaped(out, entry.help, false);
    static constexpr const char* kTypeNames[] = {"counter", "gauge", "histogram"};
    out += fmt::format("\n# TYPE {} {}\n", name, kTypeNames[static_cast<int>(entry.type)]);
    if (entry.callback) {
      out += name + " " + format_value(entry.callback()) + "\n";
    }
    if (entry.counters) {
      entry.counters->for_each([&](const auto& labels, const Counter& metric) {
        append_series(out, name, entry.counters->label_names(), labels);
        out += " " + format_value(metric.value()) + "\n";
      });
    }
    if (entry.gauges) {
      entry.gauges->for_each([&](const auto& labels, const Gauge& metric) {
        append_series(out, name, entry.gauges->label_names(), labels);
        out += " " + format_value(metric.value()) + "\n";
      });
    }
    if (entry.histograms) {
      const auto& names = entry.histograms->label_names();
      entry.histograms->for_each([&](const auto& labels, const Histogram& metric) {
        for (size_t index = 0; index <= metric.bounds().size(); ++index) {
          const std::string le =
              index < metric.bounds().size() ? format_value(metric.bounds()[index]) : "+Inf";
          append_series(out, name + "_bucket", names, labels, "le", le);
          out += " " + std::to_string(metric.cumulative_count(index)) + "\n";
        }
        append_series(out, name + "_sum", names, labels);
        out += " " + format_value(metric.sum()) + "\n";
        append_series(out, name + "_count", names, labels);
        out += " " + std::to_string(metric.count()) + "\n";
      });
    }
  }
  return out;
}

}  // namespace mystocks
