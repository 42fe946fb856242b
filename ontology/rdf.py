"""RDF of a subgraph held in memory, for subgraph exports (turtle, ntriples, their RDF-star
forms, jsonld) and tests.

``subgraph_to_rdf(G.nodes(data=True), G.edges(data=True))`` turns a networkx MultiDiGraph
whose nodes carry ``labels`` (a list) and properties, and whose edges carry ``type`` and
properties, into an rdflib Graph under the ontology's mapping (see ``ontology.rdf_mapping``);
``write_networkx`` writes such a graph in any of the writer's formats.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from ontology.rdf_mapping import emit_subgraph
from ontology.rdf_writer import GraphSink, new_graph, normalise_format, open_writer, serialize

if TYPE_CHECKING:
    import networkx as nx


def subgraph_to_rdf(nodes: Iterable[tuple[Any, Mapping[str, Any]]],
                    relationships: Iterable[tuple[Any, Any, Mapping[str, Any]]]) -> Graph:
    """An rdflib Graph of the given nodes ``(id, attrs)`` and relationships ``(u, v, attrs)``.

    Raises ``ontology.rdf_mapping.RdfMappingError`` for a node without its identifying key
    (entity_id, record_key, ...) or an edge to a node not given.
    """
    g = new_graph()
    emit_subgraph(GraphSink(g), nodes, relationships)
    return g


def networkx_to_rdf(graph: nx.MultiDiGraph) -> Graph:
    """``subgraph_to_rdf`` of a networkx graph built by the graph bridge."""
    return subgraph_to_rdf(graph.nodes(data=True), _edges(graph))


def _edges(graph: nx.MultiDiGraph) -> Iterable[tuple[Any, Any, Mapping[str, Any]]]:
    if graph.is_multigraph():
        return ((u, v, data) for u, v, _, data in graph.edges(keys=True, data=True))
    return graph.edges(data=True)


def write_networkx(graph: nx.MultiDiGraph, path: str | Path, fmt: str | None = None) -> str:
    """Write a networkx subgraph as ``fmt`` (any of ``ontology.rdf_writer.FORMATS``, default
    from the suffix); returns the format's name. The text is made in memory first, so a node
    that cannot be named fails before the file is touched."""
    name = normalise_format(fmt, str(path))
    text = io.StringIO()
    writer = open_writer(text, name)
    emit_subgraph(writer, graph.nodes(data=True), _edges(graph))
    writer.close()
    Path(path).write_text(text.getvalue(), encoding="utf-8")
    return name


def write_rdf(g: Graph, path: str | Path, fmt: str | None = None) -> str:
    """Write ``g`` to ``path`` as turtle | ntriples | jsonld (default: from the suffix)."""
    name = normalise_format(fmt, str(path))
    Path(path).write_text(serialize(g, name), encoding="utf-8")
    return name
