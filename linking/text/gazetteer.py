"""What text linking knows of the graph: every entity's surface forms, identifiers and records.

A :class:`Gazetteer` is built from the records a resolver indexes (``RecordIndex``: every
stored record, prepared, with its entity id), so that text is matched against all the names
and identifiers the departments gave, not just each entity's chosen name. It answers three
questions: which entities carry this Chinese alias, this romanised name, this identifier;
and it keeps, per entity, the rows of its records, so that a mention is scored against them
with the link model.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from linking.text.aliases import (
    SURNAME_READINGS,
    han_form,
    letters_key,
    org_aliases,
    person_keys,
    pinyin_syllables,
)
from loaders.standardise.chinese import pinyin_table

PERSON, ORGANIZATION = "person", "organization"
ID_NUMBER, CREDIT_CODE, PHONE = "id_number", "credit_code", "phone"
MIN_ROMANISED_LETTERS = 4
_COMPANY_WORDS = ("公司", "企业", "合作社", "事务所")
SURNAME_SHARE = 1e-4  # a first character this rare is more likely a typo than a surname
IDENTIFIER_FIELDS = {ID_NUMBER: PERSON, CREDIT_CODE: ORGANIZATION}


@dataclass
class Gazetteer:
    """Surface forms and identifiers of the graph's entities (see module docstring)."""

    records: dict[str, pd.DataFrame]  # entity type -> prepared records with entity_id
    aliases: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # type -> zh -> ids
    romanised: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # type -> key -> ids
    pinyin: dict[str, str] = field(default_factory=dict)  # entity id -> spaced pinyin
    identifiers: dict[str, dict[str, set[tuple[str, str]]]] = field(default_factory=dict)
    rows: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # type -> id -> rows
    surnames: frozenset[str] = frozenset()  # first characters of the graph's person names
    surname_syllables: frozenset[str] = frozenset()  # their pinyin
    syllables: frozenset[str] = frozenset()  # every pinyin syllable of the person names
    words: frozenset[str] = frozenset()  # romanised words: person name parts, company cores
    org_pinyin: set[str] = field(default_factory=set)  # spaced pinyin of company aliases
    birth_years: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))

    @classmethod
    def of(cls, records: dict[str, pd.DataFrame]) -> Gazetteer:
        """The gazetteer of prepared record frames (``department``, ``record_id``,
        ``entity_id`` and the prepared fields), one frame per entity type."""
        gaz = cls(records={k: v.reset_index(drop=True) for k, v in records.items()})
        gaz.identifiers = {ID_NUMBER: {}, CREDIT_CODE: {}, PHONE: {}}
        for kind, frame in gaz.records.items():
            gaz.rows[kind] = _rows_by_entity(frame)
            gaz.aliases[kind], gaz.romanised[kind] = defaultdict(set), defaultdict(set)
            if kind == PERSON:
                gaz._add_persons(frame)
            else:
                gaz._add_organizations(frame)
            gaz._add_identifiers(kind, frame)
        gaz.words = frozenset(w for kind in gaz.romanised.values() for w in kind) | frozenset(
            "".join(p.split()[i:j]) for p in (*gaz.pinyin.values(), *gaz.org_pinyin)
            for i in range(len(p.split())) for j in range(i + 1, len(p.split()) + 1))
        return gaz

    def _add_persons(self, frame: pd.DataFrame) -> None:
        pairs = frame[["name", "name_pinyin", "entity_id"]].dropna().drop_duplicates()
        for name, pinyin, entity in pairs.itertuples(index=False):
            form = han_form(name)
            if len(form) >= 2:
                self.aliases[PERSON][form].add(entity)
            for split in (1, 2) if len(pinyin.split()) >= 3 else (1,):
                for key in person_keys(pinyin, split, form):
                    self.romanised[PERSON][key].add(entity)
            self.pinyin.setdefault(entity, pinyin)
        first = pairs.drop_duplicates("entity_id")["name"].map(han_form).str[:1]
        counts = first[first != ""].value_counts()
        self.surnames = frozenset(counts.index[(counts >= 2)
                                               & (counts >= SURNAME_SHARE * len(first))])
        years = frame[["entity_id", "birth_year"]].dropna().drop_duplicates("entity_id")
        self.birth_years = np.sort(pd.to_numeric(years["birth_year"], errors="coerce")
                                   .dropna().to_numpy(np.int64))
        split = pairs["name_pinyin"].str.split()
        self.surname_syllables = frozenset(split.str[0].dropna()) | frozenset(
            reading for surname, reading in SURNAME_READINGS.items() if surname in self.surnames)
        self.syllables = pinyin_syllables()

    def _add_organizations(self, frame: pd.DataFrame) -> None:
        pairs = frame[["name", "entity_id"]].dropna().drop_duplicates()
        aliases = {name: org_aliases(name) for name in pairs["name"].unique()}
        table = pinyin_table({ch for forms in aliases.values() for f in forms for ch in f})
        for name, entity in pairs.itertuples(index=False):
            for alias in aliases[name]:
                self.aliases[ORGANIZATION][alias].add(entity)
                if not alias.endswith(_COMPANY_WORDS):  # English translates the legal form
                    spelled = alias.translate(table)
                    self.org_pinyin.add(spelled)
                    key = letters_key(spelled)
                    if len(key) >= MIN_ROMANISED_LETTERS:
                        self.romanised[ORGANIZATION][key].add(entity)

    def _add_identifiers(self, kind: str, frame: pd.DataFrame) -> None:
        for column in (ID_NUMBER, CREDIT_CODE, PHONE):
            if column not in frame.columns:
                continue
            if column != PHONE and IDENTIFIER_FIELDS[column] != kind:
                continue
            index = self.identifiers[column]
            pairs = frame[[column, "entity_id"]].dropna().drop_duplicates()
            for value, entity in pairs.itertuples(index=False):
                index.setdefault(value, set()).add((kind, entity))

    def entities_with(self, identifier: str, value: str) -> list[tuple[str, str]]:
        """(entity type, entity id) of the entities holding an identifier value, sorted."""
        return sorted(self.identifiers.get(identifier, {}).get(value, ()))

    def count(self, kind: str) -> int:
        """How many entities of a type the graph holds."""
        return len(self.rows.get(kind, {}))

    def year_share(self, year: int) -> float:
        """The share of persons born within a year of ``year``, smoothed by half a person
        (never 0 or 1)."""
        years = self.birth_years
        within = np.searchsorted(years, year + 1, "right") - np.searchsorted(years, year - 1)
        return (int(within) + 0.5) / (years.size + 1)

    def records_of(self, kind: str, entities: list[str]) -> pd.DataFrame:
        """The prepared records of some entities (with entity_id)."""
        rows = [self.rows[kind][e] for e in entities if e in self.rows.get(kind, {})]
        if not rows:
            return self.records[kind].iloc[:0]
        return self.records[kind].iloc[np.concatenate(rows)]

    def alias_forms(self) -> dict[str, list[str]]:
        """Every Chinese alias, per entity type (for the tokenizer and the entity ruler)."""
        return {kind: sorted(forms) for kind, forms in self.aliases.items()}


def _rows_by_entity(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    codes, entities = pd.factorize(frame["entity_id"])
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(entities) + 1))
    return {e: order[bounds[i]:bounds[i + 1]] for i, e in enumerate(entities)}
