"""The entities generated documents talk about: the World's persons and companies with their
roles, and NIL ones (absent from the World) built from the same vocabularies, whose birth
dates, ID numbers, addresses, phones and credit codes belong to nobody in the World."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loaders.synthetic import vocab
from loaders.synthetic.generate import World
from loaders.synthetic.identity import credit_codes, id_numbers
from loaders.synthetic.names import draw_given_names, draw_surnames
from loaders.synthetic.romanise import name_variants

NIL_PERSON_SHARE = 0.15   # person mentions of persons not in the World
NIL_WORLD_NAME_SHARE = 0.5  # of those, persons bearing a World person's name
NIL_COMPANY_SHARE = 0.1   # company mentions of companies not in the World
AMBIGUOUS_PICK_SHARE = 0.5  # person picks drawn from names several World persons share
# NIL contact details are drawn where the World never draws: house numbers 400-899 (the
# World's are 1-399) and mobile prefixes the World does not use.
NIL_HOUSE_NUMBERS = (400, 900)
NIL_MOBILE_PREFIXES = ("137", "159", "187", "152", "133", "189", "136", "151", "182", "173")
ADDRESS_PARTS = r"^湖南省(?P<city>.+?(?:自治州|市))(?P<county>.+?(?:区|县|市))"


@dataclass(frozen=True)
class Person:
    """A person as documents describe them; `true_id` is None for a NIL person."""

    true_id: str | None
    surname: str
    given: str
    male: bool
    birth: dt.date
    id_number: str
    phone: str
    address: str
    city: str
    county: str
    others: int      # World persons other than this one with the same Chinese name
    others_en: int   # ... with the same pinyin name

    @property
    def name(self) -> str:
        return self.surname + self.given


@dataclass(frozen=True)
class Company:
    """A company from its name parts; `true_id` is None for a NIL company."""

    true_id: str | None
    prefix: str
    core: str
    industry: str
    form: str
    credit_code: str
    address: str
    phone: str
    established: dt.date
    capital: int

    @property
    def name(self) -> str:
        return self.prefix + self.core + self.industry + self.form

    @property
    def place(self) -> tuple[str, str]:
        """(city, county) of its address."""
        found = re.match(ADDRESS_PARTS, self.address)
        assert found, self.address  # every generated address starts 湖南省 + city + county
        return found["city"], found["county"]


@dataclass(frozen=True)
class Role:
    """A person's role in a company: legal_representative, shareholder or executive."""

    kind: str
    person: Person
    share: float | None = None


class Cast:
    """Draws persons and companies for documents from a World (and NIL ones)."""

    def __init__(self, world: World) -> None:
        people = world.persons
        self.people = people
        self.surnames = np.asarray(vocab.SURNAMES, dtype=object)[people["surname"].to_numpy()]
        self.givens = np.array([n[len(s):] for n, s in zip(people["name"], self.surnames,
                                                            strict=True)], dtype=object)
        parts = people["new_address"].str.extract(ADDRESS_PARTS)
        self.cities, self.counties = parts["city"].to_numpy(), parts["county"].to_numpy()
        self.phones = np.where(people["mobile"].isna(), people["household_phone"],
                               people["mobile"])
        names = people["name"]
        self.name_counts = names.value_counts().to_dict()
        self.name_count = names.map(self.name_counts).to_numpy()
        pinyin = pd.Series([name_variants(s, g)[0] for s, g in
                            zip(self.surnames, self.givens, strict=True)])
        self.pinyin_counts = pinyin.value_counts().to_dict()
        self.pinyin_count = pinyin.map(self.pinyin_counts).to_numpy()
        self.ambiguous = np.flatnonzero(self.name_count >= 2)
        self.names = set(names)
        self.births = set(people["birth"].to_numpy().astype("datetime64[D]").tolist())
        self.name_births = people.groupby("name")["birth"].agg(set).to_dict()
        self.orgs = world.orgs
        self.cores = [self._core(name, prefix) for name, prefix in
                      zip(self.orgs["name"], self.orgs["name_prefix"], strict=True)]
        self.credit_codes = set(self.orgs["credit_code"])
        self.roles = self._roles(world)
        self.region_codes = people["id_number"].str[:6].unique()
        self.free_days = self._free_days()

    @staticmethod
    def _core(name: str, prefix: str) -> tuple[str, str, str]:
        """(core, industry word, legal form) of a generated company name."""
        rest = name[len(prefix):]
        industry = next(w for w, _ in vocab.INDUSTRIES if rest[4:].startswith(w))
        return rest[:4], industry, rest[4 + len(industry):]

    def _roles(self, world: World) -> dict[str, list[tuple[str, int, float | None]]]:
        """company true_id -> [(kind, person index, share)] for person roles."""
        rel = world.relations
        rel = rel[rel["type"].isin(["legal_representative", "shareholder", "executive"])
                  & rel["from_true_id"].str.startswith("P")]
        index = pd.Series(np.arange(len(self.people)), index=self.people["true_id"])
        persons = index.loc[rel["from_true_id"]].to_numpy()
        share = rel["share_ratio"].to_numpy()
        out: dict[str, list[tuple[str, int, float | None]]] = {}
        for kind, to, who, ratio in zip(rel["type"], rel["to_true_id"], persons, share,
                                        strict=True):
            out.setdefault(to, []).append((kind, int(who), None if np.isnan(ratio)
                                           else float(ratio)))
        return out

    def _free_days(self) -> np.ndarray:
        days = np.arange(np.datetime64("1950-01-01"), np.datetime64("2001-01-01"))
        held = np.array(sorted(self.births), dtype="datetime64[D]")
        return days[~np.isin(days, held)]

    # persons
    def world_person(self, i: int) -> Person:
        row = self.people.iloc[i]
        return Person(row["true_id"], self.surnames[i], self.givens[i], bool(row["male"]),
                      pd.Timestamp(row["birth"]).date(), row["id_number"], self.phones[i],
                      row["new_address"], self.cities[i], self.counties[i],
                      int(self.name_count[i]) - 1, int(self.pinyin_count[i]) - 1)

    def person(self, rng: np.random.Generator) -> Person:
        """A person to mention: NIL with NIL_PERSON_SHARE, else a World person (from the
        shared names with AMBIGUOUS_PICK_SHARE)."""
        if rng.random() < NIL_PERSON_SHARE:
            return self.nil_person(rng)
        if len(self.ambiguous) and rng.random() < AMBIGUOUS_PICK_SHARE:
            return self.world_person(int(rng.choice(self.ambiguous)))
        return self.world_person(int(rng.integers(len(self.people))))

    def nil_person(self, rng: np.random.Generator) -> Person:
        """A person absent from the World: a new name, or a World person's name with a birth
        date, ID number, address and phone that belong to nobody in the World."""
        male = bool(rng.random() < 0.5)
        if rng.random() < NIL_WORLD_NAME_SHARE:
            i = int(rng.integers(len(self.people)))
            surname, given, male = self.surnames[i], self.givens[i], bool(
                self.people["male"].iat[i])
        else:
            surname, given = self._new_name(rng, male)
        birth = self._nil_birth(rng, surname + given)
        region = self.region_codes[int(rng.integers(len(self.region_codes)))]
        id_number = id_numbers(np.array([region]), np.array([birth], dtype="datetime64[D]"),
                               np.array([male]), rng)[0]
        j = int(rng.integers(len(self.people)))
        street = vocab.STREETS[int(rng.integers(len(vocab.STREETS)))]
        house = int(rng.integers(*NIL_HOUSE_NUMBERS))
        city, county = self.cities[j], self.counties[j]
        phone = NIL_MOBILE_PREFIXES[int(rng.integers(len(NIL_MOBILE_PREFIXES)))] + \
            f"{int(rng.integers(10**8)):08d}"
        others = self.name_counts.get(surname + given, 0)
        others_en = self.pinyin_counts.get(name_variants(surname, given)[0], 0)
        return Person(None, surname, given, male, pd.Timestamp(birth).date(), id_number, phone,
                      f"湖南省{city}{county}{street}{house}号", city, county, others, others_en)

    def _new_name(self, rng: np.random.Generator, male: bool) -> tuple[str, str]:
        """A name drawn from the World's distributions that no World person bears (after a
        few tries the last draw, which then is a World name)."""
        for _ in range(20):
            surname = vocab.SURNAMES[int(draw_surnames(rng, 1)[0])]
            g1, g2 = draw_given_names(rng, np.array([male]))
            given = vocab.GIVEN[int(g1[0])] + (vocab.GIVEN[int(g2[0])] if g2[0] >= 0 else "")
            if surname + given not in self.names:
                break
        return surname, given

    def _nil_birth(self, rng: np.random.Generator, name: str) -> np.datetime64:
        """A birth date nobody in the World has (or, in a World using every day, nobody of
        this name)."""
        if len(self.free_days):
            return self.free_days[int(rng.integers(len(self.free_days)))]
        held = self.name_births.get(name, set())
        while True:
            day = np.datetime64("1950-01-01") + int(rng.integers(0, 51 * 365))
            if day not in held:
                return day

    # companies
    def company(self, rng: np.random.Generator) -> Company:
        """A World company, or with NIL_COMPANY_SHARE one absent from the World."""
        if rng.random() < NIL_COMPANY_SHARE:
            return self.nil_company(rng)
        return self.world_company(int(rng.integers(len(self.orgs))))

    def world_company(self, i: int) -> Company:
        row = self.orgs.iloc[i]
        core, industry, form = self.cores[i]
        return Company(row["true_id"], row["name_prefix"], core, industry, form,
                       row["credit_code"], row["address"], row["phone"],
                       pd.Timestamp(row["established"]).date(), int(row["capital"]))

    def nil_company(self, rng: np.random.Generator) -> Company:
        """A plausible company absent from the World: a core word no World company uses
        (while one is left), its own credit code, address and phone."""
        used = {core for core, _, _ in self.cores}
        for _ in range(50):
            core = vocab.ORG_WORDS[int(rng.integers(len(vocab.ORG_WORDS)))] + \
                vocab.ORG_TAILS[int(rng.integers(len(vocab.ORG_TAILS)))]
            if core not in used:
                break
        industry = vocab.INDUSTRIES[int(rng.integers(len(vocab.INDUSTRIES)))][0]
        form = vocab.LEGAL_FORMS[int(rng.integers(len(vocab.LEGAL_FORMS)))]
        j = int(rng.integers(len(self.people)))
        prefix = "湖南" if rng.random() < 0.5 else self.cities[j][:2]
        region = np.array([self.region_codes[int(rng.integers(len(self.region_codes)))]])
        code = credit_codes(region, rng)[0]
        while code in self.credit_codes:
            code = credit_codes(region, rng)[0]
        street = vocab.STREETS[int(rng.integers(len(vocab.STREETS)))]
        address = f"湖南省{self.cities[j]}{self.counties[j]}{street}{int(rng.integers(400, 900))}号"
        phone = f"0731-{int(rng.integers(9 * 10**7, 10**8))}"  # the World's stay below
        established = dt.date(1995, 1, 1) + dt.timedelta(days=int(rng.integers(0, 28 * 365)))
        return Company(None, prefix, core, industry, form, code, address, phone, established,
                       int(rng.choice([50, 100, 200, 500, 1000])))

    def company_roles(self, company: Company, rng: np.random.Generator) -> list[Role]:
        """The company's legal representative first, then its person shareholders and
        executives; a NIL company's are NIL persons."""
        if company.true_id is None:
            rep = self.nil_person(rng)
            share = round(float(rng.uniform(0.3, 0.9)), 2)
            return [Role("legal_representative", rep), Role("shareholder", rep, share),
                    Role("shareholder", self.nil_person(rng), round(0.95 - share, 2))]
        return [Role(kind, self.world_person(i), share)
                for kind, i, share in self.roles.get(company.true_id, [])]
