"""The ontology inside Neo4j: classes as ``OntologyClass`` nodes linked by ``SUBCLASS_OF``.

With the hierarchy in the graph, Cypher can ask for every kind of a class, e.g. every party
(natural persons, legal persons and each kind of legal person) without listing labels::

    MATCH (c:OntologyClass)-[:SUBCLASS_OF*0..]->(:OntologyClass {name: 'Party'})
    WITH collect(c.neo4j_label) AS kinds
    MATCH (n) WHERE any(l IN labels(n) WHERE l IN kinds) RETURN n

(``kind_query()`` builds exactly that from the ontology's names.) Also here: the database
side of the declared-terms check.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.client import in_write_transaction, read, write
from graph.cypher_names import quote
from ontology.catalogue import classes
from ontology.declared import undeclared_names
from ontology.schema import labels, props, rels, schema_statements

if TYPE_CHECKING:
    from neo4j import Driver


def apply_schema(driver: Driver, database: str) -> int:
    """Create the ontology's constraints and indexes (idempotent); returns the statement count."""
    statements = schema_statements()
    for statement in statements:
        write(driver, database, statement)
    return len(statements)


def load_ontology(driver: Driver, database: str) -> int:
    """Write every class (and aligned superclass) and its direct SUBCLASS_OF edges; idempotent.

    Returns the number of classes. Edges are rebuilt, so a class removed from a parent in
    ``kglink.ttl`` loses that edge on the next load.
    """
    rows = [{"uri": c.iri, "props": {
        props.uri: c.iri, props.name: c.name, props.label_en: c.label_en,
        props.label_zh: c.label_zh, props.definition: c.definition,
        props.neo4j_label: c.neo4j_label, props.external: c.external}} for c in classes()]
    edges = [{"child": c.iri, "parent": p} for c in classes() for p in c.parents]
    cls, sub, uri = quote(labels.OntologyClass), quote(rels.SUBCLASS_OF), quote(props.uri)
    write_nodes = (f"UNWIND $rows AS row MERGE (c:{cls} {{{uri}: row.uri}}) "
                   "SET c = row.props")
    drop_edges = f"MATCH (:{cls})-[r:{sub}]->(:{cls}) DELETE r"
    write_edges = (f"UNWIND $edges AS e MATCH (c:{cls} {{{uri}: e.child}}) "
                   f"MATCH (p:{cls} {{{uri}: e.parent}}) MERGE (c)-[:{sub}]->(p)")

    def work(tx) -> None:
        tx.run(write_nodes, rows=rows).consume()
        tx.run(drop_edges).consume()
        tx.run(write_edges, edges=edges).consume()

    write(driver, database,
          f"CREATE CONSTRAINT {labels.OntologyClass.lower()}_{props.uri}_unique IF NOT EXISTS "
          f"FOR (n:{cls}) REQUIRE n.{uri} IS UNIQUE")
    in_write_transaction(driver, database, work)
    return len(rows)


def kind_query() -> str:
    """Cypher returning every node whose label is ``$class`` or one of its subclasses."""
    cls, sub = quote(labels.OntologyClass), quote(rels.SUBCLASS_OF)
    return (f"MATCH (c:{cls})-[:{sub}*0..]->(:{cls} {{{quote(props.name)}: $class}}) "
            f"WHERE c.{quote(props.neo4j_label)} IS NOT NULL "
            f"WITH collect(DISTINCT c.{quote(props.neo4j_label)}) AS kinds "
            "MATCH (n) WHERE any(l IN labels(n) WHERE l IN kinds) RETURN n")


def labels_under(driver: Driver, database: str, class_name: str) -> list[str]:
    """The Neo4j labels of ``class_name`` and its subclasses, read from the loaded hierarchy."""
    cls, sub = quote(labels.OntologyClass), quote(rels.SUBCLASS_OF)
    records = read(
        driver, database,
        f"MATCH (c:{cls})-[:{sub}*0..]->(:{cls} {{{quote(props.name)}: $class}}) "
        f"WHERE c.{quote(props.neo4j_label)} IS NOT NULL "
        f"RETURN DISTINCT c.{quote(props.neo4j_label)} AS label ORDER BY label",
        {"class": class_name})
    return [r["label"] for r in records]


def count_by_kind(driver: Driver, database: str, class_name: str) -> dict[str, int]:
    """How many nodes of each label fall under ``class_name`` (through the hierarchy)."""
    records = read(driver, database,
                   "CALL { " + kind_query() + " } UNWIND labels(n) AS label "
                   "RETURN label, count(*) AS n ORDER BY label", {"class": class_name})
    return {r["label"]: r["n"] for r in records}


def undeclared_in_database(driver: Driver, database: str) -> list[str]:
    """Labels, relationship types and property keys present in the data but not declared."""
    def used(query: str) -> list[str]:
        return [r["x"] for r in read(driver, database, query)]

    return undeclared_names(
        labels=used("MATCH (n) UNWIND labels(n) AS x RETURN DISTINCT x"),
        types=used("MATCH ()-[r]->() RETURN DISTINCT type(r) AS x"),
        keys=used("MATCH (n) UNWIND keys(n) AS x RETURN DISTINCT x "
                  "UNION MATCH ()-[r]->() UNWIND keys(r) AS x RETURN DISTINCT x"))
