"""The identifier step of a load: Identifier nodes, each record's IDENTIFIED_BY links (moved
when its number changes), each entity's (those of the records referring to it now), and
removal of identifiers no record carries any more. Written driver-side through
``BatchWriter`` (checkpointed) after the records, also when the records come from Spark;
``add_record`` runs the same statements in its transaction, and a first load through
``neo4j-admin import`` writes the same graph from ``graph.store.import_files``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from graph.store import identifier_cypher
from graph.store.identifier_rows import IdentifierRows, identifier_rows
from ontology.schema import props

if TYPE_CHECKING:
    from graph.store.batches import BatchWriter



@dataclass(frozen=True)
class IdentifierFrames:
    """What the statements of ``identifier_cypher`` take: identifier nodes; every record of
    the load with the list of its identifier keys (empty lists too, so a number removed from
    a record loses its link); the same links one row each (for a graph without records);
    the entity ids of each kind."""

    nodes: pd.DataFrame
    records: pd.DataFrame                 # record_key, key_list
    links: pd.DataFrame                   # record_key, identifier_key
    entities: dict[str, pd.DataFrame]     # kind -> entity_id


def identifier_frames(records: dict[str, pd.DataFrame],
                      entities: dict[str, pd.DataFrame]) -> IdentifierFrames:
    """The frames for ``records`` and ``entities`` (kind -> rows of ``plan_graph``)."""
    rows: IdentifierRows = identifier_rows(records)
    lists = rows.records.groupby("record_key", sort=False)[props.identifier_key].agg(list)
    keys = pd.concat([frame["record_key"] for frame in records.values()], ignore_index=True) \
        if records else pd.Series(dtype=object)
    key_list = keys.map(lists)
    key_list = key_list.where(key_list.notna(), pd.Series([[]] * len(keys), dtype=object))
    return IdentifierFrames(
        nodes=rows.nodes,
        records=pd.DataFrame({"record_key": keys, "key_list": key_list}),
        links=rows.records,
        entities={kind: frame[["entity_id"]] for kind, frame in entities.items()})


def identifier_steps(frames: IdentifierFrames, fresh: bool = False
                     ) -> list[tuple[str, str, pd.DataFrame]]:
    """(step name, statement, rows) in the order they run: nodes, record links, entity
    links (an entity's links are read from its records' links, so they come last).
    ``fresh``: the graph held no records before this load, so record links are created
    without looking for old ones."""
    records = ((identifier_cypher.new_record_identifiers(), frames.links) if fresh else
               (identifier_cypher.record_identifiers(), frames.records))
    return [("identifiers:nodes", identifier_cypher.identifiers(), frames.nodes),
            ("identifiers:records", *records),
            *((f"identifiers:entities:{kind}", identifier_cypher.entity_identifiers(kind), frame)
              for kind, frame in frames.entities.items())]


def write_identifiers(writer: BatchWriter, frames: IdentifierFrames, fresh: bool) -> None:
    """The identifier steps of a load, each checkpointed (``fresh``: see identifier_steps)."""
    for step, statement, frame in identifier_steps(frames, fresh):
        writer.write(step, statement, frame)


def remove_unused_identifiers(writer: BatchWriter) -> None:
    """Delete identifiers that no SourceRecord carries (a corrected or removed number)."""
    writer.delete_until_none(identifier_cypher.delete_unused_identifiers())
