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

from loaders.standardise.creditcode import ALPHABET, normalise_credit_codes
from loaders.standardise.creditcode import check_char as code_check_char
from loaders.standardise.idcard import check_char as id_check_char
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


_ID18 = re.compile(r"\d{17}[\dX]")
_CODE18 = re.compile(f"[{re.escape(ALPHABET)}]{{18}}")


def nfkc(text: str) -> str:
    """Full-width digits and letters as ASCII."""
    return unicodedata.normalize("NFKC", text)


def nfkc_each(text: str) -> str:
    """NFKC of each character that stays one character (full-width digits and letters
    become ASCII), the others kept: the same length, so offsets hold."""
    return "".join(n if len(n := unicodedata.normalize("NFKC", c)) == 1 else c for c in text)


_FORMS: dict[tuple[str, str], tuple[str | None, bool]] = {}  # (kind, text) -> normal form
_FORMS_LIMIT = 200_000


def warm(kind: str, texts: list[str]) -> None:
    """Normalise many ID numbers (``kind`` "id_number") or credit codes ("credit_code") in
    one vectorised pass of the loaders' standardiser, for ``*_form`` to answer from."""
    new = sorted({t for t in texts if (kind, t) not in _FORMS})
    if not new:
        return
    if len(_FORMS) + len(new) > _FORMS_LIMIT:
        _FORMS.clear()
    if kind == "id_number":
        frame = normalise_id_numbers(pd.Series([nfkc(t).translate(_FOLD_ID) for t in new]))
        values, valid = frame["id_number"], frame["id_valid"]
    else:
        frame = normalise_credit_codes(pd.Series([nfkc(t).upper().translate(_FOLD_CODE)
                                                  for t in new]))
        values, valid = frame["credit_code"], frame["credit_code_valid"]
    for text, value, ok in zip(new, values, valid, strict=True):
        _FORMS[(kind, text)] = (None, False) if pd.isna(value) else (value, bool(ok))


def id_number_form(text: str) -> tuple[str | None, bool]:
    """(normal 18-character ID number or None, whether the loaders deem it valid)."""
    warm("id_number", [text])
    return _FORMS[("id_number", text)]


def credit_code_form(text: str) -> tuple[str | None, bool]:
    """(normal credit code or None, whether its check characters are right)."""
    warm("credit_code", [text])
    return _FORMS[("credit_code", text)]


def checks_as_id_number(text: str) -> bool:
    """Whether 18 characters (folded) end in their resident-ID check character."""
    folded = nfkc(text).translate(_FOLD_ID).upper()
    return bool(_ID18.fullmatch(folded)) and id_check_char(folded[:17]) == folded[17]


def checks_as_credit_code(text: str) -> bool:
    """Whether 18 characters (folded) end in their credit-code check character."""
    folded = nfkc(text).upper().translate(_FOLD_CODE)
    return bool(_CODE18.fullmatch(folded)) and code_check_char(folded[:17]) == folded[17]


def phone_form(text: str) -> str | None:
    """The phone's digits as the loaders store them, or None."""
    return normalise_one(nfkc(text).translate(_FOLD_ID))
