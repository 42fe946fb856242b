"""A subgraph as RDF (Turtle, JSON-LD) through the ontology's mapping; JSON-LD carries the same
``@context`` as ``kglink ontology export`` (``ontology.rdf_writer.jsonld_context``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


def _write(graph: nx.MultiDiGraph, path: Path, fmt: str) -> list[Path]:
    from ontology.rdf import networkx_to_rdf, write_rdf

    write_rdf(networkx_to_rdf(graph), path, fmt)
    return [path]


def write_turtle(graph: nx.MultiDiGraph, path: Path, title: str) -> list[Path]:
    """Turtle with the kglink prefixes (``title`` is not stored)."""
    return _write(graph, path, "turtle")


def write_jsonld(graph: nx.MultiDiGraph, path: Path, title: str) -> list[Path]:
    """JSON-LD with the kglink ``@context`` (``title`` is not stored)."""
    return _write(graph, path, "jsonld")
