"""Watchlists and paper orders against the real server: round trips through the frames."""
import decimal
import time
import unittest
import uuid
from unittest import mock

from tests.support import DEMO_PASSWORD, demo_server

import mystocks.account
from mystocks import Client, MyStocksError


class TradingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = demo_server()
        cls.client = Client(cls.server.url, username="demo", password=DEMO_PASSWORD)
        stocks = cls.client.symbols(security_type="stock", board="main")
        cls.first, cls.second = stocks.index[0], stocks.index[1]

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_watchlist_round_trip(self):
        name = f"py-{uuid.uuid4().hex[:8]}"
        created = self.client.create_watchlist(name, [self.first[:6]], description="pytest")
        self.assertEqual([member["symbol"] for member in created["symbols"]], [self.first])
        self.client.add_to_watchlist(created["id"], self.second)
        lists = self.client.watchlists()
        self.assertEqual(lists.loc[created["id"], "symbols"], [self.first, self.second])
        self.assertEqual(lists.loc[created["id"], "name"], name)
        self.assertEqual(str(lists["created_at"].dt.tz), "Asia/Shanghai")
        self.client.remove_from_watchlist(created["id"], self.first)
        self.assertEqual([member["symbol"] for member in
                          self.client.watchlist(created["id"])["symbols"]], [self.second])
        with self.assertRaises(MyStocksError) as raised:
            self.client.create_watchlist(name)
        self.assertEqual((raised.exception.status, raised.exception.name), (409, "ALREADY_EXISTS"))
        self.client.delete_watchlist(created["id"])
        self.assertNotIn(created["id"], self.client.watchlists().index)
        with self.assertRaises(MyStocksError) as raised:
            self.client.watchlist(created["id"])
        self.assertEqual(raised.exception.name, "NOT_FOUND")

    def test_order_round_trip_keeps_the_exact_price(self):
        last = self.client.quotes(self.first).loc[self.first, "last"]
        price = (last * decimal.Decimal("0.98")).quantize(decimal.Decimal("0.01"))
        tag = uuid.uuid4().hex[:12]
        placed = self.client.place_order(self.first, "buy", 200, price, client_order_id=tag)
        self.assertEqual((placed["status"], placed["price"]), ("new", price))
        again = self.client.place_order(self.first, "buy", 200, price, client_order_id=tag)
        self.assertEqual(again["order_id"], placed["order_id"])  # idempotent by client id
        listed = self.client.orders(symbol=self.first, status="new")
        self.assertIn(placed["order_id"], listed.index)
        self.assertEqual(listed.loc[placed["order_id"], "price"], price)
        # A buy reserves its amount and fees: commission 0.025 % (at least 5 yuan) and transfer
        # fee 0.001 %, each rounded half up to the cent.
        amount = price * 200
        cent = decimal.Decimal("0.01")
        fees = max((amount * decimal.Decimal("0.00025")).quantize(cent, decimal.ROUND_HALF_UP),
                   decimal.Decimal(5)) + \
            (amount * decimal.Decimal("0.00001")).quantize(cent, decimal.ROUND_HALF_UP)
        self.assertEqual(listed.loc[placed["order_id"], "frozen_cash"], amount + fees)
        self.assertEqual(str(listed["created_at"].dt.tz), "Asia/Shanghai")
        cancelled = self.client.cancel_order(placed["order_id"])
        self.assertEqual(cancelled["status"], "cancelled")
        self.assertEqual(self.client.order(placed["order_id"])["status"], "cancelled")
        with self.assertRaises(MyStocksError) as raised:
            self.client.cancel_order(placed["order_id"])
        self.assertEqual((raised.exception.status, raised.exception.errors[0].field),
                         (409, "status"))

    def test_orders_follow_every_page(self):
        last = self.client.quotes(self.second).loc[self.second, "last"]
        price = (last * decimal.Decimal("0.97")).quantize(decimal.Decimal("0.01"))
        placed = [self.client.place_order(self.second, "buy", 100, price)["order_id"]
                  for _ in range(5)]
        with mock.patch.object(mystocks.account, "_ORDER_PAGE", 2):
            paged = self.client.orders(symbol=self.second)
        self.assertEqual(list(paged.index), list(self.client.orders(symbol=self.second).index))
        self.assertTrue(set(placed) <= set(paged.index))
        for order_id in placed:
            self.client.cancel_order(order_id)

    def test_a_market_buy_fills_into_trades_positions_and_account(self):
        trader = self.client
        before = trader.account()
        placed = trader.place_order(self.second, "buy", 100, type="market")
        for _ in range(100):
            if trader.order(placed["order_id"])["status"] == "filled":
                break
            time.sleep(0.2)
        filled = trader.order(placed["order_id"])
        self.assertEqual(filled["status"], "filled")
        # A date end covers its whole day (the demo's trading date follows its market clock).
        trades = trader.trades(order_id=placed["order_id"], end=filled["trade_date"])
        self.assertEqual(len(trades), 1)
        trade = trades.iloc[0]
        self.assertIsInstance(trade["amount"], decimal.Decimal)
        self.assertEqual(trade["amount"], (trade["price"] * 100).quantize(decimal.Decimal("0.01")))
        self.assertEqual(str(trades["trade_time"].dt.tz), "Asia/Shanghai")
        positions = trader.positions()
        self.assertEqual(positions.loc[self.second, "quantity"], 100)
        self.assertEqual(positions.loc[self.second, "available_quantity"], 0)  # T+1
        after = trader.account()
        fees = trade["commission"] + trade["stamp_tax"] + trade["transfer_fee"]
        self.assertEqual(after["cash"], before["cash"] - trade["amount"] - fees)
        self.assertEqual(after["cash"] + after["market_value"] + after["total_fees"],
                         after["initial_capital"])

    def test_rule_violations_name_the_field(self):
        with self.assertRaises(MyStocksError) as raised:
            self.client.place_order(self.first, "buy", 150, "1.00")
        self.assertEqual(raised.exception.status, 400)
        self.assertIn(raised.exception.errors[0].field, ("quantity", "price"))
        with self.assertRaises(MyStocksError) as raised:
            Client(self.server.url).place_order(self.first, "buy", 100, "1.00")
        self.assertEqual(raised.exception.name, "UNAUTHENTICATED")


if __name__ == "__main__":
    unittest.main()
