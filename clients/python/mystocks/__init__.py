"""MyStocks Python client: market data as pandas DataFrames, live events over Socket.IO.

    from mystocks import Client
    client = Client("http://127.0.0.1:8080", username="demo", password="mystocks-demo")
    bars = client.kline("600519.SH", "1d", start="2024-01-01")
    with client.stream(["600519.SH"], kinds=["quote", "tick"]) as events:
        for event in events:
            print(event)
"""
from .client import Client
from .errors import FieldError, MyStocksError
from .stream import Event, Stream

__all__ = ["Client", "Event", "FieldError", "MyStocksError", "Stream"]
__version__ = "0.1.0"
