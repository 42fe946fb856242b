"""The entity assignment already in the graph: which entity each SourceRecord refers to.

``kglink run`` passes it to linking as previous clusters (so entity ids stay stable) and
the store compares it with the new assignment to record merges and splits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from graph.store.sessions import quiet_session
from ontology.schema import labels, props, rels

if TYPE_CHECKING:
    from neo4j import Driver

COLUMNS = ["department", "record_id", "entity_id", "entity_type", "record_key"]


def read_previous_clusters(driver: Driver, database: str) -> pd.DataFrame:
    """department, record_id, entity_id, entity_type, record_key of every stored record."""
    k = props
    query = (f"MATCH (r:{labels.SourceRecord})-[:{rels.REFERS_TO}]->(e) "
             f"RETURN r.{k.department} AS department, r.{k.record_id} AS record_id, "
             f"e.{k.entity_id} AS entity_id, r.{k.entity_type} AS entity_type, "
             f"r.{k.record_key} AS record_key")

    def work(tx):
        return tx.run(query).values()

    with quiet_session(driver, database) as session:
        rows = session.execute_read(work)
    return pd.DataFrame(rows, columns=COLUMNS)
