"""English renderings of generated Chinese names: persons in Hanyu Pinyin without tones
(surname first, given name joined and capitalised), places and company names from their
parts (region and core in pinyin, industry and legal form translated)."""

from __future__ import annotations

from functools import cache

from pypinyin import lazy_pinyin

# Readings of surnames that differ from the character's commonest reading.
SURNAME_READINGS = {"曾": "zeng", "覃": "qin", "翟": "zhai", "单": "shan", "解": "xie",
                    "缪": "miao", "仇": "qiu", "查": "zha", "卜": "bu", "区": "ou"}
# The generator's industry words and legal forms in English (several usual translations).
INDUSTRY_EN = {"科技": ("Technology", "Science and Technology"), "贸易": ("Trading", "Trade"),
               "建设工程": ("Construction Engineering",), "实业": ("Industrial", "Industry"),
               "置业": ("Real Estate", "Property"), "物流": ("Logistics",),
               "餐饮管理": ("Catering Management",), "农业开发": ("Agricultural Development",),
               "文化传媒": ("Culture and Media", "Culture Media"), "医药": ("Pharmaceutical",),
               "投资": ("Investment",), "机械设备": ("Machinery and Equipment",)}
LEGAL_FORM_EN = {"有限公司": ("Co., Ltd.", "Company Limited"),
                 "有限责任公司": ("Co., Ltd.", "Limited Liability Company"),
                 "股份有限公司": ("Co., Ltd.", "Company Limited by Shares")}
PLACE_SUFFIXES = (("自治州", "Prefecture"), ("自治县", "Autonomous County"),
                  ("区", "District"), ("县", "County"), ("市", ""), ("州", ""))
# the peoples named in Hunan's autonomous prefecture and counties (dropped in English)
ETHNIC_GROUPS = ("土家族", "苗族", "侗族", "瑶族")


@cache
def syllables(text: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of `text`, lower case."""
    return tuple(lazy_pinyin(text))


def surname_pinyin(surname: str) -> str:
    """"Zhang", "Ouyang" (a compound surname is one word)."""
    return "".join(SURNAME_READINGS.get(c) or syllables(c)[0] for c in surname).capitalize()


def given_pinyin(given: str, hyphen: bool = False) -> str:
    """"Jianguo" (or "Jian-guo" with `hyphen`)."""
    return ("-" if hyphen else "").join(syllables(c)[0] for c in given).capitalize()


def name_variants(surname: str, given: str) -> tuple[str, ...]:
    """The usual English forms of a person's name; the first is the canonical one."""
    family, first = surname_pinyin(surname), given_pinyin(given)
    forms = [f"{family} {first}", f"{family.upper()} {first}", f"{first} {family}"]
    if len(given) > 1:
        forms.append(f"{family} {given_pinyin(given, hyphen=True)}")
    return tuple(forms)


def place_pinyin(name: str) -> str:
    """"Changsha", "Yuelu District", "Xiangxi Prefecture", "Tongdao Autonomous County"."""
    for suffix, english in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            core = name[:-len(suffix)]
            while core.endswith(ETHNIC_GROUPS):
                core = core[:-len(next(g for g in ETHNIC_GROUPS if core.endswith(g)))]
            return f"{''.join(syllables(core)).capitalize()} {english}".strip()
    return "".join(syllables(name)).capitalize()


def core_pinyin(core: str) -> str:
    """A company's four-character core word in two pinyin words: "Xingcheng Zhiyuan"."""
    return " ".join("".join(syllables(core[i:i + 2])).capitalize() for i in (0, 2))
