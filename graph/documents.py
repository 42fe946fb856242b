"""Documents in the graph: linked mentions stored as ``Document`` nodes and ``MENTIONS``
relationships, the documents that mention an entity, and the party relations text linking
weighs as context.

Storing is idempotent per document: a document's node is keyed on its ``uri`` (the
document's name) and its mentions are replaced as a whole in one transaction, so linking the
same files again leaves the graph as it was, and a changed file replaces what its earlier
version said. NIL mentions have no entity to point at; the document counts them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.client import read, write_batches
from graph.cypher_names import quote
from graph.nx_bridge import _parties
from ontology.schema import labels as L
from ontology.schema import party_relationships
from ontology.schema import props as P
from ontology.schema import rels as R

if TYPE_CHECKING:
    from neo4j import Driver

BATCH = 200  # documents per write transaction


@dataclass(frozen=True)
class LinkedDocument:
    """One document's text, language and linked mentions (``as_dict`` rows of
    ``linking.text.linker.LinkedMention``)."""

    doc: str
    text: str
    language: str
    mentions: list[dict[str, Any]]

    def row(self) -> dict[str, Any]:
        linked = [m for m in self.mentions if m["entity_id"] is not None]
        return {"uri": self.doc, "language": self.language,
                "digest": hashlib.sha256(self.text.encode("utf-8")).hexdigest(),
                "count": len(self.mentions), "nil": len(self.mentions) - len(linked),
                "mentions": [{"entity_id": m["entity_id"], "start": m["start"],
                              "end": m["end"], "score": m["score"], "text": m["text"],
                              "type": m["type"],
                              "evidence": json.dumps(m["evidence"], ensure_ascii=False,
                                                     sort_keys=True, separators=(",", ":"))}
                             for m in linked]}


def _store_statement() -> str:
    d, m = quote(L.Document), quote(R.MENTIONS)
    keys = {k: quote(getattr(P, k)) for k in (
        "uri", "language", "content_digest", "mention_count", "nil_mention_count", "start",
        "end", "score", "text", "mention_type", "evidence", "entity_id")}
    return (
        f"UNWIND $rows AS row MERGE (doc:{d} {{{keys['uri']}: row.uri}}) "
        f"SET doc.{keys['language']} = row.language, "
        f"doc.{keys['content_digest']} = row.digest, doc.{keys['mention_count']} = row.count, "
        f"doc.{keys['nil_mention_count']} = row.nil "
        f"WITH doc, row CALL (doc) {{ OPTIONAL MATCH (doc)-[old:{m}]->() DELETE old }} "
        f"WITH doc, row UNWIND row.mentions AS mention "
        f"OPTIONAL MATCH (p:{quote(L.NaturalPerson)} {{{keys['entity_id']}: mention.entity_id}}) "
        f"OPTIONAL MATCH (o:{quote(L.LegalPerson)} {{{keys['entity_id']}: mention.entity_id}}) "
        f"WITH doc, mention, coalesce(p, o) AS e WHERE e IS NOT NULL "
        f"CREATE (doc)-[r:{m}]->(e) SET r.{keys['start']} = mention.start, "
        f"r.{keys['end']} = mention.end, r.{keys['score']} = mention.score, "
        f"r.{keys['text']} = mention.text, r.{keys['mention_type']} = mention.type, "
        f"r.{keys['evidence']} = mention.evidence RETURN count(r) AS written")


def store_documents(driver: Driver, database: str, documents: list[LinkedDocument]) -> int:
    """Write documents and their linked mentions; the number of MENTIONS written."""
    rows = [d.row() for d in documents]
    out = write_batches(driver, database, _store_statement(), rows, BATCH)
    return sum(r["written"] for r in out)


def documents_mentioning(driver: Driver, database: str, entity_id: str) -> list[dict[str, Any]]:
    """The documents that mention an entity: uri, and each mention's start, end, text and
    score, ordered by document then offset."""
    d, m = quote(L.Document), quote(R.MENTIONS)
    rows = read(driver, database,
                _parties("e", f"e.{quote(P.entity_id)} = $id")
                + f"MATCH (doc:{d})-[r:{m}]->(e) "
                  f"RETURN doc.{quote(P.uri)} AS doc, r.{quote(P.start)} AS start, "
                  f"r.{quote(P.end)} AS end, r.{quote(P.text)} AS text, "
                  f"r.{quote(P.score)} AS score ORDER BY doc, start", {"id": entity_id})
    return [dict(r) for r in rows]


class GraphRelations:
    """The party relations of the graph, as text linking's ``RelationSource``."""

    def __init__(self, driver: Driver, database: str) -> None:
        self.driver, self.database = driver, database

    def neighbours(self, entity_ids: list[str]) -> dict[str, set[str]]:
        """Each entity's related persons and companies (any party relationship)."""
        types = "|".join(quote(t) for t in party_relationships())
        e = quote(P.entity_id)
        rows = read(self.driver, self.database,
                    _parties("a", f"a.{e} IN $ids")
                    + f"OPTIONAL MATCH (a)-[:{types}]-(b) "
                      f"RETURN a.{e} AS id, collect(DISTINCT b.{e}) AS related",
                    {"ids": entity_ids})
        return {r["id"]: set(r["related"]) for r in rows}
