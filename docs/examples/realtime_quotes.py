"""Live quotes from MyStocks with python-socketio (the example of docs/realtime.md).

    python3 realtime_quotes.py http://127.0.0.1:8080 600519 [count] [--no-offsets]

Prints one JSON line per quote: {"symbol", "data", "timestamp", "offset"}. With recovery on
(the default for "/" and "/market"), every room event carries the recovery offset as one more
argument, so handlers take it as an optional parameter; --no-offsets connects with
auth={"offsets": False} and handlers get the message alone.
"""
import json
import sys
import threading

import socketio


def main():
    base, symbol = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3].isdigit() else 3
    offsets = "--no-offsets" not in sys.argv
    sio = socketio.Client()
    received = []
    done = threading.Event()

    @sio.on("quote", namespace="/market")
    def on_quote(message, offset=None):  # offset: a string such as "42", or None when off
        received.append({**message, "offset": offset})
        print(json.dumps(received[-1]), flush=True)
        if len(received) >= count:
            done.set()

    auth = None if offsets else {"offsets": False}
    sio.connect(base, namespaces=["/market"], transports=["websocket"], auth=auth)
    reply = sio.call("subscribe", {"room": f"quote:{symbol}"}, namespace="/market", timeout=10)
    print(json.dumps({"subscribed": reply}), flush=True)
    finished = done.wait(timeout=30)
    sio.disconnect()
    sys.exit(0 if finished else 1)


if __name__ == "__main__":
    main()
