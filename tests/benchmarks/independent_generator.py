"""An independent person generator for the generality benchmark, built on Faker.

It shares nothing with kglink's own generator (loaders.synthetic): names, dates, addresses
and phones come from Faker's locales (en_GB, de_DE, fr_FR, es_ES, zh_CN), and the noise
model below is its own. kglink has never been tuned on it.

World: persons, about 45% of them in households of 2-4 that share the family name, the
address, postcode, city and a landline (hard negatives). Three departments each hold a
subset of the persons under their own schema and date format; a few persons are recorded
twice in one department. Noise per record: typos in names, given/family swapped, nicknames
and initials, missing values, day/month swapped or a digit off in dates, a wrong format
for some dates, phone digit typos, abbreviated or misspelt streets.

``generate(persons, seed)`` returns {department: DataFrame} (the raw files, id column
``rec_id``), the truth (department, record_id, true_id) and a harmonised view for Splink.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LOCALES = ("en_GB", "de_DE", "fr_FR", "es_ES", "zh_CN")
LOCALE_SHARE = (0.35, 0.2, 0.15, 0.1, 0.2)
NICKNAMES = {
    "William": "Bill", "Robert": "Bob", "Elizabeth": "Liz", "Katherine": "Kate",
    "James": "Jim", "Margaret": "Maggie", "Thomas": "Tom", "Richard": "Dick",
    "Michael": "Mike", "Jennifer": "Jenny", "Alexander": "Alex", "Christopher": "Chris",
    "Johannes": "Hans", "Josef": "Sepp", "Wolfgang": "Wolf", "Francisco": "Paco",
    "José": "Pepe", "Jean-Pierre": "JP", "Daniel": "Dan", "Samuel": "Sam",
}
STREET_ABBREVIATIONS = {"Street": "St", "Road": "Rd", "Avenue": "Ave", "Straße": "Str.",
                        "Rue": "R.", "Calle": "C/", "Lane": "Ln", "路": "路 "}
# department -> (schema, date format, share of persons it holds)
DEPARTMENTS = {
    "civil_registry": ("full", "%Y-%m-%d", 0.8),
    "health_service": ("split", "%d/%m/%Y", 0.7),
    "tax_office": ("full", "%Y%m%d", 0.6),
}
NOISE = {"typo": 0.08, "swap": 0.04, "nickname": 0.06, "initial": 0.03, "missing": 0.08,
         "date_swap": 0.03, "date_digit": 0.02, "date_format": 0.02, "phone_typo": 0.03,
         "street_abbrev": 0.25, "street_typo": 0.05, "duplicate": 0.05}


@dataclass
class Generated:
    departments: dict[str, pd.DataFrame]
    truth: pd.DataFrame
    harmonised: pd.DataFrame


def _people(n: int, rng: np.random.Generator, seed: int) -> pd.DataFrame:
    """True persons: Faker identities per locale, then households sharing contacts."""
    from faker import Faker

    locales = rng.choice(len(LOCALES), size=n, p=LOCALE_SHARE)
    rows = []
    for code, locale in enumerate(LOCALES):
        fake = Faker(locale)
        fake.seed_instance(seed + code)
        for _ in range(int((locales == code).sum())):
            sex = "F" if rng.random() < 0.5 else "M"
            given = fake.first_name_female() if sex == "F" else fake.first_name_male()
            rows.append({"locale": locale, "sex": sex, "given": given,
                         "family": fake.last_name(),
                         "dob": fake.date_of_birth(minimum_age=15, maximum_age=95),
                         "street": fake.street_address().replace("\n", ", "), "postcode": fake.postcode(),
                         "city": fake.city(), "phone": fake.phone_number(),
                         "email": fake.email(),
                         "id_number": ""})
            if locale == "zh_CN":
                rows[-1]["id_number"] = _resident_id(fake.ssn(gender=sex), rows[-1]["dob"])
    people = pd.DataFrame(rows).sample(frac=1, random_state=seed).reset_index(drop=True)
    return _households(people, rng)


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id(ssn: str, dob) -> str:
    """A resident ID number as a real one is: Faker's area code and sequence (its parity
    says the sex), with the person's own birth date, and the ISO 7064 MOD 11-2 check digit.
    (Faker draws the birth date inside its ID at random, unlike the person's.)"""
    body = ssn[:6] + dob.strftime("%Y%m%d") + ssn[14:17]
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


HOUSEHOLD_SIZES, HOUSEHOLD_SHARES = (1, 2, 3, 4), (0.7, 0.12, 0.1, 0.08)


def _households(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Persons grouped, within a locale, into households of 1-4 that take the first member's
    family name, address, postcode, city and phone (about 45% of persons share a home)."""
    people = people.sort_values("locale", kind="stable").reset_index(drop=True)
    sizes = rng.choice(HOUSEHOLD_SIZES, size=len(people), p=HOUSEHOLD_SHARES)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    starts = starts[starts < len(people)]
    is_start = np.zeros(len(people), dtype=bool)
    is_start[starts] = True
    is_start |= (people["locale"] != people["locale"].shift()).to_numpy()
    head = np.maximum.accumulate(np.where(is_start, np.arange(len(people)), 0))
    for column in ("family", "street", "postcode", "city", "phone"):
        people[column] = people[column].to_numpy()[head]
    people["true_id"] = np.arange(len(people)).astype(str)
    return people


def _typo(text: str, rng: np.random.Generator) -> str:
    """One substitution, deletion, insertion or transposition (on letters of the text)."""
    if len(text) < 2:
        return text
    i = int(rng.integers(0, len(text) - 1))
    kind = int(rng.integers(0, 4))
    letter = text[int(rng.integers(0, len(text)))]
    if kind == 0:
        return text[:i] + letter + text[i + 1:]
    if kind == 1:
        return text[:i] + text[i + 1:]
    if kind == 2:
        return text[:i] + letter + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def _noisy_names(given: str, family: str, rng: np.random.Generator) -> tuple[str, str]:
    if rng.random() < NOISE["nickname"] and given in NICKNAMES:
        given = NICKNAMES[given]
    elif rng.random() < NOISE["initial"] and given:
        given = given[0] + "."
    if rng.random() < NOISE["typo"]:
        given = _typo(given, rng)
    if rng.random() < NOISE["typo"]:
        family = _typo(family, rng)
    if rng.random() < NOISE["swap"]:
        given, family = family, given
    return given, family


def _noisy_date(date, fmt: str, rng: np.random.Generator) -> str:
    day, month, year = date.day, date.month, date.year
    if rng.random() < NOISE["date_swap"] and day <= 12:
        day, month = month, day
    if rng.random() < NOISE["date_digit"]:
        day = max(1, min(28, day + int(rng.choice([-1, 1]))))
    if rng.random() < NOISE["date_format"]:
        fmt = "%d.%m.%Y"
    return pd.Timestamp(year=year, month=month, day=day).strftime(fmt)


def _noisy_street(street: str, rng: np.random.Generator) -> str:
    if rng.random() < NOISE["street_abbrev"]:
        for word, short in STREET_ABBREVIATIONS.items():
            street = street.replace(word, short)
    if rng.random() < NOISE["street_typo"]:
        street = _typo(street, rng)
    return street


def _noisy_phone(phone: str, rng: np.random.Generator) -> str:
    digits = [i for i, ch in enumerate(phone) if ch.isdigit()]
    if digits and rng.random() < NOISE["phone_typo"]:
        i = digits[int(rng.integers(0, len(digits)))]
        phone = phone[:i] + str(int(rng.integers(0, 10))) + phone[i + 1:]
    return phone


def _full_name(given: str, family: str, locale: str) -> str:
    """Chinese names are written family first, without a space; others given first."""
    return family + given if locale == "zh_CN" else f"{given} {family}".strip()


def _record(person: pd.Series, schema: str, fmt: str, rng: np.random.Generator) -> dict:
    """One department's noisy record of a person, under that department's schema."""
    given, family = _noisy_names(person["given"], person["family"], rng)
    rec = {"sex": person["sex"], "dob": _noisy_date(person["dob"], fmt, rng),
           "street": _noisy_street(person["street"], rng), "postcode": person["postcode"],
           "city": person["city"], "phone": _noisy_phone(person["phone"], rng),
           "email": person["email"], "id_number": person["id_number"]}
    for field in ("dob", "street", "postcode", "phone", "email", "sex"):
        if rng.random() < NOISE["missing"]:
            rec[field] = ""
    if schema == "split":
        rec.update(given_name=given, family_name=family)
    else:
        rec["name"] = _full_name(given, family, person["locale"])
    rec["true_id"] = person["true_id"]
    return rec


RAW_COLUMNS = {  # department schema -> the columns its file has
    "full": ["rec_id", "name", "sex", "dob", "street", "postcode", "city", "phone",
             "id_number"],
    "split": ["rec_id", "given_name", "family_name", "dob", "phone", "email", "street",
              "postcode", "city"],
}


def generate(persons: int = 3000, seed: int = 11) -> Generated:
    """Departments' raw frames, the truth, and a harmonised frame for Splink."""
    rng = np.random.default_rng(seed)
    people = _people(persons, rng, seed)
    departments, truth, harmonised = {}, [], []
    for name, (schema, fmt, share) in DEPARTMENTS.items():
        held = people[rng.random(len(people)) < share]
        again = held[rng.random(len(held)) < NOISE["duplicate"]]
        picked = pd.concat([held, again]).sample(frac=1, random_state=int(rng.integers(1e9)))
        records = pd.DataFrame([_record(p, schema, fmt, rng) for _, p in picked.iterrows()])
        records["rec_id"] = [f"{name[:3].upper()}{i:07d}" for i in range(len(records))]
        departments[name] = records[RAW_COLUMNS[schema]].copy()
        truth.append(pd.DataFrame({"department": name, "record_id": records["rec_id"],
                                   "true_id": records["true_id"]}))
        harmonised.append(_harmonise(name, schema, fmt, departments[name]))
    return Generated(departments, pd.concat(truth, ignore_index=True),
                     pd.concat(harmonised, ignore_index=True))


def _split_full_name(name: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A user's split of a full name: the last word is the surname; a name without a space
    (Chinese) is split after its first character."""
    spaced = name.str.contains(" ", regex=False)
    parts = name.str.rsplit(" ", n=1)
    first = parts.str[0].where(spaced, name.str[1:])
    surname = parts.str[-1].where(spaced, name.str[:1])
    return first, surname


def _blank_to_none(s: pd.Series) -> pd.Series:
    return s.where(s.astype(str).str.strip() != "", None)


def _harmonise(department: str, schema: str, fmt: str, raw: pd.DataFrame) -> pd.DataFrame:
    """What a Splink user prepares from one department's file: one schema, full names split,
    dates parsed in the department's declared format (other formats become null), phones
    as digits. Only the columns the file has are filled."""
    if schema == "split":
        first, surname = raw["given_name"], raw["family_name"]
    else:
        first, surname = _split_full_name(raw["name"])
    out = pd.DataFrame({"unique_id": department + "|" + raw["rec_id"],
                        "first_name": first, "surname": surname})
    out["dob"] = pd.to_datetime(raw["dob"], format=fmt, errors="coerce").dt.strftime("%Y-%m-%d")
    out["phone"] = raw["phone"].str.replace(r"\D", "", regex=True)
    out["address"] = raw["street"]
    for column in ("postcode", "city", "email", "sex", "id_number"):
        out[column] = raw[column] if column in raw else None
    return out.apply(_blank_to_none)
