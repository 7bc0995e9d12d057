"""Market data against the real server: frames equal the REST JSON, exact decimals, paging."""
import decimal
import time
import unittest
from unittest import mock

import pandas as pd
import requests

from tests.support import demo_server

import mystocks.client
from mystocks import Client, MyStocksError
from mystocks.transport import parse_json


def eventually(read, done, seconds=15):
    """read() until done(answer) holds; the last answer either way (the test checks it)."""
    deadline = time.monotonic() + seconds
    answer = read()
    while not done(answer) and time.monotonic() < deadline:
        time.sleep(0.2)
        answer = read()
    return answer


class MarketTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = demo_server()
        cls.client = Client(cls.server.url)  # market data is open to anonymous callers
        cls.symbol = cls.client.symbols(security_type="stock", board="main").index[0]

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def raw(self, path, **params):
        answer = requests.get(self.server.url + path, params=params, timeout=30)
        self.assertEqual(answer.status_code, 200, answer.text)
        return parse_json(answer.text)["data"]

    def test_kline_frame_equals_the_rest_json_with_a_shanghai_index(self):
        bars = self.client.kline(self.symbol, "1d", limit=60, adjust="qfq")
        body = self.raw("/api/v2/market/kline", symbol=self.symbol, interval="1d", limit=60,
                        adjust="qfq")
        self.assertEqual(len(bars), body["count"])
        self.assertEqual(str(bars.index.tz), "Asia/Shanghai")
        self.assertTrue(bars.index.is_monotonic_increasing)
        self.assertEqual([stamp.value // 1_000_000 for stamp in bars.index], body["data"]["ts"])
        self.assertTrue(all(stamp.hour == 0 and stamp.minute == 0 for stamp in bars.index))
        for column in ("open", "high", "low", "close", "volume", "amount"):
            self.assertEqual(bars[column].tolist(), body["data"][column], column)
        self.assertIsInstance(bars["close"].iloc[-1], decimal.Decimal)
        self.assertEqual(str(bars["volume"].dtype), "int64")

    def test_kline_range_is_split_into_requests_the_server_accepts(self):
        newest = self.client.kline(self.symbol, "1m", limit=2000)
        start, end = newest.index[0], newest.index[-1]
        whole = self.client.kline(self.symbol, "1m", start=start, end=end)
        with mock.patch.dict(mystocks.client._KLINE_SPAN_DAYS, {"1m": 1}):
            split = self.client.kline(self.symbol, "1m", start=start, end=end)
        self.assertEqual(len(whole), len(newest))
        self.assertTrue(split.equals(whole))
        self.assertGreater(len(set(split.index.date)), 1, "the range should span several days")

    def test_weekly_and_monthly_ranges_equal_the_server_answer(self):
        for interval in ("1w", "1M"):
            bars = self.client.kline(self.symbol, interval, start="2026-01-01", adjust="hfq")
            body = self.raw("/api/v2/market/kline", symbol=self.symbol, interval=interval,
                            start="2026-01-01", adjust="hfq")
            self.assertEqual([stamp.value // 1_000_000 for stamp in bars.index],
                             body["data"]["ts"], interval)
            self.assertEqual(bars["close"].tolist(), body["data"]["close"], interval)

    def test_an_answer_that_is_no_envelope_raises(self):
        with self.assertRaisesRegex(MyStocksError, "without a MyStocks envelope"):
            self.client.get("/metrics")

    def test_newest_bars_page_backwards_past_one_answer(self):
        with mock.patch.object(mystocks.client, "_KLINE_PAGE", 7):
            paged = self.client.kline(self.symbol, "1d", limit=30)
        self.assertTrue(paged.equals(self.client.kline(self.symbol, "1d", limit=30)))
        self.assertEqual(len(paged), 30)

    def test_ticks_of_a_range_follow_the_pages(self):
        newest = self.client.ticks(self.symbol, limit=300)
        start, end = newest.index[0], newest.index[-1]
        with mock.patch.object(mystocks.client, "_TICK_PAGE", 97):
            paged = self.client.ticks(self.symbol, start=start, end=end)
        self.assertEqual(len(paged), 300)
        self.assertTrue(paged.equals(newest))
        raw = self.raw("/api/v1/market/ticks", symbol=self.symbol, limit=1000,
                       start=start.value // 1_000_000, end=end.value // 1_000_000)["ticks"]
        self.assertEqual(paged["last"].tolist(), [row["last"] for row in raw])
        self.assertEqual(paged["volume"].tolist(), [row["volume"] for row in raw])

    def test_symbols_follow_every_page(self):
        with mock.patch.object(mystocks.client, "_SYMBOL_PAGE", 3):
            paged = self.client.symbols()
        whole = self.raw("/api/v1/market/symbols", size=500)
        self.assertEqual(list(paged.index), [row["symbol"] for row in whole])
        self.assertEqual(str(paged["updated_at"].dt.tz), "Asia/Shanghai")
        stocks = self.client.symbols(security_type="stock", board="chinext")
        self.assertTrue(len(stocks) > 0 and (stocks["board"] == "chinext").all())

    def test_quotes_index_by_symbol_and_list_the_missing(self):
        # 688999 is no demo security; the index's first snapshot may follow the server's start.
        quotes = eventually(lambda: self.client.quotes([self.symbol, "000300.SH", "688999"]),
                            lambda frame: "000300.SH" in frame.index)
        self.assertEqual(quotes.loc["000300.SH", "source"], "index_quote")
        self.assertIn(self.symbol, quotes.index)
        self.assertEqual(str(quotes["ts"].dt.tz), "Asia/Shanghai")
        self.assertIsInstance(quotes.loc[self.symbol, "last"], decimal.Decimal)
        self.assertEqual(quotes.attrs["missing"], ["688999.SH"])

    def test_indicator_columns_are_its_outputs(self):
        macd = self.client.indicator("macd", self.symbol, "1d", limit=50, warmup=40)
        self.assertEqual(len(macd), 50)
        self.assertEqual(str(macd.index.tz), "Asia/Shanghai")
        self.assertEqual(list(macd.columns), macd.attrs["outputs"])
        closes = self.client.kline(self.symbol, "1d", limit=50)
        self.assertEqual(list(macd.index), list(closes.index))
        ma = self.client.indicator("ma", self.symbol, limit=5, n=3)
        close = self.client.kline(self.symbol, "1d", limit=7)["close"]
        expected = sum(close.iloc[-3:]) / 3
        # Indicator values are served rounded to 4 decimals (docs/indicators.md, "Precision in the API").
        self.assertAlmostEqual(float(ma["ma"].iloc[-1]), float(expected), places=4)

    def test_bad_input_raises_with_code_field_and_request_id(self):
        with self.assertRaises(MyStocksError) as raised:
            self.client.kline("NOT-A-SYMBOL", "1d")
        error = raised.exception
        self.assertEqual((error.status, error.code, error.name), (400, 1001, "INVALID_SYMBOL"))
        self.assertEqual((error.errors[0].field, error.errors[0].code), ("symbol", "INVALID_SYMBOL"))
        self.assertIn("NOT-A-SYMBOL", error.errors[0].message)
        self.assertTrue(error.request_id)
        self.assertEqual(error.retry, "never")
        with self.assertRaises(MyStocksError) as raised:
            self.client.kline(self.symbol, "2h")
        self.assertEqual(raised.exception.errors[0].field, "interval")

    def test_depth_needs_a_trader_and_lists_the_book(self):
        with self.assertRaises(MyStocksError) as raised:
            self.client.depth(self.symbol)
        self.assertEqual(raised.exception.name, "UNAUTHENTICATED")
        trader = Client(self.server.url, username="demo", password="mystocks-demo")
        # The demo seeds no depth; the live feed writes the first books seconds after start.
        book = eventually(lambda: trader.depth(self.symbol), lambda frame: len(frame) > 0)
        self.assertEqual(len(book), 1)
        self.assertEqual(str(book.index.tz), "Asia/Shanghai")
        self.assertLess(book["bid1_price"].iloc[0], book["ask1_price"].iloc[0])
        start = book.index[0] - pd.Timedelta(minutes=5)

        def raw_history():
            return trader.get("/api/v1/market/depth", symbol=self.symbol, limit=1000,
                              start=start.value // 1_000_000)["snapshots"]

        snapshots = eventually(raw_history, lambda rows: len(rows) > 7)  # 3 s apart, 10x speed
        latest = pd.Timestamp(snapshots[-1]["ts"], unit="ms", tz="Asia/Shanghai")
        with mock.patch.object(mystocks.client, "_DEPTH_PAGE", 7):
            history = trader.depth(self.symbol, start=start, end=latest)
        raw = {"snapshots": [row for row in raw_history() if row["ts"] <= snapshots[-1]["ts"]]}
        self.assertGreater(len(history), 7)
        self.assertEqual([stamp.value // 1_000_000 for stamp in history.index],
                         [snapshot["ts"] for snapshot in raw["snapshots"]])
        self.assertEqual(history["ask1_price"].tolist(),
                         [snapshot["asks"][0]["price"] for snapshot in raw["snapshots"]])


if __name__ == "__main__":
    unittest.main()
