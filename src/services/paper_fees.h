// Paper-trading fee arithmetic for A-share fills, in exact integer cents: broker commission (a
// rate with a minimum per fill, both sides), stamp duty (sells only) and the exchange transfer
// fee (both sides). Rates are integers in parts per million so that no fee is ever a float;
// each fee is rounded half up to the cent on its own, as broker statements show them.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>

namespace mystocks::services {

// Defaults are the typical retail A-share schedule (2023-08 onwards): commission 0.025 % with a
// 5 yuan minimum, stamp duty 0.05 % on sells, transfer fee 0.001 % of the amount.
struct FeeSchedule {
  int64_t commission_ppm = 250;        // commission rate, parts per million of the amount
  int64_t commission_min_cents = 500;  // smallest commission per fill, cents
  int64_t stamp_duty_ppm = 500;        // stamp duty on sells, ppm
  int64_t transfer_fee_ppm = 10;       // transfer fee on both sides, ppm
};

struct TradeFees {
  int64_t commission_cents = 0;
  int64_t stamp_duty_cents = 0;
  int64_t transfer_fee_cents = 0;
  int64_t total_cents() const { return commission_cents + stamp_duty_cents + transfer_fee_cents; }
};

// price (0.001 yuan) x quantity, in cents, rounded half up.
int64_t trade_amount_cents(int64_t price_mils, int64_t quantity);

// The fees of one fill of `amount_cents`.
TradeFees trade_fees(const FeeSchedule& schedule, bool sell, int64_t amount_cents);

}  // namespace mystocks::services
