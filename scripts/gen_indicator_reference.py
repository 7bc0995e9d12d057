#!/usr/bin/env python3
"""Generates the indicator reference data in tests/golden/indicators/.

  series.csv                 a fixed 300-bar OHLCV series (deterministic pseudo-random walk)
  reference_china_broker.test  values of the 通达信 formula texts, evaluated here by a small
                             array interpreter written from the formula definitions (REF, MA,
                             EMA, SMA(X,N,M), HHV, LLV, SUM, STD, AVEDEV, COUNT), independent of
                             the C++ code
  reference_ta_lib.test      values computed by the TA-Lib C library (the sources bundled in the
                             npm package talib@2.0.5, TA-Lib 0.6.0-dev), through
                             scripts/gen_indicator_reference.c

Usage:
  scripts/gen_indicator_reference.py                 # series + China-broker reference
  scripts/gen_indicator_reference.py --talib DIR     # also the TA-Lib reference; DIR is the
                                                     # TA-Lib source root (contains include/ and
                                                     # src/ta_func), e.g. from
                                                     # `npm pack talib@2.0.5` -> package/src/lib
Rerun after changing the series; commit the generated files.
"""
import argparse
import math
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "golden", "indicators")
BARS = 300


def make_series():
    """A random walk around 20 with A-share tick size 0.01, some flat closes and flat bars."""
    rng = random.Random(20240607)
    rows = []
    close = 20.0
    for bar in range(BARS):
        prev = close
        if bar % 37 == 5:
            close = prev  # unchanged close: exercises the 'equal' branches
        else:
            drift = 0.15 * math.sin(bar / 40.0)
            close = round(max(1.0, prev * (1.0 + rng.gauss(drift / 100.0, 0.018))), 2)
        open_ = round(prev * (1.0 + rng.gauss(0.0, 0.006)), 2)
        if bar % 53 == 7:
            high = low = open_ = close  # a one-price bar (limit-up style)
        else:
            high = round(max(open_, close) * (1.0 + abs(rng.gauss(0.0, 0.008))), 2)
            low = round(min(open_, close) * (1.0 - abs(rng.gauss(0.0, 0.008))), 2)
        volume = float(100 * rng.randint(2000, 60000))
        amount = round(volume * (high + low + close) / 3.0, 2)
        rows.append((open_, high, low, close, volume, amount))
    return rows


# ---- A tiny interpreter of 通达信 formula functions over whole columns. None = invalid (the
# ---- formula language's 'no value'); any arithmetic with None gives None.

def lift(fn):
    def apply(*cols):
        return [None if any(v is None for v in vals) else fn(*vals) for vals in zip(*cols)]
    return apply


add = lift(lambda a, b: a + b)
sub = lift(lambda a, b: a - b)
mul = lift(lambda a, b: a * b)
div = lift(lambda a, b: None if b == 0 else a / b)


def const(value, n):
    return [value] * n


def REF(x, n):
    return [None] * n + x[:-n] if n > 0 else list(x)


def MA(x, n):
    out = []
    for i in range(len(x)):
        window = x[i - n + 1:i + 1] if i + 1 >= n else None
        out.append(None if window is None or None in window else sum(window) / n)
    return out


def SUM(x, n):
    if n == 0:  # cumulative from the first valid value
        out, total = [], None
        for v in x:
            if v is not None:
                total = v if total is None else total + v
            out.append(total if v is not None else None)
        return out
    return [None if v is None else v * n for v in MA(x, n)]


def SMA(x, n, m):
    """Y = (M*X + (N-M)*Y') / N, starting from the first valid X."""
    out, y = [], None
    for v in x:
        if v is None:
            out.append(None)
            continue
        y = v if y is None else (m * v + (n - m) * y) / n
        out.append(y)
    return out


def EMA(x, n):
    return SMA(x, n + 1, 2)


def WMA(x, n):
    out = []
    for i in range(len(x)):
        window = x[i - n + 1:i + 1] if i + 1 >= n else None
        if window is None or None in window:
            out.append(None)
        else:
            out.append(sum((k + 1) * v for k, v in enumerate(window)) / (n * (n + 1) / 2))
    return out


def rolling(x, n, fn):
    out = []
    for i in range(len(x)):
        window = x[i - n + 1:i + 1] if i + 1 >= n else None
        out.append(None if window is None or None in window else fn(window))
    return out


def HHV(x, n):
    return rolling(x, n, max)


def LLV(x, n):
    return rolling(x, n, min)


def STD(x, n):  # 通达信 STD: sample standard deviation
    def sample_std(w):
        mean = sum(w) / len(w)
        return math.sqrt(sum((v - mean) ** 2 for v in w) / (len(w) - 1))
    return rolling(x, n, sample_std)


def AVEDEV(x, n):
    def mean_dev(w):
        mean = sum(w) / len(w)
        return sum(abs(v - mean) for v in w) / len(w)
    return rolling(x, n, mean_dev)


def COUNT(cond, n):
    return rolling(cond, n, lambda w: float(sum(1 for v in w if v)))


MAX = lift(max)
ABS = lift(abs)
GT = lift(lambda a, b: 1.0 if a > b else 0.0)
LT = lift(lambda a, b: 1.0 if a < b else 0.0)
EQ = lift(lambda a, b: 1.0 if a == b else 0.0)
IF = lift(lambda c, a, b: a if c else b)


def china_cases(rows):
    O, H, L, C, V = ([r[k] for r in rows] for k in range(5))
    n_bars = len(C)
    K = lambda v: const(v, n_bars)
    cases = []

    def case(name, indicator, params, outputs):
        cases.append((name, indicator, params, outputs))

    for n in (5, 20):
        case(f"cn_ma_{n}", "ma", f"n={n}", [("ma", MA(C, n))])
    for n in (12, 30):
        case(f"cn_ema_{n}", "ema", f"n={n}", [("ema", EMA(C, n))])
    case("cn_wma_10", "wma", "n=10", [("wma", WMA(C, 10))])
    for s, l, m in ((12, 26, 9), (5, 35, 5)):
        DIF = sub(EMA(C, s), EMA(C, l))
        DEA = EMA(DIF, m)
        case(f"cn_macd_{s}_{l}_{m}", "macd", f"fast={s} slow={l} signal={m}",
             [("dif", DIF), ("dea", DEA), ("hist", mul(sub(DIF, DEA), K(2.0)))])
    for n in (6, 14):
        LC = REF(C, 1)
        RSI = mul(div(SMA(MAX(sub(C, LC), K(0.0)), n, 1), SMA(ABS(sub(C, LC)), n, 1)), K(100.0))
        case(f"cn_rsi_{n}", "rsi", f"n={n}", [("rsi", RSI)])
    for n, m1, m2 in ((9, 3, 3), (14, 5, 4)):
        RSV = mul(div(sub(C, LLV(L, n)), sub(HHV(H, n), LLV(L, n))), K(100.0))
        KK = SMA(RSV, m1, 1)
        DD = SMA(KK, m2, 1)
        JJ = sub(mul(K(3.0), KK), mul(K(2.0), DD))
        case(f"cn_kdj_{n}_{m1}_{m2}", "kdj", f"n={n} m1={m1} m2={m2}",
             [("k", KK), ("d", DD), ("j", JJ)])
        case(f"cn_stoch_{n}_{m1}_{m2}", "stoch", f"fastk={n} slowk={m1} slowd={m2}",
             [("k", KK), ("d", DD)])
    for n, width in ((20, 2.0), (10, 1.5)):
        MID = MA(C, n)
        SPREAD = mul(K(width), STD(C, n))
        case(f"cn_boll_{n}", "boll", f"n={n} width={width:g}",
             [("mid", MID), ("upper", add(MID, SPREAD)), ("lower", sub(MID, SPREAD))])
    MTR = MAX(MAX(sub(H, L), ABS(sub(REF(C, 1), H))), ABS(sub(REF(C, 1), L)))
    for n in (14, 5):
        case(f"cn_atr_{n}", "atr", f"n={n}", [("atr", MA(MTR, n))])
    VA = IF(GT(C, REF(C, 1)), V, mul(V, K(-1.0)))
    case("cn_obv", "obv", "", [("obv", SUM(IF(EQ(C, REF(C, 1)), K(0.0), VA), 0))])
    TYP = div(add(add(H, L), C), K(3.0))
    for n in (14, 20):
        CCI = div(sub(TYP, MA(TYP, n)), mul(K(0.015), AVEDEV(TYP, n)))
        case(f"cn_cci_{n}", "cci", f"n={n}", [("cci", CCI)])
    for n in (10, 14):
        WR = mul(K(100.0), div(sub(HHV(H, n), C), sub(HHV(H, n), LLV(L, n))))
        case(f"cn_wr_{n}", "wr", f"n={n}", [("wr", WR)])
    for n, m in ((14, 6), (10, 4)):
        TR = SUM(MTR, n)
        HD = sub(H, REF(H, 1))
        LD = sub(REF(L, 1), L)
        DMP = SUM(IF(lift(lambda a, b: a > 0 and a > b)(HD, LD), HD, K(0.0)), n)
        DMM = SUM(IF(lift(lambda a, b: a > 0 and a > b)(LD, HD), LD, K(0.0)), n)
        PDI = div(mul(DMP, K(100.0)), TR)
        MDI = div(mul(DMM, K(100.0)), TR)
        ADX = MA(mul(div(ABS(sub(MDI, PDI)), add(MDI, PDI)), K(100.0)), m)
        ADXR = div(add(ADX, REF(ADX, m)), K(2.0))
        case(f"cn_dmi_{n}_{m}", "dmi", f"n={n} m={m}",
             [("pdi", PDI), ("mdi", MDI), ("adx", ADX), ("adxr", ADXR)])
    ROC = mul(K(100.0), div(sub(C, REF(C, 12)), REF(C, 12)))
    case("cn_roc_12_6", "roc", "n=12 m=6", [("roc", ROC), ("maroc", MA(ROC, 6))])
    for n in (14, 6):
        POS = SUM(IF(GT(TYP, REF(TYP, 1)), mul(TYP, V), K(0.0)), n)
        NEG = SUM(IF(LT(TYP, REF(TYP, 1)), mul(TYP, V), K(0.0)), n)
        # V1 = POS/NEG; with no falling flow V1 is infinite and MFI reaches its limit, 100.
        MFI = lift(lambda p, q: 100.0 if q == 0 and p > 0 else
                   (None if q == 0 else 100.0 - 100.0 / (1.0 + p / q)))(POS, NEG)
        case(f"cn_mfi_{n}", "mfi", f"n={n}", [("mfi", MFI)])
    for n in (6, 24):
        BIAS = mul(div(sub(C, MA(C, n)), MA(C, n)), K(100.0))
        case(f"cn_bias_{n}", "bias", f"n={n}", [("bias", BIAS)])
    PSY = mul(div(COUNT(GT(C, REF(C, 1)), 12), K(12.0)), K(100.0))
    case("cn_psy_12_6", "psy", "n=12 m=6", [("psy", PSY), ("psyma", MA(PSY, 6))])
    case("cn_vwap_cumulative", "vwap", "n=0", [("vwap", div(SUM(mul(TYP, V), 0), SUM(V, 0)))])
    case("cn_vwap_20", "vwap", "n=20", [("vwap", div(SUM(mul(TYP, V), 20), SUM(V, 20)))])
    MTRIX = EMA(EMA(EMA(C, 12), 12), 12)
    TRIX = mul(div(sub(MTRIX, REF(MTRIX, 1)), REF(MTRIX, 1)), K(100.0))
    case("cn_trix_12_9", "trix", "n=12 m=9", [("trix", TRIX), ("matrix", MA(TRIX, 9))])
    DIF = sub(MA(C, 10), MA(C, 50))
    case("cn_dma_10_50_10", "dma", "n1=10 n2=50 m=10", [("dif", DIF), ("difma", MA(DIF, 10))])
    case("cn_expma_12_50", "expma", "n1=12 n2=50", [("exp1", EMA(C, 12)), ("exp2", EMA(C, 50))])
    case("cn_vol_ma_5_10", "vol_ma", "n1=5 n2=10", [("mavol1", MA(V, 5)), ("mavol2", MA(V, 10))])
    return cases


def fmt(value):
    return "nan" if value is None else repr(float(value))


def write_china(path, cases):
    with open(path, "w", encoding="utf-8") as out:
        out.write("# Reference values under the China-broker convention (通达信/同花顺 formula texts).\n")
        out.write("# Source: scripts/gen_indicator_reference.py, an array interpreter of the formula\n")
        out.write("# functions written from their definitions, independent of src/indicators.\n")
        out.write("# Input: series.csv. Regenerate with: python3 scripts/gen_indicator_reference.py\n\n")
        for name, indicator, params, outputs in cases:
            out.write(f"case {name}\nindicator {indicator}\nconvention china_broker\n")
            if params:
                out.write(f"params {params}\n")
            out.write("input series.csv\n----\n")
            for column, values in outputs:
                out.write(column + " " + " ".join(fmt(v) for v in values) + "\n")
            out.write("\n")


def write_talib(path, talib_dir, series_path):
    include = os.path.join(talib_dir, "include")
    sources = [os.path.join(talib_dir, "src", "ta_common", f)
               for f in sorted(os.listdir(os.path.join(talib_dir, "src", "ta_common")))
               if f.endswith(".c")]
    func_dir = os.path.join(talib_dir, "src", "ta_func")
    sources += [os.path.join(func_dir, f) for f in sorted(os.listdir(func_dir)) if f.endswith(".c")]
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "talib_reference")
        subprocess.run(["gcc", "-O1", "-w", "-I", include,
                        "-I", os.path.join(talib_dir, "src", "ta_common"),
                        os.path.join(ROOT, "scripts", "gen_indicator_reference.c"), *sources,
                        "-lm", "-o", exe], check=True)
        with open(series_path, encoding="utf-8") as series:
            body = subprocess.run([exe], stdin=series, check=True, capture_output=True,
                                  text=True).stdout
    with open(path, "w", encoding="utf-8") as out:
        out.write("# Reference values under the TA-Lib convention.\n")
        out.write("# Source: the TA-Lib C library 0.6.0-dev, as bundled in the npm package\n")
        out.write("# talib@2.0.5 (package/src/lib), driven by scripts/gen_indicator_reference.c.\n")
        out.write("# Columns TA-Lib has no function for (MAROC, MATRIX, BIAS, DMA, EXPMA, VOL MA,\n")
        out.write("# KDJ's J) are composed in that driver from TA-Lib's own SMA/EMA outputs.\n")
        out.write("# Input: series.csv. Regenerate with:\n")
        out.write("#   python3 scripts/gen_indicator_reference.py --talib <TA-Lib source root>\n\n")
        out.write(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--talib", help="TA-Lib source root (include/, src/ta_func/)")
    args = parser.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    rows = make_series()
    series_path = os.path.join(OUT_DIR, "series.csv")
    with open(series_path, "w", encoding="utf-8") as out:
        out.write("open,high,low,close,volume,amount\n")
        for row in rows:
            out.write(",".join(f"{v:.2f}" for v in row) + "\n")
    write_china(os.path.join(OUT_DIR, "reference_china_broker.test"), china_cases(rows))
    if args.talib:
        write_talib(os.path.join(OUT_DIR, "reference_ta_lib.test"), args.talib, series_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
