"""Subgraph export: a networkx MultiDiGraph (from ``graph.nx_bridge``) written as one of the
formats registered in ``graph.export.registry`` (graphml, gexf, json, csv, turtle, jsonld,
html, png). ``mask`` hides personal data (``ontology.pii``) before anything is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graph.export.mask import mask_pii
from graph.export.registry import FORMATS, ExportFormat, export_format
from ontology.pii import scrub_text

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["FORMATS", "ExportFormat", "export_format", "export_graph"]


def export_graph(graph: nx.MultiDiGraph, fmt: str, path: str | Path, *,
                 mask: bool = False, title: str = "kglink subgraph") -> list[Path]:
    """Write ``graph`` as ``fmt`` to ``path`` (a directory for csv); returns the files."""
    chosen = export_format(fmt)
    path = Path(path)
    if mask:
        graph = mask_pii(graph, rename=chosen.masked_keys)
        title = scrub_text(title)  # a title may carry query parameters (an ID number)
    if not chosen.directory:
        path.parent.mkdir(parents=True, exist_ok=True)
    return chosen.write(graph, path, title)
