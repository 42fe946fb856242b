"""Turn an ingested frame into the comparison-ready frame linking works on.

The loaders already standardise (ISO dates, 18-char IDs with validity flags, digits-only
phones, ``name_norm``/``name_pinyin``); this module only picks those columns, fills the
few derived keys blocking needs (sorted name tokens, identifier halves, birth year) and
falls back to light normalisation when a frame lacks a derived column (e.g. a frame built
by hand). All work is vectorised over unique values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_PERSON_TEXT = ("sex", "email", "address", "postcode", "city", "province", "region_code",
                "birth_place", "occupation", "ethnicity", "nationality", "former_name")
_ORG_TEXT = ("reg_number", "address", "email", "industry", "region_code", "legal_form",
             "status", "legal_rep_name")
_HAN = r"[\u4e00-\u9fff]"


def _factor(values) -> tuple[np.ndarray, pd.Series]:
    codes, uniq = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return codes, pd.Series(np.asarray(uniq, dtype=object), dtype=object)


def _spread(codes: np.ndarray, mapped) -> np.ndarray:
    out = np.full(codes.size, None, dtype=object)
    seen = codes >= 0
    out[seen] = np.asarray(mapped, dtype=object)[codes[seen]]
    return out


def by_unique(values, fn) -> np.ndarray:
    """Apply ``fn`` (Series of distinct values -> same-length values, None for blank) once
    per distinct value and spread the result back to every row (missing stays None)."""
    codes, uniq = _factor(values)
    if uniq.empty:
        return np.full(codes.size, None, dtype=object)
    return _spread(codes, fn(uniq))


def _clean(u: pd.Series) -> pd.Series:
    """Strings stripped; blank becomes None."""
    s = u.astype(str).str.strip()
    return s.where(s.str.len() > 0, None)


def _norm_text(u: pd.Series) -> pd.Series:
    """NFKC, lower-case, collapsed spaces; Han text loses spaces and punctuation."""
    s = _clean(u).str.normalize("NFKC").str.lower()
    han = s.str.contains(_HAN, regex=True, na=False)
    out = s.str.replace(r"[.,\s]+", " ", regex=True).str.strip()
    if han.any():
        out[han] = s[han].str.replace(r"[\W_]+", "", regex=True)
    return out.where(out.str.len() > 0, None)


def _digits(u: pd.Series) -> pd.Series:
    s = _clean(u).str.replace(r"\D", "", regex=True)
    return s.where(s.str.len() > 0, None)


def _date8(u: pd.Series) -> pd.Series:
    s = _digits(u)
    return s.where(s.str.len() == 8, None)


def _identifier(u: pd.Series) -> pd.Series:
    s = _clean(u).str.upper().str.replace(r"[\s-]", "", regex=True)
    return s.where(s.str.len() > 0, None)


def _pinyin(u: pd.Series) -> pd.Series:
    """Toneless pinyin of Han names (fallback when the loaders did not supply it)."""
    han = u.str.contains(_HAN, regex=True, na=False)
    out = u.copy()
    if han.any():
        from pypinyin import lazy_pinyin

        out[han] = [" ".join(lazy_pinyin(v)) for v in u[han]]
    return out


def _name_sorted(u: pd.Series) -> pd.Series:
    """Name tokens sorted (swapped given/family names meet); Han names unchanged."""
    return u.str.split().map(lambda parts: " ".join(sorted(parts)), na_action="ignore")


def _id_keys(u: pd.Series) -> pd.DataFrame:
    """Three blocking keys per identifier, each leaving out every third character.

    Key k drops the characters at positions i with i % 3 == k-1, so a single typo leaves
    one key intact, and every key still mixes all parts of the identifier (region, date,
    sequence), so blocks stay small even when many identifiers share a prefix.
    """
    thirds = [u.str[k::3].fillna("") for k in range(3)]
    return pd.DataFrame({"k1": "1" + thirds[1] + "|" + thirds[2],
                         "k2": "2" + thirds[0] + "|" + thirds[2],
                         "k3": "3" + thirds[0] + "|" + thirds[1]}, index=u.index)


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name in frame.columns:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), None, dtype=object)


def _bool(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].fillna(False).astype(bool).to_numpy()


def _first_present(*arrays: np.ndarray) -> np.ndarray:
    out = arrays[0].copy()
    for other in arrays[1:]:
        gaps = pd.isna(out)
        out[gaps] = other[gaps]
    return out


def _fill_gaps(values: np.ndarray, source: np.ndarray, fn) -> np.ndarray:
    """Rows missing in ``values`` get ``fn`` of ``source`` (computed only for those rows)."""
    gaps = pd.isna(values) & ~pd.isna(source)
    if gaps.any():
        values = values.copy()
        values[gaps] = by_unique(source[gaps], fn)
    return values


def by_unique_columns(columns: dict[str, np.ndarray], fn) -> dict[str, np.ndarray]:
    """``by_unique`` over several columns at once: ``fn`` runs once on the distinct values of
    them all (on a small frame its fixed cost, not the values, is what a call costs)."""
    names = list(columns)
    if not names:
        return {}
    sizes = np.cumsum([len(columns[name]) for name in names])[:-1]
    done = by_unique(np.concatenate([columns[name] for name in names]), fn)
    return dict(zip(names, np.split(done, sizes), strict=True))


def prepare(frame: pd.DataFrame, entity_type: str) -> pd.DataFrame:
    """The positional (0..n-1) comparison frame for persons or organisations."""
    n = len(frame)
    out: dict[str, np.ndarray] = {
        "department": pd.Series(_column(frame, "department")).astype(str).to_numpy(),
        "record_id": pd.Series(_column(frame, "record_id")).astype(str).to_numpy()}
    person = entity_type == "person"
    texts = by_unique_columns(
        {col: _column(frame, col) for col in (("given_name", "family_name", *_PERSON_TEXT)
                                              if person else _ORG_TEXT)}, _norm_text)
    cleaned = by_unique_columns(
        {col: _column(frame, col) for col in ("name_norm", "name_pinyin",
                                              "id_region_code" if person else "name_core")},
        _clean)

    name = _fill_gaps(cleaned["name_norm"], _column(frame, "name"), _norm_text)
    if person:
        given, family = texts.pop("given_name"), texts.pop("family_name")
        gaps = pd.isna(name) & ~(pd.isna(given) & pd.isna(family))
        if gaps.any():
            joined = (pd.Series(given[gaps]).fillna("") + " "
                      + pd.Series(family[gaps]).fillna("")).str.strip()
            name[gaps] = joined.to_numpy(dtype=object)
        out["given_name"], out["family_name"] = given, family
    out["name"] = name
    pinyin = cleaned["name_pinyin"]
    if not person:
        out["name_core"] = _first_present(cleaned["name_core"], name)
        pinyin = _fill_gaps(pinyin, out["name_core"], _pinyin)
    else:
        pinyin = _fill_gaps(pinyin, name, _pinyin)
        out["name_sorted"] = by_unique(pinyin, _name_sorted)
    out["name_pinyin"] = pinyin

    id_field, valid_field = (("id_number", "id_valid") if person
                             else ("credit_code", "credit_code_valid"))
    ids = by_unique(_column(frame, id_field), _identifier)
    out[id_field] = ids
    out[valid_field] = _bool(frame, valid_field) & ~pd.isna(ids)
    codes, uniq = _factor(ids)
    keys = _id_keys(uniq)
    for k in (1, 2, 3):
        out[f"id_key{k}"] = _spread(codes, keys[f"k{k}"])

    out["phone"] = by_unique(_column(frame, "phone"), _digits)
    if person:
        out["birth_date"] = by_unique(_column(frame, "birth_date"), _date8)
        out["birth_year"] = by_unique(out["birth_date"], lambda u: u.str[:4])
        out.update(texts)
        out["region_code"] = _first_present(out["region_code"], cleaned["id_region_code"])
    else:
        out["established_date"] = by_unique(_column(frame, "established_date"), _date8)
        out["legal_rep_id"] = by_unique(_column(frame, "legal_rep_id"), _identifier)
        out.update(texts)
    return pd.DataFrame(out, index=pd.RangeIndex(n))
