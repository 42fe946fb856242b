"""Places a document gives for a person: where they live or come from, as an address the
standardisers read into a region code (so the link model's region comparison weighs it).

Chinese writes "邵阳市大祥区人" (a native of Daxiang District); the address patterns of
``context`` read "住址：" and "住". English writes "residing in Xinning County, Shaoyang, Hunan"
or "a resident of Shuangqing District": the division is found by the pinyin of its short
name and its level word, the prefecture after it choosing among namesakes, and given back in
Chinese from the national division table (``loaders.divisions``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from linking.text.aliases import letters_key
from loaders.standardise.chinese import pinyin_table

NATIVE_OF = re.compile(r"([\u4e00-\u9fff]{2,12}?(?:自治县|自治州|区|县|市|旗))人(?![\u4e00-\u9fff])")
ENGLISH_PLACE = re.compile(
    r"(?:residing in|resident of|living in|lives in|native of|from)\s+((?:[A-Z][a-z]+\s)+"
    r"(?:Autonomous County|County|District|City|Prefecture)?(?:,\s*[A-Z][a-z]+)*)")
LEVEL_WORDS = {"autonomouscounty": "自治县", "county": "县", "district": "区", "city": "市",
               "prefecture": "州"}


def native_place(stretch: str) -> str | None:
    """The Chinese place a stretch says a person is from ("大祥区人" -> "大祥区")."""
    found = NATIVE_OF.search(stretch)
    return found.group(1) if found else None


def english_place(stretch: str) -> str | None:
    """The Chinese name (parent prefecture + division) of the first place an English
    stretch says a person lives in or comes from, or None when no division matches."""
    found = ENGLISH_PLACE.search(stretch)
    if not found:
        return None
    parts = [p.strip() for p in found.group(1).split(",")]
    words = parts[0].split()
    level = ""
    for n in (2, 1):
        if len(words) > n and letters_key(" ".join(words[-n:])) in LEVEL_WORDS:
            level, words = LEVEL_WORDS[letters_key(" ".join(words[-n:]))], words[:-n]
            break
    matches = _divisions().get(letters_key(" ".join(words)), [])
    matches = [m for m in matches if not level or m[1].endswith(level)] or matches
    context = {letters_key(p) for p in parts[1:]}
    preferred = [m for m in matches if m[2] in context] or matches
    return preferred[0][0] if len(preferred) == 1 else None


@lru_cache(maxsize=1)
def _divisions() -> dict[str, list[tuple[str, str, str]]]:
    """Pinyin letters of each division's short names -> (parent + name, name, parent's
    pinyin letters)."""
    from loaders.divisions import load, short_names

    table = load()
    names = dict(zip(table["code"], table["name"], strict=True))
    levels = dict(zip(table["code"], table["level"], strict=True))
    spell = pinyin_table(set("".join(table["name"])))
    out: dict[str, list[tuple[str, str, str]]] = {}
    for name, level, parent in zip(table["name"], table["level"], table["parent_code"],
                                   strict=True):
        parent_name = names.get(parent, "") if levels.get(parent) != "province" else ""
        parent_key = letters_key(short_names(parent_name, "prefecture")[0].translate(spell)) \
            if parent_name else ""
        for short in {*short_names(name, level), name}:
            key = letters_key(short.translate(spell))
            if key:
                out.setdefault(key, []).append((parent_name + name, name, parent_key))
    return out
