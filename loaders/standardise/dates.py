"""Dates in the formats departments use: 1990-01-02, 19900102, 1990/1/2, 1990.1.2,
1990年1月2日, 一九九〇年一月二日, Excel serial numbers (33240), with or without a time part.
Output is ISO `YYYY-MM-DD` for every real calendar date with a 4-digit year (0001-9999, any
century: 1627-03-14 is kept); text in no known format, or an impossible date (1990-02-30),
becomes null. Two-digit years are not guessed.

Numeric dates with the year last (14/03/1990, 03/14/1990, 14.03.1990) are read in their only
possible order when one number exceeds 12. When both could be the month (05/06/1990), the
order is taken from the column itself: the unambiguous values of the same column say whether
it writes the day or the month first (``infer_day_first``); a column that does not say
clearly leaves such dates null rather than guess.

Whether a parsed date is plausible for its field (a birth date in 1627, or next year) is a
separate check, `out_of_range`, against a `DateRange` per field: the loaders flag such values
and keep them. `DEFAULT_RANGES` holds the generic defaults; SOURCES.yaml may override them.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

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
_FIRST_YEAR, _LAST_YEAR = dt.MINYEAR, dt.MAXYEAR  # every year a 4-digit date can express

TODAY = "today"
# Plausible span per date field, inclusive; TODAY is resolved when the spec is loaded.
#   birth_date 1880..today: no living or recently deceased person in a register was born
#     earlier (the same floor as the ID-number check); a birth date after today is impossible.
#   established_date 1800..today: old firms still registered (老字号) give founding dates in
#     the 1800s; a future establishment is a typo or a placeholder.
#   start_date 1900..today: a relation (office, shareholding, marriage) that began; not yet
#     begun is suspicious.
#   end_date 1900..2100-12-31: terms of office and contracts legitimately end in the future.
DEFAULT_RANGES: dict[str, tuple[str, str]] = {
    "birth_date": ("1880-01-01", TODAY),
    "established_date": ("1800-01-01", TODAY),
    "start_date": ("1900-01-01", TODAY),
    "end_date": ("1900-01-01", "2100-12-31"),
}
DATE_FIELDS = tuple(DEFAULT_RANGES)


@dataclass(frozen=True)
class DateRange:
    """The plausible span of one date field, both ends inclusive."""

    earliest: dt.date
    latest: dt.date

    def as_iso(self) -> list[str]:
        """[earliest, latest] as ISO strings (for report.json)."""
        return [self.earliest.isoformat(), self.latest.isoformat()]


def default_ranges(today: dt.date | None = None) -> dict[str, DateRange]:
    """DEFAULT_RANGES with TODAY resolved (to the local date when `today` is not given)."""
    today = today or dt.date.today()
    return {name: DateRange(dt.date.fromisoformat(lo),
                            today if hi == TODAY else dt.date.fromisoformat(hi))
            for name, (lo, hi) in DEFAULT_RANGES.items()}


def out_of_range(iso: pd.Series, bounds: DateRange) -> np.ndarray:
    """Mask of ISO dates before bounds.earliest or after bounds.latest (null -> False).
    ISO strings with 4-digit years (date.isoformat pads 627 to 0627) sort like the dates,
    so this is two Arrow string comparisons."""
    a = arrow(iso)
    outside = pc.or_(pc.less(a, bounds.earliest.isoformat()),
                     pc.greater(a, bounds.latest.isoformat()))
    return pc.fill_null(outside, False).to_numpy(zero_copy_only=False)


def parse_one(text: str, day_first: bool | None = None) -> tuple[int, int, int] | None:
    """(year, month, day) from one date string, unchecked; None when no format matches.
    ``day_first``: how to read a year-last date whose first two numbers could both be the
    month (None: such a date is not read)."""
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
    if m:
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if first > 12 or (second <= 12 and day_first):
            return year, second, first
        if second > 12 or (first <= 12 and day_first is False):
            return year, first, second
        return None
    m = _SERIAL.match(text)
    if m:
        day = _EXCEL_EPOCH + dt.timedelta(days=int(m.group(1)))
        return day.year, day.month, day.day
    return None


MIN_ORDER_EVIDENCE = 3  # unambiguous year-last dates needed to read a column's ambiguous ones
ORDER_CONSENSUS = 0.95  # share of them that must agree on the order


def infer_day_first(values: pa.Array) -> bool | None:
    """Whether the column's year-last dates put the day first (True), the month first
    (False), or it cannot tell (None): the values whose first or second number exceeds 12
    decide, when enough of them agree."""
    parts = pc.extract_regex(values, r"^(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.]\d{4}")
    if parts.null_count == len(parts):
        return None
    a, b = (pc.fill_null(pc.cast(pc.struct_field(parts, part), pa.int32()), 0)
            .to_numpy(zero_copy_only=False) for part in "ab")
    days_first = int(((a > 12) & (b <= 12)).sum())
    months_first = int(((b > 12) & (a <= 12) & (a > 0)).sum())
    total = days_first + months_first
    if total < MIN_ORDER_EVIDENCE:
        return None
    if days_first >= ORDER_CONSENSUS * total:
        return True
    if months_first >= ORDER_CONSENSUS * total:
        return False
    return None


_FAST = (r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?(?:[\sT].*)?$",
         r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")


def _iso_distinct(values: pa.Array) -> pa.Array:
    """ISO dates for distinct strings: the common layouts by Arrow regex (vectorised), the
    rest (Chinese numerals, Excel serials, year-last) one by one."""
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
        day_first = infer_day_first(norm.take(pa.array(rest)))
        texts = values.take(pa.array(rest)).to_pylist()
        for i, text in zip(rest.tolist(), texts, strict=True):
            found = parse_one(text, day_first)
            if found:
                y[i], m[i], d[i] = found
    ok = valid_dates(y, m, d, earliest=_FIRST_YEAR, latest=_LAST_YEAR)
    mat = np.full((n, 10), ord("-"), dtype=np.uint8)
    for col, width, start in ((y, 4, 0), (m, 2, 5), (d, 2, 8)):
        value = np.where(ok, col, 0)
        for k in range(width - 1, -1, -1):
            mat[:, start + k] = 48 + value % 10
            value = value // 10
    return pc.if_else(pa.array(ok), fixed_width_text(mat), pa.scalar(None, pa.string()))


def parse_dates(s: pd.Series) -> pd.Series:
    """ISO dates (Arrow strings) for a Series of date text; null where unparseable. No
    plausibility bound here: see `out_of_range`."""
    a = clean_arrow(arrow(s))
    if len(a) == 0 or a.null_count == len(a):
        return from_arrow(pa.nulls(len(a), pa.string()), s.index)
    encoded = pc.dictionary_encode(a).combine_chunks()
    iso = _iso_distinct(encoded.dictionary)
    return from_arrow(pc.take(iso, encoded.indices), s.index)
