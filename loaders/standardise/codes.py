"""Small coded values: sex, registration status, relation types, roles and share ratios."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.standardise.text import (
    arrow,
    clean_arrow,
    distinct_columns,
    from_arrow,
    map_distinct,
)
from ontology.schema import registration_statuses as st
from ontology.schema import relation_types as rt
from ontology.schema import roles, sexes

# Source terms -> the ontology's code lists (kgc:Sex, kgc:RelationType): attribute access fails
# at import on a value the ontology does not declare.
SEX = {term: sexes.M for term in ("男", "男性", "m", "male", "1", "先生")} | \
      {term: sexes.F for term in ("女", "女性", "f", "female", "2", "女士")}
# Stated as unknown (GB/T 2261.1 0 未知, 9 未说明): null, and not flagged as unrecognised.
SEX_UNSTATED = ("未知", "未说明", "0", "9", "unknown", "u")

# Source terms for a company's registration status -> kgc:RegistrationStatus.
STATUS = {term: st.存续 for term in ("存续", "在营", "开业", "在册", "在业", "正常", "存续在营开业在册",
                                     "active", "operating", "in business", "existing")} | \
         {term: st.停业 for term in ("停业", "歇业", "suspended")} | \
         {term: st.迁出 for term in ("迁出", "已迁出", "moved out", "relocated")} | \
         {term: st.撤销 for term in ("撤销", "已撤销", "撤消", "registration cancelled")} | \
         {term: st.吊销 for term in ("吊销", "已吊销", "吊销未注销", "revoked", "licence revoked",
                                     "license revoked")} | \
         {term: st.注销 for term in ("注销", "已注销", "吊销已注销", "deregistered", "dissolved",
                                     "closed")} | \
         {term: st.清算 for term in ("清算", "清算中", "正在清算", "liquidation", "in liquidation")}
STATUS_UNSTATED = ("未知", "其他", "unknown", "other")

RELATION_TYPES = {
    rt.legal_representative: ("法定代表人", "法人代表", "法人", "legal representative",
                             "legal_rep", "负责人"),
    rt.shareholder: ("股东", "出资人", "投资人", "shareholder", "发起人"),
    rt.executive: ("董事", "董事长", "副董事长", "监事", "监事会主席", "经理", "总经理", "副总经理",
                  "执行董事", "财务负责人", "高管", "executive", "director", "manager",
                  "supervisor"),
    rt.employee: ("员工", "职工", "雇员", "任职", "就业", "参保单位", "employee", "employment",
                 "employed_by"),
    rt.spouse: ("配偶", "夫妻", "丈夫", "妻子", "夫", "妻", "spouse", "husband", "wife"),
    rt.parent: ("父母", "父亲", "母亲", "父", "母", "子女", "儿子", "女儿", "子", "女", "parent",
               "child", "father", "mother"),
    rt.relative: ("亲属", "兄弟", "姐妹", "兄弟姐妹", "祖父母", "孙子女", "relative", "sibling"),
}
# The post a legal-representative or executive term names -> kgc:Role (the term's role when
# it names one; a bare "executive" / 高管 names none and stays the generic executive).
ROLE = {term: roles.legal_representative for term in RELATION_TYPES[rt.legal_representative]} | \
       {term: roles.director for term in ("董事", "董事长", "副董事长", "执行董事", "director")} | \
       {term: roles.supervisor for term in ("监事", "监事会主席", "supervisor")} | \
       {term: roles.manager for term in ("经理", "总经理", "副总经理", "manager")} | \
       {term: roles.executive for term in ("高管", "财务负责人", "executive")}
# Terms naming the child side: parent relations are stored parent -> child, so these flip.
CHILD_TERMS = {"子女", "儿子", "女儿", "子", "女", "child"}
_TYPE_OF = {term.lower(): canonical for canonical, terms in RELATION_TYPES.items()
            for term in (canonical, *terms)}


def relation_roles(types: pd.Series, raw: pd.Series) -> pd.Series:
    """The kgc:Role of each legal-representative or executive row (from the term as written,
    else its type's generic role); null for other relation types."""
    named = ROLE_TERMS.normalise(raw)
    generic = types.map({rt.legal_representative: roles.legal_representative,
                         rt.executive: roles.executive})
    return named.where(named.notna() & generic.notna(), generic).astype(types.dtype)


class CodedTerms:
    """Source terms of one ontology code list: ``normalise`` maps each value to its notation
    (null when unknown), ``unrecognised`` flags values that are neither a term nor a stated
    unknown. Terms match after NFKC, lower case, and dropping spaces and punctuation."""

    def __init__(self, terms: dict[str, str], unstated: tuple[str, ...]) -> None:
        self.terms = {_term_key(term): code for term, code in terms.items()}
        self.known = self.terms.keys() | {_term_key(term) for term in unstated}

    def normalise(self, s: pd.Series) -> pd.Series:
        def one(values: list[str]) -> list[str | None]:
            return [self.terms.get(_term_key(v)) for v in values]
        return from_arrow(map_distinct(clean_arrow(arrow(s)), one), s.index)

    def unrecognised(self, s: pd.Series) -> np.ndarray:
        flags = map_distinct(clean_arrow(arrow(s)),
                             lambda vs: [_term_key(v) not in self.known for v in vs],
                             type=pa.bool_())
        return pc.fill_null(flags, False).to_numpy(zero_copy_only=False)


def _term_key(value: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", value).lower())


SEX_TERMS = CodedTerms(SEX, SEX_UNSTATED)
STATUS_TERMS = CodedTerms(STATUS, STATUS_UNSTATED)
# the kgc:Sex notation (M / F), null for anything else; the row's ``sex_unrecognised`` flag
normalise_sex, unrecognised_sex = SEX_TERMS.normalise, SEX_TERMS.unrecognised
ROLE_TERMS = CodedTerms(ROLE, ())
# the kgc:RegistrationStatus notation (存续, 吊销, 注销 ...); ``status_unrecognised``
normalise_status, unrecognised_status = STATUS_TERMS.normalise, STATUS_TERMS.unrecognised


def relation_type(term: str) -> str | None:
    """The canonical relation type of a term (法定代表人 -> legal_representative), else None."""
    key = unicodedata.normalize("NFKC", term).strip().lower().replace("-", "_")
    return _TYPE_OF.get(key) or _TYPE_OF.get(key.replace("_", " "))


def normalise_relation_types(s: pd.Series) -> pd.Series:
    """Canonical relation types; null for unknown terms (quarantined by ingest)."""
    return from_arrow(map_distinct(clean_arrow(arrow(s)),
                                   lambda values: [relation_type(v) for v in values]), s.index)


_NUMBER = re.compile(r"^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*(%|％)?$")


def share_ratio(text: str) -> float | None:
    """'35%', '0.35' and '35' -> 0.35; None when not a ratio in [0, 1]."""
    m = _NUMBER.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return None
    value = float(m.group(1))
    if m.group(2) or value > 1:
        value /= 100
    return value if 0 <= value <= 1 else None


_RANGE = re.compile(r"^(.+?)\s*(?:-|~|～|至|到|—|–)\s*(.+)$")


def share_range(text: str) -> tuple[float, float] | None:
    """'25%-50%', '25-50%', '0.25~0.5' and '25%至50%' -> (0.25, 0.5): the least and greatest
    share a register gives instead of an exact one; None when not such a range."""
    m = _RANGE.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return None
    low, high = m.group(1).strip(), m.group(2).strip()
    if high.endswith(("%", "％")) and not low.endswith(("%", "％")):
        low += "%"  # '25-50%': the sign written once covers both ends
    bounds = share_ratio(low), share_ratio(high)
    if bounds[0] is None or bounds[1] is None or bounds[0] > bounds[1]:
        return None
    return bounds


def parse_share_ranges(s: pd.Series) -> pd.DataFrame:
    """``share_min`` and ``share_max`` per row (float64, NaN unless the value is a range)."""
    def bounds(values: list[str]) -> dict[str, list]:
        pairs = [share_range(v) or (None, None) for v in values]
        return {"share_min": [p[0] for p in pairs], "share_max": [p[1] for p in pairs]}

    columns = distinct_columns(clean_arrow(arrow(s)), bounds,
                               {"share_min": pa.float64(), "share_max": pa.float64()})
    return pd.DataFrame({name: values.to_numpy(zero_copy_only=False)
                         for name, values in columns.items()}, index=s.index, dtype="float64")


def parse_share_ratios(s: pd.Series) -> pd.Series:
    """Share ratios as float64 in [0, 1] (NaN when absent or unparseable)."""
    values = map_distinct(clean_arrow(arrow(s)), lambda vs: [share_ratio(v) for v in vs],
                          type=pa.float64())
    return pd.Series(values.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")
