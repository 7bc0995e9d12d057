"""The caller's own data: watchlists, paper orders, fills, positions, the paper account and API
keys (docs/trading-api.md).

Mixed into Client; every method uses self._http (a Transport). Lists come back as DataFrames,
single objects as the dicts the server sends (Decimal numbers, epoch-ms times). Thread rules as
for Client.
"""
import urllib.parse

from .frames import rows_frame, to_epoch_ms

_ORDER_PAGE = 500
_ORDER_COLUMNS = ["order_id", "client_order_id", "symbol", "side", "order_type", "time_in_force",
                  "price", "quantity", "filled_quantity", "avg_fill_price", "frozen_cash",
                  "commission", "status", "reject_reason", "trade_date", "created_at",
                  "updated_at"]
_TRADE_PAGE = 500
_TRADE_COLUMNS = ["trade_id", "order_id", "symbol", "side", "price", "quantity", "amount",
                  "commission", "stamp_tax", "transfer_fee", "trade_time", "trade_date"]
_POSITION_COLUMNS = ["symbol", "quantity", "available_quantity", "frozen_quantity", "avg_cost",
                     "last_price", "market_value", "unrealized_pnl", "realized_pnl", "opened_at",
                     "updated_at"]


def _segment(value):
    """A path segment: ids and symbols are quoted so a stray '/' cannot reach another route."""
    return urllib.parse.quote(str(value), safe="")


class AccountMixin:
    # ---- watchlists (viewer and up) ---------------------------------------------------------

    def watchlists(self):
        """The caller's watchlists, indexed by id: name, description, symbols (canonical, in list
        order), created_at, updated_at (tz-aware)."""
        lists = self._http.call("GET", "/api/v1/watchlists").data
        rows = [{**item, "symbols": [member["symbol"] for member in item.get("symbols") or ()]}
                for item in lists]
        return rows_frame(rows, ["id", "name", "description", "symbols", "created_at",
                                 "updated_at"], time_columns=("created_at", "updated_at"),
                          index="id")

    def watchlist(self, watchlist_id):
        """One watchlist as the server sends it, members with sort_order, note and added_at."""
        return self._http.call("GET", f"/api/v1/watchlists/{_segment(watchlist_id)}").data

    def create_watchlist(self, name, symbols=(), description=None):
        """Creates a list (409 ALREADY_EXISTS for a second list of the same name); its dict."""
        body = {"name": name, "symbols": list(symbols)}
        if description is not None:
            body["description"] = description
        return self._http.call("POST", "/api/v1/watchlists", body=body).data

    def add_to_watchlist(self, watchlist_id, symbols):
        """Appends symbols (any spelling; a symbol already in the list is a 409)."""
        symbols = [symbols] if isinstance(symbols, str) else list(symbols)
        return self._http.call("POST", f"/api/v1/watchlists/{_segment(watchlist_id)}/symbols",
                               body={"symbols": symbols}).data

    def remove_from_watchlist(self, watchlist_id, symbol):
        """Removes one symbol from the list."""
        path = f"/api/v1/watchlists/{_segment(watchlist_id)}/symbols/{_segment(symbol)}"
        return self._http.call("DELETE", path).data

    def delete_watchlist(self, watchlist_id):
        return self._http.call("DELETE", f"/api/v1/watchlists/{_segment(watchlist_id)}").data

    # ---- paper orders (trader) --------------------------------------------------------------

    def place_order(self, symbol, side, quantity, price=None, *, type="limit",  # noqa: A002
                    time_in_force=None, client_order_id=None):
        """Places a paper order; answers the stored order (status "new") as a dict. The live
        feed fills it (see trades(), positions(), account()).

        price: required for limit orders, refused for market ones; give a str or Decimal to
        send it exactly (a float is sent as its shortest repr). A repeated client_order_id
        with the same fields answers the existing order; with other fields it is a 409
        ALREADY_EXISTS naming them. Too little cash or sellable shares is a 409 naming quantity. Rule violations (lot size, tick
        size, price band, ...) raise MyStocksError naming the field and the rule.
        """
        body = {"symbol": symbol, "side": side, "type": type, "quantity": quantity}
        for name, value in (("price", price), ("time_in_force", time_in_force),
                            ("client_order_id", client_order_id)):
            if value is not None:
                body[name] = value
        return self._http.call("POST", "/api/v1/orders", body=body).data

    def cancel_order(self, order_id):
        """Cancels a working order (409 naming status for one already final); the order."""
        return self._http.call("POST", f"/api/v1/orders/{_segment(order_id)}/cancel").data

    def order(self, order_id):
        return self._http.call("GET", f"/api/v1/orders/{_segment(order_id)}").data

    def orders(self, status=None, symbol=None, side=None, start=None, end=None):
        """The caller's orders, newest first (every page), indexed by order_id; start/end bound
        created_at, both inclusive (a date end covers its whole day, as on the server)."""
        params = {"status": status, "symbol": symbol, "side": side,
                  "start": to_epoch_ms(start, "start"),
                  "end": to_epoch_ms(end, "end", end_of_day=True)}
        rows = self._every_page("/api/v1/orders", params, _ORDER_PAGE)
        return rows_frame(rows, _ORDER_COLUMNS, time_columns=("created_at", "updated_at"),
                          index="order_id")

    def trades(self, symbol=None, order_id=None, start=None, end=None):
        """The caller's fills, newest first (every page), indexed by trade_id: price, quantity,
        amount and each fee (commission, stamp_tax, transfer_fee) as exact Decimals; start/end
        bound trade_time, both inclusive (a date end covers its whole day)."""
        params = {"symbol": symbol, "order_id": order_id, "start": to_epoch_ms(start, "start"),
                  "end": to_epoch_ms(end, "end", end_of_day=True)}
        rows = self._every_page("/api/v1/trades", params, _TRADE_PAGE)
        return rows_frame(rows, _TRADE_COLUMNS, time_columns=("trade_time",), index="trade_id")

    def positions(self):
        """The caller's positions indexed by symbol. available_quantity is what can be sold
        today (T+1: shares bought today are not); valued at each symbol's last fill price."""
        rows = self._http.call("GET", "/api/v1/positions").data
        return rows_frame(rows, _POSITION_COLUMNS, time_columns=("opened_at", "updated_at"),
                          index="symbol")

    def account(self):
        """The caller's paper account as a dict: initial_capital, cash, available_cash,
        frozen_cash, market_value, total_assets, realized_pnl, unrealized_pnl, total_fees
        (Decimals), created_at, updated_at (epoch ms)."""
        return self._http.call("GET", "/api/v1/account").data

    def _every_page(self, path, params, size):
        rows, page = [], 1
        while True:
            answer = self._http.call("GET", path, {**params, "size": size, "page": page})
            rows.extend(answer.data)
            if not answer.pagination or page >= answer.pagination["pages"]:
                break
            page += 1
        return rows

    # ---- API keys (viewer and up; the secret is shown once) ---------------------------------

    def create_api_key(self, name):
        """A new key for the caller: {key_id, secret, name, status, created_at}. Keep the secret:
        the server never shows it again. Use it as Client(url, api_key=key_id, secret=secret)."""
        return self._http.call("POST", "/api/v1/auth/api-keys", body={"name": name}).data

    def api_keys(self):
        keys = self._http.call("GET", "/api/v1/auth/api-keys").data
        return rows_frame(keys, ["key_id", "name", "status", "created_at"],
                          time_columns=("created_at",), index="key_id")

    def revoke_api_key(self, key_id):
        return self._http.call("DELETE", f"/api/v1/auth/api-keys/{_segment(key_id)}").data
