"""Add one record to the graph and resolve it incrementally (``add_record``): it is
placed among the entities its accepted links reach (``linking.placement``), then written in
a single transaction:
the record, the entities it touched as they now are, the record's identifiers and the
touched entities' IDENTIFIED_BY links (``graph.store.identifiers``), a MergeEvent / SplitEvent for every
entity that merged or split (``graph.store.history``, as a load records them), the
relationships of a merged-away entity moved to its successor, and entities left without
records removed. Rows come from ``graph.store.plan`` and statements from
``graph.store.cypher``, so an added record is stored exactly as a load would store it.

The records the placement re-clustered keep their stored content hash, so their batch and
loaded_at stay those of the load that wrote them; only their REFERS_TO follows the
placement.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from graph.client import in_write_transaction, read
from graph.cypher_names import quote
from graph.store import cypher
from graph.store.batches import columns_of
from graph.store.fields import VALIDITY_FLAG, entity_label, record_fields
from graph.store.history import history_events
from graph.store.identifiers import identifier_frames, identifier_steps
from graph.store.interests import resync_interests_at
from graph.store.plan import plan_graph
from graph.store.relation_rows import relation_kinds
from ontology.schema import labels, props, rels

if TYPE_CHECKING:
    from neo4j import Driver, ManagedTransaction

    from linking.placement import Placement
    from linking.resolver import Candidate, Resolver

SOURCE = "add_record"  # the SourceRecord.source of a record added through the API
REACH = 1_000          # candidates looked at for accepted links (ranked, best first)
COMPONENT_LIMIT = 300  # records beyond which a batch cuts a component's weakest links
_adding = threading.Lock()  # one placement at a time: two could touch the same entity


class RecordExists(ValueError):
    """The record's key is stored already (a load, not add_record, updates records)."""


@dataclass
class Added:
    """What ``add_record`` did: the record's entity, the outcome (new, joined, merged,
    reshaped), the entities it touched and the merge / split events written."""

    record: str
    entity_id: str
    outcome: str
    touched: list[str]
    events: list[dict[str, Any]]
    candidates: list[Candidate] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"record": self.record, "entity_id": self.entity_id, "outcome": self.outcome,
                "touched": self.touched, "events": self.events,
                "candidates": [c.as_dict() for c in self.candidates]}


def add_record(resolver: Resolver, driver: Driver, database: str, record: dict[str, Any],
               entity: str, judged: dict[tuple[str, str], str]) -> Added:
    """Place ``record`` (canonical fields, ``department`` and ``record_id``) among the
    resolver's records, store the result, and index it (module docstring). A record whose
    key is already stored is ``RecordExists``: a load replaces records, this adds them."""
    from graph.store.load_batches import load_lock
    from graph.store.manifest import now_iso
    from linking.placement import place
    from linking.resolver import standardised

    resolver.model(entity)  # a one-line error for an entity type the model lacks
    model = resolver.models.get(entity)
    keys = _record_keys(record)  # checked before the record is read as a dict
    record = {**record, **keys}
    key = f"{record['department']}:{record['record_id']}"
    frame = standardised([record], entity)
    frame["source"] = SOURCE
    with _adding:
        if len(resolver.candidates.records(entity, [key])):
            raise RecordExists(f"record {key} is already in the graph (a load updates it)")
        candidates = resolver.resolve_many([record], entity, top_k=REACH)[0]
        members = _component(resolver, driver, database, entity,
                             {c.entity_id for c in candidates if c.match})
        touched = sorted(set(members["entity_id"]))
        hashes = pd.Series(members.pop("hash").to_numpy(),
                           index=(members["department"] + ":" + members["record_id"]).to_numpy())
        at = now_iso()
        batch = f"{SOURCE}:{key}@{at}"
        with load_lock(batch):
            placement = place(model.for_records(resolver.candidates.count(entity) + 1),
                              frame, members, judged)
            events = write_placement(driver, database, placement, hashes, batch, at)
        resolver.candidates.add(entity, placement.records, placement.clusters["entity_id"])
    return Added(record=key, entity_id=placement.entity_id, outcome=placement.outcome,
                 touched=touched, events=events, candidates=candidates[:5])


def _component(resolver: Resolver, driver: Driver, database: str, entity: str,
               reached: set[str]) -> pd.DataFrame:
    """The stored records of the entities ``reached`` and of every entity their records
    reach by accepted links, and so on: the connected component a batch run would form
    around the new record and re-cluster as a whole (up to ``COMPONENT_LIMIT`` records)."""
    members = stored_members(driver, database, entity, sorted(reached))
    while len(members) and len(members) < COMPONENT_LIMIT:
        keys = (members["department"] + ":" + members["record_id"]).tolist()
        further = _linked_entities(resolver, entity, keys) - reached
        if not further:
            break
        reached |= further
        members = stored_members(driver, database, entity, sorted(reached))
    return members


def _linked_entities(resolver: Resolver, entity: str, keys: list[str]) -> set[str]:
    """Entities an accepted link joins to any of these indexed records (their prepared
    rows are in the index, so they are scored without standardising them again)."""
    from linking.resolver import score_against

    model = resolver.model(entity)
    queries = resolver.candidates.records(entity, keys).drop(columns="entity_id")
    pairs = resolver.candidates.candidates(entity, queries)
    scored = score_against(model, queries, pairs.scored, pairs.query, pairs.candidate)
    accepted = pairs.candidate[scored.cluster_weight(model.threshold_weight) >= 0]
    return set(pairs.records["entity_id"].to_numpy()[accepted])


def _record_keys(record: dict[str, Any]) -> dict[str, str]:
    """The department and record_id of a record to add, stripped (both required)."""
    keys = {}
    for name in ("department", "record_id"):
        value = record.get(name) if isinstance(record, dict) else None
        if value is None or not str(value).strip():
            raise ValueError(f"a record to add needs a {name}")
        keys[name] = str(value).strip()
    return keys


def stored_members(driver: Driver, database: str, kind: str, entity_ids: list[str]
                   ) -> pd.DataFrame:
    """Every stored record of these entities: provenance, standardised fields, content
    hash and ``entity_id`` (what ``linking.placement.place`` takes as members)."""
    columns = ("department", "record_id", "source", "line",
               *(f for f in record_fields(kind) if f not in ("department", "record_id")))
    fields = ", ".join(f"r.{quote(getattr(props, c))} AS {quote(c)}" for c in columns)
    query = (f"MATCH (e:{quote(entity_label(kind))})<-[:{quote(rels.REFERS_TO)}]-"
             f"(r:{quote(labels.SourceRecord)}) WHERE e.{quote(props.entity_id)} IN $ids "
             f"RETURN {fields}, r.{quote(props.content_hash)} AS hash, "
             f"e.{quote(props.entity_id)} AS entity_id ORDER BY entity_id, "
             f"r.{quote(props.record_key)}")
    rows = read(driver, database, query, {"ids": list(entity_ids)})
    frame = pd.DataFrame([r.values() for r in rows], columns=[*columns, "hash", "entity_id"],
                         dtype=object)
    for flag in set(VALIDITY_FLAG.values()) & set(columns):
        frame[flag] = frame[flag].astype("boolean")
    return frame


@dataclass(frozen=True)
class _Load:
    """A placement as the ingest and linking output ``plan_graph`` plans from."""

    persons: pd.DataFrame | None
    organizations: pd.DataFrame | None
    clusters: pd.DataFrame
    links: pd.DataFrame
    relations: None = None


def write_placement(driver: Driver, database: str, placement: Placement,
                    hashes: pd.Series, batch: str, at: str) -> dict[str, Any]:
    """Store ``placement`` (``hashes``: record_key -> stored content hash of the records
    it re-clustered); returns the merge and split events written (event_id, entity_id,
    merged_from, split_into)."""
    kind = placement.entity_type
    frame = placement.records
    load = _Load(persons=frame if kind == "person" else None,
                 organizations=frame if kind == "organization" else None,
                 clusters=placement.clusters, links=placement.links)
    plan = plan_graph(load, load)
    records = plan.records[kind]
    kept = records["record_key"].map(hashes)
    records["hash"] = kept.where(kept.notna(), records["hash"])
    events = history_events(placement.previous, plan.assignment(), placement.links, batch, at)
    moves = _successors(placement)
    identifiers = identifier_frames({kind: records}, {kind: plan.entities[kind]})

    def work(tx: ManagedTransaction) -> None:
        _run(tx, cypher.departments(), pd.DataFrame({"name": plan.departments}))
        _run(tx, cypher.divisions(), plan.divisions)
        _run(tx, cypher.division_parents(),
             plan.divisions[plan.divisions["parent_code"].notna()])
        for label in ("merge", "split"):
            rows = events[events["label"] == label].drop(columns="label")
            _run(tx, cypher.events("MergeEvent" if label == "merge" else "SplitEvent"), rows)
        merges = events[events["label"] == "merge"][["entity_id", "merged_from"]]
        _run(tx, cypher.merged_from(kind), merges)
        _run(tx, cypher.entities(kind), plan.entities[kind])
        for rel_type in sorted({k.type for k in relation_kinds().values()}):
            for outgoing in (True, False):
                _run(tx, cypher.move_relationships(rel_type, kind, outgoing), moves)
        _run(tx, cypher.records(kind), records, {"batch": batch, "loaded_at": at})
        for _, statement, rows in identifier_steps(identifiers):
            _run(tx, statement, rows)
        _run(tx, cypher.delete_entities_without_records(kind),
             pd.DataFrame({"entity_id": placement.retired}))
        if len(moves):
            resync_interests_at(tx, kind, sorted(set(moves["new"])))

    in_write_transaction(driver, database, work)
    return [{"event_id": e["event_id"], "type": e["label"], "entity_id": e["entity_id"],
             "merged_from": e["merged_from"], "split_into": e["split_into"]}
            for e in events.to_dict("records")]


def _successors(placement: Placement) -> pd.DataFrame:
    """old -> new for each retired entity: the entity now holding most of its records."""
    keys = placement.clusters["department"] + ":" + placement.clusters["record_id"]
    now = pd.Series(placement.clusters["entity_id"].to_numpy(), index=keys.to_numpy())
    before = placement.previous[placement.previous["entity_id"].isin(placement.retired)]
    moved = pd.DataFrame({"old": before["entity_id"].to_numpy(),
                          "new": now.loc[before["record_key"]].to_numpy()})
    counts = moved.value_counts().reset_index(name="n")
    return (counts.sort_values(["old", "n", "new"], ascending=[True, False, True])
            .drop_duplicates("old")[["old", "new"]].reset_index(drop=True))


def _run(tx: ManagedTransaction, statement: str, frame: pd.DataFrame,
         params: dict[str, Any] | None = None) -> None:
    if frame is not None and len(frame):
        tx.run(statement, {"c": columns_of(frame), "n": len(frame), **(params or {})}).consume()

