"""``write_graph``: one load of ingested + linked records into Neo4j, idempotent,
incremental and resumable.

Steps, in order (each checkpointed in the batch's LoadBatch node): departments, divisions
and their hierarchy, merge/split history (computed against the graph's current assignment
before anything changes), entities, source records with REFERS_TO / FROM_DEPARTMENT,
identifiers (``graph.store.identifiers``), relations, removal of relations no longer
supported by their records, removal of entities no record refers to and of identifiers no
record carries. Every write is a batched ``UNWIND`` in a managed transaction: MERGE,
or CREATE while the graph holds no entities yet (then in two concurrent transactions).
A large first load into an empty local graph goes through ``graph.store.bulk_import``
instead and yields the same graph. Given a SparkSession, entities, records and relations
are written from Spark partitions (``graph.store.spark_writer``) and yield the same graph.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from graph.client import read
from graph.ontology_store import apply_schema
from graph.store import cypher
from graph.store.batches import BatchWriter
from graph.store.bulk_import import bulk_import, should_bulk_import
from graph.store.history import history_events
from graph.store.identifiers import (
    identifier_frames,
    remove_unused_identifiers,
    write_identifiers,
)
from graph.store.interests import write_interests
from graph.store.load_batches import batch_id as load_batch_id
from graph.store.manifest import now_iso, open_manifest
from graph.store.plan import GraphPlan, plan_graph
from graph.store.previous import read_previous_clusters
from graph.store.relation_rows import relation_kinds
from loaders.heartbeat import heartbeat

if TYPE_CHECKING:
    from neo4j import Driver

    from graph.store.manifest import Manifest
    from graph.store.spark_writer import SparkWriter

DEFAULT_CHUNK = 5_000


@dataclass
class WriteSummary:
    """What one load planned and what it changed in the graph."""

    batch: str
    resumed: bool
    bulk_import: bool = False         # written by neo4j-admin import (first load only)
    records: dict[str, int] = field(default_factory=dict)        # per entity kind
    entities: dict[str, int] = field(default_factory=dict)       # per entity kind
    relationships: dict[str, int] = field(default_factory=dict)  # per relationship type
    unresolved_relations: dict[str, int] = field(default_factory=dict)  # reason -> rows
    merges: int = 0
    splits: int = 0
    records_changed: int = 0          # records whose content was new or different
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    seconds: float = 0.0
    step_seconds: dict[str, float] = field(default_factory=dict)
    spark_steps: list[str] = field(default_factory=list)  # written from Spark: not counted

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        """A short human summary."""
        unresolved = sum(self.unresolved_relations.values())
        how = " (resumed)" if self.resumed else " (neo4j-admin import)" if self.bulk_import else ""
        out = [f"batch {self.batch}{how}: "
               f"{sum(self.records.values())} records -> {sum(self.entities.values())} entities "
               f"({', '.join(f'{k} {v}' for k, v in sorted(self.entities.items()))}), "
               f"{sum(self.relationships.values())} relations, "
               f"{self.merges} merges, {self.splits} splits, {self.seconds:.1f}s",
               f"graph: +{self.nodes_created} / -{self.nodes_deleted} nodes, "
               f"+{self.relationships_created} / -{self.relationships_deleted} relationships, "
               f"{self.properties_set} properties set, {self.records_changed} records new or "
               f"changed"]
        if self.spark_steps:
            out.append(f"written from Spark (the connector counts nothing, so not above): "
                       f"{', '.join(self.spark_steps)}")
        if unresolved:
            out.append(f"unresolved relation rows: {unresolved} ("
                       + "; ".join(f"{r}: {n}" for r, n in
                                   sorted(self.unresolved_relations.items())) + ")")
        return out


def write_graph(driver: Driver, database: str, ingested, linked, batch_id: str | None = None,
                progress: bool = True, *, previous: pd.DataFrame | None = None,
                department_priority: list[str] | None = None,
                chunk_size: int = DEFAULT_CHUNK, bulk: str = "auto",
                spark: Any = None) -> WriteSummary:
    """Write one load. ``batch_id`` defaults to ``load_batches.batch_id(ingested)``, so
    re-running the same input resumes (if it was cut short) or re-applies the same batch.
    ``previous``: the graph's current assignment if the caller already read it.
    ``bulk``: auto|always|never, whether a large first load into an empty local graph
    goes through ``neo4j-admin database import`` (graph.store.bulk_import).
    ``spark``: a SparkSession; entities, records and relations are then written from its
    partitions with the Neo4j Connector for Apache Spark (graph.store.spark_writer) to the
    configured server (``graph.connection.target``)."""
    started = time.monotonic()
    with heartbeat("graph: planning the load", progress):
        plan = plan_graph(ingested, linked, department_priority)
    planned = {"plan": time.monotonic() - started}
    batch = batch_id or load_batch_id(ingested)
    with heartbeat("graph: constraints and indexes", progress):
        apply_schema(driver, database)
    if spark is None and should_bulk_import(driver, database, plan, bulk):
        return _write_by_import(driver, database, plan, batch, chunk_size, started, planned,
                                progress)
    manifest = open_manifest(driver, database, batch, chunk_size)
    summary = WriteSummary(batch=batch, resumed=manifest.resuming)
    # a resumed batch keeps the chunk size its checkpoints count in
    writer = BatchWriter(driver, database, manifest, manifest.chunk_size, progress)
    if previous is None:
        with heartbeat("graph: reading the stored entity assignment", progress):
            previous = read_previous_clusters(driver, database)

    writer.write("departments", cypher.departments(), pd.DataFrame({"name": plan.departments}))
    writer.write("divisions", cypher.divisions(), plan.divisions)
    writer.write("division_parents", cypher.division_parents(),
                 plan.divisions[plan.divisions["parent_code"].notna()])
    _write_history(writer, plan, previous, linked, summary, manifest.started_at)
    large = writer if spark is None else _spark_writer(spark, driver, database, manifest,
                                                       progress)
    # Spark retries a task after a partial commit, so it writes the MERGE forms only
    fresh = spark is None and previous.empty and not _has_entities(driver, database)
    for kind, frame in plan.entities.items():
        large.write(f"entities:{kind}", cypher.entities(kind, fresh, large.rows), frame)
    for kind, frame in plan.records.items():
        large.write(f"records:{kind}", cypher.records(kind, fresh, large.rows), frame,
                    {"batch": batch, "loaded_at": manifest.started_at})
    write_identifiers(writer, identifier_frames(plan.records, plan.entities), fresh)
    _write_relations(large, plan, fresh)
    if not previous.empty:
        _remove_stale_relations(writer, plan)
    _remove_orphans(writer)
    remove_unused_identifiers(writer)
    _write_relation_records(writer, plan, batch, manifest.started_at)
    write_interests(writer, plan.relations)
    manifest.complete(driver, database)

    _tally_plan(summary, plan)
    for name, value in writer.counts.items():
        setattr(summary, name, value)
    summary.records_changed = writer.changed_records
    summary.step_seconds = {k: round(v, 3) for k, v in
                            (planned | writer.step_seconds | large.step_seconds).items()}
    if spark is not None:
        summary.spark_steps = large.steps
    summary.seconds = time.monotonic() - started
    return summary


def _spark_writer(spark: Any, driver: Driver, database: str, manifest: Manifest,
                  progress: bool) -> SparkWriter:
    from graph.connection import target
    from graph.store.spark_writer import SparkWriter

    return SparkWriter(spark, target(start_local=False), driver, database, manifest,
                       manifest.chunk_size, progress)


def _write_by_import(driver: Driver, database: str, plan: GraphPlan, batch: str,
                     chunk_size: int, started: float, planned: dict[str, float],
                     progress: bool) -> WriteSummary:
    """The first load of an empty local graph, through the offline importer."""
    loaded_at = now_iso()
    files, seconds = bulk_import(driver, database, plan, batch, loaded_at, progress)
    manifest = open_manifest(driver, database, batch, chunk_size, started_at=loaded_at)
    # relation records and interests are written by Cypher after the import, as on the
    # other paths
    writer = BatchWriter(driver, database, manifest, manifest.chunk_size, progress)
    _write_relation_records(writer, plan, batch, loaded_at)
    write_interests(writer, plan.relations)
    manifest.complete(driver, database)
    summary = WriteSummary(batch=batch, resumed=False, bulk_import=True)
    _tally_plan(summary, plan)
    summary.nodes_created = files.node_count + writer.counts["nodes_created"]
    summary.relationships_created = (files.relationship_count
                                     + writer.counts["relationships_created"])
    summary.properties_set = files.property_count + writer.counts["properties_set"]
    summary.records_changed = sum(summary.records.values())
    summary.step_seconds = {k: round(v, 3) for k, v in
                            (planned | seconds | writer.step_seconds).items()}
    summary.seconds = time.monotonic() - started
    return summary


def _tally_plan(summary: WriteSummary, plan: GraphPlan) -> None:
    """What the plan holds: records, entities, relations and unresolved rows by kind."""
    summary.records = {k: len(v) for k, v in plan.records.items()}
    summary.entities = {k: len(v) for k, v in plan.entities.items()}
    summary.relationships = (plan.relations.groupby("type").size().to_dict()
                             if not plan.relations.empty else {})
    summary.unresolved_relations = (plan.unresolved.groupby("reason").size().to_dict()
                                    if not plan.unresolved.empty else {})


def _has_entities(driver: Driver, database: str) -> bool:
    """Whether any entity node exists (a graph without any can skip stale-link cleanup)."""
    return bool(read(driver, database, cypher.any_entity()))


def _write_history(writer: BatchWriter, plan: GraphPlan, previous: pd.DataFrame, linked,
                   summary: WriteSummary, at: str) -> None:
    if writer.manifest.skip_step("history"):
        return
    with heartbeat("graph: merges and splits", writer.progress):
        events = history_events(previous, plan.assignment(), getattr(linked, "links", None),
                                writer.manifest.batch, at)
    merges = events[events["label"] == "merge"].drop(columns="label")
    splits = events[events["label"] == "split"].drop(columns="label")
    summary.merges, summary.splits = len(merges), len(splits)
    writer.write("history:merges", cypher.events("MergeEvent"), merges)
    writer.write("history:splits", cypher.events("SplitEvent"), splits)
    for kind in plan.entities:
        survivors = merges[merges["entity_type"] == kind][["entity_id", "merged_from"]]
        writer.write(f"history:merged_from:{kind}", cypher.merged_from(kind), survivors)
    writer.manifest.mark_step_done(writer.driver, writer.database, "history")


def _write_relations(writer: BatchWriter | SparkWriter, plan: GraphPlan, fresh: bool) -> None:
    if plan.relations.empty:
        return
    groups = plan.relations.groupby(["type", "from_kind", "to_kind"], sort=True)
    for (rel_type, from_kind, to_kind), frame in groups:
        writer.write(f"relations:{rel_type}:{from_kind}:{to_kind}",
                     cypher.relations(rel_type, from_kind, to_kind, fresh, writer.rows),
                     frame.drop(columns=["type", "from_kind", "to_kind"]))


def _write_relation_records(writer: BatchWriter, plan: GraphPlan, batch: str,
                            loaded_at: str) -> None:
    """Every row of the relation tables as a RelationRecord (the provenance the interests
    derive from), whether or not it yielded a relationship."""
    writer.write("relation_records", cypher.relation_records(), plan.relation_records,
                 {"batch": batch, "loaded_at": loaded_at})


def _remove_stale_relations(writer: BatchWriter, plan: GraphPlan) -> None:
    """Delete relationships whose source records are in this load but no longer yield them."""
    if writer.manifest.skip_step("stale_relations"):
        return
    seen = set(plan.unresolved["record_key"]) if not plan.unresolved.empty else set()
    expected = set()
    if not plan.relations.empty:
        seen |= set(plan.relations["record_keys"].explode())
        expected = set(zip(plan.relations["type"], plan.relations["from_id"],
                           plan.relations["to_id"], strict=True))
    for frame in plan.records.values():
        if "legal_rep_id" in frame.columns or "legal_rep_name" in frame.columns:
            seen |= set(frame["record_key"])
    stale: list[str] = []
    for rel_type in sorted({k.type for k in relation_kinds().values()}):
        rows = read(writer.driver, writer.database, cypher.stale_relations(rel_type))
        for element_id, a, b, keys in rows:
            if (rel_type, a, b) not in expected and seen.intersection(keys):
                stale.append(element_id)
    if stale:
        writer.write("stale_relations:delete", cypher.delete_relationships_by_id(),
                     pd.DataFrame({"id": stale}))
    writer.manifest.mark_step_done(writer.driver, writer.database, "stale_relations")


def _remove_orphans(writer: BatchWriter) -> None:
    """Delete entities that no SourceRecord refers to any more (merged or split away)."""
    for kind in ("person", "organization"):
        writer.delete_until_none(cypher.delete_orphans(kind))
