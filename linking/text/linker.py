"""Text entity linking: find the persons, companies and identifiers a document mentions and
link each to a graph entity, or to none, with its evidence.

``TextLinker(resolver)`` learns the graph's names and identifiers from the resolver's
records (``Gazetteer``), finds mentions with a spaCy pipeline per language
(``linking.text.pipeline``), reads what the text says about each (``linking.text.context``)
and decides each mention with the resolver's link model (``linking.text.decide``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from linking.resolver import Resolver
from linking.text.aliases import han_form, letters_key
from linking.text.context import Mention, describe
from linking.text.decide import Decider, Decision, RelationSource, TextSettings
from linking.text.gazetteer import CREDIT_CODE, ID_NUMBER, ORGANIZATION, PERSON, Gazetteer
from linking.text.identifiers import warm
from linking.text.pipeline import LANGUAGES, build, is_bare_legal_form
from linking.text.spans import squeeze

_ABBREVIATED_FORM = re.compile(r"\b(?:Co|Ltd|Inc|Corp)$")
_HAN = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class LinkedMention:
    """One mention (the contract's text-linking row) and the evidence of its decision."""

    doc: str
    start: int
    end: int
    text: str
    type: str
    entity_id: str | None
    score: float
    evidence: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "start": self.start, "end": self.end, "text": self.text,
                "type": self.type, "entity_id": self.entity_id, "score": self.score,
                "evidence": self.evidence}


def language_of(text: str) -> str:
    """``zh`` when Han characters are at least a fifth of the letters, else ``en``."""
    han, latin = len(_HAN.findall(text)), len(_LATIN.findall(text))
    return "zh" if han and han * 5 >= han + latin else "en"


class TextLinker:
    """Links the mentions of documents to the entities a resolver knows."""

    def __init__(self, resolver: Resolver, relations: RelationSource | None = None,
                 settings: TextSettings | None = None) -> None:
        self.gazetteer = Gazetteer.of({kind: resolver.candidates.prepared(kind)
                                       for kind in resolver.models.models})
        self.decider = Decider(self.gazetteer, resolver, relations, settings)
        self._pipelines: dict[str, Any] = {}
        self._building = threading.Lock()

    def pipeline(self, lang: str) -> Any:
        """The spaCy pipeline of a language, built on first use (once, however many threads
        ask)."""
        with self._building:
            if lang not in self._pipelines:
                self._pipelines[lang] = build(lang, self.gazetteer)
            return self._pipelines[lang]

    def mentions(self, text: str, lang: str | None = None,
                 words: frozenset[str] | set[str] | None = None) -> list[Mention]:
        """The mentions of a text, described by what the text says about them (offsets and
        text as the original writes them). A word that scanning broke ("Lo gistics") is
        joined when it is one of ``words`` (default: the graph's romanised words and the
        text's own)."""
        lang = lang or language_of(text)
        squeezed = squeeze(text, lang, self.gazetteer.words | document_words([text])
                           if words is None else words)
        doc = self.pipeline(lang)(squeezed.text)
        found = [Mention(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents
                 if not (e.label_ == ORGANIZATION and is_bare_legal_form(e.text))]
        describe(squeezed.text, found)
        _mark_abbreviations(found, doc.user_data.get("kglink_abbreviations", {}))
        _mark_shortenings(found)
        for m in found:
            m.start, m.end = squeezed.span(m.start, m.end)
            if text[m.end:m.end + 1] == "." and _ABBREVIATED_FORM.search(text, m.start, m.end):
                m.end += 1  # "Co., Ltd." keeps its period where a sentence's joins it
            if m.type == PERSON and text[m.end - 1] == ".":
                m.end -= 1  # "Gao Jun." ends a sentence ("Jun." is also June's token)
            m.text = text[m.start:m.end]
        return found

    def link(self, text: str, doc: str = "", lang: str | None = None,
             nil_prior: float | None = None) -> list[LinkedMention]:
        """Every mention of ``text`` with its entity (None: NIL), score and evidence."""
        return self.link_many([(doc, text)], lang, nil_prior)[0]

    def link_many(self, documents: list[tuple[str, str]], lang: str | None = None,
                  nil_prior: float | None = None) -> list[list[LinkedMention]]:
        """``link`` for many (doc, text) documents; the share of mentions that mean no
        graph entity is ``nil_prior``, else the settings', else estimated from all the
        documents' mentions together."""
        if lang is not None and lang not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        languages = [lang or language_of(text) for _, text in documents]
        words = self.gazetteer.words | document_words([text for _, text in documents])
        found = [self.mentions(text, language, words)
                 for (_, text), language in zip(documents, languages, strict=True)]
        _warm_identifiers([m for ms in found for m in ms])
        weighed = self.decider.weigh(list(zip(found, languages, strict=True)))
        priors = self.decider.nil_priors([w for ws in weighed for w in ws], nil_prior)
        out = []
        for (doc, _), mentions, ws in zip(documents, found, weighed, strict=True):
            decisions = _as_abbreviated(mentions, self.decider.decide(mentions, ws, priors))
            out.append([LinkedMention(doc, m.start, m.end, m.text, m.type, d.entity_id,
                                      d.score, d.evidence)
                        for m, d in zip(mentions, decisions, strict=True)])
        return out


_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{2,}(?![A-Za-z])")


def document_words(texts: list[str]) -> set[str]:
    """The lower-cased Latin words the texts write whole: the vocabulary that mends a word
    scanning broke in one place ("Equipme nt") from where it is written whole."""
    return {w.lower() for text in texts for w in _WORD.findall(text)}


def _warm_identifiers(mentions: list[Mention]) -> None:
    """Normalise every ID number and credit code of a batch in one pass per kind."""
    for kind in (ID_NUMBER, CREDIT_CODE):
        warm(kind, [m.text for m in mentions if m.type == kind]
             + [m.fields[kind] for m in mentions if kind in m.fields])


def _mark_abbreviations(mentions: list[Mention], defined: dict[str, tuple[int, int]]) -> None:
    """Point each use of a defined abbreviation at the organisation it abbreviates."""
    at = {(m.start, m.end): i for i, m in enumerate(mentions)}
    for m in mentions:
        owner = at.get(defined.get(m.text, (-1, -1)))
        if owner is not None and mentions[owner] is not m:
            m.abbreviates = owner


def _mark_shortenings(mentions: list[Mention]) -> None:
    """An organisation mention whose letters (or characters) lie inside those of exactly one
    longer organisation name of the same text is a shortening of it ("Xiangdian Huatong" of
    "Hengyang Xiangdian Huatong Pharmaceutical Co., Ltd.")."""
    orgs = [(i, _org_key(m.text)) for i, m in enumerate(mentions) if m.type == ORGANIZATION]
    for i, key in orgs:
        if mentions[i].abbreviates is not None or not key:
            continue
        longer = {k: j for j, k in orgs if len(k) > len(key) and key in k}
        if len(longer) == 1:
            mentions[i].abbreviates = next(iter(longer.values()))


def _org_key(text: str) -> str:
    return letters_key(text) or han_form(text)


def _as_abbreviated(mentions: list[Mention], decisions: list[Decision]) -> list[Decision]:
    """A defined abbreviation means what its organisation means."""
    out = list(decisions)
    for i, m in enumerate(mentions):
        if m.abbreviates is not None:
            owner = decisions[m.abbreviates]
            out[i] = Decision(owner.entity_id, owner.score,
                              {"abbreviates": mentions[m.abbreviates].text, **owner.evidence})
    return out
