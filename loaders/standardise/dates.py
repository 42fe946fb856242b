"""Dates in the formats departments use: 1990-01-02, 19900102, 1990/1/2, 1990.1.2,
1990年1月2日, 一九九〇年一月二日, Excel serial numbers (33240), with or without a time part.
Output is ISO `YYYY-MM-DD`; anything else (or an impossible date) becomes null.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.standardise.idcard import fixed_width_text, valid_dates
from loaders.standardise.text import arrow, clean_arrow, from_arrow

_YMD = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:[\sT].*)?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:\s.*)?$")
_SERIAL = re.compile(r"^(\d{5})(?:\.\d+)?$")
_CN_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")
_CN_TENS = re.compile(r"([一二三]?)十([一二三四五六七八九]?)")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_one(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) from one date string, unchecked; None when no format matches."""
    text = unicodedata.normalize("NFKC", text).strip()
    if any(ch in text for ch in "〇零一二三四五六七八九十"):
        text = _CN_TENS.sub(lambda m: str((int(m.group(1).translate(_CN_DIGITS)) if m.group(1)
                                           else 1) * 10 + (int(m.group(2).translate(_CN_DIGITS))
                                                           if m.group(2) else 0)), text)
        text = text.translate(_CN_DIGITS)
    for pattern in (_YMD, _COMPACT):
        m = pattern.match(text)
        if m:
            return int(m.group(1)), int(m.group(2)), int(m.group(3))
    m = _DMY.match(text)
    if m and int(m.group(1)) > 12:  # day first only when it cannot be a month
        return int(m.group(3)), int(m.group(2)), int(m.group(1))
    m = _SERIAL.match(text)
    if m:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
        return day.year, day.month, day.day
    return None


_FAST = (r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?(?:[\sT].*)?$",
         r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


def _iso_distinct(values: pa.Array, earliest: int, latest: int) -> pa.Array:
    """ISO dates for distinct strings: the common layouts by Arrow regex (vectorised), the
    rest (Chinese numerals, Excel serials, day-first) one by one."""
    n = len(values)
    y, m, d = (np.zeros(n, dtype=np.int32) for _ in range(3))
    done = np.zeros(n, dtype=bool)
    norm = pc.utf8_normalize(values, "NFKC")
    for pattern in _FAST:
        parts = pc.extract_regex(norm, pattern)
        hit = pc.is_valid(parts).to_numpy(zero_copy_only=False) & ~done
        if hit.any():
            for target, name in ((y, "y"), (m, "m"), (d, "d")):
                col = pc.cast(pc.struct_field(parts, name), pa.int32())
                target[hit] = pc.fill_null(col, 0).to_numpy(zero_copy_only=False)[hit]
            done |= hit
    rest = np.flatnonzero(~done)
    if len(rest):
        texts = values.take(pa.array(rest)).to_pylist()
        for i, text in zip(rest.tolist(), texts, strict=True):
            found = parse_one(text)
            if found:
                y[i], m[i], d[i] = found
    ok = valid_dates(y, m, d, earliest=earliest, latest=latest)
    mat = np.full((n, 10), ord("-"), dtype=np.uint8)
    for col, width, start in ((y, 4, 0), (m, 2, 5), (d, 2, 8)):
        value = np.where(ok, col, 0)
        for k in range(width - 1, -1, -1):
            mat[:, start + k] = 48 + value % 10
            value = value // 10
    return pc.if_else(pa.array(ok), fixed_width_text(mat), pa.scalar(None, pa.string()))


def parse_dates(s: pd.Series, earliest: int = 1850, latest: int = 2100) -> pd.Series:
    """ISO dates (Arrow strings) for a Series of date text; null where unparseable."""
    a = clean_arrow(arrow(s))
    if len(a) == 0 or a.null_count == len(a):
        return from_arrow(pa.nulls(len(a), pa.string()), s.index)
    encoded = pc.dictionary_encode(a).combine_chunks()
    iso = _iso_distinct(encoded.dictionary, earliest, latest)
    return from_arrow(pc.take(iso, encoded.indices), s.index)
