"""Client: the MyStocks REST API as pandas DataFrames, and live events through stream().

Time series come back indexed by a DatetimeIndex in Asia/Shanghai; column dtypes are those of
frames.py (exact decimal.Decimal prices, int64 volumes). Ranges and "newest N" requests larger
than one server answer are split and joined transparently (paging.py). Every refusal raises
MyStocksError. A Client may be shared between threads; each stream() has its own connection.
"""
from .account import AccountMixin
from .auth import ApiKeyAuth, BearerAuth
from .frames import frame, rows_frame, to_epoch_ms
from .paging import in_range, newest
from .transport import DEFAULT_TIMEOUT_SECONDS, Transport

# Largest span of one K-line request, in days (docs/market-api.md, "K-lines"). 1w and 1M are
# resampled from daily bars on the server, so they are never split (a split could cut a week).
_KLINE_SPAN_DAYS = {"1m": 31, "5m": 93, "15m": 186, "30m": 366, "60m": 366, "1d": 10980}
_KLINE_PAGE = 5000        # most bars of one "newest N" K-line answer
_TICK_SPAN_DAYS, _TICK_PAGE = 5, 10000
_DEPTH_SPAN_DAYS, _DEPTH_PAGE = 1, 1000
_SYMBOL_PAGE = 500
_QUOTE_BATCH = 500


class Client(AccountMixin):
    """A connection to one MyStocks server.

    Credentials (at most one kind):
      token=ACCESS [, refresh_token=REFRESH]: a bearer token; with a refresh token it is renewed
          before it expires and when the server answers 401.
      username=..., password=...: signs in now (POST /api/v1/auth/login) and renews as above.
      api_key=KEY_ID, secret=SECRET: every request is signed with HMAC-SHA256 (docs/security.md).
      none: anonymous (market data only; watchlists need a viewer, orders a trader).
    timeout: seconds per HTTP request.

    Frames: time series are indexed by a DatetimeIndex in Asia/Shanghai. Prices, amounts and
    indicator values are decimal.Decimal in object columns, exactly the digits the server sent:
    float64 would turn 1850.01 into 1850.0099999999998, so sums of amounts, comparisons with
    the server and tick-size checks would drift; call frame.astype(float) for vectorised maths.
    Volumes and quantities are int64 (nullable Int64 when a column has nulls).
    """

    def __init__(self, url, *, token=None, refresh_token=None, username=None, password=None,
                 api_key=None, secret=None, timeout=DEFAULT_TIMEOUT_SECONDS):
        kinds = [name for name, given in (("token", token), ("username/password", username),
                                          ("api_key/secret", api_key)) if given]
        if len(kinds) > 1:
            raise ValueError(f"credentials: {' and '.join(kinds)} given; pass only one kind")
        if (username is None) != (password is None):
            raise ValueError("username/password: both are needed to sign in")
        if (api_key is None) != (secret is None):
            raise ValueError("api_key/secret: both are needed to sign requests")
        if refresh_token is not None and token is None:
            raise ValueError("refresh_token: needs the access token it belongs to (token=...)")
        self.url = url.rstrip("/")
        self._http = Transport(self.url, timeout=timeout)
        if token is not None:
            self._http.auth = BearerAuth(token, refresh_token, self._refresh)
        elif username is not None:
            tokens = self._http.call("POST", "/api/v1/auth/login",
                                     body={"username": username, "password": password},
                                     authenticate=False).data
            self._http.auth = BearerAuth(tokens["access_token"], tokens["refresh_token"],
                                         self._refresh)
        elif api_key is not None:
            self._http.auth = ApiKeyAuth(api_key, secret)

    def _refresh(self, refresh_token):
        return self._http.call("POST", "/api/v1/auth/refresh",
                               body={"refresh_token": refresh_token}, authenticate=False).data

    def close(self):
        """Closes the HTTP connections (streams are closed on their own)."""
        self._http.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def access_token(self):
        """The current bearer token (renewed if about to expire), or None without one."""
        auth = self._http.auth
        return auth.access_token if isinstance(auth, BearerAuth) else None

    def get(self, path, **params):
        """GET any route; answers the envelope's data (dicts and lists, Decimal numbers)."""
        return self._http.call("GET", path, params).data

    def me(self):
        """Who the server thinks the caller is (GET /api/v1/auth/me)."""
        return self.get("/api/v1/auth/me")

    # ---- reference data -------------------------------------------------------------------

    def symbols(self, q=None, *, exchange=None, board=None, security_type=None, industry=None):
        """Every matching security (all pages), indexed by symbol.

        q searches (digits: code prefix, other text: name substring); the filters match exactly.
        """
        params = {"q": q, "exchange": exchange, "board": board, "security_type": security_type,
                  "industry": industry, "size": _SYMBOL_PAGE}
        rows, page = [], 1
        while True:
            answer = self._http.call("GET", "/api/v1/market/symbols", {**params, "page": page})
            rows.extend(answer.data)
            if not answer.pagination or page >= answer.pagination["pages"]:
                break
            page += 1
        return rows_frame(rows, ["symbol"], time_columns=("updated_at",), index="symbol")

    # ---- time series ----------------------------------------------------------------------

    def kline(self, symbol, interval="1d", start=None, end=None, adjust="none", limit=None):
        """Bars of one security: ts (index: the bar's start), open, high, low, close, volume, amount.

        interval: 1m 5m 15m 30m 60m 1d 1w 1M; adjust: none, qfq, hfq.
        start/end: epoch ms, date, datetime or text (YYYY-MM-DD, YYYYMMDD, ISO-8601); naive times
        are Asia/Shanghai and a bare end date covers that whole day. With start: every bar of the
        range, split into requests the server accepts. Without start: the newest `limit` bars
        (default 500) up to end, paged past the server's 5000.
        """
        if start is not None and limit is not None:
            raise ValueError(f"limit: {limit!r} applies only without start (with start every bar "
                             "of the range comes back)")

        def fetch(window_start, window_end, page_limit):
            data = self.get("/api/v2/market/kline", symbol=symbol, interval=interval,
                            adjust=adjust, start=window_start, end=window_end, limit=page_limit)
            columns = data["columns"]
            return [dict(zip(columns, values))
                    for values in zip(*(data["data"][name] for name in columns))]

        start_ms = to_epoch_ms(start, "start")
        end_ms = to_epoch_ms(end, "end", end_of_day=True)
        if start_ms is None:
            rows = newest(fetch, end_ms, 500 if limit is None else limit, _KLINE_PAGE)
        elif interval in _KLINE_SPAN_DAYS:
            rows = in_range(fetch, start_ms, end_ms, _KLINE_SPAN_DAYS[interval])
        else:
            rows = fetch(start_ms, end_ms, None)
        return rows_frame(rows, ["ts", "open", "high", "low", "close", "volume", "amount"],
                          index="ts")

    def ticks(self, symbol, start=None, end=None, limit=None):
        """Level-1 snapshots (ticks) of one security, indexed by ts.

        With start: every tick of the range (any length: split into 5-day windows and pages of
        10000). Without: the newest `limit` (default 1000) up to end. Times as in kline().
        """
        if start is not None and limit is not None:
            raise ValueError(f"limit: {limit!r} applies only without start")

        start_ms = to_epoch_ms(start, "start")
        end_ms = to_epoch_ms(end, "end", end_of_day=True)
        if start_ms is None:
            rows = newest(self._tick_page(symbol), end_ms, 1000 if limit is None else limit,
                          _TICK_PAGE)
        else:
            rows = self.tick_rows(symbol, start_ms, end_ms)
        return rows_frame(rows, ["ts", "symbol"], index="ts")

    def tick_rows(self, symbol, start_ms, end_ms):
        """Every tick of start_ms..end_ms (inclusive epoch ms) as the server's row dicts, oldest
        first: what ticks() frames, and what a stream backfills a tick room's gap with."""
        return in_range(self._tick_page(symbol), start_ms, end_ms, _TICK_SPAN_DAYS, _TICK_PAGE)

    def _tick_page(self, symbol):
        def fetch(window_start, window_end, page_limit):
            return self.get("/api/v1/market/ticks", symbol=symbol, start=window_start,
                            end=window_end, limit=page_limit)["ticks"]
        return fetch

    def depth(self, symbol, start=None, end=None):
        """Order-book snapshots, indexed by ts, one row each: bid1_price, bid1_volume, ...,
        ask1_price, ... (levels without a price are null). Needs a trader.

        Without start: the latest snapshot. With start: every snapshot of the range.
        """
        def fetch(window_start, window_end, page_limit):
            return self.get("/api/v1/market/depth", symbol=symbol, start=window_start,
                            end=window_end, limit=page_limit)["snapshots"]

        start_ms = to_epoch_ms(start, "start")
        if start_ms is None:
            snapshots = fetch(None, None, None)
        else:
            snapshots = in_range(fetch, start_ms, to_epoch_ms(end, "end", end_of_day=True),
                                 _DEPTH_SPAN_DAYS, _DEPTH_PAGE)
        return rows_frame([_flat_book(snapshot) for snapshot in snapshots], ["ts"], index="ts")

    def quotes(self, symbols):
        """The latest quote of each security or index, indexed by symbol (any number of them).

        `ts` is a tz-aware time column; `source` says realtime_quote, tick or index_quote.
        Symbols the server knows nothing about are listed in frame.attrs["missing"].
        """
        symbols = [symbols] if isinstance(symbols, str) else list(symbols)
        if not symbols:
            raise ValueError("symbols: an empty list; pass at least one symbol")
        rows, missing = [], []
        for first in range(0, len(symbols), _QUOTE_BATCH):
            data = self.get("/api/v1/market/quotes", symbols=symbols[first:first + _QUOTE_BATCH])
            rows.extend(data["quotes"])
            missing.extend(data["missing"])
        result = rows_frame(rows, ["symbol", "ts"], index="symbol")
        result.attrs["missing"] = missing
        return result

    def indicator(self, name, symbol, interval="1d", start=None, end=None, limit=None,
                  warmup=None, convention=None, **params):
        """One indicator over one security's bars, indexed by the bar start (`time`); one column
        per output (e.g. macd, signal, hist), None where still warming up.

        params are the indicator's own parameters (n=20, fast=12, ...: GET /api/v1/indicators).
        end is exclusive here (docs/trading-api.md). frame.attrs carries the server's
        indicator, params, outputs and convention.
        """
        data = self.get(f"/api/v1/indicators/{name}", symbol=symbol, interval=interval,
                        start=to_epoch_ms(start, "start"), end=to_epoch_ms(end, "end"),
                        limit=limit, warmup=warmup, convention=convention, **params)
        result = frame({"time": data["time"], **data["values"]}, ["time"], ("time",), "time")
        result.attrs.update({key: data[key] for key in
                             ("indicator", "symbol", "interval", "convention", "params", "outputs")
                             if key in data})
        return result

    def stream(self, symbols, kinds=("quote",), **options):
        """Live events of the rooms kind:symbol over Socket.IO; see stream.Stream."""
        from .stream import Stream
        return Stream(self, symbols, kinds, **options)


def _flat_book(snapshot):
    row = {"ts": snapshot["ts"]}
    for side, levels in (("bid", snapshot["bids"]), ("ask", snapshot["asks"])):
        for level, entry in enumerate(levels, start=1):
            row[f"{side}{level}_price"] = entry["price"]
            row[f"{side}{level}_volume"] = entry["volume"]
    return row
