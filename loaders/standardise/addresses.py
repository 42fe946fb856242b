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
    text_frame,
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


_CJK = r"[\p{Han}\x{3000}-\x{303F}]"
_NEXT_TO_CJK = "(" + _CJK + r")\s+|\s+(" + _CJK + ")"  # -> \1\2: the character kept


def _whitespace(data: np.ndarray) -> np.ndarray:
    """Bytes of ASCII whitespace (control characters other than these are already gone)."""
    return data <= 32


def _compatibility(data: np.ndarray) -> np.ndarray:
    """Lead bytes of characters NFKC changes in addresses: the U+F000-U+FFFF block
    (full-width forms, compatibility ideographs), U+3000 (ideographic space), U+00A0 and
    U+2000-U+200A (other spaces). The rare candidate lead bytes are checked one by one."""
    hit = data == 0xEF
    lead = np.flatnonzero((data == 0xC2) | (data == 0xE2) | (data == 0xE3))
    lead = lead[lead + 2 < len(data)]
    if len(lead):
        b0, b1, b2 = data[lead], data[lead + 1], data[lead + 2]
        hit[lead] = ((b0 == 0xC2) & (b1 == 0xA0)) | ((b0 == 0xE3) & (b1 == 0x80) & (b2 == 0x80)) \
            | ((b0 == 0xE2) & (b1 == 0x80) & (b2 <= 0x8A))
    return hit


def normalise_address_text(s: pd.Series) -> pd.Series:
    """Addresses written the same way however they were typed: NFKC (full-width letters,
    digits and spaces -> half-width), no whitespace next to a Han character or CJK
    punctuation ("湖南省岳阳市 岳阳县人民东路 86 号" -> "湖南省岳阳市岳阳县人民东路86号"), and
    other whitespace runs as one space ("12  Main St" -> "12 Main St"). Only the rows holding
    such characters are rewritten (Arrow, no Python loop)."""
    return from_arrow(normalise_address_arrow(clean_arrow(arrow(s))), s.index)


def normalise_address_arrow(a: pa.ChunkedArray) -> pa.ChunkedArray:
    """`normalise_address_text` on an already cleaned Arrow array (see `text.clean_arrow`)."""
    compat = rows_with_bytes(a, _compatibility)
    if compat.any():
        a = fix_where(a, pa.array(compat), lambda sub: pc.utf8_normalize(sub, "NFKC"))
    spaced = rows_with_bytes(a, _whitespace)
    if spaced.any():
        def squeeze(sub):
            sub = pc.replace_substring_regex(sub, _NEXT_TO_CJK, r"\1\2")
            return pc.utf8_trim_whitespace(pc.replace_substring_regex(sub, r"\s+", " "))
        a = fix_where(a, pa.array(spaced), squeeze)
    if compat.any() or spaced.any():
        a = pc.if_else(pc.equal(a, ""), pa.scalar(None, pa.string()), a)
    return a


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
    return text_frame({k: cols[k] for k in _KEYS[:4]}, s.index)


__all__ = ["normalise_address_arrow", "normalise_address_text", "parse_address", "parse_addresses"]
