"""The graph's records as a resolver's candidate index: every SourceRecord's standardised
fields and the entity it refers to, read once and indexed in memory by the model's
blocking keys (linking.record_index)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from graph.client import read
from graph.cypher_names import quote
from graph.store.fields import KINDS, VALIDITY_FLAG, record_fields
from linking.record_index import RecordIndex
from ontology.schema import labels, props, rels

if TYPE_CHECKING:
    from neo4j import Driver

    from linking.model import ModelSet


def stored_records(driver: Driver, database: str, kind: str) -> pd.DataFrame:
    """department, record_id, entity_id and the standardised fields of every stored record
    of ``kind`` (an ingested frame, as the load wrote it)."""
    columns = ("department", "record_id", *record_fields(kind))
    fields = ", ".join(f"r.{quote(getattr(props, c))} AS {quote(c)}" for c in columns)
    query = (f"MATCH (r:{quote(labels.SourceRecord)} {{{quote(props.entity_type)}: $kind}})"
             f"-[:{quote(rels.REFERS_TO)}]->(e) "
             f"RETURN {fields}, e.{quote(props.entity_id)} AS entity_id")
    rows = read(driver, database, query, {"kind": kind})
    frame = pd.DataFrame([r.values() for r in rows], columns=[*columns, "entity_id"],
                         dtype=object)
    for flag in set(VALIDITY_FLAG.values()) & set(columns):
        frame[flag] = frame[flag].astype("boolean")
    return frame


def load_record_index(driver: Driver, database: str, models: ModelSet) -> RecordIndex:
    """A RecordIndex of every stored record of the types ``models`` resolves."""
    index = RecordIndex(models)
    for kind in KINDS:
        if models.get(kind) is not None:
            records = stored_records(driver, database, kind)
            index.add(kind, records.drop(columns="entity_id"), records["entity_id"])
    return index
