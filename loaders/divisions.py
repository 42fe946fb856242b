"""GB/T 2260 administrative divisions: the shipped table and a parser for address prefixes.

`load()` gives the hierarchy (code, name, level, parent_code) that the graph store turns into
AdministrativeDivision nodes. `DivisionIndex.parse` reads the province / prefecture / county
names at the start of an address, full or short (湖南省 or 湖南, 湘西土家族苗族自治州 or 湘西),
checking that each level belongs to the one before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import pandas as pd

LEVELS = ("province", "prefecture", "county")
SUFFIX_CHARS = "省市区县州旗盟"
# Renamed divisions whose former names still appear in addresses and old records.
FORMER_NAMES = {"邵东县": "430582", "祁阳县": "431181", "株洲县": "430212"}

_PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
# The 55 minority nationalities, as they appear in autonomous division names.
_NATIONALITIES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各").split()
_ETHNIC = re.compile("(?:(?:" + "|".join(sorted(_NATIONALITIES, key=len, reverse=True))
                     + ")族?)+自治(州|县|旗)$")
_PLAIN_SUFFIX = re.compile(r"(地区|盟|市|县|区|旗|州)$")


def load() -> pd.DataFrame:
    """All divisions: DataFrame[code, name, level, parent_code] (parent_code null at the top)."""
    return _table().copy()


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    with resources.files("loaders").joinpath("data/gbt2260_divisions.csv").open(
            encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    frame["parent_code"] = frame["parent_code"].replace("", None)
    return frame


def short_names(name: str, level: str) -> list[str]:
    """Common short forms of a division name (湖南省 -> 湖南; 城步苗族自治县 -> 城步)."""
    out: list[str] = []
    if level == "province":
        stem = _PROVINCE_SUFFIX.sub("", name)
        out.append(stem)
    else:
        ethnic = _ETHNIC.search(name)
        if ethnic:
            stem = name[:ethnic.start()]
            out += [stem, stem + ethnic.group(1)]
        else:
            out.append(_PLAIN_SUFFIX.sub("", name))
    return [s for s in dict.fromkeys(out) if len(s) >= 2 and s != name]


@dataclass(frozen=True)
class Parsed:
    """Codes found at the start of an address and how many characters they took."""

    province: str | None
    prefecture: str | None
    county: str | None
    consumed: int


class DivisionIndex:
    """Name lookups per level, full names before short forms, for greedy prefix parsing."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.name_of = dict(zip(table["code"], table["name"], strict=True))
        self.parent_of = dict(zip(table["code"], table["parent_code"], strict=True))
        self.level_of = dict(zip(table["code"], table["level"], strict=True))
        self.full: dict[str, dict[str, list[str]]] = {lv: {} for lv in LEVELS}
        self.short: dict[str, dict[str, list[str]]] = {lv: {} for lv in LEVELS}
        for code, name, level in zip(table["code"], table["name"], table["level"], strict=True):
            self.full[level].setdefault(name, []).append(code)
            for alias in short_names(name, level):
                self.short[level].setdefault(alias, []).append(code)
        for name, code in FORMER_NAMES.items():
            self.full["county"].setdefault(name, []).append(code)
        self.max_len = {lv: max(len(n) for n in (*self.full[lv], *self.short[lv]))
                        for lv in LEVELS}
        # first two characters -> the lengths of the names that start with them, longest first
        self.starts: dict[str, dict[str, list[int]]] = {}
        for lv in LEVELS:
            by_start: dict[str, set[int]] = {}
            for name in (*self.full[lv], *self.short[lv]):
                by_start.setdefault(name[:2], set()).add(len(name))
            self.starts[lv] = {k: sorted(v, reverse=True) for k, v in by_start.items()}

    def parse(self, text: str) -> Parsed:
        """Province, prefecture and county codes at the start of `text` (normalised Chinese)."""
        pos = 0
        province, pos = self._match(text, pos, "province", None)
        prefecture, pos = self._match(text, pos, "prefecture", province)
        county, pos = self._match(text, pos, "county", prefecture or province)
        if county and not prefecture:
            parent = self.parent_of.get(county)
            if parent and self.level_of.get(parent) == "prefecture":
                prefecture = parent
        top = county or prefecture
        if top and not province:
            province = top[:2] + "0000"
        return Parsed(province, prefecture, county, pos)

    def _match(self, text: str, pos: int, level: str, within: str | None) -> tuple[str | None, int]:
        lengths = self.starts[level].get(text[pos:pos + 2])
        if not lengths:
            return None, pos
        room = len(text) - pos
        for length in lengths:
            if length > room or length < 2:
                continue
            piece = text[pos:pos + length]
            for table, is_short in ((self.full[level], False), (self.short[level], True)):
                codes = table.get(piece)
                if not codes:
                    continue
                if is_short and text[pos + length:pos + length + 1] in SUFFIX_CHARS \
                        and pos + length < len(text):
                    continue  # 湘潭|县 is the county 湘潭县, not the city 湘潭 + 县
                codes = [c for c in codes if _inside(c, within)]
                if len(codes) == 1:
                    return codes[0], pos + length
        return None, pos

    def region_name(self, code: str | None) -> str | None:
        return self.name_of.get(code) if code else None


def _inside(code: str, within: str | None) -> bool:
    if within is None:
        return True
    if within.endswith("0000"):
        return code[:2] == within[:2]
    return code[:4] == within[:4]


@lru_cache(maxsize=1)
def index() -> DivisionIndex:
    """The shared index over the shipped table (built once, ~20 ms)."""
    return DivisionIndex(_table())
