"""Turn an ingested frame into the comparison-ready frame linking works on.

The loaders already standardise (ISO dates, 18-char IDs with validity flags, digits-only
phones, ``name_norm``/``name_pinyin``); this module only picks those columns, fills the
few derived keys blocking needs (sorted name tokens, identifier halves, birth year) and
falls back to light normalisation when a frame lacks a derived column (e.g. a frame built
by hand). All work is vectorised over unique values.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

_PERSON_TEXT = ("sex", "email", "address", "postcode", "city", "province", "region_code",
                "birth_place", "occupation", "ethnicity", "nationality", "former_name")
_ORG_TEXT = ("reg_number", "legal_rep_id", "address", "email", "industry", "region_code",
             "legal_form", "status")


def _null_blank(values: pd.Series) -> pd.Series:
    """Strings stripped; empty / whitespace-only / NaN become None (object dtype)."""
    s = values.astype("object").where(values.notna(), None)
    s = s.map(lambda v: v if v is None else str(v).strip(), na_action="ignore")
    return s.where(s.astype(bool) & s.notna(), None).astype("object")


def _norm_text(values: pd.Series) -> pd.Series:
    """NFKC, lower-case, collapsed spaces; Han text loses spaces and punctuation."""
    s = _null_blank(values)
    uniq = pd.unique(s.dropna())
    mapping = {u: _norm_one(u) for u in uniq}
    out = s.map(mapping, na_action="ignore")
    return out.where(out.astype(bool) & out.notna(), None).astype("object")


def _norm_one(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return "".join(ch for ch in text if ch.isalnum())
    return " ".join(text.replace(".", " ").replace(",", " ").split())


def _pinyin(values: pd.Series) -> pd.Series:
    """Toneless pinyin for Han names (fallback when the loaders did not supply it)."""
    uniq = pd.unique(values.dropna())
    han = [u for u in uniq if any("\u4e00" <= ch <= "\u9fff" for ch in u)]
    mapping = {u: u for u in uniq}
    if han:
        from pypinyin import lazy_pinyin

        mapping.update({u: " ".join(lazy_pinyin(u)) for u in han})
    return values.map(mapping, na_action="ignore").astype("object")


def _digits(values: pd.Series) -> pd.Series:
    s = _null_blank(values)
    out = s.str.replace(r"\D", "", regex=True)
    return out.where(out.str.len() > 0, None).astype("object")


def _bool(frame: pd.DataFrame, column: str, n: int) -> np.ndarray:
    if column not in frame.columns:
        return np.zeros(n, dtype=bool)
    return frame[column].fillna(False).astype(bool).to_numpy()


def _halves(ids: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and second half of each identifier: one typo leaves one half intact."""
    head = pd.Series(None, index=ids.index, dtype="object")
    tail = pd.Series(None, index=ids.index, dtype="object")
    lengths = ids.str.len()
    for length in pd.unique(lengths.dropna()):
        rows = lengths == length
        half = int(length) // 2
        head[rows] = ids[rows].str[:half]
        tail[rows] = ids[rows].str[half:]
    return head, tail


def _name_sorted(name: pd.Series) -> pd.Series:
    """Name tokens sorted (swapped given/family names meet); Han names unchanged."""
    uniq = pd.unique(name.dropna())
    mapping = {u: " ".join(sorted(u.split())) for u in uniq}
    return name.map(mapping, na_action="ignore").astype("object")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name].reset_index(drop=True)
    return pd.Series([None] * len(frame), dtype="object")


def prepare(frame: pd.DataFrame, entity_type: str) -> pd.DataFrame:
    """The positional (0..n-1) comparison frame for persons or organisations."""
    n = len(frame)
    out = pd.DataFrame(index=pd.RangeIndex(n))
    out["department"] = _column(frame, "department").astype(str).to_numpy()
    out["record_id"] = _column(frame, "record_id").astype(str).to_numpy()

    name = _column(frame, "name_norm")
    raw_name = _norm_text(_column(frame, "name"))
    name = _null_blank(name).where(_null_blank(name).notna(), raw_name)
    if entity_type == "person":
        given = _norm_text(_column(frame, "given_name"))
        family = _norm_text(_column(frame, "family_name"))
        joined = (given.fillna("") + " " + family.fillna("")).str.strip()
        name = name.where(name.notna(), joined.where(joined.str.len() > 0, None))
        out["given_name"] = given.to_numpy()
        out["family_name"] = family.to_numpy()
    out["name"] = name.astype("object").to_numpy()
    pinyin = _null_blank(_column(frame, "name_pinyin"))
    if entity_type == "organization":
        core = _null_blank(_column(frame, "name_core"))
        out["name_core"] = core.where(core.notna(), name).to_numpy()
        pinyin = pinyin.where(pinyin.notna(), _pinyin(out["name_core"]))
    else:
        pinyin = pinyin.where(pinyin.notna(), _pinyin(out["name"]))
        out["name_sorted"] = _name_sorted(pinyin.where(pinyin.notna(), out["name"])).to_numpy()
    out["name_pinyin"] = pinyin.to_numpy()

    id_field, valid_field = (("id_number", "id_valid") if entity_type == "person"
                             else ("credit_code", "credit_code_valid"))
    ids = _null_blank(_column(frame, id_field)).str.upper().str.replace(r"[\s-]", "",
                                                                          regex=True)
    ids = ids.where(ids.str.len() > 0, None)
    out[id_field] = ids.to_numpy()
    out[valid_field] = _bool(frame, valid_field, n) & ids.notna().to_numpy()
    head, tail = _halves(ids)
    out["id_head"], out["id_tail"] = head.to_numpy(), tail.to_numpy()

    out["phone"] = _digits(_column(frame, "phone")).to_numpy()
    if entity_type == "person":
        birth = _digits(_column(frame, "birth_date"))
        out["birth_date"] = birth.where(birth.str.len() == 8, None).to_numpy()
        out["birth_year"] = out["birth_date"].str[:4]
        for col in _PERSON_TEXT:
            out[col] = _norm_text(_column(frame, col)).to_numpy()
        if out["region_code"].isna().all() and "id_region_code" in frame.columns:
            out["region_code"] = _null_blank(_column(frame, "id_region_code")).to_numpy()
    else:
        est = _digits(_column(frame, "established_date"))
        out["established_date"] = est.where(est.str.len() == 8, None).to_numpy()
        out["legal_rep_name"] = _norm_text(_column(frame, "legal_rep_name")).to_numpy()
        for col in _ORG_TEXT:
            out[col] = _norm_text(_column(frame, col)).to_numpy()
        out["legal_rep_id"] = out["legal_rep_id"].str.upper()
    return out
