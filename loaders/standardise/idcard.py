"""Resident identity numbers (GB 11643-1999): checksum, legacy 15-digit conversion, derived
birth date, sex and region code. Fully vectorised with numpy over the digit matrix.

A number with a bad checksum or an impossible birth date is kept and flagged (`id_valid`
false), never dropped: it is still evidence for linking.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.standardise.text import arrow, from_arrow

WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = np.frombuffer(b"10X98765432", dtype=np.uint8)
_SEPARATORS = r"[\s\-_.·]"


def check_char(body17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(body17, WEIGHTS.tolist(), strict=True))
    return chr(CHECK_CHARS[total % 11])


def digit_matrix(values: pa.Array, width: int) -> np.ndarray:
    """(n, width) uint8 matrix of the ASCII bytes of fixed-width, non-null ASCII strings."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if len(values) == 0:
        return np.empty((0, width), dtype=np.uint8)
    offsets = np.frombuffer(values.buffers()[1], dtype=np.int32)[values.offset:]
    data = np.frombuffer(values.buffers()[2], dtype=np.uint8)
    start = int(offsets[0])
    return data[start:start + width * len(values)].reshape(len(values), width)


def dates_from_digits(y: np.ndarray, m: np.ndarray, d: np.ndarray,
                      earliest: int = 1850, latest: int = 2100) -> tuple[np.ndarray, np.ndarray]:
    """(datetime64[D] array, valid mask) for year/month/day integer arrays."""
    ok = (y >= earliest) & (y <= latest) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31)
    months = np.where(ok, (y - 1970) * 12 + (m - 1), 0).astype("timedelta64[M]")
    first = np.datetime64("1970-01", "M") + months
    day = first.astype("datetime64[D]") + np.where(ok, d - 1, 0).astype("timedelta64[D]")
    ok &= day.astype("datetime64[M]") == first
    return day, ok


def normalise_id_numbers(s: pd.Series) -> pd.DataFrame:
    """DataFrame[id_number, id_valid, id_legacy, birth_date, sex, region_code] on s.index.

    id_number: NFKC (full-width digits), separators removed, upper-case; 15-digit legacy
    numbers become 18 digits (century 19 inserted, check digit computed). Malformed numbers
    are kept as cleaned with id_valid false; null stays null with id_valid null.
    birth_date (ISO), sex (M/F) and region_code are derived where the number is well formed.
    """
    n = len(s)
    a = arrow(s)
    a = pc.utf8_upper(pc.replace_substring_regex(pc.utf8_normalize(a, "NFKC"), _SEPARATORS, ""))
    a = pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)
    present = pc.is_valid(a).to_numpy(zero_copy_only=False)
    is18 = pc.fill_null(pc.match_substring_regex(a, r"^\d{17}[\dX]$"), False).to_numpy(
        zero_copy_only=False)
    is15 = pc.fill_null(pc.match_substring_regex(a, r"^\d{15}$"), False).to_numpy(
        zero_copy_only=False)

    body = np.zeros((n, 17), dtype=np.uint8)
    given_check = np.zeros(n, dtype=np.uint8)
    idx18, idx15 = np.flatnonzero(is18), np.flatnonzero(is15)
    if len(idx18):
        mat = digit_matrix(a.take(pa.array(idx18)), 18)
        body[idx18] = mat[:, :17]
        given_check[idx18] = mat[:, 17]
    if len(idx15):
        mat = digit_matrix(a.take(pa.array(idx15)), 15)
        body[idx15, :6] = mat[:, :6]
        body[idx15, 6:8] = np.frombuffer(b"19", dtype=np.uint8)
        body[idx15, 8:] = mat[:, 6:]
    formed = is18 | is15
    digits = body.astype(np.int64) - 48
    check = CHECK_CHARS[(digits @ WEIGHTS) % 11]
    checksum_ok = np.where(is15, True, check == given_check)

    y = digits[:, 6] * 1000 + digits[:, 7] * 100 + digits[:, 8] * 10 + digits[:, 9]
    m = digits[:, 10] * 10 + digits[:, 11]
    d = digits[:, 12] * 10 + digits[:, 13]
    day, date_ok = dates_from_digits(y, m, d, earliest=1880, latest=2100)
    date_ok &= formed
    valid = formed & checksum_ok & date_ok

    full = np.concatenate([body, check[:, None]], axis=1)
    full[is18, 17] = given_check[is18]
    formed_a = pa.array(formed)
    id_number = pc.if_else(formed_a, fixed_width_text(full), a)
    births = pc.if_else(pa.array(date_ok), pc.cast(pa.array(day, type=pa.date32()), pa.string()),
                        pa.scalar(None, pa.string()))
    sex = pc.if_else(formed_a, pc.if_else(pa.array(digits[:, 16] % 2 == 1), "M", "F"),
                     pa.scalar(None, pa.string()))
    region = pc.if_else(formed_a, fixed_width_text(np.ascontiguousarray(full[:, :6])),
                        pa.scalar(None, pa.string()))
    present_a = pa.array(present)
    null_bool = pa.scalar(None, pa.bool_())
    return pd.DataFrame({
        "id_number": from_arrow(id_number, s.index),
        "id_valid": _bools(pc.if_else(present_a, pa.array(valid), null_bool), s.index),
        "id_legacy": _bools(pc.if_else(present_a, pa.array(is15), null_bool), s.index),
        "birth_date": from_arrow(births, s.index),
        "sex": from_arrow(sex, s.index),
        "region_code": from_arrow(region, s.index),
    }, index=s.index)


def fixed_width_text(matrix: np.ndarray) -> pa.Array:
    """Rows of an (n, w) uint8 ASCII matrix as an Arrow string array."""
    n, width = matrix.shape
    data = pa.py_buffer(np.ascontiguousarray(matrix).tobytes())
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * width).tobytes())
    return pa.Array.from_buffers(pa.string(), n, [None, offsets, data])


def _bools(values: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """Nullable boolean Series from an Arrow boolean array."""
    return pd.Series(pd.array(values.to_numpy(zero_copy_only=False), dtype="boolean"),
                     index=index)


__all__ = ["normalise_id_numbers", "check_char", "digit_matrix", "dates_from_digits",
           "fixed_width_text"]
