"""Transparent paging: turns "the newest N" and "everything in a range" into the server's pages.

The server bounds each answer instead of cutting it silently: a ranged route refuses a span over
its maximum (400 OUT_OF_RANGE on `end`), and the newest-N routes cap `limit`. These helpers split
a request into windows and pages the server accepts and join the answers, oldest first, without
gaps or overlaps: windows are disjoint inclusive millisecond ranges, and a backward page ends 1 ms
before the oldest row already received (rows of one series have distinct times).
fetch(start_ms, end_ms, limit) answers a list of rows (dicts), oldest first; None means "not
sent" for every argument. Pure functions over fetch: safe from any thread that may call fetch.
"""
import time

from .frames import MILLIS_PER_DAY

_SHANGHAI_OFFSET_MS = 8 * 3_600_000  # Asia/Shanghai has had no daylight saving since 1991


def shanghai_midnight(ms):
    """The Asia/Shanghai midnight at or before ms."""
    return (ms + _SHANGHAI_OFFSET_MS) // MILLIS_PER_DAY * MILLIS_PER_DAY - _SHANGHAI_OFFSET_MS


def windows(start_ms, end_ms, span_days):
    """Inclusive (start, end) windows of at most span_days covering start_ms..end_ms.

    Inner boundaries fall on Asia/Shanghai midnights, so no trading session (and no bar
    resampled from one) straddles two windows. end_ms None means "up to the server's now": the
    last window is then sent without an end, the wall clock only deciding where earlier windows
    stop (the demo's market clock may differ from it).
    """
    limit_ms = end_ms if end_ms is not None else int(time.time() * 1000)
    start = start_ms
    while True:
        if start + span_days * MILLIS_PER_DAY - 1 >= limit_ms:
            yield start, end_ms
            return
        end = shanghai_midnight(start + span_days * MILLIS_PER_DAY) - 1
        yield start, end
        start = end + 1


def newest(fetch, end_ms, count, page_max, time_key="ts"):
    """The newest `count` rows up to end_ms (None: the server's now), in pages of page_max."""
    pages = []
    while count > 0:
        wanted = min(count, page_max)
        rows = fetch(None, end_ms, wanted)
        if rows:
            pages.append(rows)
            count -= len(rows)
        if len(rows) < wanted:
            break
        end_ms = rows[0][time_key] - 1
    return [row for page in reversed(pages) for row in page]


def in_range(fetch, start_ms, end_ms, span_days, page_max=None, time_key="ts"):
    """Every row in start_ms..end_ms: window by window, each paged backwards when page_max is set
    (routes answering the newest page_max rows of a window); page_max None for routes that
    answer a whole window at once."""
    rows = []
    for window_start, window_end in windows(start_ms, end_ms, span_days):
        pages = []
        while True:
            page = fetch(window_start, window_end, page_max)
            if page:
                pages.append(page)
            if page_max is None or len(page) < page_max:
                break
            window_end = page[0][time_key] - 1
            if window_end < window_start:
                break
        rows.extend(row for page in reversed(pages) for row in page)
    return rows
