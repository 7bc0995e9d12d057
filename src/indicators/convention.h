// Convention: which published definition an indicator follows when the TA-Lib and the Chinese
// brokerage (通达信/同花顺) formulas differ. Chosen per call; never a global setting.
// Thread-safety: constant data and pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace mystocks::indicators {

enum class Convention : uint8_t {
  kTaLib,        // TA-Lib 0.6 defaults: SMA-seeded EMAs, Wilder smoothing, aligned multi-outputs
  kChinaBroker,  // 通达信/同花顺 formula text: first-value seeds, SMA(X,N,M), MACD bar =
                 // 2*(DIF-DEA)
};

// Stable names used by the registry and the API: "ta_lib" and "china_broker".
std::string_view convention_name(Convention convention);

// Parses a stable name; anything else is kInvalidArgument naming the accepted values.
Result<Convention> parse_convention(std::string_view name);

}  // namespace mystocks::indicators
