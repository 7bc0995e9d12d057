// The registry table: one entry per indicator, its parameters and outputs as data, and a state
// factory bound (catalog_glue.h) to the batch and incremental entry points. Defaults of
// multi-parameter indicators come from the typed parameter structs so the two cannot drift.
#include "indicators/catalog_glue.h"
#include "indicators/params.h"
#include "indicators/rsi.h"
#include "indicators/sar.h"
#include "indicators/volume.h"

namespace mystocks::indicators {

namespace {

using glue::as_int;

constexpr double kMax = kMaxPeriod;
constexpr FieldMask kClose = fields(Field::kClose);
constexpr FieldMask kHighLow = fields(Field::kHigh, Field::kLow);
constexpr FieldMask kHlc = fields(Field::kHigh, Field::kLow, Field::kClose);
constexpr FieldMask kHlcv = fields(Field::kHigh, Field::kLow, Field::kClose, Field::kVolume);
constexpr FieldMask kCloseVolume = fields(Field::kClose, Field::kVolume);
constexpr FieldMask kVolume = fields(Field::kVolume);

constexpr ParamSpec period(std::string_view name, int default_value, std::string_view description,
                           int min = kMinPeriod) {
  return {name, ParamType::kInteger, static_cast<double>(default_value), static_cast<double>(min),
          kMax, description};
}

constexpr std::string_view kMaAliases[] = {"sma"};
constexpr ParamSpec kMaParams[] = {period("n", 5, "window in bars")};
constexpr std::string_view kMaOutputs[] = {"ma"};

constexpr ParamSpec kEmaParams[] = {period("n", 12, "period in bars; alpha = 2/(n+1)")};
constexpr std::string_view kEmaOutputs[] = {"ema"};

constexpr ParamSpec kWmaParams[] = {period("n", 10, "window in bars; weights 1..n")};
constexpr std::string_view kWmaOutputs[] = {"wma"};

constexpr ParamSpec kMacdParams[] = {
    period("fast", MacdParams{}.fast, "fast EMA period; must be less than slow"),
    period("slow", MacdParams{}.slow, "slow EMA period"),
    period("signal", MacdParams{}.signal, "EMA period of DIF giving DEA")};
constexpr std::string_view kMacdOutputs[] = {"dif", "dea", "hist"};

constexpr ParamSpec kRsiParams[] = {period("n", 14, "averaging period of gains and losses")};
constexpr std::string_view kRsiOutputs[] = {"rsi"};

constexpr ParamSpec kKdjParams[] = {period("n", KdjParams{}.n, "RSV window in bars"),
                                    period("m1", KdjParams{}.m1, "smoothing of RSV into K"),
                                    period("m2", KdjParams{}.m2, "smoothing of K into D")};
constexpr std::string_view kKdjOutputs[] = {"k", "d", "j"};

constexpr ParamSpec kStochParams[] = {
    period("fastk", StochParams{}.fastk, "RSV (fast %K) window in bars"),
    period("slowk", StochParams{}.slowk, "smoothing of fast %K into K"),
    period("slowd", StochParams{}.slowd, "smoothing of K into D")};
constexpr std::string_view kStochOutputs[] = {"k", "d"};

constexpr ParamSpec kBollParams[] = {
    period("n", BollParams{}.n, "window in bars", 2),
    {"width", ParamType::kReal, BollParams{}.width, 0.0, 100.0, "band half-width in deviations"}};
constexpr std::string_view kBollOutputs[] = {"mid", "upper", "lower"};

constexpr ParamSpec kAtrParams[] = {period("n", 14, "averaging period of the true range")};
constexpr std::string_view kAtrOutputs[] = {"atr"};

constexpr std::string_view kObvOutputs[] = {"obv"};

constexpr ParamSpec kCciParams[] = {period("n", 14, "window in bars")};
constexpr std::string_view kCciOutputs[] = {"cci"};

constexpr ParamSpec kWrParams[] = {period("n", 14, "window in bars")};
constexpr std::string_view kWrOutputs[] = {"wr"};

constexpr ParamSpec kDmiParams[] = {
    period("n", DmiParams{}.n, "directional movement window"),
    period("m", DmiParams{}.m, "ADX smoothing and ADXR lag (china_broker only; TA-Lib uses n)")};
constexpr std::string_view kDmiOutputs[] = {"pdi", "mdi", "adx", "adxr"};

constexpr ParamSpec kRocParams[] = {period("n", RocParams{}.n, "lag in bars"),
                                    period("m", RocParams{}.m, "MA window of ROC")};
constexpr std::string_view kRocOutputs[] = {"roc", "maroc"};

constexpr ParamSpec kMfiParams[] = {period("n", 14, "window in bars")};
constexpr std::string_view kMfiOutputs[] = {"mfi"};

constexpr ParamSpec kBiasParams[] = {period("n", 6, "MA window in bars")};
constexpr std::string_view kBiasOutputs[] = {"bias"};

constexpr ParamSpec kPsyParams[] = {period("n", PsyParams{}.n, "window in bars"),
                                    period("m", PsyParams{}.m, "MA window of PSY")};
constexpr std::string_view kPsyOutputs[] = {"psy", "psyma"};

constexpr ParamSpec kVwapParams[] = {period("n", 0, "window in bars; 0 = from the first bar", 0)};
constexpr std::string_view kVwapOutputs[] = {"vwap"};

constexpr ParamSpec kSarParams[] = {
    {"step", ParamType::kReal, SarParams{}.step, 0.001, 1.0, "acceleration start and increment"},
    {"max", ParamType::kReal, SarParams{}.max, 0.001, 1.0, "acceleration cap"}};
constexpr std::string_view kSarOutputs[] = {"sar"};

constexpr ParamSpec kTrixParams[] = {period("n", TrixParams{}.n, "period of each EMA"),
                                     period("m", TrixParams{}.m, "MA window of TRIX")};
constexpr std::string_view kTrixOutputs[] = {"trix", "matrix"};

constexpr ParamSpec kDmaParams[] = {period("n1", DmaParams{}.n1, "short MA window"),
                                    period("n2", DmaParams{}.n2, "long MA window"),
                                    period("m", DmaParams{}.m, "MA window of DIF")};
constexpr std::string_view kDmaOutputs[] = {"dif", "difma"};

constexpr ParamSpec kExpmaParams[] = {period("n1", ExpmaParams{}.n1, "first EMA period"),
                                      period("n2", ExpmaParams{}.n2, "second EMA period")};
constexpr std::string_view kExpmaOutputs[] = {"exp1", "exp2"};

constexpr ParamSpec kVolMaParams[] = {period("n1", VolMaParams{}.n1, "first MA window"),
                                      period("n2", VolMaParams{}.n2, "second MA window")};
constexpr std::string_view kVolMaOutputs[] = {"mavol1", "mavol2"};

// State factories: registry parameter values (in spec order) -> typed parameters.
Result<SmaState> make_ma(ParamValues p, Convention) { return SmaState::create(as_int(p[0])); }
Result<EmaState> make_ema(ParamValues p, Convention c) { return EmaState::create(as_int(p[0]), c); }
Result<WmaState> make_wma(ParamValues p, Convention) { return WmaState::create(as_int(p[0])); }
Result<MacdState> make_macd(ParamValues p, Convention c) {
  return MacdState::create({as_int(p[0]), as_int(p[1]), as_int(p[2])}, c);
}
Result<RsiState> make_rsi(ParamValues p, Convention c) { return RsiState::create(as_int(p[0]), c); }
Result<KdjState> make_kdj(ParamValues p, Convention c) {
  return KdjState::create({as_int(p[0]), as_int(p[1]), as_int(p[2])}, c);
}
Result<StochState> make_stoch(ParamValues p, Convention c) {
  return StochState::create({as_int(p[0]), as_int(p[1]), as_int(p[2])}, c);
}
Result<BollState> make_boll(ParamValues p, Convention c) {
  return BollState::create({as_int(p[0]), p[1]}, c);
}
Result<AtrState> make_atr(ParamValues p, Convention c) { return AtrState::create(as_int(p[0]), c); }
Result<ObvState> make_obv(ParamValues, Convention c) { return ObvState::create(c); }
Result<CciState> make_cci(ParamValues p, Convention) { return CciState::create(as_int(p[0])); }
Result<WrState> make_wr(ParamValues p, Convention c) { return WrState::create(as_int(p[0]), c); }
Result<DmiState> make_dmi(ParamValues p, Convention c) {
  return DmiState::create({as_int(p[0]), as_int(p[1])}, c);
}
Result<RocState> make_roc(ParamValues p, Convention) {
  return RocState::create({as_int(p[0]), as_int(p[1])});
}
Result<MfiState> make_mfi(ParamValues p, Convention) { return MfiState::create(as_int(p[0])); }
Result<BiasState> make_bias(ParamValues p, Convention) { return BiasState::create(as_int(p[0])); }
Result<PsyState> make_psy(ParamValues p, Convention) {
  return PsyState::create({as_int(p[0]), as_int(p[1])});
}
Result<VwapState> make_vwap(ParamValues p, Convention) { return VwapState::create(as_int(p[0])); }
Result<SarState> make_sar(ParamValues p, Convention) { return SarState::create({p[0], p[1]}); }
Result<TrixState> make_trix(ParamValues p, Convention c) {
  return TrixState::create({as_int(p[0]), as_int(p[1])}, c);
}
Result<DmaState> make_dma(ParamValues p, Convention) {
  return DmaState::create({as_int(p[0]), as_int(p[1]), as_int(p[2])});
}
Result<ExpmaState> make_expma(ParamValues p, Convention c) {
  return ExpmaState::create({as_int(p[0]), as_int(p[1])}, c);
}
Result<VolMaState> make_vol_ma(ParamValues p, Convention) {
  return VolMaState::create({as_int(p[0]), as_int(p[1])});
}

template <FieldMask kMask, auto kMake>
constexpr ComputeFn kCompute = &glue::Binding<kMask, kMake>::compute;
template <FieldMask kMask, auto kMake>
constexpr StreamFn kStream = &glue::Binding<kMask, kMake>::stream;

// constexpr: constant-initialised, so code running during static initialisation (route or
// benchmark registration in other files) already sees the full table.
constexpr IndicatorSpec kIndicators[] = {
    {"ma", kMaAliases, "Moving average (MA/SMA)", "Arithmetic mean of the close over n bars.",
     kClose, false, kMaParams, kMaOutputs, kCompute<kClose, make_ma>, kStream<kClose, make_ma>},
    {"ema",
     {},
     "Exponential moving average",
     "EMA of the close; TA-Lib seeds with the SMA of the first n bars, China brokers with the "
     "first close.",
     kClose,
     true,
     kEmaParams,
     kEmaOutputs,
     kCompute<kClose, make_ema>,
     kStream<kClose, make_ema>},
    {"wma",
     {},
     "Weighted moving average",
     "Linearly weighted mean of the close over n bars.",
     kClose,
     false,
     kWmaParams,
     kWmaOutputs,
     kCompute<kClose, make_wma>,
     kStream<kClose, make_wma>},
    {"macd",
     {},
     "MACD",
     "DIF = EMA(fast) - EMA(slow), DEA = EMA(DIF, signal), histogram (DIF-DEA for TA-Lib, "
     "2*(DIF-DEA) for China brokers).",
     kClose,
     true,
     kMacdParams,
     kMacdOutputs,
     kCompute<kClose, make_macd>,
     kStream<kClose, make_macd>},
    {"rsi",
     {},
     "Relative strength index",
     "Share of average gains in average moves; Wilder smoothing (TA-Lib) or SMA(X,N,1) "
     "(China brokers).",
     kClose,
     true,
     kRsiParams,
     kRsiOutputs,
     kCompute<kClose, make_rsi>,
     kStream<kClose, make_rsi>},
    {"kdj",
     {},
     "KDJ",
     "Stochastic K and D with J = 3K - 2D; SMA smoothing (TA-Lib) or SMA(X,N,1) (China "
     "brokers).",
     kHlc,
     true,
     kKdjParams,
     kKdjOutputs,
     kCompute<kHlc, make_kdj>,
     kStream<kHlc, make_kdj>},
    {"stoch",
     {},
     "Stochastic oscillator",
     "Slow %K and %D (TA-Lib STOCH with SMA smoothing, or SMA(X,N,1) for China brokers).",
     kHlc,
     true,
     kStochParams,
     kStochOutputs,
     kCompute<kHlc, make_stoch>,
     kStream<kHlc, make_stoch>},
    {"boll",
     {},
     "Bollinger bands",
     "MA of the close +/- width standard deviations (population for TA-Lib, sample for "
     "China brokers).",
     kClose,
     true,
     kBollParams,
     kBollOutputs,
     kCompute<kClose, make_boll>,
     kStream<kClose, make_boll>},
    {"atr",
     {},
     "Average true range",
     "Wilder average (TA-Lib) or MA (China brokers) of the true range.",
     kHlc,
     true,
     kAtrParams,
     kAtrOutputs,
     kCompute<kHlc, make_atr>,
     kStream<kHlc, make_atr>},
    {"obv",
     {},
     "On-balance volume",
     "Running sum of volume signed by the close's direction; TA-Lib starts from the first "
     "volume, China brokers from zero at bar 1.",
     kCloseVolume,
     true,
     {},
     kObvOutputs,
     kCompute<kCloseVolume, make_obv>,
     kStream<kCloseVolume, make_obv>},
    {"cci",
     {},
     "Commodity channel index",
     "(TP - MA(TP)) / (0.015 * mean deviation of TP).",
     kHlc,
     false,
     kCciParams,
     kCciOutputs,
     kCompute<kHlc, make_cci>,
     kStream<kHlc, make_cci>},
    {"wr",
     {},
     "Williams %R",
     "Distance of the close below the n-bar high; -100..0 (TA-Lib) or 0..100 (China "
     "brokers).",
     kHlc,
     true,
     kWrParams,
     kWrOutputs,
     kCompute<kHlc, make_wr>,
     kStream<kHlc, make_wr>},
    {"dmi",
     {},
     "Directional movement (DMI/ADX)",
     "+DI, -DI, ADX and ADXR; Wilder smoothing (TA-Lib) or plain sums and MA (China "
     "brokers).",
     kHlc,
     true,
     kDmiParams,
     kDmiOutputs,
     kCompute<kHlc, make_dmi>,
     kStream<kHlc, make_dmi>},
    {"roc",
     {},
     "Rate of change",
     "Percent change of the close over n bars and its MA.",
     kClose,
     false,
     kRocParams,
     kRocOutputs,
     kCompute<kClose, make_roc>,
     kStream<kClose, make_roc>},
    {"mfi",
     {},
     "Money flow index",
     "Share of rising typical-price money flow over n bars.",
     kHlcv,
     false,
     kMfiParams,
     kMfiOutputs,
     kCompute<kHlcv, make_mfi>,
     kStream<kHlcv, make_mfi>},
    {"bias",
     {},
     "Bias ratio (BIAS)",
     "Percent distance of the close from its n-bar MA.",
     kClose,
     false,
     kBiasParams,
     kBiasOutputs,
     kCompute<kClose, make_bias>,
     kStream<kClose, make_bias>},
    {"psy",
     {},
     "Psychological line (PSY)",
     "Percent of rising closes over n bars and its MA.",
     kClose,
     false,
     kPsyParams,
     kPsyOutputs,
     kCompute<kClose, make_psy>,
     kStream<kClose, make_psy>},
    {"vwap",
     {},
     "Volume-weighted average price",
     "SUM(TP*V)/SUM(V) over n bars, or from the first bar when n = 0.",
     kHlcv,
     false,
     kVwapParams,
     kVwapOutputs,
     kCompute<kHlcv, make_vwap>,
     kStream<kHlcv, make_vwap>},
    {"sar",
     {},
     "Parabolic SAR",
     "Wilder's stop and reverse, as TA-Lib computes it.",
     kHighLow,
     false,
     kSarParams,
     kSarOutputs,
     kCompute<kHighLow, make_sar>,
     kStream<kHighLow, make_sar>},
    {"trix",
     {},
     "TRIX",
     "One-bar percent change of a triple EMA, and its MA.",
     kClose,
     true,
     kTrixParams,
     kTrixOutputs,
     kCompute<kClose, make_trix>,
     kStream<kClose, make_trix>},
    {"dma",
     {},
     "Difference of moving averages (DMA)",
     "MA(n1) - MA(n2) of the close, and its MA.",
     kClose,
     false,
     kDmaParams,
     kDmaOutputs,
     kCompute<kClose, make_dma>,
     kStream<kClose, make_dma>},
    {"expma",
     {},
     "EXPMA",
     "Two EMAs of the close, seeded per convention.",
     kClose,
     true,
     kExpmaParams,
     kExpmaOutputs,
     kCompute<kClose, make_expma>,
     kStream<kClose, make_expma>},
    {"vol_ma",
     {},
     "Volume moving averages",
     "Two MAs of the volume (MAVOL1, MAVOL2).",
     kVolume,
     false,
     kVolMaParams,
     kVolMaOutputs,
     kCompute<kVolume, make_vol_ma>,
     kStream<kVolume, make_vol_ma>},
};

}  // namespace

std::span<const IndicatorSpec> all_indicators() { return kIndicators; }

}  // namespace mystocks::indicators
