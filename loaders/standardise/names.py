"""Person and organisation names, normalised for comparison and keyed for blocking.

Chinese person names: NFKC (full-width -> half-width), traditional -> simplified, everything
but Han characters removed (spaces, dots, brackets), plus a toneless pinyin key so that
homophone typos (张伟 / 张玮) block together. Western names: lower-cased, split into words.
Organisation names: the core name separated from region prefixes (湖南省, 长沙, (长沙)),
industry words (科技, 贸易, ...) and the legal-form suffix (有限责任公司, ...).

Each function works once per distinct value, so it is cheap to call on a whole column and
equally on a single query record at resolve time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from loaders.standardise.chinese import is_han, pinyin_table, t2s_table
from loaders.standardise.text import arrow, clean_arrow, distinct_columns, from_arrow

_LATIN_SPLIT = re.compile(r"[^0-9a-zà-öø-ÿ]+")
_HAN_ONLY = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")

LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "有限公司", "集团公司", "分公司", "总公司", "公司",
    "合伙企业(有限合伙)", "合伙企业(普通合伙)", "(有限合伙)", "(普通合伙)", "合伙企业",
    "个人独资企业", "农民专业合作社", "专业合作社", "合作社", "事务所", "研究院", "个体工商户",
    "厂", "店", "中心", "商行", "经营部",
)
INDUSTRY_WORDS = (
    "房地产开发", "信息技术", "网络科技", "生物科技", "电子商务", "建筑工程", "工程技术",
    "文化传媒", "餐饮管理", "物业管理", "企业管理", "供应链管理", "农业开发", "环保科技",
    "新能源", "医药", "科技", "技术", "贸易", "商贸", "实业", "投资", "发展", "置业", "建设",
    "工程", "物流", "传媒", "文化", "农业", "电子", "机械", "设备", "服务", "咨询", "管理",
    "集团", "控股", "能源", "建材", "食品", "旅游", "教育", "环保", "制造", "销售", "运输",
    "装饰", "广告", "网络", "信息", "电力", "化工", "汽车", "酒店", "餐饮", "药业", "矿业",
)


def normalise_person_name(text: str) -> tuple[str | None, str | None, str | None]:
    """(name_norm, name_pinyin, name_script) for one name."""
    text = unicodedata.normalize("NFKC", text).translate(t2s_table()).strip()
    if any(is_han(ch) for ch in text):
        han = _HAN_ONLY.sub("", text)
        return han, han.translate(pinyin_table(set(han))).strip(), "han"
    words = [w for w in _LATIN_SPLIT.split(text.lower()) if w]
    if not words:
        return None, None, None
    norm = " ".join(words)
    return norm, norm, "latin"


def _person_columns(values: list[str]) -> dict[str, list]:
    pinyin_table(set("".join(values)))  # one pypinyin call for all new characters
    rows = [normalise_person_name(v) for v in values]
    return {"name_norm": [r[0] for r in rows], "name_pinyin": [r[1] for r in rows],
            "name_script": [r[2] for r in rows]}


def person_name_keys(s: pd.Series) -> pd.DataFrame:
    """DataFrame[name_norm, name_pinyin, name_script] on s.index (null for null names)."""
    cols = distinct_columns(clean_arrow(arrow(s)), _person_columns)
    return pd.DataFrame({k: from_arrow(v, s.index) for k, v in cols.items()}, index=s.index)


@lru_cache(maxsize=1)
def _region_words() -> tuple[str, ...]:
    """Division names and short forms, longest first, for stripping from organisation names."""
    from loaders.divisions import _table, short_names

    table = _table()
    words = set(table["name"])
    for name, level in zip(table["name"], table["level"], strict=True):
        words.update(short_names(name, level))
    return tuple(sorted((w for w in words if len(w) >= 2), key=len, reverse=True))


@lru_cache(maxsize=1)
def _region_prefix() -> re.Pattern:
    return re.compile("^(?:" + "|".join(map(re.escape, _region_words())) + ")")


_BRACKETED = re.compile(r"\(([^()]*)\)")
_LEGAL_FORM = re.compile("(" + "|".join(map(re.escape, LEGAL_FORMS)) + ")$")
_INDUSTRY = re.compile("(" + "|".join(map(re.escape, INDUSTRY_WORDS)) + ")$")


def normalise_org_name(text: str) -> dict[str, str | None]:
    """name_norm, name_core, name_pinyin, legal_form and the region words found, for one name."""
    norm = unicodedata.normalize("NFKC", text).translate(t2s_table()).lower()
    norm = re.sub(r"\s+", "", norm).replace("【", "(").replace("】", ")")
    if not norm:
        return dict.fromkeys(("name_norm", "name_core", "name_pinyin", "legal_form",
                              "name_region"))
    rest, regions = norm, []
    legal = None
    m = _LEGAL_FORM.search(rest)
    if m:
        legal = m.group(1).strip("()") if m.group(1).startswith("(") else m.group(1)
        rest = rest[:m.start()]

    def bracket(match: re.Match) -> str:
        inner = match.group(1)
        if _region_prefix().fullmatch(inner) or inner in _region_words():
            regions.append(inner)
            return ""
        return "" if inner in ("有限合伙", "普通合伙") else inner
    rest = _BRACKETED.sub(bracket, rest)
    while True:  # 湖南长沙... : strip every leading region word
        m = _region_prefix().match(rest)
        if not m or len(rest) - m.end() < 2:
            break
        regions.append(m.group(0))
        rest = rest[m.end():]
    while True:  # ...科技贸易: strip trailing industry words while a core remains
        m = _INDUSTRY.search(rest)
        if not m or m.start() < 2:
            break
        rest = rest[:m.start()]
    core = rest or norm
    return {"name_norm": norm, "name_core": core,
            "name_pinyin": core.translate(pinyin_table(set(core))).strip(),
            "legal_form": legal, "name_region": "".join(regions) or None}


def _org_columns(values: list[str]) -> dict[str, list]:
    pinyin_table(set("".join(values)))
    rows = [normalise_org_name(v) for v in values]
    keys = ("name_norm", "name_core", "name_pinyin", "legal_form", "name_region")
    return {k: [r[k] for r in rows] for k in keys}


def org_name_parts(s: pd.Series) -> pd.DataFrame:
    """DataFrame[name_norm, name_core, name_pinyin, legal_form, name_region] on s.index."""
    cols = distinct_columns(clean_arrow(arrow(s)), _org_columns)
    return pd.DataFrame({k: from_arrow(v, s.index) for k, v in cols.items()}, index=s.index)
