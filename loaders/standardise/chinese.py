"""Chinese character tables: traditional <-> simplified (OpenCC's character dictionaries) and
toneless pinyin per character (pypinyin), as `str.translate` tables for speed.

Character-level conversion is what names need (names are not phrases), and one reading per
character keeps the pinyin key identical wherever it is computed (ingest and query time).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph."""
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


def _opencc_pairs(name: str) -> dict[int, str]:
    text = resources.files("opencc").joinpath(f"dictionary/{name}").read_text(encoding="utf-8")
    table: dict[int, str] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 2 or len(parts[0]) != 1:
            continue
        target = parts[1].split(" ")[0]
        if len(target) == 1 and target != parts[0]:
            table[ord(parts[0])] = target
    return table


@lru_cache(maxsize=1)
def t2s_table() -> dict[int, str]:
    """Translate table: traditional character -> simplified."""
    return _opencc_pairs("TSCharacters.txt")


@lru_cache(maxsize=1)
def s2t_table() -> dict[int, str]:
    """Translate table: simplified character -> (first) traditional form."""
    return _opencc_pairs("STCharacters.txt")


def to_simplified(text: str) -> str:
    """Traditional characters replaced by simplified ones."""
    return text.translate(t2s_table())


_PINYIN: dict[int, str] = {}


def pinyin_table(chars: set[str]) -> dict[int, str]:
    """Translate table char -> 'pinyin ' (toneless, trailing space) covering `chars`."""
    missing = [c for c in chars if ord(c) not in _PINYIN]
    if missing:
        from pypinyin import Style, lazy_pinyin

        readings = lazy_pinyin(missing, style=Style.NORMAL, errors=lambda x: list(x))
        if len(readings) == len(missing):
            for ch, reading in zip(missing, readings, strict=True):
                _PINYIN[ord(ch)] = (reading if is_han(ch) else ch) + " "
        else:  # unexpected segmentation: one character at a time
            for ch in missing:
                reading = lazy_pinyin(ch, style=Style.NORMAL, errors=lambda x: list(x))
                _PINYIN[ord(ch)] = ("".join(reading) if is_han(ch) else ch) + " "
    return _PINYIN


def pinyin_key(text: str) -> str:
    """Toneless pinyin of each character joined by single spaces: 张三 -> 'zhang san'."""
    return text.translate(pinyin_table(set(text))).strip()
