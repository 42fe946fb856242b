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
from graph.export.rdf import rdf_writer

if TYPE_CHECKING:
    import networkx as nx

Writer = Callable[["nx.MultiDiGraph", Path, str], list[Path]]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: ``suffix`` of the file it writes ("" when it writes a directory);
    ``masked_keys``: masked values go under the ontology's masked properties (RDF, so that a
    masked export still passes SHACL); ``rdf_star``: the name of the format's RDF-star form
    (what ``--rdf-star`` turns it into)."""

    name: str
    suffix: str
    description: str
    write: Writer
    masked_keys: bool = False
    rdf_star: str | None = None

    @property
    def directory(self) -> bool:
        """Whether the format writes a directory of files rather than one file."""
        return not self.suffix


FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("graphml", ".graphml", "GraphML for Gephi, yEd and networkx", write_graphml),
    ExportFormat("gexf", ".gexf", "GEXF 1.2 for Gephi", write_gexf),
    ExportFormat("json", ".json", "networkx node-link JSON", write_json),
    ExportFormat("csv", "", "nodes.csv and edges.csv", write_csv),
    ExportFormat("turtle", ".ttl", "RDF Turtle under the kglink ontology, relationship "
                 "properties on rdf:Statements", rdf_writer("turtle"), masked_keys=True,
                 rdf_star="turtle-star"),
    ExportFormat("ntriples", ".nt", "RDF N-Triples, as turtle", rdf_writer("ntriples"),
                 masked_keys=True, rdf_star="ntriples-star"),
    ExportFormat("turtle-star", ".ttls", "Turtle-star: relationship properties as RDF-star "
                 "annotations, read by Neo4j n10s", rdf_writer("turtle-star"), masked_keys=True,
                 rdf_star="turtle-star"),
    ExportFormat("ntriples-star", ".nts", "N-Triples-star, as turtle-star",
                 rdf_writer("ntriples-star"), masked_keys=True, rdf_star="ntriples-star"),
    ExportFormat("jsonld", ".jsonld", "JSON-LD with the published @context "
                 "(ontology/context.jsonld)", rdf_writer("jsonld"), masked_keys=True),
    ExportFormat("html", ".html", "a self-contained interactive page", write_html),
    ExportFormat("png", ".png", "a static picture", write_png),
)}


def export_format(name: str) -> ExportFormat:
    """The registered format called ``name``; a ValueError naming the choices otherwise."""
    if name not in FORMATS:
        raise ValueError(f"unknown export format {name!r}: use one of {', '.join(FORMATS)}")
    return FORMATS[name]


def star_export_format(name: str) -> ExportFormat:
    """The RDF-star form of the format called ``name`` (``--rdf-star``); a ValueError for a
    format that has none."""
    chosen = export_format(name)
    if chosen.rdf_star is None:
        starred = ", ".join(f.name for f in FORMATS.values() if f.rdf_star == f.name)
        raise ValueError(f"--rdf-star applies to turtle and ntriples (or use {starred}), "
                         f"not {name}")
    return FORMATS[chosen.rdf_star]


def formats_help() -> str:
    """One line per format for ``--help``: name, suffix and description."""
    return "; ".join(f"{f.name} ({f.suffix or 'a directory'}): {f.description}"
                     for f in FORMATS.values())
