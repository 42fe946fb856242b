"""Turn an ingested frame into the comparison-ready frame linking works on.

The loaders already standardise (ISO dates, 18-char IDs with validity flags, digits-only
phones, ``name_norm``/``name_pinyin``); this module only picks those columns, fills the
few derived keys blocking needs (sorted name tokens, identifier halves, birth year) and
falls back to light normalisation when a frame lacks a derived column (e.g. a frame built
by hand).

Each normalisation is a function of one value, applied once per distinct value of a
column: the same code serves a million-row batch and the real-time resolver's one-record
frame, where pandas' per-call cost, not the values, would dominate a vectorised string op.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

_PERSON_TEXT = ("sex", "email", "address", "postcode", "city", "province", "region_code",
                "birth_place", "occupation", "ethnicity", "nationality", "former_name")
_ORG_TEXT = ("reg_number", "address", "email", "industry", "region_code", "legal_form",
             "status", "legal_rep_name")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_SEPARATORS = re.compile(r"[.,\s]+")
_NON_WORD = re.compile(r"[\W_]+")
_NON_DIGIT = re.compile(r"\D")
_ID_SEPARATORS = re.compile(r"[\s-]")


def _factor(values) -> tuple[np.ndarray, np.ndarray]:
    codes, uniq = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    return codes, np.asarray(uniq, dtype=object)


def _spread(codes: np.ndarray, mapped) -> np.ndarray:
    out = np.full(codes.size, None, dtype=object)
    seen = codes >= 0
    out[seen] = np.asarray(mapped, dtype=object)[codes[seen]]
    return out


def by_unique(values, fn) -> np.ndarray:
    """Apply ``fn`` (one present value -> its normal form, None for blank) once per distinct
    value and spread the result back to every row (missing stays None)."""
    codes, uniq = _factor(values)
    mapped = np.empty(uniq.size, dtype=object)
    mapped[:] = [fn(value) for value in uniq]
    return _spread(codes, mapped)


def _clean(value) -> str | None:
    """The value as stripped text; blank becomes None."""
    return str(value).strip() or None


def _norm_text(value) -> str | None:
    """NFKC, lower-case, collapsed spaces; Han text loses spaces and punctuation."""
    s = _clean(value)
    if s is None:
        return None
    s = unicodedata.normalize("NFKC", s).lower()
    out = _NON_WORD.sub("", s) if _HAN.search(s) else _SEPARATORS.sub(" ", s).strip()
    return out or None


def _digits(value) -> str | None:
    s = _clean(value)
    return None if s is None else _NON_DIGIT.sub("", s) or None


def _date8(value) -> str | None:
    s = _digits(value)
    return s if s is not None and len(s) == 8 else None


def _identifier(value) -> str | None:
    s = _clean(value)
    return None if s is None else _ID_SEPARATORS.sub("", s.upper()) or None


def _pinyin(value: str) -> str:
    """Toneless pinyin of a Han name (fallback when the loaders did not supply it)."""
    if not _HAN.search(value):
        return value
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(value))


def _name_sorted(value: str) -> str:
    """Name tokens sorted (swapped given/family names meet); Han names unchanged."""
    return " ".join(sorted(value.split()))


def _id_keys(value: str) -> tuple[str, str, str]:
    """Three blocking keys per identifier, each leaving out every third character.

    Key k drops the characters at positions i with i % 3 == k-1, so a single typo leaves
    one key intact, and every key still mixes all parts of the identifier (region, date,
    sequence), so blocks stay small even when many identifiers share a prefix.
    """
    thirds = [value[k::3] for k in range(3)]
    return (f"1{thirds[1]}|{thirds[2]}", f"2{thirds[0]}|{thirds[2]}",
            f"3{thirds[0]}|{thirds[1]}")


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
    them all (a value shared by two columns is normalised once)."""
    names = list(columns)
    if not names:
        return {}
    sizes = np.cumsum([len(columns[name]) for name in names])[:-1]
    done = by_unique(np.concatenate([columns[name] for name in names]), fn)
    return dict(zip(names, np.split(done, sizes), strict=True))


def _identifier_keys(ids: np.ndarray) -> dict[str, np.ndarray]:
    """``id_key1..3`` per row (None where there is no identifier)."""
    codes, uniq = _factor(ids)
    keys = list(zip(*(_id_keys(value) for value in uniq), strict=True)) or [(), (), ()]
    return {f"id_key{k}": _spread(codes, keys[k - 1]) for k in (1, 2, 3)}


def _joined_names(given: np.ndarray, family: np.ndarray) -> np.ndarray:
    """"given family" per row, stripped (either part may be missing)."""
    return np.array([" ".join(part for part in (g, f) if not pd.isna(part)).strip()
                     for g, f in zip(given, family, strict=True)], dtype=object)


def prepare(frame: pd.DataFrame, entity_type: str) -> pd.DataFrame:
    """The positional (0..n-1) comparison frame for persons or organisations."""
    n = len(frame)
    out: dict[str, np.ndarray] = {
        key: np.array([str(value) for value in _column(frame, key).tolist()], dtype=object)
        for key in ("department", "record_id")}
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
            name[gaps] = _joined_names(given[gaps], family[gaps])
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
    out.update(_identifier_keys(ids))

    out["phone"] = by_unique(_column(frame, "phone"), _digits)
    if person:
        out["birth_date"] = by_unique(_column(frame, "birth_date"), _date8)
        out["birth_year"] = by_unique(out["birth_date"], lambda value: value[:4])
        out.update(texts)
        out["region_code"] = _first_present(out["region_code"], cleaned["id_region_code"])
    else:
        out["established_date"] = by_unique(_column(frame, "established_date"), _date8)
        out["legal_rep_id"] = by_unique(_column(frame, "legal_rep_id"), _identifier)
        out.update(texts)
    return pd.DataFrame(out, index=pd.RangeIndex(n))
