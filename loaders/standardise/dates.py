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

from loaders.standardise.idcard import valid_dates
from loaders.standardise.text import arrow, clean_arrow, from_arrow, map_distinct

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


def _iso_many(values: list[str], earliest: int, latest: int) -> list[str | None]:
    parts = [parse_one(v) or (0, 0, 0) for v in values]
    if not parts:
        return []
    y, m, d = (np.array(col, dtype=np.int32) for col in zip(*parts, strict=True))
    ok = valid_dates(y, m, d, earliest=earliest, latest=latest)
    return [f"{a:04d}-{b:02d}-{c:02d}" if good else None
            for a, b, c, good in zip(y.tolist(), m.tolist(), d.tolist(), ok.tolist(),
                                     strict=True)]


def parse_dates(s: pd.Series, earliest: int = 1850, latest: int = 2100) -> pd.Series:
    """ISO dates (Arrow strings) for a Series of date text; null where unparseable."""
    values = map_distinct(clean_arrow(arrow(s)),
                          lambda distinct: _iso_many(distinct, earliest, latest))
    return from_arrow(values, s.index)
