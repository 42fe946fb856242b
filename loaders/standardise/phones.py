"""Telephone numbers: digits only; +86 / 0086 prefixes dropped; mainland mobiles 11 digits
(1[3-9]...), landlines with their area code (0 + 2-3 digits + 7-8 digits). Only the first
of several numbers in one field is kept. `phone_kind` says mobile, landline or local."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.standardise.idcard import digit_matrix
from loaders.standardise.text import arrow, clean_arrow, distinct_columns, text_frame

_SPLIT = re.compile(r"[;,，；/、|]|\s{2,}")
_EXTENSION = re.compile(r"(?:转|分机|ext\.?|x)\s*\d+$", re.IGNORECASE)
_NON_DIGIT = re.compile(r"\D")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_LOCAL = re.compile(r"^[1-9]\d{6,7}$")


def normalise_one(text: str) -> str | None:
    """The first number in `text` as digits only, country prefix removed; None if no digits."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = _SPLIT.split(text, maxsplit=1)[0].strip()
    text = _EXTENSION.sub("", text)
    plus = text.startswith("+")
    digits = _NON_DIGIT.sub("", text)
    if plus and digits.startswith("86"):
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13 and digits[2] == "1":
        digits = digits[2:]
    if digits.startswith("86") and len(digits) in (11, 12, 13) and not _MOBILE.match(digits):
        digits = "0" + digits[2:] if not digits[2:].startswith("0") else digits[2:]
    return digits or None


def phone_kind(digits: str | None) -> str | None:
    """mobile | landline | local | None (not a plausible mainland number)."""
    if not digits:
        return None
    if _MOBILE.match(digits):
        return "mobile"
    if _LANDLINE.match(digits):
        return "landline"
    if _LOCAL.match(digits):
        return "local"
    return None


def normalise_phones(s: pd.Series) -> pd.DataFrame:
    """DataFrame[phone, phone_kind] on s.index. Plain 11-digit mobiles take a numpy fast path;
    the rest are normalised once per distinct value."""
    a = clean_arrow(arrow(s))
    n = len(a)
    if a.null_count == n:  # no phone at all (a query without one): nothing to normalise
        null = pa.nulls(n, pa.string())
        return text_frame({"phone": null, "phone_kind": null}, s.index)
    lengths = pc.fill_null(pc.binary_length(a), 0).to_numpy(zero_copy_only=False)
    quick = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(lengths == 11)
    if len(idx):
        mat = digit_matrix(a.take(pa.array(idx)), 11)
        ok = ((mat >= 48) & (mat <= 57)).all(axis=1) & (mat[:, 0] == ord("1")) & \
            (mat[:, 1] >= ord("3"))
        quick[idx[ok]] = True
    phone = a.combine_chunks()
    kind = pc.if_else(pa.array(quick), "mobile", pa.scalar(None, pa.string()))
    slow = ~quick & (lengths > 0)
    if slow.any():
        cols = distinct_columns(a.filter(pa.array(slow)), _normalise_distinct)
        mask = pa.array(slow)
        phone = pc.replace_with_mask(phone, mask, pa.array(cols["phone"], type=pa.string()))
        kind = pc.replace_with_mask(kind, mask, pa.array(cols["kind"], type=pa.string()))
    return text_frame({"phone": phone, "phone_kind": kind}, s.index)


def _normalise_distinct(values: list[str]) -> dict[str, list]:
    digits = [normalise_one(v) for v in values]
    return {"phone": digits, "kind": [phone_kind(d) for d in digits]}
