"""Unified social credit codes (GB 32100-2015): 18 characters = registration authority, type,
6-digit region code, 9-character organisation code (GB 11714, with its own check character)
and a check character. Vectorised over the character matrix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.standardise.idcard import digit_matrix, fixed_width_text
from loaders.standardise.text import arrow, clean_arrow, fix_where, from_arrow

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int32)
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int32)
_NULL = pa.scalar(None, pa.string())

_VALUE = np.full(256, -1, dtype=np.int32)          # credit-code alphabet value per byte
for _i, _c in enumerate(ALPHABET):
    _VALUE[ord(_c)] = _i
_ORG_VALUE = np.full(256, -1, dtype=np.int32)      # GB 11714 value: 0-9, A=10 .. Z=35
for _i, _c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    _ORG_VALUE[ord(_c)] = _i


def check_char(body17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(ALPHABET.index(c) * int(w) for c, w in zip(body17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def org_check_char(org8: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(int(_ORG_VALUE[ord(c)]) * int(w) for c, w in zip(org8, ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def normalise_credit_codes(s: pd.Series) -> pd.DataFrame:
    """DataFrame[credit_code, credit_code_valid, region_code] on s.index.

    credit_code: NFKC, separators removed, upper-case. Valid when all 18 characters are in the
    alphabet, the region part is six digits, and both check characters agree. Invalid codes
    are kept as cleaned; null stays null with credit_code_valid null.
    """
    a = clean_arrow(arrow(s))
    present = pc.is_valid(a).to_numpy(zero_copy_only=False)
    lengths = pc.fill_null(pc.binary_length(a), 0).to_numpy(zero_copy_only=False)
    untidy = present & (lengths != 18)
    if untidy.any() or not pc.all(pc.fill_null(pc.string_is_ascii(a), True)).as_py():
        a = fix_where(a, pa.array(present), lambda sub: pc.utf8_upper(pc.replace_substring_regex(
            pc.utf8_normalize(sub, "NFKC"), r"[\s\-_.]", "")))
        lengths = pc.fill_null(pc.binary_length(a), 0).to_numpy(zero_copy_only=False)
    else:
        a = pc.utf8_upper(a)
    n = len(a)
    valid = np.zeros(n, dtype=bool)
    region = np.zeros((n, 6), dtype=np.uint8)
    idx = np.flatnonzero(lengths == 18)
    if len(idx):
        mat = digit_matrix(a.take(pa.array(idx)), 18)
        values = _VALUE[mat]
        ok = (values >= 0).all(axis=1)
        ok &= ((mat[:, 2:8] >= 48) & (mat[:, 2:8] <= 57)).all(axis=1)
        total = (np.where(values[:, :17] >= 0, values[:, :17], 0) * WEIGHTS).sum(axis=1)
        ok &= _VALUE[mat[:, 17]] == (31 - total % 31) % 31
        org = _ORG_VALUE[mat[:, 8:16]]
        org_total = (np.where(org >= 0, org, 0) * ORG_WEIGHTS).sum(axis=1)
        expected = 11 - org_total % 11
        expected_char = np.where(expected == 10, ord("X"),
                                 np.where(expected == 11, ord("0"), 48 + expected))
        ok &= (org >= 0).all(axis=1) & (mat[:, 16] == expected_char)
        valid[idx] = ok
        region[idx] = mat[:, 2:8]
    has_region = np.zeros(n, dtype=bool)
    if len(idx):
        has_region[idx] = ((region[idx] >= 48) & (region[idx] <= 57)).all(axis=1)
    return pd.DataFrame({
        "credit_code": from_arrow(a, s.index),
        "credit_code_valid": pd.Series(pd.arrays.BooleanArray(valid, ~present), index=s.index),
        "region_code": from_arrow(pc.if_else(pa.array(has_region), fixed_width_text(region),
                                             _NULL), s.index),
    }, index=s.index)


def credit_code_categories(codes: pd.Series) -> pd.Series:
    """The organisation category of each credit code: characters 1-2 (registration authority
    and the category it registers) named by the ontology's code list kgc:CreditCodeCategory
    (``92...`` -> 个体工商户, ``51...`` -> 社会团体); NA for a missing or unlisted prefix, and
    for a code whose check characters fail (its prefix may be the typo)."""
    from ontology.schema import code_labels

    checked = normalise_credit_codes(codes)
    valid = checked["credit_code"].where(checked["credit_code_valid"].fillna(False).astype(bool))
    return valid.str[:2].map(code_labels("CreditCodeCategory")).astype("string")
