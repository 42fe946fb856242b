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
    return from_arrow(clean_arrow(arrow(s)), s.index)


def clean_arrow(a: pa.ChunkedArray) -> pa.ChunkedArray:
    """`clean` on an Arrow array; the regex runs only on the rare rows that need it."""
    a = pc.utf8_trim_whitespace(a)
    control = rows_with_bytes(a, _CONTROL_BYTES)
    if control.any():
        a = fix_where(a, pa.array(control),
                      lambda sub: pc.utf8_trim_whitespace(
                          pc.replace_substring_regex(sub, _CONTROL, "")))
    return pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)


_CONTROL_BYTES = np.zeros(256, dtype=bool)
_CONTROL_BYTES[[*range(0, 9), 11, 12, *range(14, 32), 127]] = True


def rows_with_bytes(a: pa.ChunkedArray | pa.Array, table: np.ndarray) -> np.ndarray:
    """Mask of rows containing any byte b with table[b] true (a scan of the raw buffers)."""
    chunks = a.chunks if isinstance(a, pa.ChunkedArray) else [a]
    parts = []
    for chunk in chunks:
        if len(chunk) == 0:
            continue
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[
            chunk.offset:chunk.offset + len(chunk) + 1]
        data = chunk.buffers()[2]
        data = np.frombuffer(data, dtype=np.uint8) if data is not None else \
            np.empty(0, dtype=np.uint8)
        mask = np.zeros(len(chunk), dtype=bool)
        positions = np.flatnonzero(table[data[offsets[0]:offsets[-1]]]) + offsets[0]
        if len(positions):
            mask[np.searchsorted(offsets, positions, side="right") - 1] = True
        parts.append(mask)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def fix_where(a: pa.ChunkedArray, mask, fn) -> pa.ChunkedArray:
    """Replace the rows where `mask` is true by `fn` applied to those rows only."""
    mask = pa.chunked_array([pc.fill_null(mask, False).combine_chunks()]) \
        if isinstance(mask, pa.ChunkedArray) else pa.chunked_array([pc.fill_null(mask, False)])
    picked = a.filter(mask)
    if len(picked) == 0:
        return a
    fixed = fn(picked)
    fixed = fixed.combine_chunks() if isinstance(fixed, pa.ChunkedArray) else fixed
    return pa.chunked_array([pc.replace_with_mask(a.combine_chunks(), mask.combine_chunks(),
                                                  fixed)])


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


def map_distinct(a: pa.ChunkedArray, fn: Callable[[list[str]], list],
                 type: pa.DataType = pa.string()) -> pa.Array:
    """Apply `fn` (distinct strings -> results) once per distinct value; the per-row results
    as an Arrow array aligned with `a` (null for nulls)."""
    return distinct_columns(a, lambda values: {"v": fn(values)}, {"v": type})["v"]


def distinct_columns(a: pa.ChunkedArray, fn: Callable[[list[str]], dict[str, list]],
                     types: dict[str, pa.DataType] | None = None) -> dict[str, pa.Array]:
    """Like `map_distinct` for a function returning several columns (name -> list); each
    column is an Arrow array (strings unless `types` says otherwise)."""
    encoded = pc.dictionary_encode(a).combine_chunks() if len(a) else None
    if encoded is None:
        return {name: pa.array([], type=(types or {}).get(name, pa.string()))
                for name in fn([])}
    columns = fn(encoded.dictionary.to_pylist())
    return {name: pc.take(pa.array(values, type=(types or {}).get(name, pa.string())),
                          encoded.indices)
            for name, values in columns.items()}
