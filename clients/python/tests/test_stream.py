"""stream() against the live demo feed: snapshots, consecutive seq, resync after gaps, recovery."""
import socket
import time
import unittest

import requests

from tests.support import DEMO_PASSWORD, demo_server

from mystocks import Client, MyStocksError


def collect(stream, until, seconds=20):
    """Events until until(events) holds; fails the test after `seconds`."""
    events, deadline = [], time.monotonic() + seconds
    while not until(events):
        if time.monotonic() > deadline:
            raise AssertionError(f"only {len(events)} events in {seconds} s: {events[-5:]}")
        events.append(stream.get(timeout=seconds))
    return events


def assert_in_sequence(test, events):
    """The protocol's promise: per room, an update is exactly the next seq, and a jump only
    happens at a snapshot that says which seq it covers."""
    last = {}
    for event in events:
        previous = last.get(event.room)
        if event.type == "update":
            test.assertIsNotNone(previous, f"{event} before its room's snapshot")
            test.assertEqual(event.seq, previous + 1, f"{event} after seq {previous}")
        elif previous is not None:
            test.assertGreaterEqual(event.seq, previous, event)
            if event.seq > previous + 1:
                test.assertEqual(event.gap, (previous + 1, event.seq - 1), event)
        last[event.room] = event.seq


def counter(server, name):
    text = requests.get(f"{server.url}/metrics", timeout=10).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(name) and not line.startswith("#"))


class StreamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = demo_server()
        cls.client = Client(cls.server.url, username="demo", password=DEMO_PASSWORD)
        cls.symbol = cls.client.symbols(security_type="stock", board="main").index[0]

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_snapshot_then_updates_in_seq_order_matching_the_rest_rows(self):
        rooms = {f"{kind}:{self.symbol}" for kind in ("quote", "tick", "kline_1m")}
        with self.client.stream(self.symbol[:6], kinds=["quote", "tick", "kline_1m"]) as stream:
            events = collect(stream, lambda events: all(
                sum(1 for event in events if event.room == room and event.type == "update") >= 3
                for room in rooms))
        self.assertEqual({event.room for event in events}, rooms)
        for room in rooms:
            first = next(event for event in events if event.room == room)
            self.assertEqual(first.type, "snapshot", room)
        assert_in_sequence(self, events)
        tick = next(event for event in events if event.kind == "tick" and event.type == "update")
        self.assertEqual(str(tick.timestamp.tz), "Asia/Shanghai")
        stored = self.client.ticks(self.symbol, start=tick.timestamp, end=tick.timestamp)
        self.assertEqual(len(stored), 1)
        for column in ("last", "volume", "amount", "bid1_price", "ask1_price"):
            self.assertEqual(stored[column].iloc[0], tick.data[column], column)
        bars = [event for event in events if event.kind == "kline_1m"]
        self.assertTrue(all("final" in event.data for event in bars if event.data))

    def test_a_consumer_that_falls_behind_is_resynchronised_with_the_gap_named(self):
        stocks = list(self.client.symbols(security_type="stock").index[:6])
        events = []
        with self.client.stream(stocks, kinds=["tick", "quote"], max_pending=4) as stream:
            for _ in range(3):
                time.sleep(0.7)  # the bounded queue overflows meanwhile
                events += collect(stream, lambda more: len(more) >= 4)
            # Reading on at full speed, the rooms catch up through snapshots naming their gaps.
            events += collect(stream, lambda more: sum(
                1 for event in events + more if event.gap) >= 2 and len(more) >= 12)
        assert_in_sequence(self, events)
        gaps = [event for event in events if event.gap]
        self.assertTrue(all(event.type == "snapshot" for event in gaps))

    def test_backfill_hands_out_every_stored_tick_a_gap_lost(self):
        stocks = list(self.client.symbols(security_type="stock").index[:4])
        events = []
        with self.client.stream(stocks, kinds=["tick"], max_pending=3, backfill=True) as stream:
            for _ in range(2):
                time.sleep(0.7)  # the bounded queue overflows meanwhile
                events += collect(stream, lambda more: len(more) >= 3)
            events += collect(stream, lambda more: sum(
                1 for event in events + more if event.gap) >= 2 and len(more) >= 8)
        self.assertTrue(any(event.type == "backfill" for event in events))
        for room in {event.room for event in events}:
            times = [event.timestamp for event in events if event.room == room]
            stored = self.client.tick_rows(room.partition(":")[2], times[0].value // 1_000_000,
                                           times[-1].value // 1_000_000)
            self.assertEqual([stamp.value // 1_000_000 for stamp in times],
                             [row["ts"] for row in stored], room)

    def test_a_dropped_connection_is_recovered_without_a_gap(self):
        recovered = counter(self.server, "mystocks_realtime_recovered_total")
        with self.client.stream(self.symbol, kinds=["tick"]) as stream:
            before = collect(stream, lambda events: len(events) >= 3)
            stream._sio.eio.ws.sock.shutdown(socket.SHUT_RDWR)  # the network drops us
            after = collect(stream, lambda events: stream.connections >= 2 and len(events) >= 8)
        self.assertEqual(stream.connections, 2)
        self.assertGreater(counter(self.server, "mystocks_realtime_recovered_total"), recovered)
        assert_in_sequence(self, before + after)
        self.assertFalse(any(event.gap for event in after))

    def test_close_ends_a_reconnect_in_progress(self):
        stream = self.client.stream(self.symbol, kinds=["tick"])
        collect(stream, lambda events: len(events) >= 1)
        stream._sio.eio.ws.sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + 5
        while stream._sio._reconnect_task is None and time.monotonic() < deadline:
            time.sleep(0.01)
        reconnecting = stream._sio._reconnect_task
        self.assertIsNotNone(reconnecting, "the drop should start python-socketio's reconnect")
        stream.close()
        reconnecting.join(5)
        self.assertFalse(reconnecting.is_alive())
        self.assertEqual(stream.connections, 1)
        self.assertIsNone(stream.get(timeout=1))

    def test_an_expired_token_is_renewed_and_the_rooms_resumed(self):
        expired = counter(self.server, "mystocks_realtime_auth_expired_total")
        client = Client(self.server.url, username="demo", password=DEMO_PASSWORD)
        with client.stream(self.symbol, kinds=["quote", "tick"]) as stream:
            # Tokens live 10 s on the test server: the namespace ends within the collection.
            events = collect(stream, lambda events: stream.connections >= 2, seconds=30)
            resumed = collect(stream, lambda more: sum(
                1 for event in more if event.type == "update") >= 4)
        self.assertGreater(counter(self.server, "mystocks_realtime_auth_expired_total"), expired)
        assert_in_sequence(self, events + resumed)

    def test_a_refused_room_raises_with_the_servers_code(self):
        with self.assertRaises(MyStocksError) as raised:
            Client(self.server.url).stream(self.symbol, kinds=["quote", "depth"])
        self.assertEqual(raised.exception.name, "UNAUTHENTICATED")
        self.assertIn(f"depth:{self.symbol}", raised.exception.message)
        with self.assertRaisesRegex(ValueError, "kinds: .'candles'. unknown"):
            self.client.stream(self.symbol, kinds=["candles"])

    def test_many_rooms_are_all_subscribed_despite_the_event_rate_limit(self):
        symbols = list(self.client.symbols().index)  # 26 securities and indices
        kinds = ["quote", "tick", "kline_1m", "depth", "index"]
        started = time.monotonic()
        with self.client.stream(symbols, kinds=kinds) as stream:
            rooms = set(stream._rooms)
        self.assertEqual(len(rooms), len(symbols) * len(kinds))
        self.assertLess(time.monotonic() - started, 8)


if __name__ == "__main__":
    unittest.main()
