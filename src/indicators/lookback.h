// Lookback: how many bars an indicator consumes before every one of its outputs is defined (TA-Lib
// calls it the lookback; the API warms up by it by default). It depends on the parameters and the
// convention, so it is measured on the indicator itself: the indicator runs over a fixed, smooth,
// non-degenerate probe series and the first bar where all outputs are finite gives the count.
// Exact for every indicator whose undefined values are only the leading ones (all of the
// registry's); bounded by `max_bars`.
// Thread-safety: a pure function; safe from any thread.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "indicators/registry.h"

namespace mystocks::indicators {

// Bars before the first fully defined output, at most `max_bars` (also when the indicator needs
// more). Errors: the parameter errors of compute_indicator (kInvalidArgument naming them).
Result<int64_t> lookback_bars(const IndicatorSpec& spec, const ParamMap& params,
                              Convention convention, int64_t max_bars);

}  // namespace mystocks::indicators
