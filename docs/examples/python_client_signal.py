"""A notebook in a file: daily bars of a few stocks, a moving-average crossover, one chart.

    python3 docs/examples/python_client_signal.py http://127.0.0.1:8080 [out.png] [SYMBOL ...]

Run each "# %%" cell in Jupyter or VS Code, or the whole file as a script (it writes the chart
to out.png, default signal.png). Needs the mystocks package (clients/python) and Debian's
python3-matplotlib; the demo server (`mystocks demo`) has the data. Anonymous access suffices:
market data and indicators are open.
"""
# %% Connect and pick symbols: the first few main-board stocks unless given.
import sys

import matplotlib

matplotlib.use("Agg")  # no display needed; in a notebook, drop this line to see the chart inline
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from mystocks import Client  # noqa: E402

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"
out = sys.argv[2] if len(sys.argv) > 2 else "signal.png"
client = Client(url)
symbols = sys.argv[3:] or list(client.symbols(security_type="stock", board="main").index[:3])

# %% Daily bars, forward-adjusted: one frame per symbol, indexed by Asia/Shanghai midnight.
# Prices arrive as exact decimal.Decimal; convert to float for the arithmetic of a signal.
closes = pd.DataFrame({symbol: client.kline(symbol, "1d", limit=120, adjust="qfq")["close"]
                       for symbol in symbols}).astype(float)
print(closes.tail())

# %% The signal: long while the 5-day mean is above the 20-day mean.
fast, slow = closes.rolling(5).mean(), closes.rolling(20).mean()
position = (fast > slow).astype(int).where(slow.notna())
entries = position.diff() == 1
print("entries per symbol:", entries.sum().to_dict())

# %% The server's own MA agrees with pandas' rolling mean (a check, not part of the signal).
server_ma = client.indicator("ma", symbols[0], "1d", limit=60, n=20)["ma"].astype(float)
gap = (server_ma - slow[symbols[0]].reindex(server_ma.index)).abs().max()
print(f"largest difference between the server's MA(20) and pandas': {gap:.6f}")

# %% Plot: normalised closes, the slow mean, and the entry points.
figure, axes = plt.subplots(len(symbols), 1, figsize=(10, 3 * len(symbols)), sharex=True)
for ax, symbol in zip(axes if len(symbols) > 1 else [axes], symbols):
    ax.plot(closes.index, closes[symbol], label=f"{symbol} close")
    ax.plot(slow.index, slow[symbol], label="MA 20", linestyle="--")
    ax.plot(fast.index, fast[symbol], label="MA 5", linewidth=0.8)
    marks = closes[symbol][entries[symbol]]
    ax.scatter(marks.index, marks.values, marker="^", color="green", label="entry", zorder=3)
    ax.legend(loc="upper left", fontsize=8)
figure.tight_layout()
figure.savefig(out, dpi=80)
print(f"chart written to {out}")
