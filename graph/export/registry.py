"""The export formats: one registration per format (name, file suffix, one-line description,
writer). ``kglink export --format`` takes its choices and help from here, so adding a format
is one entry in ``FORMATS``.

Writers take ``(graph, path, title)`` and return the files they wrote; they import their
heavy libraries when called, so reading this table stays cheap (``kglink --help``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graph.export.csv_tables import write_csv
from graph.export.html_view import write_html
from graph.export.networkx_formats import write_gexf, write_graphml, write_json
from graph.export.picture import write_png
from graph.export.rdf import write_jsonld, write_turtle

if TYPE_CHECKING:
    import networkx as nx

Writer = Callable[["nx.MultiDiGraph", Path, str], list[Path]]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: ``suffix`` of the file it writes ("" when it writes a directory);
    ``masked_keys``: masked values go under the ontology's masked properties (RDF, so that a
    masked export still passes SHACL)."""

    name: str
    suffix: str
    description: str
    write: Writer
    masked_keys: bool = False

    @property
    def directory(self) -> bool:
        """Whether the format writes a directory of files rather than one file."""
        return not self.suffix


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("graphml", ".graphml", "GraphML for Gephi, yEd and networkx", write_graphml),
    ExportFormat("gexf", ".gexf", "GEXF 1.2 for Gephi", write_gexf),
    ExportFormat("json", ".json", "networkx node-link JSON", write_json),
    ExportFormat("csv", "", "nodes.csv and edges.csv", write_csv),
    ExportFormat("turtle", ".ttl", "RDF Turtle under the kglink ontology", write_turtle,
                 masked_keys=True),
    ExportFormat("jsonld", ".jsonld", "JSON-LD with the ontology export's @context",
                 write_jsonld, masked_keys=True),
    ExportFormat("html", ".html", "a self-contained interactive page", write_html),
    ExportFormat("png", ".png", "a static picture", write_png),
)}


def export_format(name: str) -> ExportFormat:
    """The registered format called ``name``; a ValueError naming the choices otherwise."""
    if name not in FORMATS:
        raise ValueError(f"unknown export format {name!r}: use one of {', '.join(FORMATS)}")
    return FORMATS[name]


def formats_help() -> str:
    """One line per format for ``--help``: name, suffix and description."""
    return "; ".join(f"{f.name} ({f.suffix or 'a directory'}): {f.description}"
                     for f in FORMATS.values())
