#include "services/paper_fees.h"

#include <algorithm>

namespace mystocks::services {
namespace {

constexpr int64_t kPartsPerMillion = 1'000'000;

// amount x ppm / 1e6, half up. Amounts stay below 1e13 cents and rates below 1e5 ppm, so the
// product fits in int64.
int64_t rate_of(int64_t amount_cents, int64_t ppm) {
  return (amount_cents * ppm + kPartsPerMillion / 2) / kPartsPerMillion;
}

}  // namespace

int64_t trade_amount_cents(int64_t price_mils, int64_t quantity) {
  return (price_mils * quantity + 5) / 10;
}

TradeFees trade_fees(const FeeSchedule& schedule, bool sell, int64_t amount_cents) {
  TradeFees fees;
  fees.commission_cents =
      std::max(rate_of(amount_cents, schedule.commission_ppm), schedule.commission_min_cents);
  fees.stamp_duty_cents = sell ? rate_of(amount_cents, schedule.stamp_duty_ppm) : 0;
  fees.transfer_fee_cents = rate_of(amount_cents, schedule.transfer_fee_ppm);
  return fees;
}

}  // namespace mystocks::services
