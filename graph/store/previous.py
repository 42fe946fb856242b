"""The entity assignment already in the graph: which entity each SourceRecord refers to.

``kglink run`` passes it to linking as previous clusters (so entity ids stay stable) and
the store compares it with the new assignment to record merges and splits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from graph.client import read
from graph.cypher_names import quote
from ontology.schema import labels, props, rels

if TYPE_CHECKING:
    from neo4j import Driver

COLUMNS = ["department", "record_id", "entity_id", "entity_type", "record_key"]


def read_previous_clusters(driver: Driver, database: str) -> pd.DataFrame:
    """department, record_id, entity_id, entity_type, record_key of every stored record."""
    k = props
    query = (f"MATCH (r:{quote(labels.SourceRecord)})-[:{quote(rels.REFERS_TO)}]->(e) "
             f"RETURN r.{quote(k.department)} AS department, "
             f"r.{quote(k.record_id)} AS record_id, "
             f"e.{quote(k.entity_id)} AS entity_id, r.{quote(k.entity_type)} AS entity_type, "
             f"r.{quote(k.record_key)} AS record_key")
    return pd.DataFrame([r.values() for r in read(driver, database, query)], columns=COLUMNS)
