"""Addresses: the province / prefecture / county at the start mapped to GB/T 2260 codes.

Only the head of an address can name divisions, so the parser runs once per distinct
10-character head (after NFKC, traditional -> simplified and removing spaces); the few heads
whose division names may run past 10 characters are parsed again in full.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.divisions import index
from loaders.standardise.chinese import t2s_table
from loaders.standardise.text import (
    arrow,
    clean_arrow,
    distinct_columns,
    fix_where,
    from_arrow,
    rows_with_bytes,
)

HEAD = 10      # 湖南省长沙市岳麓区 fits; most addresses are parsed from this head
LONGER_HEADS = (16, 24)  # then room for the longest province + prefecture + county chains
_KEYS = ("province", "city", "county", "region_code", "complete")


def _prepare(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).translate(t2s_table()).split())


def parse_address(text: str) -> dict[str, str | None]:
    """province, city, county (canonical names) and region_code (most specific code)."""
    return _parse(_prepare(text), limit=None)


@lru_cache(maxsize=1 << 18)
def _parse(text: str, limit: int | None) -> dict[str, str | None]:
    ix = index()
    parsed = ix.parse(text)
    code = parsed.county or parsed.prefecture or parsed.province
    # complete: the whole address was seen or a county (the last level) was found.
    complete = limit is None or len(text) < limit or parsed.county is not None
    return {"province": ix.region_name(parsed.province), "city": ix.region_name(parsed.prefecture),
            "county": ix.region_name(parsed.county), "region_code": code,
            "complete": "1" if complete else None}


def _parse_many(values: list[str], limit: int | None) -> dict[str, list]:
    rows = [_parse(_prepare(v), limit) for v in values]
    return {k: [r[k] for r in rows] for k in _KEYS}


def parse_addresses(s: pd.Series) -> pd.DataFrame:
    """DataFrame[province, city, county, region_code] on s.index; nulls where not found."""
    a = clean_arrow(arrow(s))
    spaced = rows_with_bytes(a, lambda data: data == 32)
    if spaced.any():
        a = fix_where(a, pa.array(spaced), lambda sub: pc.replace_substring(sub, " ", ""))
    head = pc.utf8_slice_codeunits(a, 0, HEAD)
    cols = distinct_columns(head, lambda values: _parse_many(values, HEAD))
    incomplete = pc.and_(pc.is_valid(a), pc.is_null(cols["complete"]))
    mask = incomplete.combine_chunks() if isinstance(incomplete, pa.ChunkedArray) else incomplete
    for limit in (*LONGER_HEADS, None):
        if not pc.any(mask).as_py():
            break
        rows = a.filter(mask)
        if limit is not None:
            rows = pc.utf8_slice_codeunits(rows, 0, limit)
        full = distinct_columns(rows, lambda values, lim=limit: _parse_many(values, lim))
        for key in _KEYS[:4]:
            base = cols[key].combine_chunks() if isinstance(cols[key], pa.ChunkedArray) \
                else cols[key]
            cols[key] = pc.replace_with_mask(base, mask, full[key].combine_chunks()
                                             if isinstance(full[key], pa.ChunkedArray)
                                             else full[key])
        still = pc.is_null(full["complete"])
        still = still.combine_chunks() if isinstance(still, pa.ChunkedArray) else still
        new_mask = np.zeros(len(mask), dtype=bool)
        new_mask[np.flatnonzero(mask.to_numpy(zero_copy_only=False))] = \
            still.to_numpy(zero_copy_only=False)
        mask = pa.array(new_mask)
    return pd.DataFrame({k: from_arrow(cols[k], s.index) for k in _KEYS[:4]}, index=s.index)


__all__ = ["parse_address", "parse_addresses"]
