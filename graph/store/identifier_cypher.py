"""The write statements of Identifier nodes and their IDENTIFIED_BY / ISSUED_IN links, built
from ontology names only (rows travel column-wise as in ``graph.store.cypher``)."""

from __future__ import annotations

from graph.cypher_names import quote
from graph.store.cypher import CreateOnly
from graph.store.fields import entity_label
from graph.store.identifier_rows import NODE_COLUMNS
from ontology.schema import labels, props, rels

_ID, _KEY = quote(labels.Identifier), quote(props.identifier_key)
_BY, _REFERS = quote(rels.IDENTIFIED_BY), quote(rels.REFERS_TO)
_RECORD = quote(labels.SourceRecord)


def identifiers() -> str:
    """MERGE Identifier nodes by key, set their values, link each to its issuing division
    when the graph holds that division."""
    values = ", ".join(f"x.{quote(k)} = $c.{k}[i]" for k in NODE_COLUMNS
                       if k != props.identifier_key)
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MERGE (x:{_ID} {{{_KEY}: $c.{props.identifier_key}[i]}}) SET {values} "
            f"WITH x, $c.{props.issuer}[i] AS code WHERE code IS NOT NULL "
            f"MATCH (d:{quote(labels.AdministrativeDivision)} {{{quote(props.code)}: code}}) "
            f"MERGE (x)-[:{quote(rels.ISSUED_IN)}]->(d)")


def record_identifiers() -> str:
    """Each record ($c.record_key) is IDENTIFIED_BY exactly the identifiers $c.key_list lists:
    links to others (a corrected number) are removed."""
    return (f"UNWIND range(0, $n - 1) AS i "
            f"MATCH (r:{_RECORD} {{{quote(props.record_key)}: $c.record_key[i]}}) "
            f"CALL (r, i) {{ OPTIONAL MATCH (r)-[old:{_BY}]->(x:{_ID}) "
            f"WHERE NOT x.{_KEY} IN $c.key_list[i] DELETE old }} "
            f"WITH r, i UNWIND $c.key_list[i] AS key "
            f"MATCH (x:{_ID} {{{_KEY}: key}}) MERGE (r)-[:{_BY}]->(x)")


def new_record_identifiers() -> str:
    """Link each record ($c.record_key) to one identifier ($c.identifier_key) in a graph that
    held no records before this load: nothing to clean up, so a plain CREATE."""
    return CreateOnly(
        f"UNWIND range(0, $n - 1) AS i "
        f"MATCH (r:{_RECORD} {{{quote(props.record_key)}: $c.record_key[i]}}) "
        f"MATCH (x:{_ID} {{{_KEY}: $c.{props.identifier_key}[i]}}) "
        f"CREATE (r)-[:{_BY}]->(x)")


def entity_identifiers(kind: str) -> str:
    """Each entity ($c.entity_id) is IDENTIFIED_BY exactly the identifiers of the records
    referring to it now, read from the graph (so records added outside this load count)."""
    return (f"UNWIND $c.entity_id AS id "
            f"MATCH (e:{quote(entity_label(kind))} {{{quote(props.entity_id)}: id}}) "
            f"CALL (e) {{ OPTIONAL MATCH (e)-[old:{_BY}]->(x:{_ID}) "
            f"WHERE NOT EXISTS {{ (e)<-[:{_REFERS}]-(:{_RECORD})-[:{_BY}]->(x) }} "
            f"DELETE old }} "
            f"CALL (e) {{ MATCH (e)<-[:{_REFERS}]-(:{_RECORD})-[:{_BY}]->(x:{_ID}) "
            f"WITH DISTINCT x MERGE (e)-[:{_BY}]->(x) }}")


def delete_unused_identifiers() -> str:
    """Remove up to $limit identifiers that no SourceRecord carries any more."""
    return (f"MATCH (x:{_ID}) WHERE NOT EXISTS {{ (:{_RECORD})-[:{_BY}]->(x) }} "
            f"WITH x LIMIT $limit DETACH DELETE x RETURN count(*) AS deleted")
