"""Small coded values: sex, relation types and share ratios."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pyarrow as pa

from loaders.standardise.text import arrow, clean_arrow, from_arrow, map_distinct

SEX = {"男": "M", "男性": "M", "m": "M", "male": "M", "1": "M", "先生": "M",
       "女": "F", "女性": "F", "f": "F", "female": "F", "2": "F", "女士": "F"}

RELATION_TYPES = {
    "legal_representative": ("法定代表人", "法人代表", "法人", "legal representative",
                             "legal_rep", "负责人"),
    "shareholder": ("股东", "出资人", "投资人", "shareholder", "发起人"),
    "executive": ("董事", "董事长", "副董事长", "监事", "监事会主席", "经理", "总经理", "副总经理",
                  "执行董事", "财务负责人", "高管", "executive", "director", "manager",
                  "supervisor"),
    "employee": ("员工", "职工", "雇员", "任职", "就业", "参保单位", "employee", "employment",
                 "employed_by"),
    "spouse": ("配偶", "夫妻", "丈夫", "妻子", "夫", "妻", "spouse", "husband", "wife"),
    "parent": ("父母", "父亲", "母亲", "父", "母", "子女", "儿子", "女儿", "子", "女", "parent",
               "child", "father", "mother"),
    "relative": ("亲属", "兄弟", "姐妹", "兄弟姐妹", "祖父母", "孙子女", "relative", "sibling"),
}
# Terms naming the child side: parent relations are stored parent -> child, so these flip.
CHILD_TERMS = {"子女", "儿子", "女儿", "子", "女", "child"}
_TYPE_OF = {term.lower(): canonical for canonical, terms in RELATION_TYPES.items()
            for term in (canonical, *terms)}


def normalise_sex(s: pd.Series) -> pd.Series:
    """M / F (null for anything else: 未知, 9, ...)."""
    def one(values: list[str]) -> list[str | None]:
        return [SEX.get(unicodedata.normalize("NFKC", v).strip().lower()) for v in values]
    return from_arrow(map_distinct(clean_arrow(arrow(s)), one), s.index)


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
