#include "storage/tsdb/bucket.h"

#include "core/timestamp.h"

namespace mystocks::tsdb {
namespace {

constexpr int64_t kAuctionOpen = (9 * 60 + 15) * kMillisPerMinute;
constexpr int64_t kMorningOpen = (9 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kMorningClose = (11 * 60 + 30) * kMillisPerMinute;
constexpr int64_t kAfternoonOpen = 13 * 60 * kMillisPerMinute;
constexpr int64_t kAfternoonClose = 15 * 60 * kMillisPerMinute;
constexpr int64_t kAfterClose = (15 * 60 + 30) * kMillisPerMinute;

int64_t floor_div(int64_t value, int64_t divisor) {
  const int64_t quotient = value / divisor;
  return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient;
}

}  // namespace

Result<Bucketer> Bucketer::make(int64_t interval_ms, storage::BucketAlignment alignment) {
  if (interval_ms <= 0) {
    return field_error(ErrorCode::kInvalidArgument, "interval_ms",
                       "interval_ms {} is invalid: expected a positive number of milliseconds",
                       interval_ms);
  }
  if (alignment == storage::BucketAlignment::kEpoch) return Bucketer(interval_ms, alignment, 0, false);
  if (interval_ms >= kMillisPerDay) return Bucketer(interval_ms, alignment, 0, true);
  const int64_t minutes = interval_ms / kMillisPerMinute;
  if (interval_ms % kMillisPerMinute != 0 || 120 % minutes != 0) {
    return field_error(ErrorCode::kInvalidArgument, "interval_ms",
                       "interval_ms {} does not fit trading sessions: expected whole minutes that "
                       "divide 120 (60000, 300000, 900000, 1800000, 3600000, ...) or at least a "
                       "day (86400000)",
                       interval_ms);
  }
  return Bucketer(interval_ms, alignment, minutes, false);
}

Bucketer::Span Bucketer::span(int64_t ts) const {
  if (alignment_ == storage::BucketAlignment::kEpoch) {
    const int64_t start = floor_div(ts, interval_ms_) * interval_ms_;
    const int64_t end = start > INT64_MAX - interval_ms_ ? INT64_MAX : start + interval_ms_;
    return {start, start, end};
  }
  // Every trading-session rule changes on a whole local minute (09:15, 09:30, 11:30, 13:00,
  // 15:00, 15:30), so the bucket is constant within a minute.
  const int64_t minute = floor_div(ts + kShanghaiOffsetMs, kMillisPerMinute) * kMillisPerMinute -
                         kShanghaiOffsetMs;
  return {bucket_start(ts), minute, minute + kMillisPerMinute};
}

int64_t Bucketer::bucket_start(int64_t ts) const {
  if (alignment_ == storage::BucketAlignment::kEpoch) {
    return floor_div(ts, interval_ms_) * interval_ms_;
  }
  const int64_t local = ts + kShanghaiOffsetMs;
  const int64_t day = floor_div(local, kMillisPerDay);
  const int64_t ms = local - day * kMillisPerDay;
  if (ms < kAuctionOpen || ms >= kAfterClose) return kNoBucket;
  const int64_t midnight = day * kMillisPerDay - kShanghaiOffsetMs;
  if (daily_) return midnight;
  int64_t minute = 0;  // trading minute index 0..239
  if (ms < kMorningOpen) {
    minute = 0;
  } else if (ms < kMorningClose) {
    minute = (ms - kMorningOpen) / kMillisPerMinute;
  } else if (ms < kAfternoonOpen) {
    minute = 119;
  } else if (ms < kAfternoonClose) {
    minute = 120 + (ms - kAfternoonOpen) / kMillisPerMinute;
  } else {
    minute = 239;
  }
  const int64_t first = minute / minutes_ * minutes_;
  const int64_t local_start =
      first < 120 ? kMorningOpen + first * kMillisPerMinute
                  : kAfternoonOpen + (first - 120) * kMillisPerMinute;
  return midnight + local_start;
}

}  // namespace mystocks::tsdb
