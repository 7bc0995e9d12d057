#include "sources/simulator/price_rules.h"

#include <cmath>

namespace mystocks::sources {

int64_t to_cents(double yuan) {
  const int64_t cents = static_cast<int64_t>(std::floor(yuan * 100.0 + 0.5));
  return cents < kTickCents ? kTickCents : cents;
}

}  // namespace mystocks::sources
