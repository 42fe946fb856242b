"""A subgraph as RDF (Turtle, N-Triples, their RDF-star forms, JSON-LD) through the ontology's
mapping; JSON-LD carries the published ``@context`` (``ontology/context.jsonld``), as
``kglink ontology export`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


def rdf_writer(fmt: str) -> Callable[[nx.MultiDiGraph, Path, str], list[Path]]:
    """The export writer of one RDF format of ``ontology.rdf_writer`` (``title`` is not
    stored: RDF has no place for it)."""

    def write(graph: nx.MultiDiGraph, path: Path, title: str) -> list[Path]:
        from ontology.rdf import write_networkx

        write_networkx(graph, path, fmt)
        return [path]

    write.__doc__ = f"The subgraph as {fmt}."
    return write
