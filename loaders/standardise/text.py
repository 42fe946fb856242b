"""Shared text plumbing: Arrow-backed string Series, cleaning, and per-distinct-value mapping."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TEXT = pd.StringDtype("pyarrow")
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"


def as_text(s: pd.Series) -> pd.Series:
    """The Series as Arrow-backed strings (no copy when it already is)."""
    if s.dtype == TEXT:
        return s
    if s.dtype == object:
        s = s.where(s.isna(), s.astype(str))
    return s.astype(TEXT)


def arrow(s: pd.Series) -> pa.ChunkedArray:
    """The Arrow array behind an Arrow-backed string Series."""
    values = as_text(s).array._pa_array
    return values if values.type == pa.string() else values.cast(pa.string())


def from_arrow(values: pa.ChunkedArray | pa.Array, index: pd.Index) -> pd.Series:
    """A Series of Arrow-backed strings on `index`."""
    if isinstance(values, pa.Array):
        values = pa.chunked_array([values], type=values.type)
    if values.type != pa.string():
        values = values.cast(pa.string())
    return pd.Series(pd.arrays.ArrowStringArray(values), index=index)


def clean(s: pd.Series) -> pd.Series:
    """Control characters (NUL included) removed, whitespace trimmed, empty made null."""
    a = arrow(s)
    a = pc.replace_substring_regex(a, _CONTROL, "")
    a = pc.utf8_trim_whitespace(a)
    a = pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)
    return from_arrow(a, s.index)


def nfkc(s: pd.Series) -> pd.Series:
    """Unicode NFKC: full-width digits, letters and punctuation become their ASCII forms."""
    return from_arrow(pc.utf8_normalize(arrow(s), "NFKC"), s.index)


def by_unique(s: pd.Series, fn: Callable[[list[str]], dict[str, np.ndarray] | list],
              ) -> tuple[np.ndarray, object]:
    """Factorise `s`, apply `fn` to the list of distinct non-null values, return (codes, out).

    `codes` is -1 for nulls; callers take `out[codes]` with a null appended for -1.
    """
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    values = uniques.tolist() if hasattr(uniques, "tolist") else list(uniques)
    return codes, fn([str(v) for v in values])


def take_with_null(values: np.ndarray, codes: np.ndarray, null: object = None) -> np.ndarray:
    """values[codes] with `null` where codes == -1."""
    padded = np.empty(len(values) + 1, dtype=object if values.dtype == object else values.dtype)
    padded[:-1] = values
    padded[-1] = null
    return padded[codes]


def text_series(values: np.ndarray, index: pd.Index) -> pd.Series:
    """An object array of str/None as an Arrow-backed string Series."""
    return pd.Series(pd.array(values, dtype=TEXT), index=index)
