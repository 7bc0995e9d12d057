// Bucketer: which aggregation bucket a timestamp falls in (storage::BucketAlignment).
//   kEpoch           start = floor(ts / interval) * interval
//   kTradingSession  A-share trading minutes, Asia/Shanghai. Intervals below a day must be whole
//                    minutes dividing 120 (1, 5, 15, 30, 60 m...), so no bar spans lunch; the
//                    opening auction (09:15-09:30) joins the first minute, 11:30-13:00 the last
//                    morning minute, 15:00-15:30 the last minute; other times are in no bucket.
//                    Intervals of a day or more give one bucket per trading date, labelled with
//                    the date's local midnight (rows 09:15-15:30 only).
// Immutable value type: safe from any thread.
#pragma once

#include <cstdint>
#include <limits>

#include "core/status.h"
#include "storage/time_series_store.h"

namespace mystocks::tsdb {

class Bucketer {
 public:
  static constexpr int64_t kNoBucket = std::numeric_limits<int64_t>::min();

  // INVALID_ARGUMENT naming interval_ms and the accepted values otherwise.
  static Result<Bucketer> make(int64_t interval_ms, storage::BucketAlignment alignment);

  // The start of the bucket holding `ts`, or kNoBucket.
  int64_t bucket_start(int64_t ts) const;

  // bucket_start(ts) together with an interval around ts on which it does not change, so a scan
  // over sorted timestamps computes it once per minute (or interval) instead of once per row.
  struct Span {
    int64_t bucket;
    int64_t valid_from;
    int64_t valid_to;  // exclusive
  };
  Span span(int64_t ts) const;

 private:
  Bucketer(int64_t interval_ms, storage::BucketAlignment alignment, int64_t minutes, bool daily)
      : interval_ms_(interval_ms), alignment_(alignment), minutes_(minutes), daily_(daily) {}

  int64_t interval_ms_;
  storage::BucketAlignment alignment_;
  int64_t minutes_;  // trading alignment below a day: bucket width in trading minutes
  bool daily_;       // trading alignment of a day or more
};

}  // namespace mystocks::tsdb
