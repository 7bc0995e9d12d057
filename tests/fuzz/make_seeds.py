#!/usr/bin/env python3
"""Writes the hand-made seed inputs of tests/fuzz/corpus/ (run from the repository root).

Seeds are small valid (and a few nearly valid) inputs of each format, so the fuzzers start from
the interesting shapes instead of discovering magic numbers and framing. Binary formats are
built here from their documented layouts (src/storage/tsdb/*.h, RFC 6455); text ones come from
the golden cases. Re-running it rewrites the same files. Not written here: the segment files
and MANIFEST of tests/fuzz/corpus/tsdb_segment/ and tsdb_manifest/demo_* (copied from the store
`mystocks demo` writes, the payload being the MANIFEST without its 20-byte header), the random
seeds of socket_server, and inputs kept from findings (socketio/long_number_literal, ...).
"""
import os
import re
import struct

ROOT = "tests/fuzz/corpus"


def put(target, name, data):
    path = os.path.join(ROOT, target)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "wb") as out:
        out.write(data if isinstance(data, bytes) else data.encode())


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def zigzag(value):
    return varint((value << 1) ^ (value >> 63))


def string(text):
    data = text.encode()
    return varint(len(data)) + data


def engineio():
    cases = ["0", "1", "2", "3probe", "4hello", "5", "6", "bAQIDBA==", "4hello\x1e2\x1ebAQID",
             '40/market,{"token":"t"}', "4\u00e4\u00f6\u00fc", "b", "bA=", "\x1e\x1e"]
    for index, case in enumerate(cases):
        put("engineio", f"seed_{index:02d}", case)


def socketio():
    with open("tests/golden/realtime/socketio_packets.txt", encoding="utf-8") as golden:
        lines = [line.split("  =>")[0].rstrip() for line in golden
                 if "=>" in line and not line.startswith("#")]
    for index, packet in enumerate(lines):
        put("socketio", f"golden_{index:02d}", packet)
    put("socketio", "attachments",
        '52-/market,7["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'
        "\n--\n\x01\x02\n--\nxyz")


def ws_frame(opcode, payload, fin=True, mask=b"\x01\x02\x03\x04"):
    head = bytes([(0x80 if fin else 0) | opcode])
    size = len(payload)
    if size < 126:
        head += bytes([0x80 | size])
    elif size < 65536:
        head += bytes([0x80 | 126]) + struct.pack(">H", size)
    else:
        head += bytes([0x80 | 127]) + struct.pack(">Q", size)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def pieces(data, size=200):
    """The websocket_frame target's input: each piece prefixed by its length - 1."""
    out = bytearray()
    for start in range(0, len(data), size):
        chunk = data[start:start + size]
        out.append(len(chunk) - 1)
        out += chunk
    return bytes(out)


def websocket_frame():
    put("websocket_frame", "text", pieces(ws_frame(1, b"42[\"echo\",1]")))
    put("websocket_frame", "binary", pieces(ws_frame(2, b"\x00\x01\x02")))
    put("websocket_frame", "fragmented",
        pieces(ws_frame(1, b"4hel", fin=False) + ws_frame(9, b"ping") + ws_frame(0, b"lo")))
    put("websocket_frame", "close", pieces(ws_frame(8, struct.pack(">H", 1000) + b"bye")))
    put("websocket_frame", "medium", pieces(ws_frame(2, bytes(300)), size=7))
    put("websocket_frame", "utf8", pieces(ws_frame(1, "4行情".encode())))


def http_params():
    targets = [
        "/api/v1/market/kline/600519.SH?interval=1d&start=2024-01-02&end=20240131&limit=50",
        "/api/v1/market/kline/sh600519?interval=5m&start=1704153600000&adjust=qfq",
        "/api/v1/market/kline/000001.SZ?start=2024-01-02T09:30:00%2B08:00&_=1",
        "/api/v1/market/quotes?symbols=600519.SH,000001.SZ,sz300750&fields=close",
        "/api/v1/market/quotes?symbols=600519&symbols=000001",
        "/api/v1/orders/42?verbose=true&ratio=0.5",
        "/api/v1/orders/-1?verbose=maybe&ratio=1e309",
        "/api/v1/market/kline/%E8%8C%85%E5%8F%B0?limit=0",
    ]
    for index, target in enumerate(targets):
        put("http_params", f"seed_{index:02d}", target)


def json_body():
    bodies = [
        b'\x00{"symbol":"600519.SH","side":"buy","price":1685.5,"quantity":100}',
        b'\x00{"symbol":"600519.SH","side":"sell","quantity":200,"tif":"day","tags":["a","b"],'
        b'"note":null,"limits":{"stop":1600,"trail":true}}',
        b'\x00{"symbol":"x","side":"hold","quantity":1.5,"extra":1}',
        b'\x01{"items":[{"symbol":"600519.SH","period":14,"values":[1,2.5,3e2]}]}',
        b'\x01{"items":[]}',
        b'\x01[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
    ]
    for index, body in enumerate(bodies):
        put("json_body", f"seed_{index:02d}", body)


def csv():
    selectors = {"daily_kline": 0, "minute_kline": 1, "tick": 2, "symbols": 3}
    pick = {
        "sz000001_daily.csv": "daily_kline", "akshare_daily_gbk.csv": "daily_kline",
        "akshare_daily_bom.csv": "daily_kline", "tushare_daily.csv": "daily_kline",
        "600519_1m.csv": "minute_kline", "000001_1m_final.csv": "minute_kline",
        "tick_snapshots.csv": "tick", "tushare_stock_basic.csv": "symbols",
        "quoted_fields.csv": "daily_kline", "bad_numbers.csv": "daily_kline",
        "unterminated_quote.csv": "daily_kline", "wrong_field_count.csv": "daily_kline",
        "custom_headers.csv": "daily_kline", "empty_lines.csv": "daily_kline",
    }
    for name, table in pick.items():
        with open(os.path.join("tests/data/csv", name), "rb") as source:
            data = source.read()[:2048]
        put("csv", name, bytes([selectors[table]]) + data)


def yaml_files():
    with open("config/tables.yaml", "rb") as source:
        tables = source.read()
    put("tables_yaml", "shipped", tables[:6000])
    for index, block in enumerate(re.split(rb"\n(?=  [a-z_]+:\n)", tables)[1:8]):
        put("tables_yaml", f"table_{index}", b"tables:\n" + block + b"\n")
    with open("config/mystocks.yaml", "rb") as source:
        put("config_yaml", "shipped", source.read())
    put("config_yaml", "small", "server:\n  listen: 127.0.0.1:8080\nlogging:\n  level: info\n")
    put("config_yaml", "dotenv", "export MYSTOCKS_KEY='abc'\nB=\"x y\" # c\n")


def tsdb():
    write = (string("tick") + varint(2) + varint(3)
             + string("ts") + bytes([5, 0, 0]) + zigzag(1704159000000) + zigzag(3000)
             + string("symbol") + bytes([7, 0, 0]) + varint(1) + varint(2) + string("600519.SH")
             + string("price") + bytes([4, 2, 0]) + zigzag(168501) + zigzag(-3))
    delete = string("tick") + varint(1) + string("600519.SH") + zigzag(0) + zigzag(1 << 50)
    put("tsdb_wal", "write_payload", write)
    put("tsdb_wal", "delete_payload", delete)
    # The target's checksummed form: [type selector][u16 length][payload]...
    put("tsdb_wal", "checksummed", b"\x00" + struct.pack("<H", len(write)) + write
        + b"\x01" + struct.pack("<H", len(delete)) + delete)
    put("tsdb_wal", "empty_file", b"MSTSWAL1" + struct.pack("<Q", 1))
    manifest = (varint(12) + varint(7) + varint(11) + varint(0) + varint(1)
                + string("tick") + zigzag(19724) + varint(9) + varint(3) + varint(14458)
                + varint(1200) + varint(3) + zigzag(1704159000000) + zigzag(1704180000000))
    put("tsdb_manifest", "payload_one_segment", manifest)


if __name__ == "__main__":
    engineio()
    socketio()
    websocket_frame()
    http_params()
    json_body()
    csv()
    yaml_files()
    tsdb()
