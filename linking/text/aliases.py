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

from loaders.standardise.chinese import t2s_table
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
        region = _region_prefix().match(stage)
        if not region or len(stage) - region.end() < 2:
            break
        stage = stage[region.end():]
    return {f for f in forms if len(f) >= MIN_ALIAS_CHARS}


@lru_cache(maxsize=1)
def _region_prefix() -> re.Pattern:
    return re.compile("|".join(map(re.escape, region_words())))


@lru_cache(maxsize=1)
def _industry_suffix() -> re.Pattern:
    words = sorted(INDUSTRY_WORDS, key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, words)) + ")$")


def person_keys(pinyin: str, surname_syllables: int = 1) -> set[str]:
    """Letter keys of a romanised Chinese name: surname first and surname last."""
    syllables = pinyin.split()
    if len(syllables) <= surname_syllables:
        return {letters_key(pinyin)} - {""}
    family = "".join(syllables[:surname_syllables])
    given = "".join(syllables[surname_syllables:])
    return {family + given, given + family}
