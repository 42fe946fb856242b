"""The synthetic data generator: true persons and organisations, then each department's view
of them with its own columns, formats and noise, plus ground truth.

All work is numpy over whole arrays (no per-record Python loop), so a million records take
seconds. `noise` scales every noise probability (0 = clean data).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.divisions import load as load_divisions
from loaders.divisions import short_names
from loaders.standardise.chinese import s2t_table
from loaders.synthetic import vocab
from loaders.synthetic.identity import (
    _ascii,
    _text,
    credit_codes,
    distinct_integers,
    id_numbers,
    legacy_ids,
)
from loaders.synthetic.names import draw_given_names, draw_surnames
from loaders.synthetic.ownership import designed_shareholdings
from loaders.synthetic.writers import write_sources

DEPARTMENTS = ("公安厅户籍", "市场监督管理局", "税务局", "人社厅社保", "民政厅", "卫健委")
LATEST_BIRTH = np.datetime64("2008-12-31")
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@dataclass
class World:
    """The true entities the departments record (one row per real person / company)."""

    persons: pd.DataFrame
    orgs: pd.DataFrame
    relations: pd.DataFrame  # type, from_true_id, to_true_id, share_ratio


def _obj(values) -> np.ndarray:
    return np.asarray(values, dtype=object)


def _hunan_counties() -> pd.DataFrame:
    table = load_divisions()
    counties = table[(table["level"] == "county") & table["code"].str.startswith("43")]
    names = dict(zip(table["code"], table["name"], strict=True))
    return pd.DataFrame({"code": counties["code"].to_numpy(),
                         "county": counties["name"].to_numpy(),
                         "city": counties["parent_code"].map(names).to_numpy()})


def _addresses(rng: np.random.Generator, counties: pd.DataFrame, n: int,
               ) -> tuple[np.ndarray, np.ndarray]:
    """(address, county code) with province and city written out."""
    pick = rng.integers(0, len(counties), size=n)
    street = _obj(vocab.STREETS)[rng.integers(0, len(vocab.STREETS), size=n)]
    number = rng.integers(1, 400, size=n).astype(str).astype(object)
    tail = np.where(rng.random(n) < 0.5,
                    _obj(vocab.COMMUNITIES)[rng.integers(0, len(vocab.COMMUNITIES), size=n)]
                    + rng.integers(1, 30, size=n).astype(str).astype(object) + "栋"
                    + rng.integers(101, 2999, size=n).astype(str).astype(object) + "室", "")
    address = ("湖南省" + _obj(counties["city"].to_numpy()[pick])
               + _obj(counties["county"].to_numpy()[pick]) + street + number + "号" + tail)
    return address, counties["code"].to_numpy()[pick]


MOBILE_PREFIXES = np.array(["138", "139", "135", "150", "158", "186", "188", "177", "199", "131"])
# landline area codes of Hunan's prefectures (长株潭 share 0731 and eight-digit numbers; the
# others have seven digits)
AREA_CODES = {"长沙市": "0731", "株洲市": "0731", "湘潭市": "0731", "衡阳市": "0734",
              "邵阳市": "0739", "岳阳市": "0730", "常德市": "0736", "张家界市": "0744",
              "益阳市": "0737", "郴州市": "0735", "永州市": "0746", "怀化市": "0745",
              "娄底市": "0738", "湘西土家族苗族自治州": "0743"}
OWN_MOBILE_P = 0.75  # members of a family (other than its head) with a mobile of their own
LANDLINE_P = 0.4  # families whose shared number is a landline rather than the head's mobile


def _mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct mainland mobile numbers."""
    number = distinct_integers(n, len(MOBILE_PREFIXES) * 10**8, rng)
    return _obj(np.char.add(MOBILE_PREFIXES[number // 10**8],
                            np.char.zfill((number % 10**8).astype(str), 8)))


def _landlines(rng: np.random.Generator, cities: np.ndarray) -> np.ndarray:
    """A distinct landline ("0731-84123456") for each household, in its city's area code."""
    code = pd.Series(cities).map(AREA_CODES).to_numpy().astype(str)
    number = distinct_integers(len(cities), 8 * 10**6, rng)
    local = np.where(code == "0731", 8 * 10**7 + number, 2 * 10**6 + number).astype(str)
    return _obj(np.char.add(np.char.add(code, "-"), local))


def _household_phones(rng: np.random.Generator, household: np.ndarray, rank: np.ndarray,
                      members: np.ndarray, cities: np.ndarray,
                      ) -> tuple[np.ndarray, np.ndarray]:
    """(own mobile or None, the household's shared number) per person. Heads of household and
    people living alone always have a mobile; other members have one with OWN_MOBILE_P. A
    family's shared number is a landline (LANDLINE_P) or the head's mobile; someone living
    alone shares their own mobile."""
    n = len(household)
    mobile = _mobiles(rng, n)
    own = (rank == 0) | (rng.random(n) < OWN_MOBILE_P)
    mobile = np.where(own, mobile, None)
    head = np.flatnonzero(rank == 0)
    landline = (rng.random(len(head)) < LANDLINE_P) & (members[head] >= 2)
    shared = np.where(landline, _landlines(rng, cities), mobile[head])
    return mobile, shared[household]


def _households(rng: np.random.Generator, n: int,
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Consecutive people form households of 1-4: (first person of each household, household
    of each person, rank in it, household size of each person)."""
    size = rng.choice([1, 2, 3, 4], p=[0.35, 0.3, 0.25, 0.1], size=n)
    starts = np.cumsum(size)
    starts = np.concatenate([[0], starts[starts < n]])
    sizes = np.diff(np.concatenate([starts, [n]]))
    household = np.repeat(np.arange(len(starts)), sizes)
    return starts, household, np.arange(n) - starts[household], sizes[household]


def world(persons: int, organizations: int, rng: np.random.Generator) -> World:
    """The true persons, organisations and relations: names drawn with realistic frequencies,
    households sharing an address and a phone, valid and distinct ID numbers."""
    counties = _hunan_counties()
    n = persons
    true_id = _obj(np.char.add("P", np.char.zfill(np.arange(n).astype(str), 7)))
    surname = draw_surnames(rng, n)
    male = rng.random(n) < 0.5
    birth = (np.datetime64("1945-01-01") + rng.integers(0, 60 * 365, size=n)).astype(
        "datetime64[D]")
    # households share an address and a phone; the first two are spouses (a husband and a
    # wife with her own surname), the rest their children (the father's surname, born 22-38
    # years after him).
    starts, household, rank, members = _households(rng, n)
    head = starts[household]
    male = np.where((rank == 0) & (members >= 2), True, np.where(rank == 1, False, male))
    child = rank >= 2
    surname = np.where(child, surname[head], surname)
    g1, g2 = draw_given_names(rng, male)
    # parents of children are born by 1985; a child is born 22-38 years after the first
    # parent, or, when that would be after LATEST_BIRTH, some time between the parent's 16th
    # birthday and LATEST_BIRTH (never all on the one latest day, which would crowd their ID
    # numbers into one region + date).
    parent = (rank == 0) & (members >= 3)
    birth = np.where(parent, np.datetime64("1945-01-01") + rng.integers(0, 40 * 365, size=n),
                     birth).astype("datetime64[D]")
    birth = np.where(child, birth[head] + rng.integers(22 * 365, 38 * 365, size=n), birth)
    earliest = birth[head] + 16 * 365
    span = (LATEST_BIRTH - earliest).astype(np.int64)
    late = child & (birth > LATEST_BIRTH)
    birth = np.where(late, earliest + (rng.random(n) * (np.maximum(span, 0) + 1)).astype(
        np.int64), birth)
    birth = np.minimum(birth, LATEST_BIRTH).astype("datetime64[D]")
    address, county = _addresses(rng, counties, len(starts))
    address, county = address[household], county[household]
    moved = rng.random(n) < 0.12
    old_address, old_county = _addresses(rng, counties, n)
    born_region = np.where(rng.random(n) < 0.7, county, old_county)
    ids = id_numbers(born_region, birth, male, rng)
    cities = _obj(pd.Series(county[starts]).map(
        dict(zip(counties["code"], counties["city"], strict=True))))
    mobile, household_phone = _household_phones(rng, household, rank, members, cities)
    given = _obj(vocab.GIVEN)
    name = _obj(vocab.SURNAMES)[surname] + given[g1] + np.where(g2 >= 0, given[g2], "")
    people = pd.DataFrame({
        "true_id": true_id, "name": name, "surname": surname, "g1": g1, "g2": g2,
        "male": male, "birth": birth, "id_number": ids, "mobile": mobile,
        "household_phone": household_phone,
        "address": np.where(moved, old_address, address), "new_address": address,
        "moved": moved, "household": household, "rank": rank,
        "ethnicity": _obj(vocab.ETHNICITIES)[rng.integers(0, len(vocab.ETHNICITIES), size=n)]})

    m = organizations
    org_region_pick = rng.integers(0, len(counties), size=m)
    core = _obj(vocab.ORG_WORDS)[rng.integers(0, len(vocab.ORG_WORDS), size=m)] + \
        _obj(vocab.ORG_TAILS)[rng.integers(0, len(vocab.ORG_TAILS), size=m)]
    industry = rng.integers(0, len(vocab.INDUSTRIES), size=m)
    city = counties["city"].to_numpy()[org_region_pick]
    short = {c: short_names(c, "prefecture")[0] for c in set(city.tolist())}
    prefix = np.where(rng.random(m) < 0.5, "湖南", _obj(pd.Series(city).map(short)))
    org_name = prefix + core + _obj([w for w, _ in vocab.INDUSTRIES])[industry] + \
        _obj(vocab.LEGAL_FORMS)[rng.integers(0, len(vocab.LEGAL_FORMS), size=m)]
    org_address, org_county = _addresses(rng, counties, m)
    rep = rng.integers(0, n, size=m)
    orgs = pd.DataFrame({
        "true_id": _obj(np.char.add("O", np.char.zfill(np.arange(m).astype(str), 6))),
        "name": org_name, "name_prefix": prefix, "credit_code": credit_codes(org_county, rng),
        "legal_rep": rep, "address": org_address,
        "established": (np.datetime64("1995-01-01") + rng.integers(0, 28 * 365, size=m)
                        ).astype("datetime64[D]"),
        "industry": _obj([label for _, label in vocab.INDUSTRIES])[industry],
        "capital": rng.choice([50, 100, 200, 500, 1000, 3000, 5000], size=m),
        "phone": _obj(np.char.add("0731-", rng.integers(10**7, 9 * 10**7, size=m).astype(str)))})
    return World(people, orgs, _relations(people, orgs, rng))


def _relations(people: pd.DataFrame, orgs: pd.DataFrame, rng: np.random.Generator,
               ) -> pd.DataFrame:
    n, m = len(people), len(orgs)
    pid, oid = people["true_id"].to_numpy(), orgs["true_id"].to_numpy()
    parts = [pd.DataFrame({"type": "legal_representative", "from": pid[orgs["legal_rep"]],
                           "to": oid, "share_ratio": np.nan})]
    # shareholders: the legal representative plus 0-2 more persons, 15% also another company
    k = rng.integers(0, 3, size=m)
    holders = [pid[orgs["legal_rep"]]]
    owners = np.repeat(np.arange(m), k)
    extra = pid[rng.integers(0, n, size=len(owners))]
    main_share = np.round(rng.uniform(0.3, 0.9, size=m), 2)
    parts.append(pd.DataFrame({"type": "shareholder", "from": holders[0], "to": oid,
                               "share_ratio": main_share}))
    # 5% is kept free for a corporate shareholder, so that shares never add up to over 1
    rest = (0.95 - main_share[owners]) / np.maximum(k[owners], 1)
    parts.append(pd.DataFrame({"type": "shareholder", "from": extra, "to": oid[owners],
                               "share_ratio": np.round(rest * 0.9, 3)}))
    corp = rng.random(m) < 0.15
    parent = rng.integers(0, m, size=m)
    corp &= parent != np.arange(m)
    parts.append(pd.DataFrame({"type": "shareholder", "from": oid[parent[corp]],
                               "to": oid[corp], "share_ratio": 0.05}))
    # rings of cross-holdings and two-level beneficial owners replace the shareholders of
    # the companies they use
    designed = designed_shareholdings(pid, oid, orgs["legal_rep"].to_numpy(), rng)
    replaced = designed["to"].unique()
    parts = [part[~((part["type"] == "shareholder") & part["to"].isin(replaced))]
             for part in parts] + [designed]
    execs = rng.integers(0, n, size=m)
    parts.append(pd.DataFrame({"type": "executive", "from": pid[execs], "to": oid,
                               "share_ratio": np.nan}))
    employed = rng.random(n) < 0.6
    employer = rng.integers(0, m, size=n)
    parts.append(pd.DataFrame({"type": "employee", "from": pid[employed],
                               "to": oid[employer[employed]], "share_ratio": np.nan}))
    rank = people["rank"].to_numpy()
    first = np.maximum.accumulate(np.where(rank == 0, np.arange(n), 0))
    spouse = np.flatnonzero(rank == 1)
    parts.append(pd.DataFrame({"type": "spouse", "from": pid[first[spouse]], "to": pid[spouse],
                               "share_ratio": np.nan}))
    children = np.flatnonzero(rank >= 2)
    parts.append(pd.DataFrame({"type": "parent", "from": pid[first[children]],
                               "to": pid[children], "share_ratio": np.nan}))
    parts.append(pd.DataFrame({"type": "parent", "from": pid[first[children] + 1],
                               "to": pid[children], "share_ratio": np.nan}))
    return pd.concat(parts, ignore_index=True).rename(
        columns={"from": "from_true_id", "to": "to_true_id"})


class Noise:
    """Record-level noise, each kind with a base probability scaled by `level`."""

    def __init__(self, rng: np.random.Generator, level: float) -> None:
        self.rng, self.level = rng, level
        self.homophone = _homophones()
        s2t = s2t_table()
        self.traditional = _obj([c.translate(s2t) for c in vocab.GIVEN])
        self.trad_surname = _obj([c.translate(s2t) for c in vocab.SURNAMES])

    def hit(self, n: int, p: float) -> np.ndarray:
        return self.rng.random(n) < min(1.0, p * self.level)

    def names(self, people: pd.DataFrame) -> np.ndarray:
        """Names with homophone typos (张伟 -> 张玮), random-character typos and traditional
        characters."""
        n = len(people)
        g1, g2 = people["g1"].to_numpy().copy(), people["g2"].to_numpy().copy()
        homo = self.hit(n, 0.04)
        g1 = np.where(homo, self.homophone[g1], g1)
        typo = self.hit(n, 0.01)
        g2 = np.where(typo & (g2 >= 0), self.rng.integers(0, len(vocab.GIVEN), size=n), g2)
        trad = self.hit(n, 0.03)
        plain, tradg = _obj(vocab.GIVEN), self.traditional
        first = np.where(trad, tradg[g1], plain[g1])
        second = np.where(g2 >= 0, np.where(trad, tradg[np.maximum(g2, 0)],
                                            plain[np.maximum(g2, 0)]), "")
        surname = np.where(trad, self.trad_surname[people["surname"].to_numpy()],
                           _obj(vocab.SURNAMES)[people["surname"].to_numpy()])
        spaced = self.hit(n, 0.01)
        return surname + np.where(spaced, " ", "") + first + second

    def ids(self, ids: np.ndarray, births: np.ndarray, legacy_p: float, missing_p: float,
            ) -> np.ndarray:
        """Legacy 15-digit forms, typos (bad checksum), full-width digits, missing numbers."""
        n = len(ids)
        out = ids.copy()
        old = self.hit(n, legacy_p) & (births < np.datetime64("1985-01-01"))
        out[old] = legacy_ids(ids[old])
        typo = self.hit(n, 0.01) & ~old
        if typo.any():
            mat = _ascii(out[typo], 18).copy()
            pos = self.rng.integers(6, 17, size=len(mat))
            mat[np.arange(len(mat)), pos] = 48 + (mat[np.arange(len(mat)), pos] - 48 + 1 +
                                                   self.rng.integers(0, 9, size=len(mat))) % 10
            out[typo] = _text(mat)
        wide = self.hit(n, 0.01) & ~old
        out[wide] = _obj(pd.Series(out[wide], dtype=object).str.translate(FULLWIDTH))
        out[self.hit(n, missing_p)] = None
        return out

    def blank(self, values: np.ndarray, p: float) -> np.ndarray:
        out = values.copy()
        out[self.hit(len(values), p)] = None
        return out


def _homophones() -> np.ndarray:
    """index of GIVEN char -> index of a homophone in GIVEN (itself when none)."""
    where = {c: i for i, c in enumerate(vocab.GIVEN)}
    out = np.arange(len(vocab.GIVEN))
    for group in vocab.HOMOPHONE_GROUPS:
        members = [where[c] for c in group if c in where]
        for a, b in zip(members, members[1:] + members[:1], strict=True):
            out[a] = b
    return out


def generate(out_dir: Path, persons: int = 2000, organizations: int = 400, seed: int = 7,
             noise: float = 1.0, formats: str = "mixed") -> Path:
    """Write six departments' sources, SOURCES.yaml and the truth files into `out_dir`.

    Returns the path of SOURCES.yaml. `formats="mixed"` spreads the sources over csv (one in
    GBK), tsv, xlsx, jsonl, parquet and a SQLite database; `"fast"` writes parquet and csv
    only (for large benchmarks).
    """
    if formats not in ("mixed", "fast"):
        raise ValueError(f"formats must be 'mixed' or 'fast', not {formats!r}")
    if persons < 1 or organizations < 1:
        raise ValueError("persons and organizations must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    true = world(persons, organizations, rng)
    from loaders.synthetic.departments import department_tables

    tables = department_tables(true, Noise(rng, noise), rng)
    return write_sources(out_dir, tables, true, formats)
