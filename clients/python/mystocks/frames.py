"""Server answers as pandas DataFrames, and caller times as the server's epoch milliseconds.

Column dtypes (the same for every method):
- times (`ts`, `time`, `created_at`, ...): datetime64[ns, Asia/Shanghai], converted from the
  epoch milliseconds the server sends; a time series is indexed by its time column.
- decimals (prices, amounts, indicator values): object columns of decimal.Decimal holding exactly
  the digits the server printed. float64 would turn 1850.01 into 1850.0099999999998 and make
  equality with the server's numbers, sums of amounts and tick-size checks unreliable. Call
  `frame.astype(float)` (or `pandas.to_numeric`) for vectorised maths.
- integers (volumes, quantities): int64, or pandas' nullable Int64 when the column has nulls.
- text: object columns of str (None for null).
Pure functions: safe from any thread.
"""
import datetime
import decimal
import re

import pandas as pd

TIMEZONE = "Asia/Shanghai"
MILLIS_PER_DAY = 86_400_000
_DATE_ONLY = re.compile(r"^\d{4}-?\d{2}-?\d{2}$")


def to_epoch_ms(value, field, *, end_of_day=False):
    """Epoch ms of an int (already ms), date, datetime, pandas.Timestamp or date/ISO text.

    Naive times are Asia/Shanghai, as on the server. With end_of_day a bare date means its last
    millisecond, so end="2024-01-31" covers all of that day as the server's date form does.
    Raises ValueError naming the field, the value and the accepted forms.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"{field}: {value!r} is not a time")
    if isinstance(value, int):
        return value
    date_only = (isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)) \
        or (isinstance(value, str) and _DATE_ONLY.match(value.strip()) is not None)
    try:
        stamp = pd.Timestamp(value.strip() if isinstance(value, str) else value)
    except (ValueError, TypeError) as bad:
        raise ValueError(f"{field}: {value!r} is not a time; expected epoch milliseconds, "
                         f"YYYY-MM-DD, YYYYMMDD, ISO-8601, a date or a datetime ({bad})") from None
    if stamp is pd.NaT:
        raise ValueError(f"{field}: {value!r} is not a time")
    stamp = stamp.tz_localize(TIMEZONE) if stamp.tzinfo is None else stamp
    millis = stamp.value // 1_000_000
    return millis + MILLIS_PER_DAY - 1 if date_only and end_of_day else millis


def times(values):
    """Epoch-ms values (None for null) as tz-aware Asia/Shanghai datetimes."""
    return pd.to_datetime(pd.Series(values, dtype="Int64"), unit="ms", utc=True) \
        .dt.tz_convert(TIMEZONE)


def _column(values):
    present = [value for value in values if value is not None]
    if present and all(isinstance(value, int) and not isinstance(value, bool)
                       for value in present):
        return pd.Series(values, dtype="Int64" if len(present) < len(values) else "int64")
    if present and all(isinstance(value, (decimal.Decimal, int)) and not isinstance(value, bool)
                       for value in present):
        # Integral decimals print as 27.0, but keep any stray int exact in the same column.
        return pd.Series([None if value is None else decimal.Decimal(value) for value in values],
                         dtype=object)
    return pd.Series(values, dtype=object)


def frame(columns, order=None, time_columns=("ts",), index=None):
    """A DataFrame from {name: [values]} (order lists the names first), dtypes as above.

    index names the column to index by; a time column index becomes a DatetimeIndex.
    """
    names = list(order or []) + [name for name in columns if name not in (order or [])]
    data = {}
    for name in names:
        values = list(columns.get(name, []))
        data[name] = times(values) if name in time_columns else _column(values)
    result = pd.DataFrame(data, columns=names)
    if index is not None and index in result.columns:
        result = result.set_index(index)
    return result


def rows_frame(rows, order=None, time_columns=("ts",), index=None):
    """A DataFrame from a list of row objects; rows may lack columns (null there)."""
    names = list(order or [])
    for row in rows:
        names.extend(name for name in row if name not in names)
    columns = {name: [row.get(name) for row in rows] for name in names}
    return frame(columns, names, time_columns, index)
