"""Shareholdings and roles as nodes of their own (BODS interests, FollowTheMoney Ownership
and Directorship, W3C ORG Membership), kept in step with the relationships they describe.

Every relationship whose ontology type has ``kgm:interestClass`` (SHAREHOLDER_OF ->
Shareholding; LEGAL_REPRESENTATIVE_OF and EXECUTIVE_OF -> Role) is also an interest node:
``(holder)-[:HOLDS_INTEREST]->(interest)-[:INTEREST_IN]->(legal person)``, with
``(interest)-[:DERIVED_FROM]->(record)`` for each source record stating it. The node is
keyed by its relationship (``FROM|TYPE|TO``, entity ids), not by its values, and copies the
relationship's values (share, range, dates, roles, department, record keys) each time the
relationship is written; an interest whose relationship is gone is deleted. DERIVED_FROM
reaches every record that states it: the RelationRecord of each relation-table row that
yields the relationship, and the organisation's own SourceRecord where it names its legal
representative. The direct relationships stay: traversals that need no interest values stay
one hop long.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from graph.cypher_names import quote
from graph.store.fields import entity_label
from ontology.schema import (
    KGM,
    directness,
    entity_kinds,
    labels,
    ontology_graph,
    props,
    rels,
    terms,
)

if TYPE_CHECKING:
    from graph.store.batches import BatchWriter

SEPARATOR = "|"  # interest_id = FROM_ENTITY|REL_TYPE|TO_ENTITY


@dataclass(frozen=True)
class InterestKind:
    """The interest node a relationship type is also stored as."""

    label: str                # Neo4j label of the interest class
    interest_type: str | None  # its kgc:InterestType notation, if the ontology gives one
    direct: str | None         # kgc:DirectOrIndirect of a registered holding, if it has one


@cache
def interest_kinds() -> dict[str, InterestKind]:
    """Relationship type -> the interest it yields, from the ontology's kgm:interestClass."""
    from rdflib import SKOS, URIRef

    g = ontology_graph()
    label_of = {t.iri: name for name, t in terms()["label"].items()}
    out = {}
    for rel_type, term in terms()["type"].items():
        interest_class = g.value(URIRef(term.iri), URIRef(KGM + "interestClass"))
        if interest_class is None:
            continue
        concept = g.value(URIRef(term.iri), URIRef(KGM + "interestType"))
        notation = None if concept is None else str(g.value(concept, SKOS.notation))
        out[rel_type] = InterestKind(label=label_of[str(interest_class)],
                                     interest_type=notation,
                                     # a register names the holder of its own shares
                                     direct=directness.direct if notation else None)
    return dict(sorted(out.items()))


def sync_interests(rel_type: str, from_kind: str, to_kind: str) -> str:
    """MERGE the interest of each relationship ($c.from_id -> $c.to_id) of this type from
    the relationship's own values, and its DERIVED_FROM links from the relationship's record
    keys (links to records it no longer names are removed). A key names a RelationRecord
    that yields this type, or the SourceRecord of the legal person itself (a department
    may reuse one record id in two tables: the type and the entity tell them apart)."""
    kind, k = interest_kinds()[rel_type], props
    copied = (k.department, k.share_ratio, k.share_min, k.share_max, k.start_date,
              k.end_date, k.roles, k.record_keys)
    key = (f"a.{quote(k.entity_id)} + '{SEPARATOR}{rel_type}{SEPARATOR}' + "
           f"b.{quote(k.entity_id)}")
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MATCH (a:{quote(entity_label(from_kind))} {{{quote(k.entity_id)}: $c.from_id[i]}})"
            f"-[x:{quote(getattr(rels, rel_type))}]->"
            f"(b:{quote(entity_label(to_kind))} {{{quote(k.entity_id)}: $c.to_id[i]}}) "
            f"MERGE (s:{quote(kind.label)} {{{quote(k.interest_id)}: {key}}}) "
            f"SET {', '.join(f's.{quote(p)} = x.{quote(p)}' for p in copied)}, "
            f"s.{quote(k.interest_type)} = $interest_type, "
            f"s.{quote(k.direct_or_indirect)} = $direct "
            f"MERGE (a)-[:{quote(rels.HOLDS_INTEREST)}]->(s) "
            f"MERGE (s)-[:{quote(rels.INTEREST_IN)}]->(b) "
            f"WITH s, x, b, coalesce(x.{quote(k.record_keys)}, []) AS keys "
            f"CALL (s, keys) {{ MATCH (s)-[d:{quote(rels.DERIVED_FROM)}]->(r) "
            f"WHERE NOT r.{quote(k.record_key)} IN keys DELETE d }} "
            f"UNWIND keys AS key "
            f"CALL (x, b, key) {{ "
            f"MATCH (r:{quote(labels.RelationRecord)} {{{quote(k.record_key)}: key}}) "
            f"WHERE r.{quote(k.relation_type)} = type(x) RETURN r "
            f"UNION MATCH (r:{quote(labels.SourceRecord)} {{{quote(k.record_key)}: key}})"
            f"-[:{quote(rels.REFERS_TO)}]->(b) RETURN r }} "
            f"MERGE (s)-[:{quote(rels.DERIVED_FROM)}]->(r)")


def sync_params(rel_type: str) -> dict[str, str | None]:
    """The values ``sync_interests`` sets from the interest kind, not from the rows."""
    kind = interest_kinds()[rel_type]
    return {"interest_type": kind.interest_type, "direct": kind.direct}


def delete_stale_interests() -> str:
    """Delete up to $limit interests whose relationship is gone (an end entity deleted or
    merged away, or the relationship removed): their key names no relationship."""
    k = props
    interest = "|".join(quote(kind.label) for kind in
                        dict.fromkeys(interest_kinds().values()))
    return (f"MATCH (s:{interest}) "
            f"WHERE NOT EXISTS {{ MATCH (a)-[:{quote(rels.HOLDS_INTEREST)}]->(s)"
            f"-[:{quote(rels.INTEREST_IN)}]->(b), (a)-[x]->(b) "
            f"WHERE a.{quote(k.entity_id)} + '{SEPARATOR}' + type(x) + '{SEPARATOR}' + "
            f"b.{quote(k.entity_id)} = s.{quote(k.interest_id)} }} "
            f"WITH s LIMIT $limit DETACH DELETE s RETURN count(*) AS deleted")


def interest_relationships_of(kind: str) -> str:
    """The interest-bearing relationships at the entities $ids of this kind: type, end
    entity ids and whether each end is a natural person (to re-sync their interests after
    the entities changed outside a load)."""
    k, label = props, quote(entity_label(kind))
    types = "|".join(quote(getattr(rels, t)) for t in interest_kinds())
    person = quote(labels.NaturalPerson)
    return (f"UNWIND $ids AS id "
            f"MATCH (e:{label} {{{quote(k.entity_id)}: id}})-[x:{types}]-() "
            f"WITH DISTINCT x "
            f"RETURN type(x) AS type, startNode(x).{quote(k.entity_id)} AS from_id, "
            f"endNode(x).{quote(k.entity_id)} AS to_id, "
            f"startNode(x):{person} AS from_person, endNode(x):{person} AS to_person")


def write_interests(writer: BatchWriter, relations: pd.DataFrame) -> None:
    """Sync the interests of ``relations`` (rows: type, from_kind, to_kind, from_id, to_id,
    as written this load), then delete the interests whose relationship is gone."""
    kinds = interest_kinds()
    if not relations.empty:
        bearing = relations[relations["type"].isin(list(kinds))]
        for (rel_type, from_kind, to_kind), frame in bearing.groupby(
                ["type", "from_kind", "to_kind"], sort=True):
            writer.write(f"interests:{rel_type}:{from_kind}:{to_kind}",
                         sync_interests(rel_type, from_kind, to_kind),
                         frame[["from_id", "to_id"]], sync_params(rel_type))
    writer.delete_until_none(delete_stale_interests())


def resync_interests_at(tx, kind: str, entity_ids: list[str]) -> None:
    """In transaction ``tx``: re-sync the interests of the relationships at these entities
    (after their relationships moved to them) and delete interests left without one."""
    rows = pd.DataFrame([dict(r) for r in tx.run(interest_relationships_of(kind),
                                                 ids=entity_ids)],
                        columns=["type", "from_id", "to_id", "from_person", "to_person"])
    person, org = entity_kinds.person, entity_kinds.organization
    rows["from_kind"] = rows["from_person"].map({True: person, False: org})
    rows["to_kind"] = rows["to_person"].map({True: person, False: org})
    for (rel_type, from_kind, to_kind), frame in rows.groupby(["type", "from_kind", "to_kind"]):
        tx.run(sync_interests(rel_type, from_kind, to_kind), sync_params(rel_type),
               c={"from_id": frame["from_id"].tolist(), "to_id": frame["to_id"].tolist()},
               n=len(frame))
    while tx.run(delete_stale_interests(), limit=10_000).single()["deleted"]:
        pass
