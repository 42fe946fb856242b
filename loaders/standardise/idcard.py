"""Resident identity numbers (GB 11643-1999): checksum, legacy 15-digit conversion, derived
birth date, sex and region code. Vectorised with numpy over the digit matrix.

A number with a bad checksum or an impossible birth date is kept and flagged (`id_valid`
false), never dropped: it is still evidence for linking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.standardise.text import arrow, clean_arrow, fix_where, text_array
from ontology.schema import sexes

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = np.frombuffer(b"10X98765432", dtype=np.uint8)
_SEPARATORS = r"[\s\-_.·]"
_NULL = pa.scalar(None, pa.string())


def check_char(body17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(body17, WEIGHTS.tolist(), strict=True))
    return chr(CHECK_CHARS[total % 11])


def digit_matrix(values: pa.Array | pa.ChunkedArray, width: int) -> np.ndarray:
    """(n, width) uint8 matrix of the bytes of non-null strings that are `width` bytes each."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if len(values) == 0:
        return np.empty((0, width), dtype=np.uint8)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset:]
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)
    start = int(offsets[0])
    return data[start:start + width * len(values)].reshape(len(values), width)


def fixed_width_text(matrix: np.ndarray) -> pa.Array:
    """Rows of an (n, w) uint8 ASCII matrix as an Arrow string array."""
    n, width = matrix.shape
    data = pa.py_buffer(np.ascontiguousarray(matrix).tobytes())
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * width).tobytes())
    return pa.Array.from_buffers(pa.string(), n, [None, offsets, data])


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int32)


def valid_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray,
                earliest: int = 1850, latest: int = 2100) -> np.ndarray:
    """Mask of real calendar dates among year/month/day integer arrays (leap years included)."""
    ok = (y >= earliest) & (y <= latest) & (m >= 1) & (m <= 12) & (d >= 1)
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    dim = _DAYS_IN_MONTH[np.where(ok, m, 0)] + ((m == 2) & leap)
    return ok & (d <= dim)


def _number(cols: np.ndarray) -> np.ndarray:
    """Integer value of the ASCII digit columns of a (n, k) uint8 matrix."""
    out = np.zeros(len(cols), dtype=np.int32)
    for k in range(cols.shape[1]):
        out = out * 10 + (cols[:, k].astype(np.int32) - 48)
    return out


def iso_from_digits(digits8: np.ndarray) -> pa.Array:
    """(n, 8) uint8 'YYYYMMDD' ASCII matrix -> 'YYYY-MM-DD' strings."""
    n = len(digits8)
    out = np.full((n, 10), ord("-"), dtype=np.uint8)
    out[:, :4], out[:, 5:7], out[:, 8:10] = digits8[:, :4], digits8[:, 4:6], digits8[:, 6:8]
    return fixed_width_text(out)


class _Parsed:
    """Well-formed 15/18-digit numbers found in an array, as a 17-digit body + given check."""

    def __init__(self, a: pa.ChunkedArray) -> None:
        n = len(a)
        self.is18 = np.zeros(n, dtype=bool)
        self.is15 = np.zeros(n, dtype=bool)
        self.body = np.zeros((n, 17), dtype=np.uint8)
        self.given = np.zeros(n, dtype=np.uint8)
        lengths = pc.fill_null(pc.binary_length(a), 0).to_numpy(zero_copy_only=False)
        for width in (18, 15):
            idx = np.flatnonzero(lengths == width)
            if not len(idx):
                continue
            mat = digit_matrix(a.take(pa.array(idx)), width)
            last = mat[:, -1]
            if width == 18:
                last = np.where(last == ord("x"), ord("X"), last)
                ok = _all_digits(mat[:, :17]) & (_all_digits(last[:, None]) | (last == ord("X")))
                self.is18[idx[ok]] = True
                self.body[idx[ok]] = mat[ok, :17]
                self.given[idx[ok]] = last[ok]
            else:
                ok = _all_digits(mat)
                rows = idx[ok]
                self.is15[rows] = True
                self.body[rows, :6] = mat[ok, :6]
                self.body[rows, 6:8] = np.frombuffer(b"19", dtype=np.uint8)
                self.body[rows, 8:] = mat[ok, 6:]

    @property
    def formed(self) -> np.ndarray:
        return self.is18 | self.is15


def _all_digits(mat: np.ndarray) -> np.ndarray:
    return ((mat >= 48) & (mat <= 57)).all(axis=1)


def _deep_clean(sub: pa.Array) -> pa.Array:
    return pc.utf8_upper(pc.replace_substring_regex(pc.utf8_normalize(sub, "NFKC"),
                                                    _SEPARATORS, ""))


def _without_numbers(index: pd.Index) -> pd.DataFrame:
    """``normalise_id_numbers`` of a column without any number (most real-time queries):
    all null, answered without the parsing's fixed cost (columns made from arrays, which
    nothing changes in place, so they share them)."""
    null = text_array(pa.nulls(len(index), pa.string()))
    unknown = pd.arrays.BooleanArray(np.zeros(len(index), dtype=bool),
                                     np.ones(len(index), dtype=bool))
    return pd.DataFrame({"id_number": null, "id_valid": unknown, "id_legacy": unknown,
                         "birth_date": null, "sex": null, "region_code": null}, index=index,
                        copy=False)


def normalise_id_numbers(s: pd.Series) -> pd.DataFrame:
    """DataFrame[id_number, id_valid, id_legacy, birth_date, sex, region_code] on s.index.

    id_number: NFKC (full-width digits), separators removed, upper-case; 15-digit legacy
    numbers become 18 digits (century 19 inserted, check digit computed). Malformed numbers
    are kept as cleaned with id_valid false; null stays null with id_valid null.
    birth_date (ISO), sex (M/F) and region_code are derived where the number is well formed.
    """
    if s.array.isna().all():
        return _without_numbers(s.index)
    a = clean_arrow(arrow(s))
    if a.null_count == len(a):
        return _without_numbers(s.index)
    parsed = _Parsed(a)
    present = pc.is_valid(a).to_numpy(zero_copy_only=False)
    rest = present & ~parsed.formed
    if rest.any():  # full-width digits, separators, lower-case x: the slow path, few rows
        a = fix_where(a, pa.array(rest), _deep_clean)
        parsed = _Parsed(a)
    formed = parsed.formed
    body = parsed.body
    total = np.zeros(len(body), dtype=np.int32)
    for k, weight in enumerate(WEIGHTS.tolist()):
        total += (body[:, k].astype(np.int32) - 48) * weight
    check = CHECK_CHARS[total % 11]
    checksum_ok = np.where(parsed.is15, True, check == parsed.given)
    date_ok = formed & valid_dates(_number(body[:, 6:10]), _number(body[:, 10:12]),
                                   _number(body[:, 12:14]), earliest=1880)
    valid = formed & checksum_ok & date_ok

    full = np.concatenate([parsed.body, np.where(parsed.is18, parsed.given, check)[:, None]],
                          axis=1)
    formed_a = pa.array(formed)
    id_number = pc.if_else(formed_a, fixed_width_text(full), a)
    births = pc.if_else(pa.array(date_ok), iso_from_digits(body[:, 6:14]), _NULL)
    sex = pc.if_else(formed_a, pc.if_else(pa.array(body[:, 16] % 2 == 1), sexes.M, sexes.F), _NULL)
    region = pc.if_else(formed_a, fixed_width_text(body[:, :6]), _NULL)
    return pd.DataFrame({
        "id_number": text_array(id_number),
        "id_valid": pd.arrays.BooleanArray(valid, ~present),
        "id_legacy": pd.arrays.BooleanArray(parsed.is15, ~present),
        "birth_date": text_array(births),
        "sex": text_array(sex),
        "region_code": text_array(region),
    }, index=s.index, copy=False)
