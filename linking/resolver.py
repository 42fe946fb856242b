"""Real-time resolution: which known entity is this record? Scored exactly as a batch run.

A :class:`Resolver` holds the fitted :class:`ModelSet` and a :class:`CandidateSource` (the
records already linked, with their entity ids). ``resolve_many`` takes records with
canonical field names and, for the whole batch at once:

1. standardises them with the loaders' standardisers, as ingest does (a one-frame ingest);
2. prepares them as linking prepares an ingested frame;
3. asks the candidate source for the records sharing a blocking key of the model's passes
   (the keys come from ``linking.index.key_values``, the code the batch index uses);
4. scores every (record, candidate) pair with ``linking.pairs.score_pairs`` - the same
   comparisons, weights, term frequencies and identifier rules as the batch, with the prior
   of a batch over the indexed records - so a pair scores exactly as in links.csv;
5. keeps, per entity, its best pair, and ranks the entities.

An entity scores as its best pair because that is how the batch joins a record to an
entity: one accepted link into the cluster is enough (clustering keeps the links that
justify each cluster, and a SourceRecord's REFERS_TO score is its best link). An average
would punish an entity for holding an old address or a former name in another record, and
a sum would count the same evidence once per duplicate record.

Pairs that two different valid identifiers rule out are dropped, as the batch drops them
before comparing. Blocks bigger than the model's ``max_block_size`` are skipped, as the
batch skips them; the batch's per-pass pair budget depends on the whole batch and has no
real-time counterpart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa

from linking.compare import CodedTable, Comparator, columns_read
from linking.model import LinkModel, ModelSet
from linking.pairs import RULE_DIFFERENT_IDS, RULES, IdentifierRule, ScoredPairs, score_pairs
from linking.prepare import prepare
from loaders.fields import FIELDS, PROVENANCE
from loaders.standardise.frames import STANDARDISERS
from loaders.standardise.text import text_array

RECORD_KEYS = ("department", "record_id")  # a record may name itself (never its own match)
CARRIED = ("department", "record_id", "entity_id")  # what a candidate names, besides scoring


@dataclass(frozen=True)
class Candidate:
    """One ranked entity: its best pair's match probability (rounded as in links.csv), the
    stored record of that pair (``DEPT:RECORD_ID``), whether the batch would accept the
    link, and the pair's evidence: ``evidence_json`` is the links.csv text, ``evidence`` the
    same as a dict (decoded when first read: decoding is most of a batch's cost)."""

    entity_id: str
    score: float
    match: bool
    record: str
    evidence_json: str

    @cached_property
    def evidence(self) -> dict[str, Any]:
        return json.loads(self.evidence_json)

    def as_dict(self) -> dict[str, Any]:
        return {"entity_id": self.entity_id, "score": self.score, "match": self.match,
                "record": self.record, "evidence": self.evidence}


@dataclass
class CandidatePairs:
    """The candidates of a batch of prepared query records: pair i is query row
    ``query[i]`` with row ``candidate[i]`` of ``records`` (the ``CARRIED`` columns of the
    source's records), of ``scored`` (the same records' ``scored_columns``, coded) and of
    ``entity_rank`` (where each record's entity id sorts among the source's entity ids)."""

    query: np.ndarray
    candidate: np.ndarray
    records: pd.DataFrame
    scored: CodedTable
    entity_rank: np.ndarray


class CandidateSource(Protocol):
    """Where a resolver finds the records already linked (in memory, or a graph)."""

    def count(self, entity_type: str) -> int:
        """How many records of this type the source holds (the batch the prior is for)."""

    def candidates(self, entity_type: str, queries: pd.DataFrame) -> CandidatePairs:
        """Records sharing a blocking key of the model's passes with each prepared query."""

    def records(self, entity_type: str, keys: list[str]) -> pd.DataFrame:
        """The prepared records (with ``entity_id``) of these ``DEPT:RECORD_ID`` keys that
        the source holds, in the order given."""

    def prepared(self, entity_type: str) -> pd.DataFrame:
        """Every record of this type the source holds, prepared, with ``entity_id`` (what
        text linking learns the graph's names and identifiers from)."""


def standardised(records: list[dict[str, Any]], entity_type: str) -> pd.DataFrame:
    """Records with canonical field names standardised as ingest standardises a source.

    A field that is not canonical for ``entity_type`` is a one-line error naming the
    record and the allowed fields; values are taken as text, as a source's cells are."""
    allowed = FIELDS[entity_type]
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            raise ValueError(f"record {i}: expected an object of fields, got "
                             f"{type(record).__name__}")
        unknown = sorted(set(record) - set(allowed) - set(RECORD_KEYS))
        if unknown:
            raise ValueError(f"record {i}: unknown {entity_type} field(s) "
                             f"{', '.join(unknown)}; allowed: {', '.join(allowed)}")
    given = {name for record in records for name in record}  # absent fields: null
    frame = pd.DataFrame({name: _column(records, name) for name in (*PROVENANCE, *allowed)
                          if name in PROVENANCE or name in given})
    return STANDARDISERS[entity_type](frame).frame


def _column(records: list[dict[str, Any]], name: str) -> Any:
    """One column of the records' frame: text as a source's cells are; the record keys
    blank rather than missing, and ``line`` 0."""
    if name == "line":
        return np.zeros(len(records), dtype=np.int64)
    blank = "" if name in RECORD_KEYS else None
    return text_array(pa.array([blank if (value := r.get(name)) is None else str(value)
                                for r in records], pa.large_string()))


class Resolver:
    """Resolve records against a candidate source with a fitted model (module docstring)."""

    def __init__(self, models: ModelSet, candidates: CandidateSource) -> None:
        self.models = models
        self.candidates = candidates

    def model(self, entity_type: str) -> LinkModel:
        """The model for ``entity_type``, with the prior of a batch over the source."""
        model = self.models.get(entity_type)
        if model is None:
            raise ValueError(f"entity must be one of {', '.join(sorted(self.models.models))}, "
                             f"not {entity_type!r}")
        return model.for_records(max(self.candidates.count(entity_type), 2))

    def resolve(self, record: dict[str, Any], entity: str = "person", top_k: int = 5
                ) -> list[Candidate]:
        """The ``top_k`` best entities for one record, best first ([] when none shares a
        blocking key with it)."""
        return self.resolve_many([record], entity, top_k)[0]

    def resolve_many(self, records: list[dict[str, Any]], entity: str = "person",
                     top_k: int = 5) -> list[list[Candidate]]:
        """``resolve`` for many records in one standardise / prepare / compare pass."""
        if top_k < 1:
            raise ValueError(f"top_k must be at least 1, not {top_k}")
        model = self.model(entity)
        if not records:
            return []
        queries = prepare(standardised(records, entity), entity)
        pairs = self.candidates.candidates(entity, queries)
        scored = score_against(model, queries, pairs.scored, pairs.query, pairs.candidate)
        kept = np.flatnonzero(scored.rule != RULES.index(RULE_DIFFERENT_IDS))
        return _ranked(scored, kept, pairs, model, len(records), top_k)

    def why(self, a: str, b: str) -> dict[str, Any]:
        """Why two stored records (``DEPT:RECORD_ID``) are or are not the same entity: the
        pair's score, whether the model accepts the link, and its evidence; ``same_entity``
        says what the source holds (which a human judgment may have decided otherwise)."""
        for entity_type in self.models.models:
            found = self.candidates.records(entity_type, [a, b])
            if len(found) == 2:
                return _explained(self.model(entity_type), found, a, b)
        raise KeyError(f"no stored record pair {a} / {b} of one entity type (keys are "
                       "DEPT:RECORD_ID)")


def scored_columns(model: LinkModel, available) -> list[str]:
    """The columns of a prepared frame (with columns ``available``) that scoring a pair
    reads: the comparisons' (``columns_read``) and the identifier rule's."""
    ids = (model.settings.id_field, model.settings.id_valid_field)
    read = columns_read([c.spec for c in model.comparisons], available)
    return [*read, *(c for c in available if c in ids and c not in read)]


def score_against(model: LinkModel, queries: pd.DataFrame, records: pd.DataFrame | CodedTable,
                  query_rows: np.ndarray, record_rows: np.ndarray) -> ScoredPairs:
    """Score query row i against record row j for each given pair, as the batch scores
    pairs (``score_pairs`` over one prepared frame holding both sides). ``records`` are
    prepared records, or their ``scored_columns`` coded (an index's ``CodedTable``)."""
    names = scored_columns(model, queries.columns)
    if isinstance(records, pd.DataFrame):
        records = CodedTable.of(records, names)
    both = {c: records.after(c, queries[c].to_numpy(dtype=object)) for c in names}
    comparator = Comparator(both, [c.spec for c in model.comparisons],
                            model.settings.chunk_size)
    model.check_levels(comparator.labels)
    return score_pairs(model, comparator, query_rows, len(queries) + record_rows,
                       IdentifierRule.of_columns(both, model.settings))


def _ranked(scored: ScoredPairs, kept: np.ndarray, pairs: CandidatePairs, model: LinkModel,
            n_queries: int, top_k: int) -> list[list[Candidate]]:
    """Per query, its entities by best pair score (ties by entity id), the top ``top_k``."""
    out: list[list[Candidate]] = [[] for _ in range(n_queries)]
    if not kept.size:
        return out
    score = np.round(scored.probability, 6)
    weight = scored.cluster_weight(model.threshold_weight)
    entity = pairs.entity_rank[pairs.candidate[kept]]
    chosen = kept[_best_per_entity(pairs.query[kept], entity, score[kept], weight[kept], top_k)]
    rows = pairs.candidate[chosen]
    chosen_records = {name: pairs.records[name].to_numpy()[rows].tolist() for name in CARRIED}
    keys = [f"{department}:{record_id}" for department, record_id in zip(
        chosen_records["department"], chosen_records["record_id"], strict=True)]
    for query, entity_id, best, bits, record, explained in zip(
            pairs.query[chosen].tolist(), chosen_records["entity_id"], score[chosen].tolist(),
            weight[chosen].tolist(), keys, scored.evidence(chosen), strict=True):
        out[query].append(Candidate(entity_id, best, bits >= 0, record, explained))
    return out


def _best_per_entity(query: np.ndarray, entity_rank: np.ndarray, score: np.ndarray,
                     weight: np.ndarray, top_k: int) -> np.ndarray:
    """Positions of the pairs to report: per query, each entity's best pair (highest score,
    then weight, then first given), entities best first (ties by entity id, which
    ``entity_rank`` orders), ``top_k`` of them; in query order."""
    order = np.lexsort((entity_rank, -weight, -score, query))  # stable: first given first
    ranks = int(entity_rank.max()) + 1
    _, first = np.unique(query[order] * ranks + entity_rank[order], return_index=True)
    order = order[np.sort(first)]
    in_query = np.arange(order.size) - np.searchsorted(query[order], query[order])
    return order[in_query < top_k]


def _explained(model: LinkModel, found: pd.DataFrame, a: str, b: str) -> dict[str, Any]:
    scored = score_against(model, found.iloc[[0]].drop(columns="entity_id"), found,
                           np.array([0]), np.array([1]))
    weight = float(scored.cluster_weight(model.threshold_weight)[0])
    entities = found["entity_id"].astype(str).tolist()
    return {"a": a, "b": b, "entity_type": model.entity_type,
            "entity_ids": entities, "same_entity": entities[0] == entities[1],
            "score": round(float(scored.probability[0]), 6), "match": weight >= 0,
            "threshold": model.threshold, "evidence": scored.explanation(0)}
