// The well-known A-shares that open every simulated universe, so the symbols a new user reads in
// the docs and the OpenAPI examples (贵州茅台 600519.SH, 平安银行 000001.SZ, ...) exist in the
// demo. Their attributes are fixed (no random draws), so adding them changes nothing else the seed
// makes. Immutable data and pure functions: safe from any thread.
#pragma once

#include <span>

#include "sources/simulator/universe.h"

namespace mystocks::sources {

// The well-known securities in universe order; a universe of N symbols holds the first
// min(N, size) of them, then random ones.
std::span<const SecurityInfo> well_known_securities();

}  // namespace mystocks::sources
