"""The surface forms under which a graph entity can appear in text.

Chinese text names a person by the full name and a company by its full name or a shortening
of it: 湖南星城智远科技有限公司 is also 星城智远科技有限公司, 星城智远科技, 星城智远 and
星城智远公司 (region words and the legal form dropped, as people write). English text romanises
both: a person's name in Hanyu Pinyin, surname first or last; a company by the pinyin of its
core name beside translated words. ``letters_key`` reduces a romanised form to lower-case
letters, so that "ZHANG Jian-guo", "Zhang Jianguo" and "zhang jian guo" meet.

The pieces of an organisation name come from ``loaders.standardise.names``, the code that
standardises the records themselves.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from loaders.standardise.chinese import pinyin_table, t2s_table
from loaders.standardise.names import INDUSTRY_WORDS, normalise_org_name, region_words

MIN_ALIAS_CHARS = 3  # two characters (鸿运, 天成) are ordinary words far more often than names
COMPANY = "公司"
_NOT_LETTERS = re.compile(r"[^a-z]+")


def han_form(text: str) -> str:
    """NFKC, simplified characters, no whitespace: how aliases and text are matched."""
    text = unicodedata.normalize("NFKC", text).translate(t2s_table())
    return re.sub(r"\s+", "", text)


def letters_key(text: str) -> str:
    """Lower-case ASCII letters only ("Zhang Jian-guo" -> "zhangjianguo")."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return _NOT_LETTERS.sub("", folded)


def org_aliases(name: str) -> set[str]:
    """The Chinese forms of an organisation name: in full; without its legal form; without
    each of its leading region words in turn (湖南泰和智远置业 -> 泰和智远置业 -> 智远置业, as a
    trade name may itself be a place name); each of those without its trailing industry
    words; each with 公司 for its legal form. None shorter than MIN_ALIAS_CHARS."""
    parts = normalise_org_name(han_form(name))
    full = parts["name_norm"]
    if not full:
        return set()
    legal = parts["legal_form"] or ""
    stage = full[:-len(legal)] if legal and full.endswith(legal) else full
    forms = {full}
    while True:
        forms |= {stage, stage + legal, stage + COMPANY}
        trimmed = stage
        while (m := _industry_suffix().search(trimmed)) and m.start() >= 2:
            trimmed = trimmed[:m.start()]
            forms |= {trimmed, trimmed + COMPANY}
        region = region_pattern().match(stage)
        if not region or len(stage) - region.end() < 2:
            break
        stage = stage[region.end():]
    return {f for f in forms if len(f) >= MIN_ALIAS_CHARS}


@lru_cache(maxsize=1)
def region_pattern() -> re.Pattern:
    """Any division name or short form (longest first)."""
    return re.compile("|".join(map(re.escape, region_words())))


@lru_cache(maxsize=1)
def _industry_suffix() -> re.Pattern:
    words = sorted(INDUSTRY_WORDS, key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, words)) + ")$")


# surnames read otherwise than their commonest reading, which the records' pinyin gives
SURNAME_READINGS = {"曾": "zeng", "单": "shan", "仇": "qiu", "区": "ou", "解": "xie",
                    "查": "zha", "朴": "piao", "盖": "ge", "乐": "yue", "尉": "yu", "覃": "qin",
                    "翟": "zhai", "缪": "miao", "召": "shao", "种": "chong", "秘": "bi",
                    "员": "yun", "洗": "xian", "藏": "zang", "繁": "po", "长孙": "zhangsun"}


def person_keys(pinyin: str, surname_syllables: int = 1, name: str = "") -> set[str]:
    """Letter keys of a romanised Chinese name: surname first and surname last, with the
    surname also in its surname reading (曾 zeng, not ceng) when ``name`` gives it."""
    syllables = pinyin.split()
    if len(syllables) <= surname_syllables:
        return {letters_key(pinyin)} - {""}
    families = {"".join(syllables[:surname_syllables])}
    reading = SURNAME_READINGS.get(name[:surname_syllables]) if name else None
    if reading:
        families.add(reading)
    given = "".join(syllables[surname_syllables:])
    return {key for family in families for key in (family + given, given + family)}


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable of the common Han characters (U+4E00-U+9FFF)."""
    chars = {chr(c) for c in range(0x4E00, 0xA000)}
    return frozenset(r.strip() for r in pinyin_table(chars).values()
                     if r.strip().isascii() and r.strip().isalpha()) | frozenset(
        SURNAME_READINGS.values())
