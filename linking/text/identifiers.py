"""Identifiers written in text: the patterns that find them, and their normal forms.

Scanned text confuses letters and digits (O/0, I/l/1, S/5, B/8, Z/2) and writes digits full
width. Resident ID numbers are digits with a final check character X; credit codes never use
I, O, S, V or Z, so folding those letters to digits is safe for both; B, D and Q are
credit-code letters and are folded in ID numbers only. The normal forms are the loaders' own
(``loaders.standardise``), so a found value meets the stored one exactly.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from loaders.standardise.creditcode import normalise_credit_codes
from loaders.standardise.idcard import normalise_id_numbers
from loaders.standardise.phones import normalise_one

_LOOK_ALIKE = {"0": "Oo", "1": "Il|i", "5": "Ss", "2": "Zz"}  # letters no credit code uses
_FOLD_CODE = str.maketrans({c: d for d, cs in _LOOK_ALIKE.items() for c in cs})
_FOLD_ID = str.maketrans({c: d for d, cs in {**_LOOK_ALIKE, "0": "OoDQ", "8": "B"}.items()
                          for c in cs})
_DIGITISH = "0-9OoDQIl|iSsZzB"

# on the NFKC text: an ID number (18 or legacy 15), a credit code, a mobile or landline
ID_NUMBER_PATTERN = re.compile(
    rf"(?<![0-9A-Za-z])(?:[1-9][{_DIGITISH}]{{16}}[{_DIGITISH}Xx]|[1-9][{_DIGITISH}]{{14}})"
    r"(?![0-9A-Za-z])")
CREDIT_CODE_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])[0-9A-HJ-NP-Z][0-9A-Z]{17}(?![0-9A-Za-z])")
PHONE_PATTERN = re.compile(
    rf"(?<![0-9A-Za-z])(?:1[3-9][{_DIGITISH}]{{9}}|0[1-9][{_DIGITISH}]{{1,2}}"
    rf"[-－ ]?[1-9][{_DIGITISH}]{{6,7}})(?![0-9A-Za-z])")


def nfkc(text: str) -> str:
    """Full-width digits and letters as ASCII (offsets unchanged for these characters)."""
    return unicodedata.normalize("NFKC", text)


def id_number_form(text: str) -> tuple[str | None, bool]:
    """(normal 18-character ID number or None, whether its check character is right)."""
    row = normalise_id_numbers(pd.Series([nfkc(text).translate(_FOLD_ID)])).iloc[0]
    value = row["id_number"]
    return (None, False) if pd.isna(value) else (value, bool(row["id_valid"]))


def credit_code_form(text: str) -> tuple[str | None, bool]:
    """(normal credit code or None, whether its check character is right)."""
    row = normalise_credit_codes(pd.Series([nfkc(text).upper().translate(_FOLD_CODE)])
                                 ).iloc[0]
    value = row["credit_code"]
    return (None, False) if pd.isna(value) else (value, bool(row["credit_code_valid"]))


def phone_form(text: str) -> str | None:
    """The phone's digits as the loaders store them, or None."""
    return normalise_one(nfkc(text).translate(_FOLD_ID))
