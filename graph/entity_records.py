"""The source records an entity is made of, each with the score and evidence of the link
that joined it (its REFERS_TO), for ``how``: why these records are this entity."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from graph.client import read
from graph.cypher_names import quote
from ontology.schema import labels, props, rels

if TYPE_CHECKING:
    from neo4j import Driver


def entity_records(driver: Driver, database: str, entity_id: str) -> list[dict[str, Any]]:
    """``record`` (DEPT:RECORD_ID), ``score`` and ``evidence`` (a dict) of every record that
    refers to ``entity_id``, best score first."""
    k = props
    query = (f"MATCH (r:{quote(labels.SourceRecord)})-[x:{quote(rels.REFERS_TO)}]->(e) "
             f"WHERE e.{quote(k.entity_id)} = $id "
             f"RETURN r.{quote(k.record_key)} AS record, x.{quote(k.score)} AS score, "
             f"x.{quote(k.evidence)} AS evidence ORDER BY score DESC, record")
    return [{"record": r["record"], "score": r["score"], "evidence": json.loads(r["evidence"])}
            for r in read(driver, database, query, {"id": entity_id})]
