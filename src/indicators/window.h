// Sliding-window building blocks shared by the indicator states: a lag buffer, a rolling sum, a
// rolling maximum/minimum and rolling mean/variance over the last `capacity` pushed values.
// Invariants: capacity >= 1 (callers validate periods first); NaN is never pushed (indicator
// states skip missing bars before they reach a window). Running sums are recomputed exactly each
// time the ring wraps, so rounding error stays bounded by one window however long a stream runs.
// Thread-safety: none; one owner at a time, like the states that hold them.
#pragma once

#include <cstddef>
#include <vector>

namespace mystocks::indicators {

// The last `capacity` values; ago(0) is the newest.
class LagBuffer {
 public:
  explicit LagBuffer(size_t capacity) : values_(capacity) {}

  void push(double value) {
    values_[next_] = value;
    next_ = next_ + 1 == values_.size() ? 0 : next_ + 1;
    if (size_ < values_.size()) ++size_;
  }
  bool full() const { return size_ == values_.size(); }
  size_t size() const { return size_; }
  // REQUIRES: bars_ago < size().
  double ago(size_t bars_ago) const {
    size_t idx = next_ + values_.size() - 1 - bars_ago;
    return values_[idx >= values_.size() ? idx - values_.size() : idx];
  }

 private:
  std::vector<double> values_;
  size_t next_ = 0;
  size_t size_ = 0;
};

// Sum of the last `capacity` values.
class RollingSum {
 public:
  explicit RollingSum(size_t capacity) : values_(capacity) {}

  void push(double value) {
    if (size_ == values_.size()) {
      sum_ += value - values_[next_];
      nonzero_ -= values_[next_] != 0.0;
    } else {
      sum_ += value;
      ++size_;
    }
    nonzero_ += value != 0.0;
    values_[next_] = value;
    if (++next_ == values_.size()) {
      next_ = 0;
      // Exact re-summation once per wrap bounds the drift of add/subtract updates.
      double exact = 0.0;
      for (double v : values_) exact += v;
      sum_ = exact;
    }
  }
  bool full() const { return size_ == values_.size(); }
  size_t size() const { return size_; }
  // Exactly 0 for a window of zeros (add/subtract residue would otherwise make, say, an MFI of
  // all-rising flows 99.99999999999999 instead of 100).
  double sum() const { return nonzero_ == 0 ? 0.0 : sum_; }
  // The values in the window in ring order (fine for order-free statistics such as CCI's mean
  // deviation). Only meaningful once full().
  const std::vector<double>& values() const { return values_; }

 private:
  std::vector<double> values_;
  size_t next_ = 0;
  size_t size_ = 0;
  size_t nonzero_ = 0;
  double sum_ = 0.0;
};

// Maximum (kMax) or minimum (kMin) of the last `capacity` values: a monotonic deque, amortised
// O(1) per push and O(capacity) memory whatever the data.
enum class Extremum : bool { kMax, kMin };

template <Extremum kKind>
class RollingExtremum {
 public:
  explicit RollingExtremum(size_t capacity) : window_(capacity), deque_(capacity) {}

  void push(double value) {
    ++pushed_;
    // Drop entries that can never be the answer again: dominated by the newer value.
    while (count_ > 0 && dominated(deque_[back_index()].value, value)) --count_;
    if (count_ > 0 && deque_[head_].seq + window_ <= pushed_) {
      head_ = head_ + 1 == deque_.size() ? 0 : head_ + 1;
      --count_;
    }
    size_t slot = head_ + count_;
    deque_[slot >= deque_.size() ? slot - deque_.size() : slot] = {value, pushed_};
    ++count_;
  }
  bool full() const { return pushed_ >= window_; }
  // REQUIRES: at least one value pushed.
  double value() const { return deque_[head_].value; }

 private:
  struct Entry {
    double value;
    size_t seq;
  };
  static bool dominated(double old_value, double new_value) {
    return kKind == Extremum::kMax ? old_value <= new_value : old_value >= new_value;
  }
  size_t back_index() const {
    size_t slot = head_ + count_ - 1;
    return slot >= deque_.size() ? slot - deque_.size() : slot;
  }

  size_t window_;
  std::vector<Entry> deque_;
  size_t head_ = 0;
  size_t count_ = 0;
  size_t pushed_ = 0;
};

// Mean and variance of the last `capacity` values. Uses Welford-style sliding updates (stable
// for prices far from zero, where sum-of-squares formulas cancel) plus an exact two-pass
// recomputation on every wrap.
class RollingMoments {
 public:
  explicit RollingMoments(size_t capacity) : values_(capacity) {}

  void push(double value) {
    const double n = static_cast<double>(values_.size());
    if (size_ == values_.size()) {
      const double old_value = values_[next_];
      const double old_mean = mean_;
      mean_ += (value - old_value) / n;
      m2_ += (value - old_value) * (value - mean_ + old_value - old_mean);
    } else {
      ++size_;
      const double delta = value - mean_;
      mean_ += delta / static_cast<double>(size_);
      m2_ += delta * (value - mean_);
    }
    values_[next_] = value;
    if (++next_ == values_.size()) {
      next_ = 0;
      recompute();
    }
    if (m2_ < 0.0) m2_ = 0.0;  // rounding can push a zero variance slightly negative
  }
  bool full() const { return size_ == values_.size(); }
  double mean() const { return mean_; }
  // Sum of squared deviations from the mean.
  double m2() const { return m2_; }

 private:
  void recompute() {
    double sum = 0.0;
    for (double v : values_) sum += v;
    mean_ = sum / static_cast<double>(values_.size());
    double m2 = 0.0;
    for (double v : values_) m2 += (v - mean_) * (v - mean_);
    m2_ = m2;
  }

  std::vector<double> values_;
  size_t next_ = 0;
  size_t size_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
};

}  // namespace mystocks::indicators
