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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loaders.standardise.chinese import pinyin_table, t2s_table
from loaders.standardise.text import arrow, clean_arrow, distinct_columns, from_arrow, text_frame

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


def normalise_person_name(text: str, pinyin: dict[int, str] | None = None,
                          ) -> tuple[str | None, str | None, str | None]:
    """(name_norm, name_pinyin, name_script) for one name."""
    text = unicodedata.normalize("NFKC", text).translate(t2s_table()).strip()
    han = _HAN_ONLY.sub("", text)
    if han:
        return han, han.translate(pinyin or pinyin_table(set(han))).strip(), "han"
    words = [w for w in _LATIN_SPLIT.split(text.lower()) if w]
    if not words:
        return None, None, None
    norm = " ".join(words)
    return norm, norm, "latin"


_PERSON_CACHE: dict[str, tuple] = {}  # name -> keys, shared by the chunks of one run
_PERSON_CACHE_LIMIT = 2_000_000


@lru_cache(maxsize=1)
def _t2s_codepoints() -> np.ndarray:
    """codepoint -> simplified codepoint, as an array (identity where no mapping)."""
    table = {k: ord(v) for k, v in t2s_table().items()}
    out = np.arange(max(table) + 1, dtype=np.uint32)
    out[np.fromiter(table, dtype=np.int64)] = np.fromiter(table.values(), dtype=np.uint32)
    return out


def _is_han(cp: np.ndarray) -> np.ndarray:
    return (((cp >= 0x3400) & (cp <= 0x4DBF)) | ((cp >= 0x4E00) & (cp <= 0x9FFF))
            | ((cp >= 0xF900) & (cp <= 0xFAFF)) | ((cp >= 0x20000) & (cp <= 0x2FA1F)))


def _han_name_keys(values: list[str]) -> list[tuple | None]:
    """Keys of many names at once over their codepoint matrix (numpy): simplified Han
    characters kept in order, pinyin per character, traditional flag. None for names
    without Han characters (handled one by one)."""
    if not values:
        return []
    normal = [unicodedata.normalize("NFKC", v) for v in values]
    cp = np.array(normal, dtype=str)
    width = max(cp.dtype.itemsize // 4, 1)
    cp = cp.view(np.uint32).reshape(len(normal), width)
    t2s = _t2s_codepoints()
    simple = np.where(cp < len(t2s), t2s[np.minimum(cp, len(t2s) - 1)], cp)
    traditional = (simple != cp).any(axis=1)
    han = _is_han(simple)
    order = np.argsort(~han, axis=1, kind="stable")
    compact = np.take_along_axis(np.where(han, simple, 0), order, axis=1)
    norm = np.ascontiguousarray(compact).view(f"<U{width}").ravel()
    chars = np.unique(compact[compact > 0])
    table = pinyin_table({chr(c) for c in chars.tolist()})
    syllables = np.array([table[c] for c in chars.tolist()] + [""], dtype=object)
    slot = np.where(compact > 0, np.searchsorted(chars, compact), len(chars))
    pinyin = np.full(len(normal), "", dtype=object)
    for j in range(width):
        pinyin = pinyin + syllables[slot[:, j]]
    has_han = han.any(axis=1).tolist()
    return [(n, p.rstrip(), "han", t) if h else None
            for n, p, h, t in zip(norm.tolist(), pinyin.tolist(), has_han, traditional.tolist(),
                                  strict=True)]


def _person_columns(values: list[str]) -> dict[str, list]:
    cache = _PERSON_CACHE
    new = [v for v in values if v not in cache]
    if new:
        if len(cache) + len(new) > _PERSON_CACHE_LIMIT:
            cache.clear()
        short = [v for v in new if len(v) <= 32]
        for v, keys in zip(short, _han_name_keys(short), strict=True):
            if keys is not None:
                cache[v] = keys
        simplified = t2s_table()
        for v in new:
            if v not in cache:
                cache[v] = (*normalise_person_name(v), v.translate(simplified) != v)
    rows = [cache[v] for v in values]
    return {"name_norm": [r[0] for r in rows], "name_pinyin": [r[1] for r in rows],
            "name_script": [r[2] for r in rows], "name_traditional": [r[3] for r in rows]}


def person_name_columns(s: pd.Series) -> dict[str, pa.Array]:
    """name_norm, name_pinyin, name_script and name_traditional (bool: the name held
    traditional characters) as Arrow arrays aligned with s."""
    return distinct_columns(clean_arrow(arrow(s)), _person_columns,
                            {"name_traditional": pa.bool_()})


def compose_person_names(given: pd.Series, family: pd.Series) -> pd.Series:
    """The full name from its parts, for sources that split names (FEBRL-style lists):
    family + given without a space when either part has Han characters (王 + 小明 -> 王小明),
    else "given family" (John Smith); the part present when the other is missing; null when
    both are missing. Vectorised in Arrow."""
    g, f = clean_arrow(arrow(given)), clean_arrow(arrow(family))
    han = pc.or_kleene(pc.match_substring_regex(g, r"\p{Han}"),
                       pc.match_substring_regex(f, r"\p{Han}"))
    han = pc.fill_null(han, False)
    chinese = pc.binary_join_element_wise(pc.coalesce(f, ""), pc.coalesce(g, ""), "")
    both = pc.and_(pc.is_valid(g), pc.is_valid(f))
    western = pc.if_else(both, pc.binary_join_element_wise(g, f, " "), pc.coalesce(g, f))
    out = pc.if_else(han, chinese, western)
    out = pc.if_else(pc.or_(pc.is_valid(g), pc.is_valid(f)), out,
                     pa.scalar(None, pa.string()))
    return from_arrow(out, given.index)


def person_name_keys(s: pd.Series) -> pd.DataFrame:
    """DataFrame[name_norm, name_pinyin, name_script] on s.index (null for null names)."""
    cols = person_name_columns(s)
    return text_frame({k: cols[k] for k in ("name_norm", "name_pinyin", "name_script")},
                      s.index)


@lru_cache(maxsize=1)
def region_words() -> tuple[str, ...]:
    """Division names and short forms, longest first, for stripping from organisation names."""
    from loaders.divisions import _table, short_names

    table = _table()
    words = set(table["name"])
    for name, level in zip(table["name"], table["level"], strict=True):
        words.update(short_names(name, level))
    return tuple(sorted((w for w in words if len(w) >= 2), key=len, reverse=True))


@lru_cache(maxsize=1)
def _region_prefix() -> re.Pattern:
    return re.compile("^(?:" + "|".join(map(re.escape, region_words())) + ")")


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
        if _region_prefix().fullmatch(inner) or inner in region_words():
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
    return text_frame(cols, s.index)
