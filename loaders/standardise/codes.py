"""Small coded values: sex, relation types and share ratios."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.standardise.text import arrow, clean_arrow, from_arrow, map_distinct
from ontology.schema import relation_types as rt
from ontology.schema import sexes

# Source terms -> the ontology's code lists (kgc:Sex, kgc:RelationType): attribute access fails
# at import on a value the ontology does not declare.
SEX = {term: sexes.M for term in ("男", "男性", "m", "male", "1", "先生")} | \
      {term: sexes.F for term in ("女", "女性", "f", "female", "2", "女士")}
# Stated as unknown (GB/T 2261.1 0 未知, 9 未说明): null, and not flagged as unrecognised.
SEX_UNSTATED = ("未知", "未说明", "0", "9", "unknown", "u")

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
# Terms naming the child side: parent relations are stored parent -> child, so these flip.
CHILD_TERMS = {"子女", "儿子", "女儿", "子", "女", "child"}
_TYPE_OF = {term.lower(): canonical for canonical, terms in RELATION_TYPES.items()
            for term in (canonical, *terms)}


def normalise_sex(s: pd.Series) -> pd.Series:
    """The kgc:Sex notation (M / F); null for anything else (未知, 9, ...)."""
    def one(values: list[str]) -> list[str | None]:
        return [SEX.get(_sex_key(v)) for v in values]
    return from_arrow(map_distinct(clean_arrow(arrow(s)), one), s.index)


def unrecognised_sex(s: pd.Series) -> np.ndarray:
    """True where a sex is written that maps to no kgc:Sex value and is not a stated unknown
    (the row's ``sex_unrecognised`` flag; the value is null in the output)."""
    known = SEX.keys() | set(SEX_UNSTATED)
    flags = map_distinct(clean_arrow(arrow(s)), lambda vs: [_sex_key(v) not in known for v in vs],
                         type=pa.bool_())
    return pc.fill_null(flags, False).to_numpy(zero_copy_only=False)


def _sex_key(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().lower()


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


def parse_share_ratios(s: pd.Series) -> pd.Series:
    """Share ratios as float64 in [0, 1] (NaN when absent or unparseable)."""
    values = map_distinct(clean_arrow(arrow(s)), lambda vs: [share_ratio(v) for v in vs],
                          type=pa.float64())
    return pd.Series(values.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")
