"""Neo4j <-> RDF under the ontology's mapping: streamed export, batched import.

Export reads the graph page by page (keyset pagination on each class's identifying key, one
managed read transaction per page) and writes each page's triples before reading the next,
so Turtle and N-Triples exports (and their RDF-star forms) of any size run in bounded memory. A subgraph export takes
entity ids and a number of hops. JSON-LD is built in memory (meant for subgraphs).

Import parses RDF with rdflib, maps it back through the same mapping and writes it with
batched ``UNWIND`` in managed write transactions: nodes are merged on their identifying key,
relationships between two nodes of one type are replaced by those in the data, so importing
the same file twice changes nothing.
"""

from __future__ import annotations

import contextlib
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from graph.client import read, write_batches
from graph.cypher_names import quote
from ontology.pii import mask_properties
from ontology.rdf_mapping import (
    GraphData,
    RdfMappingError,
    TripleSink,
    emit_node,
    emit_relationship,
    graph_data,
    rdf_mapping,
)
from ontology.rdf_writer import normalise_format, open_writer, rdflib_format, star_format

if TYPE_CHECKING:
    from neo4j import Driver

PAGE_SIZE = 2000


@dataclass
class ExportStats:
    """What an export wrote and what it could not name."""

    format: str
    triples: int = 0
    nodes: int = 0
    relationships: int = 0
    skipped_nodes: int = 0          # nodes of a class without their identifying key
    skipped_relationships: int = 0  # relationships to nodes that cannot be named
    unnamed_labels: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportStats:
    """What an import wrote."""

    nodes: int = 0
    relationships: int = 0
    ignored_triples: int = 0  # triples that map to no node, property or relationship


# ---- export -------------------------------------------------------------------------------

def export_rdf(driver: Driver, database: str, out: str | Path | TextIO, fmt: str | None = None,
               entity_ids: list[str] | None = None, hops: int = 0,
               page_size: int = PAGE_SIZE, progress: bool = True,
               mask: bool = False, rdf_star: bool = False) -> ExportStats:
    """Write the whole graph, or the subgraph within ``hops`` of ``entity_ids``, as RDF.

    ``fmt``: turtle | ntriples | jsonld | turtle-star | ntriples-star (aliases ttl, nt,
    json-ld, ttls, nts; default from the file suffix). ``rdf_star`` turns turtle and ntriples
    into their RDF-star forms: relationship properties as annotations on the direct triple. ``OntologyClass`` nodes (the loaded ontology) are not data and are left out.
    ``mask``: personal data masked (``ontology.pii``), masked values under the ontology's
    masked properties where it declares them, so the output still passes SHACL.
    """
    name = normalise_format(fmt, str(out) if isinstance(out, str | Path) else None)
    if rdf_star:
        name = star_format(name)
    stats = ExportStats(format=name)
    # a bad entity id fails here, before the output file is created
    ids = _subgraph_ids(driver, database, entity_ids, hops) if entity_ids is not None else None
    with _open_text(out) as stream:
        writer = open_writer(stream, name)
        if ids is not None:
            pages = _subgraph_pages(driver, database, ids, page_size)
        else:
            pages = _whole_graph_pages(driver, database, page_size, stats, progress)
        for page in pages:
            _emit_page(writer, _masked_page(page) if mask else page, stats, ids)
            writer.flush()
        writer.close()
        stats.triples = writer.count
    for label, count in stats.unnamed_labels.items():
        print(f"kglink: warning: {count} {label} node(s) lack their identifying key and were "
              "not exported", file=sys.stderr)
    return stats


@contextlib.contextmanager
def _open_text(out: str | Path | TextIO) -> Iterator[TextIO]:
    if isinstance(out, str | Path):
        with open(out, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
    else:
        yield out


def _named_labels() -> list[str]:
    """Labels that name their nodes, in the order the mapping picks a primary label."""
    return sorted(rdf_mapping().templates)


def _end_projection() -> str:
    keys = sorted({t.key for t in rdf_mapping().templates.values()})
    return "{" + ", ".join(f".{quote(k)}" for k in keys) + "}"


def _page_query(label: str, after: bool) -> str:
    """One page of nodes of ``label`` whose primary label it is, with outgoing relationships."""
    m = rdf_mapping()
    key = m.templates[label].key
    earlier = [other for other in _named_labels() if other < label]
    where = [f"n.{quote(key)} IS NOT NULL"] + [f"NOT n:{quote(o)}" for o in earlier]
    if after:
        where.append(f"n.{quote(key)} > $after")
    rels = f"[(n)-[r]->(m) | [type(r), properties(r), labels(m), m {_end_projection()}]]"
    return (f"MATCH (n:{quote(label)}) WHERE {' AND '.join(where)} "
            f"WITH n ORDER BY n.{quote(key)} LIMIT $limit "
            f"RETURN n.{quote(key)} AS key, labels(n) AS labels, properties(n) AS props, "
            f"{rels} AS out")


def _whole_graph_pages(driver: Driver, database: str, page_size: int, stats: ExportStats,
                       progress: bool) -> Iterator[list[dict[str, Any]]]:
    from tqdm import tqdm

    m = rdf_mapping()
    totals = {}
    for label in _named_labels():
        key = m.templates[label].key
        counts = read(driver, database,
                      f"MATCH (n:{quote(label)}) RETURN count(n.{quote(key)}) AS named, "
                      "count(n) AS total")[0]
        totals[label] = counts["named"]
        if counts["total"] > counts["named"]:
            stats.unnamed_labels[label] = counts["total"] - counts["named"]
            stats.skipped_nodes += counts["total"] - counts["named"]
    bar = tqdm(total=sum(totals.values()), unit="node", desc="rdf export", file=sys.stderr,
               disable=not progress)
    with bar:
        for label in _named_labels():
            if not totals[label]:
                continue
            after = None
            while True:
                page = read(driver, database, _page_query(label, after is not None),
                            {"after": after, "limit": page_size})
                if not page:
                    break
                bar.update(len(page))
                yield page
                if len(page) < page_size:
                    break
                after = page[-1]["key"]


def _subgraph_ids(driver: Driver, database: str, entity_ids: list[str],
                  hops: int) -> set[str]:
    """Element ids of the entities, of every node within ``hops`` of them and of the
    departments of the source records among those."""
    from ontology.schema import props

    if hops < 0:
        raise ValueError(f"hops must be 0 or more, not {hops}")
    m = rdf_mapping()
    entity_labels = [label for label, t in m.templates.items() if t.key == props.entity_id]
    where = " OR ".join(f"n:{quote(label)}" for label in entity_labels)
    found = read(driver, database,
                 f"MATCH (n) WHERE ({where}) AND n.{quote(props.entity_id)} IN $ids "
                 f"RETURN elementId(n) AS id, n.{quote(props.entity_id)} AS entity_id",
                 {"ids": list(entity_ids)})
    missing = sorted(set(entity_ids) - {r["entity_id"] for r in found})
    if missing:
        raise ValueError(f"no entity with entity_id {', '.join(missing[:5])}"
                         + (" ..." if len(missing) > 5 else ""))
    seen = {r["id"] for r in found}
    frontier = set(seen)
    for _ in range(hops):
        if not frontier:
            break
        rows = read(driver, database,
                    "MATCH (n)--(m) WHERE elementId(n) IN $ids "
                    "RETURN DISTINCT elementId(m) AS id", {"ids": list(frontier)})
        frontier = {r["id"] for r in rows} - seen
        seen |= frontier
    return seen | _record_departments(driver, database, seen)


def _record_departments(driver: Driver, database: str, ids: set[str]) -> set[str]:
    """Element ids of the departments of the records (source and relation) among ``ids``:
    every exported record carries its kg:fromDepartment (SHACL requires one) whatever the
    hops reach."""
    from ontology.schema import labels, rels

    rows = read(driver, database,
                f"MATCH (r)-[:{quote(rels.FROM_DEPARTMENT)}]->"
                f"(d:{quote(labels.Department)}) WHERE elementId(r) IN $ids "
                "RETURN DISTINCT elementId(d) AS id", {"ids": list(ids)})
    return {r["id"] for r in rows}


def _subgraph_pages(driver: Driver, database: str, ids: set[str],
                    page_size: int) -> Iterator[list[dict[str, Any]]]:
    ordered = sorted(ids)
    projection = _end_projection()
    query = ("MATCH (n) WHERE elementId(n) IN $ids "
             "RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props, "
             f"[(n)-[r]->(m) | [type(r), properties(r), labels(m), m {projection}, "
             "elementId(m)]] AS out ORDER BY id")
    for start in range(0, len(ordered), page_size):
        yield read(driver, database, query, {"ids": ordered[start:start + page_size]})


def _masked_page(page: list[Any]) -> list[dict[str, Any]]:
    """A page with personal data masked in node, relationship and end-node properties (the
    end keys name the end nodes, so they are masked the same way as the nodes themselves)."""
    return [{**row, "props": mask_properties(row["props"], rename=True),
             "out": [[rel[0], mask_properties(rel[1], rename=True), rel[2],
                      mask_properties(rel[3], rename=True), *rel[4:]] for rel in row["out"]]}
            for row in page]


def _emit_page(sink: TripleSink, page: list[Any], stats: ExportStats,
               subgraph: set[str] | None) -> None:
    m = rdf_mapping()
    for row in page:
        labels, props = row["labels"], row["props"]
        iri = m.node_iri(labels, props)
        if iri is None:  # only in a subgraph: a node of no named class (e.g. OntologyClass)
            stats.skipped_nodes += 1
            stats.skipped_relationships += len(row["out"])
            continue
        stats.nodes += 1
        emit_node(sink, iri, labels, props)
        for rel in row["out"]:
            rel_type, rel_props, end_labels, end_keys = rel[:4]
            if subgraph is not None and rel[4] not in subgraph:
                continue
            end = m.node_iri(end_labels, end_keys)
            if end is None:
                stats.skipped_relationships += 1
                continue
            stats.relationships += 1
            emit_relationship(sink, iri, rel_type, rel_props, end)


# ---- import -------------------------------------------------------------------------------

def import_rdf(driver: Driver, database: str, source: str | Path, fmt: str | None = None,
               batch_size: int = 1000, data: str | None = None) -> ImportStats:
    """Read RDF (a file, or ``data`` text) and write its nodes and relationships to Neo4j.

    Raises ``RdfMappingError`` (before writing anything) for names the ontology does not
    declare, nodes without their identifying key, or relationships to undescribed nodes.
    """
    from rdflib import Graph

    name = normalise_format(fmt, str(source))
    try:
        parser = rdflib_format(name, str(source))
    except ValueError as exc:
        raise RdfMappingError(str(exc)) from None
    g = Graph()
    try:
        if data is not None:
            g.parse(data=data, format=parser)
        else:
            g.parse(str(source), format=parser)
    except RdfMappingError:
        raise
    except Exception as exc:  # rdflib raises many kinds; the user needs file and reason
        raise RdfMappingError(f"{source}: not valid {name}: {' '.join(str(exc).split())}") from None
    return write_graph_data(driver, database, graph_data(g), batch_size)


def write_graph_data(driver: Driver, database: str, data: GraphData,
                     batch_size: int = 1000) -> ImportStats:
    """Write mapped RDF data: nodes merged on their key, relationships replaced per pair/type."""
    from graph.ontology_store import apply_schema

    apply_schema(driver, database)
    stats = ImportStats(ignored_triples=data.ignored_triples)
    groups: dict[tuple[str, str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    for node in data.nodes.values():
        extra = tuple(label for label in node.labels if label != node.primary)
        groups[(node.primary, node.key, extra)].append({"key": node.key_value,
                                                        "props": node.props})
    for (primary, key, extra), rows in sorted(groups.items()):
        query = (f"UNWIND $rows AS row MERGE (n:{quote(primary)} {{{quote(key)}: row.key}}) "
                 "SET n = row.props"
                 + (" SET n:" + ":".join(quote(label) for label in extra) if extra else "")
                 + " RETURN count(n) AS c")
        stats.nodes += _write_counted(driver, database, query, rows, batch_size)

    rel_groups: dict[tuple, dict[tuple[Any, Any], list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list))
    for rel in data.relationships:
        a, b = data.nodes[rel.start], data.nodes[rel.end]
        rel_groups[(rel.type, a.primary, a.key, b.primary, b.key)][
            (a.key_value, b.key_value)].append(rel.props)
    for (rel_type, la, ka, lb, kb), pairs in sorted(rel_groups.items()):
        rows = [{"s": s, "o": o, "props": plist} for (s, o), plist in pairs.items()]
        query = (f"UNWIND $rows AS row MATCH (a:{quote(la)} {{{quote(ka)}: row.s}}) "
                 f"MATCH (b:{quote(lb)} {{{quote(kb)}: row.o}}) "
                 f"OPTIONAL MATCH (a)-[old:{quote(rel_type)}]->(b) DELETE old "
                 "WITH DISTINCT a, b, row UNWIND row.props AS p "
                 f"CREATE (a)-[r:{quote(rel_type)}]->(b) SET r = p RETURN count(r) AS c")
        written = _write_counted(driver, database, query, rows, batch_size)
        expected = sum(len(r["props"]) for r in rows)
        if written != expected:
            raise RdfMappingError(f"{expected - written} {rel_type} relationship(s) were not "
                                  "written: an end node is missing in the database")
        stats.relationships += written
    return stats


def _write_counted(driver: Driver, database: str, query: str, rows: list[dict[str, Any]],
                   batch_size: int) -> int:
    """Write ``rows`` in batches with ``query`` (returning ``c``); the sum of the counts."""
    return sum(r["c"] for r in write_batches(driver, database, query, rows, batch_size))
