#include "indicators/stochastic.h"

#include "indicators/batch.h"
#include "indicators/params.h"

namespace mystocks::indicators {

namespace {

constexpr FieldMask kHlc = fields(Field::kHigh, Field::kLow, Field::kClose);

}  // namespace

Status validate(const StochParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("fastk", params.fastk));
  MYSTOCKS_RETURN_IF_ERROR(check_period("slowk", params.slowk));
  return check_period("slowd", params.slowd);
}

Status validate(const KdjParams& params) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", params.n));
  MYSTOCKS_RETURN_IF_ERROR(check_period("m1", params.m1));
  return check_period("m2", params.m2);
}

StochState::StochState(const StochParams& params, bool china)
    : range_(params.fastk),
      china_(china),
      ta_k_(SmaState::create(china ? 1 : params.slowk).value()),
      ta_d_(SmaState::create(china ? 1 : params.slowd).value()),
      china_k_(EmaState::create_sma_nm(params.slowk, 1).value()),
      china_d_(EmaState::create_sma_nm(params.slowd, 1).value()) {}

Result<StochState> StochState::create(const StochParams& params, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(validate(params));
  return StochState(params, convention == Convention::kChinaBroker);
}

Result<KdjState> KdjState::create(const KdjParams& params, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(validate(params));
  auto stoch = StochState::create(StochParams{params.n, params.m1, params.m2}, convention);
  if (!stoch) return stoch.status();
  return KdjState(std::move(stoch).value());
}

Result<WrState> WrState::create(int period, Convention convention) {
  MYSTOCKS_RETURN_IF_ERROR(check_period("n", period));
  return WrState(period, convention == Convention::kTaLib ? -100.0 : 100.0);
}

Result<StochColumns> stoch(const OhlcvColumns& bars, const StochParams& params,
                           Convention convention) {
  auto length = check_columns(bars, kHlc);
  if (!length) return length.status();
  auto state = StochState::create(params, convention);
  if (!state) return state.status();
  StochColumns out{std::vector<double>(*length), std::vector<double>(*length)};
  run_bars<kHlc>(*state, bars, *length, [&](size_t bar_idx, const StochPoint& point) {
    out.k[bar_idx] = point.k;
    out.d[bar_idx] = point.d;
  });
  return out;
}

Result<KdjColumns> kdj(const OhlcvColumns& bars, const KdjParams& params, Convention convention) {
  auto length = check_columns(bars, kHlc);
  if (!length) return length.status();
  auto state = KdjState::create(params, convention);
  if (!state) return state.status();
  KdjColumns out{std::vector<double>(*length), std::vector<double>(*length),
                 std::vector<double>(*length)};
  run_bars<kHlc>(*state, bars, *length, [&](size_t bar_idx, const KdjPoint& point) {
    out.k[bar_idx] = point.k;
    out.d[bar_idx] = point.d;
    out.j[bar_idx] = point.j;
  });
  return out;
}

Result<std::vector<double>> wr(const OhlcvColumns& bars, int period, Convention convention) {
  auto length = check_columns(bars, kHlc);
  if (!length) return length.status();
  auto state = WrState::create(period, convention);
  if (!state) return state.status();
  return run_bars_column<kHlc>(*state, bars, *length);
}

}  // namespace mystocks::indicators
