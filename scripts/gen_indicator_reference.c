/* TA-Lib side of scripts/gen_indicator_reference.py: reads tests/golden/indicators/series.csv
 * on stdin and prints reference cases (tests/golden/indicators/README.md format) computed by the
 * TA-Lib C library itself. Built by the Python script against the TA-Lib sources bundled in the
 * npm package talib; not part of the MyStocks build. Composite columns that TA-Lib has no
 * function for (MAROC, MATRIX, BIAS, DMA, EXPMA, KDJ's J) are built from TA-Lib's own SMA/EMA
 * outputs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ta_func.h"

#define kMaxBars 4096

static double open_[kMaxBars], high_[kMaxBars], low_[kMaxBars], close_[kMaxBars],
    volume_[kMaxBars];
static int bars_;

/* Output buffers: TA-Lib writes nb values starting at bar beg; columns are padded with NaN. */
static double raw_[4][kMaxBars];
static double col_[6][kMaxBars];

static void check(TA_RetCode rc, const char* what) {
  if (rc != TA_SUCCESS) {
    fprintf(stderr, "%s failed with TA-Lib code %d\n", what, (int)rc);
    exit(1);
  }
}

static void pad(const double* raw, int beg, int nb, double* out) {
  for (int i = 0; i < bars_; ++i) out[i] = NAN;
  for (int i = 0; i < nb; ++i) out[beg + i] = raw[i];
}

/* TA_SMA / TA_EMA over the defined suffix of a padded column. */
static void ma_of(const double* in, int period, int ema, double* out) {
  int first = 0;
  while (first < bars_ && isnan(in[first])) ++first;
  for (int i = 0; i < bars_; ++i) out[i] = NAN;
  if (first >= bars_) return;
  int beg = 0, nb = 0;
  static double tmp[kMaxBars];
  if (period == 1) {
    for (int i = first; i < bars_; ++i) out[i] = in[i];
    return;
  }
  TA_RetCode rc = ema ? TA_EMA(0, bars_ - first - 1, in + first, period, &beg, &nb, tmp)
                      : TA_SMA(0, bars_ - first - 1, in + first, period, &beg, &nb, tmp);
  check(rc, "moving average");
  for (int i = 0; i < nb; ++i) out[first + beg + i] = tmp[i];
}

static void begin_case(const char* name, const char* indicator, const char* params) {
  printf("case %s\nindicator %s\nconvention ta_lib\n", name, indicator);
  if (params[0] != '\0') printf("params %s\n", params);
  printf("input series.csv\n----\n");
}

static void emit(const char* name, const double* column) {
  printf("%s", name);
  for (int i = 0; i < bars_; ++i) {
    if (isnan(column[i]))
      printf(" nan");
    else
      printf(" %.17g", column[i]);
  }
  printf("\n");
}

static void end_case(void) { printf("\n"); }

static void read_series(void) {
  char line[512];
  if (!fgets(line, sizeof line, stdin)) exit(1); /* header */
  while (fgets(line, sizeof line, stdin) && bars_ < kMaxBars) {
    double amount;
    if (sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf", &open_[bars_], &high_[bars_], &low_[bars_],
               &close_[bars_], &volume_[bars_], &amount) == 6) {
      ++bars_;
    }
  }
}

int main(void) {
  int beg, nb;
  char params[128];
  read_series();
  const int end = bars_ - 1;

  static const int ma_periods[] = {5, 20};
  for (int k = 0; k < 2; ++k) {
    int n = ma_periods[k];
    check(TA_SMA(0, end, close_, n, &beg, &nb, raw_[0]), "SMA");
    pad(raw_[0], beg, nb, col_[0]);
    snprintf(params, sizeof params, "n=%d", n);
    char name[64];
    snprintf(name, sizeof name, "ta_ma_%d", n);
    begin_case(name, "ma", params), emit("ma", col_[0]), end_case();
  }
  static const int ema_periods[] = {12, 30};
  for (int k = 0; k < 2; ++k) {
    int n = ema_periods[k];
    check(TA_EMA(0, end, close_, n, &beg, &nb, raw_[0]), "EMA");
    pad(raw_[0], beg, nb, col_[0]);
    snprintf(params, sizeof params, "n=%d", n);
    char name[64];
    snprintf(name, sizeof name, "ta_ema_%d", n);
    begin_case(name, "ema", params), emit("ema", col_[0]), end_case();
  }
  check(TA_WMA(0, end, close_, 10, &beg, &nb, raw_[0]), "WMA");
  pad(raw_[0], beg, nb, col_[0]);
  begin_case("ta_wma_10", "wma", "n=10"), emit("wma", col_[0]), end_case();

  static const int macd_sets[][3] = {{12, 26, 9}, {5, 35, 5}};
  for (int k = 0; k < 2; ++k) {
    const int* p = macd_sets[k];
    check(TA_MACD(0, end, close_, p[0], p[1], p[2], &beg, &nb, raw_[0], raw_[1], raw_[2]), "MACD");
    for (int c = 0; c < 3; ++c) pad(raw_[c], beg, nb, col_[c]);
    snprintf(params, sizeof params, "fast=%d slow=%d signal=%d", p[0], p[1], p[2]);
    char name[64];
    snprintf(name, sizeof name, "ta_macd_%d_%d_%d", p[0], p[1], p[2]);
    begin_case(name, "macd", params);
    emit("dif", col_[0]), emit("dea", col_[1]), emit("hist", col_[2]), end_case();
  }

  static const int rsi_periods[] = {14, 6};
  for (int k = 0; k < 2; ++k) {
    int n = rsi_periods[k];
    check(TA_RSI(0, end, close_, n, &beg, &nb, raw_[0]), "RSI");
    pad(raw_[0], beg, nb, col_[0]);
    snprintf(params, sizeof params, "n=%d", n);
    char name[64];
    snprintf(name, sizeof name, "ta_rsi_%d", n);
    begin_case(name, "rsi", params), emit("rsi", col_[0]), end_case();
  }

  static const int stoch_sets[][3] = {{5, 3, 3}, {14, 3, 5}};
  for (int k = 0; k < 2; ++k) {
    const int* p = stoch_sets[k];
    check(TA_STOCH(0, end, high_, low_, close_, p[0], p[1], TA_MAType_SMA, p[2], TA_MAType_SMA,
                   &beg, &nb, raw_[0], raw_[1]),
          "STOCH");
    for (int c = 0; c < 2; ++c) pad(raw_[c], beg, nb, col_[c]);
    snprintf(params, sizeof params, "fastk=%d slowk=%d slowd=%d", p[0], p[1], p[2]);
    char name[64];
    snprintf(name, sizeof name, "ta_stoch_%d_%d_%d", p[0], p[1], p[2]);
    begin_case(name, "stoch", params), emit("k", col_[0]), emit("d", col_[1]), end_case();
  }
  /* KDJ under the TA-Lib convention is STOCH(n, m1, SMA, m2, SMA) plus J = 3K - 2D. */
  check(TA_STOCH(0, end, high_, low_, close_, 9, 3, TA_MAType_SMA, 3, TA_MAType_SMA, &beg, &nb,
                 raw_[0], raw_[1]),
        "STOCH");
  for (int c = 0; c < 2; ++c) pad(raw_[c], beg, nb, col_[c]);
  for (int i = 0; i < bars_; ++i) col_[2][i] = 3.0 * col_[0][i] - 2.0 * col_[1][i];
  begin_case("ta_kdj_9_3_3", "kdj", "n=9 m1=3 m2=3");
  emit("k", col_[0]), emit("d", col_[1]), emit("j", col_[2]), end_case();

  static const struct { int n; double width; } boll_sets[] = {{20, 2.0}, {10, 1.5}};
  for (int k = 0; k < 2; ++k) {
    check(TA_BBANDS(0, end, close_, boll_sets[k].n, boll_sets[k].width, boll_sets[k].width,
                    TA_MAType_SMA, &beg, &nb, raw_[0], raw_[1], raw_[2]),
          "BBANDS");
    for (int c = 0; c < 3; ++c) pad(raw_[c], beg, nb, col_[c]);
    snprintf(params, sizeof params, "n=%d width=%g", boll_sets[k].n, boll_sets[k].width);
    char name[64];
    snprintf(name, sizeof name, "ta_boll_%d", boll_sets[k].n);
    begin_case(name, "boll", params);
    emit("mid", col_[1]), emit("upper", col_[0]), emit("lower", col_[2]), end_case();
  }

  static const int atr_periods[] = {14, 5};
  for (int k = 0; k < 2; ++k) {
    int n = atr_periods[k];
    check(TA_ATR(0, end, high_, low_, close_, n, &beg, &nb, raw_[0]), "ATR");
    pad(raw_[0], beg, nb, col_[0]);
    snprintf(params, sizeof params, "n=%d", n);
    char name[64];
    snprintf(name, sizeof name, "ta_atr_%d", n);
    begin_case(name, "atr", params), emit("atr", col_[0]), end_case();
  }

  check(TA_OBV(0, end, close_, volume_, &beg, &nb, raw_[0]), "OBV");
  pad(raw_[0], beg, nb, col_[0]);
  begin_case("ta_obv", "obv", ""), emit("obv", col_[0]), end_case();

  static const int cci_periods[] = {14, 20};
  for (int k = 0; k < 2; ++k) {
    int n = cci_periods[k];
    check(TA_CCI(0, end, high_, low_, close_, n, &beg, &nb, raw_[0]), "CCI");
    pad(raw_[0], beg, nb, col_[0]);
    snprintf(params, sizeof params, "n=%d", n);
    char name[64];
    snprintf(name, sizeof name, "ta_cci_%d", n);
    begin_case(name, "cci", params), emit("cci", col_[0]), end_case();
  }

  check(TA_WILLR(0, end, high_, low_, close_, 14, &beg, &nb, raw_[0]), "WILLR");
  pad(raw_[0], beg, nb, col_[0]);
  begin_case("ta_wr_14", "wr", "n=14"), emit("wr", col_[0]), end_case();

  static const int dmi_periods[] = {14, 7};
  for (int k = 0; k < 2; ++k) {
    int n = dmi_periods[k];
    check(TA_PLUS_DI(0, end, high_, low_, close_, n, &beg, &nb, raw_[0]), "PLUS_DI");
    pad(raw_[0], beg, nb, col_[0]);
    check(TA_MINUS_DI(0, end, high_, low_, close_, n, &beg, &nb, raw_[0]), "MINUS_DI");
    pad(raw_[0], beg, nb, col_[1]);
    check(TA_ADX(0, end, high_, low_, close_, n, &beg, &nb, raw_[0]), "ADX");
    pad(raw_[0], beg, nb, col_[2]);
    check(TA_ADXR(0, end, high_, low_, close_, n, &beg, &nb, raw_[0]), "ADXR");
    pad(raw_[0], beg, nb, col_[3]);
    snprintf(params, sizeof params, "n=%d", n);
    char name[64];
    snprintf(name, sizeof name, "ta_dmi_%d", n);
    begin_case(name, "dmi", params);
    emit("pdi", col_[0]), emit("mdi", col_[1]), emit("adx", col_[2]), emit("adxr", col_[3]);
    end_case();
  }

  check(TA_ROC(0, end, close_, 12, &beg, &nb, raw_[0]), "ROC");
  pad(raw_[0], beg, nb, col_[0]);
  ma_of(col_[0], 6, 0, col_[1]);
  begin_case("ta_roc_12_6", "roc", "n=12 m=6"), emit("roc", col_[0]), emit("maroc", col_[1]);
  end_case();

  check(TA_MFI(0, end, high_, low_, close_, volume_, 14, &beg, &nb, raw_[0]), "MFI");
  pad(raw_[0], beg, nb, col_[0]);
  begin_case("ta_mfi_14", "mfi", "n=14"), emit("mfi", col_[0]), end_case();

  check(TA_SMA(0, end, close_, 6, &beg, &nb, raw_[0]), "SMA");
  pad(raw_[0], beg, nb, col_[1]);
  for (int i = 0; i < bars_; ++i) col_[0][i] = 100.0 * (close_[i] - col_[1][i]) / col_[1][i];
  begin_case("ta_bias_6", "bias", "n=6"), emit("bias", col_[0]), end_case();

  static const double sar_sets[][2] = {{0.02, 0.2}, {0.04, 0.3}};
  for (int k = 0; k < 2; ++k) {
    check(TA_SAR(0, end, high_, low_, sar_sets[k][0], sar_sets[k][1], &beg, &nb, raw_[0]), "SAR");
    pad(raw_[0], beg, nb, col_[0]);
    snprintf(params, sizeof params, "step=%g max=%g", sar_sets[k][0], sar_sets[k][1]);
    char name[64];
    snprintf(name, sizeof name, "ta_sar_%d", k + 1);
    begin_case(name, "sar", params), emit("sar", col_[0]), end_case();
  }

  check(TA_TRIX(0, end, close_, 12, &beg, &nb, raw_[0]), "TRIX");
  pad(raw_[0], beg, nb, col_[0]);
  ma_of(col_[0], 9, 0, col_[1]);
  begin_case("ta_trix_12_9", "trix", "n=12 m=9"), emit("trix", col_[0]), emit("matrix", col_[1]);
  end_case();

  ma_of(close_, 10, 0, col_[2]);
  ma_of(close_, 50, 0, col_[3]);
  for (int i = 0; i < bars_; ++i) col_[0][i] = col_[2][i] - col_[3][i];
  ma_of(col_[0], 10, 0, col_[1]);
  begin_case("ta_dma_10_50_10", "dma", "n1=10 n2=50 m=10");
  emit("dif", col_[0]), emit("difma", col_[1]), end_case();

  ma_of(close_, 12, 1, col_[0]);
  ma_of(close_, 50, 1, col_[1]);
  begin_case("ta_expma_12_50", "expma", "n1=12 n2=50");
  emit("exp1", col_[0]), emit("exp2", col_[1]), end_case();

  ma_of(volume_, 5, 0, col_[0]);
  ma_of(volume_, 10, 0, col_[1]);
  begin_case("ta_vol_ma_5_10", "vol_ma", "n1=5 n2=10");
  emit("mavol1", col_[0]), emit("mavol2", col_[1]), end_case();
  return 0;
}
