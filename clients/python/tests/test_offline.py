"""Pure parts of the client, no server: paging windows and pages, times, column dtypes, signing."""
import datetime
import decimal
import unittest

from tests import support  # noqa: F401  (puts the checkout's package first on sys.path)

from mystocks import MyStocksError, frames, paging, signing
from mystocks.auth import renew_at, token_expiry

DAY = frames.MILLIS_PER_DAY


class PagingTest(unittest.TestCase):
    def test_windows_cover_the_range_without_overlap_and_break_at_shanghai_midnight(self):
        start = frames.to_epoch_ms("2024-01-01 10:00", "start")
        end = frames.to_epoch_ms("2024-03-15", "end", end_of_day=True)
        spans = list(paging.windows(start, end, 31))
        self.assertEqual(spans[0][0], start)
        self.assertEqual(spans[-1][1], end)
        for (_, first_end), (second_start, _) in zip(spans, spans[1:]):
            self.assertEqual(second_start, first_end + 1)
            self.assertEqual(paging.shanghai_midnight(second_start), second_start)
        for window_start, window_end in spans:
            self.assertLessEqual(window_end + 1 - window_start, 31 * DAY)  # the server's rule

    def test_open_ended_range_sends_its_last_window_without_end(self):
        spans = list(paging.windows(0, None, 10980))
        self.assertIsNone(spans[-1][1])

    def test_newest_pages_backwards_and_keeps_order(self):
        series = [{"ts": ts} for ts in range(0, 100)]

        def fetch(start, end, limit):
            self.assertIsNone(start)
            rows = [row for row in series if end is None or row["ts"] <= end]
            return rows[-limit:]

        self.assertEqual([row["ts"] for row in paging.newest(fetch, None, 25, 10)],
                         list(range(75, 100)))
        self.assertEqual(len(paging.newest(fetch, None, 500, 7)), 100)  # stops at the beginning

    def test_in_range_pages_each_window_and_joins_them_oldest_first(self):
        series = [{"ts": ts * 3_600_000} for ts in range(0, 24 * 12)]  # hourly for 12 days
        calls = []

        def fetch(start, end, limit):
            calls.append((start, end, limit))
            rows = [row for row in series if start <= row["ts"] <= end]
            self.assertLessEqual(end + 1 - start, 5 * DAY)
            return rows[-limit:]

        rows = paging.in_range(fetch, 0, 12 * DAY - 1, 5, page_max=17)
        self.assertEqual(rows, series)
        self.assertGreater(len(calls), 12 * 24 // 17)


class FramesTest(unittest.TestCase):
    def test_times_are_shanghai_and_bare_end_dates_cover_the_day(self):
        self.assertEqual(frames.to_epoch_ms("2024-01-31", "end"), 1706630400000)
        self.assertEqual(frames.to_epoch_ms("20240131", "end", end_of_day=True),
                         1706630400000 + DAY - 1)
        self.assertEqual(frames.to_epoch_ms(datetime.date(2024, 1, 31), "start"), 1706630400000)
        self.assertEqual(frames.to_epoch_ms("2024-01-31T01:30:00Z", "start"), 1706664600000)
        self.assertEqual(frames.to_epoch_ms(1706664600000, "start"), 1706664600000)

    def test_bad_time_names_the_field_and_the_value(self):
        with self.assertRaisesRegex(ValueError, r"start: 'yesterday-ish' is not a time"):
            frames.to_epoch_ms("yesterday-ish", "start")

    def test_column_dtypes(self):
        frame = frames.rows_frame(
            [{"ts": 1706664600000, "close": decimal.Decimal("1850.01"), "volume": 300, "x": None},
             {"ts": 1706664660000, "close": decimal.Decimal("27.0"), "volume": None, "x": "a"}],
            index="ts")
        self.assertEqual(str(frame.index.tz), "Asia/Shanghai")
        self.assertEqual(frame.index[0].hour, 9)
        self.assertEqual(frame["close"].iloc[0], decimal.Decimal("1850.01"))
        self.assertEqual(str(frame["volume"].dtype), "Int64")
        self.assertEqual(frame["x"].tolist(), [None, "a"])


class ErrorTest(unittest.TestCase):
    def test_envelope_fields_and_retry_after_are_kept(self):
        error = MyStocksError.from_envelope(
            {"success": False, "code": 4003, "message": "slow down", "request_id": "r-1",
             "errors": [{"field": "symbols", "code": "RATE_LIMIT_EXCEEDED", "message": "m"}]},
            429, {"Retry-After": "3"})
        self.assertEqual((error.status, error.code, error.name, error.retry, error.retry_after,
                          error.request_id), (429, 4003, "RATE_LIMIT_EXCEEDED", "call", 3.0, "r-1"))
        self.assertEqual(error.errors[0].field, "symbols")
        self.assertIn("symbols: m", str(error))


class SigningTest(unittest.TestCase):
    def test_canonical_query_decodes_reencodes_and_sorts(self):
        self.assertEqual(signing.canonical_query("b=2&a=x+y&a=%7e&c="), "a=x%20y&a=~&b=2&c=")

    def test_canonical_request_has_six_lines(self):
        text = signing.canonical_request("get", "/api/v1/orders", "size=5", 1, "nonce123", b"")
        self.assertEqual(text.split("\n"), [
            "GET", "/api/v1/orders", "size=5", "1", "nonce123",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"])

    def test_token_expiry_reads_exp_and_tolerates_garbage(self):
        self.assertEqual(token_expiry("e30.eyJleHAiOjEyM30.sig"), 123.0)  # {"exp":123}
        self.assertIsNone(token_expiry("not-a-jwt"))
        self.assertIsNone(renew_at("a.!!!.c"))

    def test_short_lived_tokens_renew_in_their_last_quarter_long_ones_30_s_early(self):
        self.assertEqual(renew_at("e30.eyJpYXQiOjEwMCwiZXhwIjoxMjB9.s"), 115.0)  # iat 100, exp 120
        self.assertEqual(renew_at("e30.eyJpYXQiOjAsImV4cCI6OTAwfQ.s"), 870.0)     # iat 0, exp 900


if __name__ == "__main__":
    unittest.main()
