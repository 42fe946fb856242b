"""Which entity each mention means, or none (NIL), with the evidence of the decision.

Evidence is counted in bits, the link model's currency: how much likelier the text is if the
mention means a candidate than if it means a random entity of the graph.

- The name, by the model's name comparisons; and a mention that is exactly an alias of ``k``
  entities (an abbreviation the model's comparisons know nothing of) gives each at least
  log2(N / k) bits (N entities of its type): it narrows N down to k and no further.
- Every other field the text gives (ID number, phone, birth date, sex, address, a company's
  legal representative) is compared by the link model, exactly as a record would be; a valid
  ID number or credit code that differs rules a candidate out, one that agrees settles it.
- A birth year or an age alone is weighed against how many of the graph's persons share it.
- A relation in the graph to an entity linked in the same document (the company whose
  legal representative the text says the person is) is weighed against how many entities
  that one is related to.

With ``nil_prior`` the share of mentions that mean no graph entity, candidate i has posterior
odds ``(1 - nil_prior) / nil_prior * 2**bits_i / N`` against NIL. A mention is linked to its
likeliest candidate when the candidates together outweigh NIL, and is NIL otherwise; its score
is that candidate's posterior probability (NIL included). ``nil_prior`` is a property of the
documents, not of the graph: ``estimate_nil_prior`` finds it by expectation-maximisation over
the mentions of a batch (the mean posterior probability of NIL, iterated to a fixed point).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from linking.pairs import RULE_DIFFERENT_IDS, RULE_SAME_ID, RULES
from linking.prepare import prepare
from linking.resolver import Resolver, score_against, standardised
from linking.text.aliases import han_form, letters_key
from linking.text.context import Mention
from linking.text.gazetteer import (
    CREDIT_CODE,
    ID_NUMBER,
    ORGANIZATION,
    PERSON,
    PHONE,
    Gazetteer,
)
from linking.text.identifiers import credit_code_form, id_number_form, phone_form

NAME_FIELDS = {PERSON: ("name",), ORGANIZATION: ("name", "name_core", "legal_form")}
YEAR_AGREES = 0.9  # a stated birth year or age is right (an age may be off by one)
RELATED_SHARE = 0.5  # at least half the relations a document implies are in the graph
MAX_ALTERNATIVES = 3
DEFAULT_NIL_PRIOR = 0.5  # before an estimate: as likely someone else as the graph's
MAX_BITS = 200.0  # beyond any evidence; keeps the odds finite under any prior
PSEUDO_MENTIONS = 1.0  # one NIL and one linked mention assumed before any are weighed


@dataclass(frozen=True)
class TextSettings:
    """How mentions are decided: the share of mentions that mean no graph entity (None:
    estimated from the documents linked together), and how many candidates the resolver
    proposes per mention."""

    nil_prior: float | None = None
    top_k: int = 10

    def __post_init__(self) -> None:
        if self.nil_prior is not None and not 0 < self.nil_prior < 1:
            raise ValueError(f"nil_prior must be between 0 and 1, not {self.nil_prior}")
        if self.top_k < 1:
            raise ValueError(f"top_k must be at least 1, not {self.top_k}")


class RelationSource(Protocol):
    """The graph's relations: each entity's related entity ids."""

    def neighbours(self, entity_ids: list[str]) -> dict[str, set[str]]:
        ...


@dataclass
class Decision:
    """A mention's entity (None for NIL), its posterior probability and the evidence."""

    entity_id: str | None
    score: float
    evidence: dict[str, Any]


@dataclass
class _Candidate:
    entity_id: str
    bits: float
    evidence: dict[str, Any]
    sure: bool = False


@dataclass
class Weighed:
    """A mention weighed: its final decision when a rule or a lookup settles it, else its
    candidates, best first, each with ``ratio`` = 2**bits / N (the candidate's odds against
    NIL before the prior)."""

    kind: str
    decided: Decision | None = None
    candidates: list[_Candidate] = field(default_factory=list)
    ratios: np.ndarray = field(default_factory=lambda: np.empty(0))

    def decision(self, nil_prior: float) -> Decision:
        """The decision under a prior share of NIL mentions (module docstring)."""
        if self.decided is not None:
            return self.decided
        if not self.candidates:
            return Decision(None, 0.0, {"nil": "no candidate", "candidates": 0})
        odds = (1 - nil_prior) / nil_prior * self.ratios
        total = float(odds.sum())
        best = self.candidates[0]
        evidence = {**best.evidence, "bits": round(best.bits, 2),
                    "candidates": len(self.candidates), "nil_prior": round(nil_prior, 4),
                    "nil_probability": round(1 / (1 + total), 6),
                    "alternatives": [{"entity_id": c.entity_id,
                                      "score": round(float(o / (1 + total)), 6)}
                                     for c, o in zip(self.candidates[1:1 + MAX_ALTERNATIVES],
                                                     odds[1:], strict=False)]}
        score = round(float(odds[0] / (1 + total)), 6)
        if total < 1:
            return Decision(None, score, {**evidence, "nil": "no candidate outweighs NIL",
                                          "best": best.entity_id})
        return Decision(best.entity_id, score, evidence)


def estimate_nil_prior(weighed: list[Weighed], start: float = DEFAULT_NIL_PRIOR,
                       rounds: int = 200) -> float:
    """The share of NIL mentions that equals the mean posterior P(NIL) it gives the
    undecided mentions (expectation-maximisation), smoothed by PSEUDO_MENTIONS mentions on
    either side so that a few mentions cannot drive it to 0 or 1."""
    support = np.array([float(w.ratios.sum()) for w in weighed if w.decided is None])
    prior = start
    for _ in range(rounds):
        nil = 1 / (1 + (1 - prior) / prior * support)
        updated = (float(nil.sum()) + PSEUDO_MENTIONS) / (support.size + 2 * PSEUDO_MENTIONS)
        if abs(updated - prior) < 1e-6:
            return updated
        prior = updated
    return prior


class Decider:
    """Weighs and decides the mentions of documents (module docstring)."""

    def __init__(self, gazetteer: Gazetteer, resolver: Resolver,
                 relations: RelationSource | None = None,
                 settings: TextSettings | None = None) -> None:
        self.gazetteer, self.resolver, self.relations = gazetteer, resolver, relations
        self.settings = settings or TextSettings()

    def weigh(self, documents: list[tuple[list[Mention], str]]) -> list[list[Weighed]]:
        """One Weighed per mention of each (mentions, language) document: identifiers by
        lookup, then the organisations of all documents together, then their persons (who
        may be related to the organisations their document likely means)."""
        out: list[list[Weighed | None]] = [[None] * len(ms) for ms, _ in documents]
        for d, (mentions, _) in enumerate(documents):
            for i, m in enumerate(mentions):
                if m.type in (ID_NUMBER, CREDIT_CODE, PHONE):
                    out[d][i] = Weighed(m.type, self._identifier(m))
        for kind in (ORGANIZATION, PERSON):
            picked = [(d, i) for d, (ms, _) in enumerate(documents)
                      for i, m in enumerate(ms) if m.type == kind]
            related = self._related([sorted({x.entity_id for w in ws if w is not None
                                             and (x := w.decision(DEFAULT_NIL_PRIOR)).entity_id})
                                     for ws in out])
            weighed = self._parties([documents[d][0][i] for d, i in picked], kind,
                                    [documents[d][1] for d, _ in picked],
                                    [related[d] for d, _ in picked])
            for (d, i), w in zip(picked, weighed, strict=True):
                out[d][i] = w
        return out  # type: ignore[return-value]

    def decide(self, mentions: list[Mention], weighed: list[Weighed],
               nil_priors: dict[str, float]) -> list[Decision]:
        """The decisions of one document's weighed mentions under per-type NIL priors; a
        phone several entities share goes to the one the text attaches it to."""
        out = [w.decision(nil_priors.get(w.kind, DEFAULT_NIL_PRIOR)) for w in weighed]
        for i, m in enumerate(mentions):
            if m.type == PHONE and out[i].entity_id is None and out[i].evidence.get("owners"):
                out[i] = _attached_phone(m, mentions, out, out[i])
        return out

    def nil_priors(self, weighed: list[Weighed], fixed: float | None = None
                   ) -> dict[str, float]:
        """Per entity type, ``fixed``, else the settings' NIL prior, else one estimated from
        these mentions."""
        fixed = fixed if fixed is not None else self.settings.nil_prior
        return {kind: fixed if fixed is not None else
                estimate_nil_prior([w for w in weighed if w.kind == kind])
                for kind in (PERSON, ORGANIZATION)}

    # identifiers -------------------------------------------------------------------------
    def _identifier(self, mention: Mention) -> Decision:
        value = _identifier_value(mention)
        owners = self.gazetteer.entities_with(mention.type, value) if value else []
        evidence: dict[str, Any] = {"rule": "identifier", "field": mention.type, "value": value}
        if len(owners) == 1:
            return Decision(owners[0][1], 1.0, evidence)
        if owners:
            evidence["owners"] = [e for _, e in owners]
            return Decision(None, round(1 / len(owners), 6), evidence)
        return Decision(None, 0.0, {**evidence, "nil": "no entity holds it"})

    # persons and organisations -----------------------------------------------------------
    def _parties(self, mentions: list[Mention], kind: str, langs: list[str],
                 related: list[dict[str, set[str]]]) -> list[Weighed]:
        if not mentions or self.gazetteer.count(kind) == 0:
            return [Weighed(kind, Decision(None, 0.0, {"nil": "the graph holds no " + kind}))
                    for _ in mentions]
        records = [self._record(m, kind, lang) for m, lang in zip(mentions, langs, strict=True)]
        queries = prepare(standardised(records, kind), kind)
        pairs = self.resolver.candidates.candidates(kind, queries)
        blocked: list[list[str]] = [[] for _ in mentions]
        for q, entity in zip(pairs.query.tolist(), pairs.records["entity_id"].to_numpy()[
                pairs.candidate].tolist(), strict=True):
            blocked[q].append(entity)
        found = [self._candidates(m, kind, lang, b)
                 for m, lang, b in zip(mentions, langs, blocked, strict=True)]
        scored = self._scored(queries, found, kind)
        return [self._weighed(m, cands, kind, rel) for m, cands, rel in
                zip(mentions, scored, related, strict=True)]

    def _record(self, mention: Mention, kind: str, lang: str) -> dict[str, str]:
        """The mention as a record the model compares. An English person's name is spelled
        as the graph's pinyin of the names it romanises, so that the model's name comparison
        sees the same syllables; an English company's legal representative is left out, as
        the model compares that name in Chinese characters only."""
        name = self._spelled(mention.text) if lang == "en" and kind == PERSON else mention.text
        fields = {k: v for k, v in mention.fields.items() if k != PHONE
                  and not (lang == "en" and k == "legal_rep_name")}
        if PHONE in mention.fields:
            fields[PHONE] = phone_form(mention.fields[PHONE]) or mention.fields[PHONE]
        for key, form in ((ID_NUMBER, id_number_form), (CREDIT_CODE, credit_code_form)):
            if key in fields:
                fields[key] = form(fields[key])[0] or fields[key]
        return {**fields, "name": name}

    def _spelled(self, romanised: str) -> str:
        hits = self._aliased(Mention(0, 0, romanised, PERSON), PERSON, "en")
        return self.gazetteer.pinyin.get(sorted(hits)[0], romanised) if hits else romanised

    def _aliased(self, mention: Mention, kind: str, lang: str) -> set[str]:
        """The entities whose alias (zh) or romanised key (en) the mention is."""
        if lang == "zh":
            return set(self.gazetteer.aliases.get(kind, {}).get(han_form(mention.text), ()))
        keys = self.gazetteer.romanised.get(kind, {})
        words = [w for w in (letters_key(w) for w in mention.text.split()) if w]
        found = [("".join(words[i:j]), i, j) for i in range(len(words))
                 for j in range(i + 1, len(words) + 1) if "".join(words[i:j]) in keys]
        if not found:
            return set()
        longest = max(len(key) for key, _, _ in found)  # the most specific form written
        return set().union(*(keys[key] for key, _, _ in found if len(key) == longest))

    def _candidates(self, mention: Mention, kind: str, lang: str, proposed: list[str]
                    ) -> dict[str, bool]:
        """Candidate entity -> whether the mention is exactly one of its aliases."""
        aliased = self._aliased(mention, kind, lang)
        found = dict.fromkeys(proposed, False)
        for field_name in (ID_NUMBER, CREDIT_CODE, PHONE):
            value = mention.fields.get(field_name)
            value = _identifier_value(Mention(0, 0, value, field_name)) if value else None
            for owner_kind, owner in self.gazetteer.entities_with(field_name, value or ""):
                if owner_kind == kind:
                    found.setdefault(owner, False)
        found.update(dict.fromkeys(aliased, True))
        return found

    def _scored(self, queries: pd.DataFrame, found: list[dict[str, bool]], kind: str
                ) -> list[list[_Candidate]]:
        """Each mention's candidates with their bits, from the model's comparisons of the
        mention's prepared record against every record of the candidate (the best counts)."""
        entities = sorted({e for f in found for e in f})
        stored = self.gazetteer.records_of(kind, entities).reset_index(drop=True)
        model = self.resolver.model(kind)
        rows_of = stored.groupby("entity_id").indices
        q, r = [], []
        for i, f in enumerate(found):
            for e in f:
                rows = rows_of.get(e, [])
                q += [i] * len(rows)
                r += list(rows)
        q_rows, r_rows = np.asarray(q, np.int64), np.asarray(r, np.int64)
        scored = score_against(model, queries, stored.drop(columns="entity_id"), q_rows, r_rows)
        fields = [c.spec.field for c in model.comparisons]
        labels = [(*c.labels, "missing") for c in model.comparisons]
        named = np.array([f in NAME_FIELDS[kind] for f in fields])
        n = self.gazetteer.count(kind)
        best: dict[tuple[int, str], _Candidate] = {}
        entity_of = stored["entity_id"].to_numpy()
        for p in range(q_rows.size):
            i, e = int(q_rows[p]), entity_of[r_rows[p]]
            rule = RULES[scored.rule[p]]
            if rule == RULE_DIFFERENT_IDS:
                continue
            other, name, evidence = _pair_bits(scored.contributions[p], scored.levels[p],
                                               fields, labels, named)
            bits = other + name
            if found[i][e]:
                k = sum(found[i].values())
                alias = float(np.log2(n / k))
                evidence["alias"] = [k, round(alias, 2)]
                bits = other + max(name, alias)
            cand = _Candidate(e, bits, evidence, rule == RULE_SAME_ID)
            held = best.get((i, e))
            if held is None or (cand.sure, cand.bits) > (held.sure, held.bits):
                best[(i, e)] = cand
        out: list[list[_Candidate]] = [[] for _ in found]
        for (i, _), cand in sorted(best.items()):
            out[i].append(cand)
        return out

    def _related(self, likely: list[list[str]]) -> list[dict[str, set[str]]]:
        """Per document, the related entities of each entity it likely means (one read)."""
        wanted = sorted({e for ids in likely for e in ids})
        if not wanted or self.relations is None:
            return [{} for _ in likely]
        neighbours = self.relations.neighbours(wanted)
        return [{e: neighbours.get(e, set()) for e in ids} for ids in likely]

    def _weighed(self, mention: Mention, cands: list[_Candidate], kind: str,
                 related: dict[str, set[str]]) -> Weighed:
        if not cands:
            return Weighed(kind, Decision(None, 0.0, {"nil": "no candidate", "candidates": 0}))
        for cand in cands:
            self._context(mention, cand, kind, related)
        sure = [c for c in cands if c.sure]
        if sure:
            best = max(sure, key=lambda c: (c.bits, c.entity_id))
            return Weighed(kind, Decision(best.entity_id, 1.0, {
                **best.evidence, "rule": "same_id", "candidates": len(cands)}))
        n = self.gazetteer.count(kind)
        ranked = sorted(cands, key=lambda c: (-c.bits, -self._records(kind, c), c.entity_id))
        ratios = np.exp2(np.minimum([c.bits for c in ranked], MAX_BITS)) / n
        return Weighed(kind, None, ranked, ratios)

    def _records(self, kind: str, cand: _Candidate) -> int:
        return len(self.gazetteer.rows[kind].get(cand.entity_id, ()))

    def _context(self, mention: Mention, cand: _Candidate, kind: str,
                 related: dict[str, set[str]]) -> None:
        """Add the birth-year and relation evidence to a candidate (in place)."""
        if kind == PERSON and mention.birth_year and "birth_date" not in mention.fields:
            bits = self._year_bits(mention.birth_year, cand.entity_id)
            if bits is not None:
                cand.bits += bits
                cand.evidence["birth_year"] = [mention.birth_year, round(bits, 2)]
        for other, neighbours in related.items():
            if cand.entity_id in neighbours and other != cand.entity_id:
                bits = float(np.log2(RELATED_SHARE * self.gazetteer.count(kind)
                                     / max(len(neighbours), 1)))
                cand.bits += max(bits, 0.0)
                cand.evidence["related_to"] = [other, round(max(bits, 0.0), 2)]
                break

    def _year_bits(self, year: int, entity: str) -> float | None:
        years = self.gazetteer.records_of(PERSON, [entity]).get("birth_year")
        if years is None:
            return None
        known = pd.to_numeric(years, errors="coerce").dropna()
        if known.empty:
            return None
        share = self.gazetteer.year_share(year)
        if (abs(known - year) <= 1).any():
            return float(np.log2(YEAR_AGREES / share))
        return float(np.log2((1 - YEAR_AGREES) / (1 - share)))


def _pair_bits(contributions: np.ndarray, levels: np.ndarray, fields: list[str],
               labels: list[tuple[str, ...]], named: np.ndarray
               ) -> tuple[float, float, dict[str, Any]]:
    """A pair's bits from its compared fields other than the name, from the name fields,
    and its evidence (each compared field's level and bits)."""
    cmp, bits = {}, np.zeros(2)
    for k, field_name in enumerate(fields):
        level = int(levels[k])
        if level < 0:
            continue
        bits[int(named[k])] += float(contributions[k])
        cmp[field_name] = [labels[k][level], round(float(contributions[k]), 2)]
    return float(bits[0]), float(bits[1]), {"cmp": cmp}


def _attached_phone(mention: Mention, mentions: list[Mention], out: list[Decision],
                    shared: Decision) -> Decision:
    owners = shared.evidence["owners"]
    for party, decision in zip(mentions, out, strict=True):
        attached = party.fields.get(PHONE)
        if decision.entity_id in owners and attached and \
                phone_form(attached) == phone_form(mention.text):
            return Decision(decision.entity_id, 1.0, {**shared.evidence,
                                                      "attached_to": party.text})
    return shared


def _identifier_value(mention: Mention) -> str | None:
    if mention.type == ID_NUMBER:
        return id_number_form(mention.text)[0]
    if mention.type == CREDIT_CODE:
        return credit_code_form(mention.text)[0]
    return phone_form(mention.text)
