"""Neo4j subgraphs as networkx ``MultiDiGraph``s, for mining and export.

Nodes are keyed by a stable id (``entity_id`` for persons and companies, ``record_key`` for
source records, ``relation:`` + ``record_key`` for relation records, ``name`` for
departments, ``code`` for divisions, ``uri`` for documents, ``interest_id`` for interests,
``identifier_key`` for identifiers; the element id only as a last resort) and carry every
property plus ``labels`` (a sorted list). Edges carry ``type`` and every property; an
edge's key is its type (``TYPE#2`` for a second relationship of one type between the same
two nodes). Temporal values become Python ``date``/``datetime``. Everything is read in
managed read transactions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.client import read
from graph.cypher_names import quote
from graph.store.interests import interest_kinds
from ontology.schema import labels as L
from ontology.schema import party_relationships
from ontology.schema import props as P
from ontology.schema import rels as R

if TYPE_CHECKING:
    from neo4j import Driver

MAX_HOPS = 6
RELATION_RECORD_PREFIX = "relation:"  # node ids of RelationRecords


def key_properties() -> list[tuple[str, str, str]]:
    """(label, property, prefix) triples in the order used to choose a node's stable id:
    the id is prefix + the property's value. A relation record's key may equal an entity
    record's (a department reusing one record id in two tables), so it is prefixed."""
    return [(L.NaturalPerson, P.entity_id, ""), (L.LegalPerson, P.entity_id, ""),
            (L.SourceRecord, P.record_key, ""),
            (L.RelationRecord, P.record_key, RELATION_RECORD_PREFIX),
            (L.Department, P.name, ""), (L.AdministrativeDivision, P.code, ""),
            (L.Document, P.uri, ""), (L.Shareholding, P.interest_id, ""),
            (L.Role, P.interest_id, ""), (L.Identifier, P.identifier_key, "")]


def node_key(labels: Iterable[str], properties: dict[str, Any], fallback: str = "") -> str:
    """The stable id of a node with these labels and properties."""
    found = set(labels)
    for label, key, prefix in key_properties():
        if label in found and properties.get(key) is not None:
            return prefix + str(properties[key])
    if properties.get(P.entity_id) is not None:
        return str(properties[P.entity_id])
    return fallback


def plain_value(value: Any) -> Any:
    """A Neo4j property value as a plain Python value (temporals to date/datetime)."""
    if isinstance(value, list | tuple):
        return [plain_value(v) for v in value]
    if hasattr(value, "to_native"):
        return value.to_native()
    if hasattr(value, "srid"):  # spatial point
        return str(value)
    return value


class _Builder:
    """Accumulates Neo4j nodes, relationships and paths into one MultiDiGraph."""

    def __init__(self, graph: nx.MultiDiGraph | None = None) -> None:
        self.graph = graph if graph is not None else nx.MultiDiGraph()
        self.keys: dict[str, str] = {}  # element id -> node key
        self.rels: dict[str, tuple] = {}  # element id -> relationship (pending endpoints)
        self.edge_ids: set[str] = set()

    def add(self, value: Any) -> None:
        from neo4j.graph import Node, Path, Relationship

        if isinstance(value, Node):
            self._node(value)
        elif isinstance(value, Relationship):
            self.rels.setdefault(value.element_id, value)
        elif isinstance(value, Path):
            for n in value.nodes:
                self._node(n)
            for r in value.relationships:
                self.rels.setdefault(r.element_id, r)
        elif isinstance(value, dict):
            for v in value.values():
                self.add(v)
        elif isinstance(value, list | tuple):
            for v in value:
                self.add(v)

    def _node(self, node) -> None:
        if node.element_id in self.keys:
            return
        attrs = {k: plain_value(v) for k, v in node.items()}
        key = node_key(node.labels, attrs, fallback=node.element_id)
        self.keys[node.element_id] = key
        attrs["labels"] = sorted(node.labels)
        if key in self.graph:
            self.graph.nodes[key].update(attrs)
        else:
            self.graph.add_node(key, **attrs)

    def missing_endpoints(self) -> set[str]:
        ends = {e for r in self.rels.values() for e in (r.start_node.element_id,
                                                          r.end_node.element_id)}
        return ends - set(self.keys)

    def finish(self) -> nx.MultiDiGraph:
        for eid, r in sorted(self.rels.items()):
            if eid in self.edge_ids:
                continue
            u, v = self.keys[r.start_node.element_id], self.keys[r.end_node.element_id]
            key, n = r.type, 1
            while self.graph.has_edge(u, v, key):
                n += 1
                key = f"{r.type}#{n}"
            self.graph.add_edge(u, v, key=key, type=r.type,
                                **{k: plain_value(x) for k, x in r.items()})
            self.edge_ids.add(eid)
        return self.graph


def _read(driver: Driver, database: str, cypher: str, params: dict[str, Any],
          timeout: float) -> list[list[Any]]:
    return [record.values() for record in read(driver, database, cypher, params, timeout)]


def _complete(driver: Driver, database: str, builder: _Builder, timeout: float) -> None:
    """Fetch relationship endpoints that the query did not return as full nodes."""
    missing = builder.missing_endpoints()
    if missing:
        rows = _read(driver, database, "MATCH (n) WHERE elementId(n) IN $ids RETURN n",
                     {"ids": sorted(missing)}, timeout)
        builder.add(rows)


def subgraph_from_values(driver: Driver, database: str, values: Iterable[Any],
                         timeout: float = 60.0) -> nx.MultiDiGraph:
    """The nodes, relationships and paths found (at any depth of lists and maps) in query
    result values; relationship endpoints not among them are fetched."""
    builder = _Builder()
    builder.add(list(values))
    _complete(driver, database, builder, timeout)
    return builder.finish()


def subgraph_from_cypher(driver: Driver, database: str, cypher: str,
                         params: dict[str, Any] | None = None,
                         timeout: float = 60.0) -> nx.MultiDiGraph:
    """Every node, relationship and path the (read-only) query returns, as one graph."""
    builder = _Builder()
    builder.add(_read(driver, database, cypher, params or {}, timeout))
    _complete(driver, database, builder, timeout)
    return builder.finish()


def _parties(var: str, condition: str) -> str:
    """A subquery yielding ``var``: every person and company meeting ``condition``."""
    return (f"CALL () {{ MATCH ({var}:{quote(L.NaturalPerson)}) WHERE {condition} RETURN {var} "
            f"UNION MATCH ({var}:{quote(L.LegalPerson)}) WHERE {condition} RETURN {var} }} ")


def _entities_in_ids() -> str:
    """A subquery yielding ``a``: every person and company whose entity_id is in ``$ids``."""
    return _parties("a", f"a.{quote(P.entity_id)} IN $ids")


def _check_types(types: Iterable[str] | None) -> list[str]:
    chosen = list(types or party_relationships())
    bad = [t for t in chosen if t not in R]
    if bad:
        raise ValueError(f"undeclared relationship type(s): {', '.join(bad)}")
    return chosen


def subgraph_by_entity(driver: Driver, database: str, entity_id: str, hops: int = 1,
                       types: Iterable[str] | None = None, context: bool = True,
                       timeout: float = 60.0) -> nx.MultiDiGraph:
    """The entities within ``hops`` relationships of ``types`` (party relations by default)
    and every such relationship among them; with ``context`` also their source records,
    departments and administrative divisions (as leaves: hubs are never expanded), and the
    shareholding and role nodes between them with the records stating them."""
    if not isinstance(hops, int) or not 0 <= hops <= MAX_HOPS:
        raise ValueError(f"hops must be an integer in 0..{MAX_HOPS}, not {hops!r}")
    chosen = _check_types(types)
    expand = "" if hops == 0 else (
        f"OPTIONAL MATCH (e)-[rs*1..{hops}]-(n) WHERE all(r IN rs WHERE type(r) IN $types) ")
    cypher = (_parties("e", f"e.{quote(P.entity_id)} = $entity_id") + expand +
              f"WITH e, {'[]' if hops == 0 else 'collect(DISTINCT n)'} AS ns "
              "WITH [e] + ns AS nodes UNWIND nodes AS a "
              "OPTIONAL MATCH (a)-[r]->(b) WHERE type(r) IN $types AND b IN nodes "
              "RETURN nodes, collect(DISTINCT r) AS rels")
    rows = _read(driver, database, cypher, {"entity_id": entity_id, "types": chosen}, timeout)
    if not rows:
        raise LookupError(f"no person or company with entity_id {entity_id!r}")
    builder = _Builder()
    builder.add(rows)
    ids = [builder.graph.nodes[k].get(P.entity_id) for k in builder.graph]
    if context:
        _add_context(driver, database, builder, [i for i in ids if i is not None], timeout)
    _complete(driver, database, builder, timeout)
    return builder.finish()


def subgraph_of_entities(driver: Driver, database: str, entity_ids: Iterable[str],
                         types: Iterable[str] | None = None, context: bool = False,
                         timeout: float = 60.0) -> nx.MultiDiGraph:
    """The given entities and the relationships of ``types`` among them (the induced
    subgraph); with ``context`` also their records, departments, divisions and the
    interests between them."""
    ids = sorted({str(i) for i in entity_ids if i is not None})
    chosen = _check_types(types)
    cypher = (_entities_in_ids() + "WITH collect(a) AS nodes UNWIND nodes AS a "
              "OPTIONAL MATCH (a)-[r]->(b) WHERE type(r) IN $types AND b IN nodes "
              "RETURN nodes, collect(DISTINCT r) AS rels")
    builder = _Builder()
    builder.add(_read(driver, database, cypher, {"ids": ids, "types": chosen}, timeout))
    if context:
        _add_context(driver, database, builder, ids, timeout)
    _complete(driver, database, builder, timeout)
    return builder.finish()


def _add_context(driver: Driver, database: str, builder: _Builder, ids: list[str],
                 timeout: float) -> None:
    record, refers = quote(L.SourceRecord), quote(R.REFERS_TO)
    interest = "|".join(sorted({quote(k.label) for k in interest_kinds().values()}))
    cypher = (_entities_in_ids()
              + f"RETURN a, COLLECT {{ MATCH rec = (:{quote(L.Department)})"
              f"<-[:{quote(R.FROM_DEPARTMENT)}]-(:{record})-[:{refers}]->(a) RETURN rec }}, "
              f"COLLECT {{ MATCH bare = (:{record})-[:{refers}]->(a) RETURN bare }}, "
              f"COLLECT {{ MATCH place = (a)-[:{quote(R.LOCATED_IN)}*1..4]->"
              f"(:{quote(L.AdministrativeDivision)}) RETURN place }}, "
              f"COLLECT {{ MATCH held = (a)-[:{quote(R.HOLDS_INTEREST)}]->(s:{interest})"
              f"-[:{quote(R.INTEREST_IN)}]->(b) WHERE b.{quote(P.entity_id)} IN $ids "
              f"OPTIONAL MATCH stated = (s)-[:{quote(R.DERIVED_FROM)}]->(:{record}|"
              f"{quote(L.RelationRecord)})-[:{quote(R.FROM_DEPARTMENT)}]->"
              f"(:{quote(L.Department)}) "
              f"RETURN [held, stated] }}")
    builder.add(_read(driver, database, cypher, {"ids": ids}, timeout))
