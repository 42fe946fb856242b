"""Write a subgraph (a networkx MultiDiGraph from ``graph.nx_bridge``) to a file.

Formats: ``graphml`` and ``gexf`` (Gephi, yEd; list values as JSON text), ``json``
(networkx node-link), ``csv`` (a directory with ``nodes.csv`` and ``edges.csv``), ``turtle``
and ``jsonld`` (through the ontology mapping, ``ontology.rdf.subgraph_to_rdf``), ``html`` (a
self-contained interactive picture) and ``png`` (matplotlib). ``mask_pii`` hides identity
numbers and phones before anything is written.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import networkx as nx

from ontology.schema import props as P

FORMATS = ("graphml", "gexf", "json", "csv", "turtle", "jsonld", "html", "png")


def pii_keys() -> tuple[str, ...]:
    """Property keys whose values are personal identifiers or contact numbers."""
    return (P.id_number, P.phone, P.phones)


def mask_value(value: str) -> str:
    """``330106198001011234`` -> ``330*************34``: keep 3 leading and 2 trailing chars."""
    text = str(value)
    if len(text) <= 5:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 5) + text[-2:]


def mask_pii(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with ID numbers and phones masked wherever they appear: in their own
    properties and inside any other text (record keys, evidence JSON, names of nodes)."""
    secrets: set[str] = set()
    for _, attrs in graph.nodes(data=True):
        for key in pii_keys():
            value = attrs.get(key)
            for v in value if isinstance(value, list) else [value]:
                if v is not None and len(str(v)) >= 5:
                    secrets.add(str(v))
    if not secrets:
        return graph.copy()
    pattern = re.compile("|".join(re.escape(s) for s in sorted(secrets, key=len, reverse=True)))

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(lambda m: mask_value(m.group(0)), value)
        if isinstance(value, list):
            return [scrub(v) for v in value]
        return value

    masked = nx.MultiDiGraph()
    mapping = {n: scrub(n) for n in graph.nodes}
    for node, attrs in graph.nodes(data=True):
        masked.add_node(mapping[node], **{k: scrub(v) for k, v in attrs.items()})
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        masked.add_edge(mapping[u], mapping[v], key=key, **{k: scrub(x) for k, x in attrs.items()})
    return masked


def _flat(value: Any) -> Any:
    """A value GraphML/GEXF can hold: scalars as they are, the rest as JSON text."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are scalars of one type per key (None dropped, lists as JSON,
    ``labels`` joined with ';', mixed int/float as float, other mixes as text)."""
    flat = nx.MultiDiGraph()

    def convert(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for attrs in items:
            row = {}
            for k, v in attrs.items():
                if v is None:
                    continue
                row[k] = ";".join(v) if k == "labels" and isinstance(v, list) else _flat(v)
            out.append(row)
        kinds: dict[str, set[type]] = {}
        for row in out:
            for k, v in row.items():
                kinds.setdefault(k, set()).add(type(v))
        for k, types in kinds.items():
            if len(types) > 1:
                cast = float if types <= {int, float} else str
                for row in out:
                    if k in row:
                        row[k] = cast(row[k])
        return out

    nodes = list(graph.nodes(data=True))
    for (node, _), attrs in zip(nodes, convert([a for _, a in nodes]), strict=True):
        attrs.setdefault("label", str(attrs.get(P.name) or node))
        flat.add_node(str(node), **attrs)
    edges = list(graph.edges(keys=True, data=True))
    for (u, v, key, _), attrs in zip(edges, convert([a for *_, a in edges]), strict=True):
        flat.add_edge(str(u), str(v), key=str(key), **attrs)
    return flat


def gexf_ready(flat: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GEXF reserves the edge attribute ``type`` (directed/undirected): the relationship type
    goes to the edge ``label`` (what Gephi shows) and an attribute ``relationship``."""
    for *_, attrs in flat.edges(keys=True, data=True):
        kind = attrs.pop("type", None)
        if kind is not None:
            attrs["label"] = attrs["relationship"] = kind
    return flat


def node_link(graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The node-link JSON document (``nodes`` and ``edges``) of the graph."""
    data = nx.node_link_data(graph, edges="edges")
    return json.loads(json.dumps(data, ensure_ascii=False, default=_flat))


def write_csv(graph: nx.MultiDiGraph, directory: Path) -> list[Path]:
    """``nodes.csv`` (id, labels, properties) and ``edges.csv`` (source, target, type, key,
    properties) in ``directory``; list values as JSON."""
    import pandas as pd

    directory.mkdir(parents=True, exist_ok=True)
    nodes = pd.DataFrame([{"id": n, **a} for n, a in graph.nodes(data=True)])
    edges = pd.DataFrame([{"source": u, "target": v, "type": a.get("type"), "key": k,
                           **{x: y for x, y in a.items() if x != "type"}}
                          for u, v, k, a in graph.edges(keys=True, data=True)],
                         columns=None if graph.number_of_edges() else
                         ["source", "target", "type", "key"])
    written = []
    for frame, name, first in ((nodes, "nodes.csv", ["id", "labels"]),
                               (edges, "edges.csv", ["source", "target", "type", "key"])):
        if frame.empty:
            frame = pd.DataFrame(columns=first)
        rest = sorted(c for c in frame.columns if c not in first)
        frame = frame[[c for c in first if c in frame.columns] + rest]
        frame = pd.DataFrame({column: [_csv_cell(column, v) for v in frame[column]]
                              for column in frame.columns}, columns=frame.columns)
        path = directory / name
        frame.to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written


def _csv_cell(column: str, value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if column == "labels" and isinstance(value, list):
        return ";".join(value)
    return value if isinstance(value, bool | int | float | str) else _flat(value)


def to_rdf(graph: nx.MultiDiGraph):
    """The subgraph as an rdflib Graph through the ontology mapping."""
    from ontology.rdf import subgraph_to_rdf

    return subgraph_to_rdf(list(graph.nodes(data=True)), list(graph.edges(data=True)))


def export_graph(graph: nx.MultiDiGraph, fmt: str, path: str | Path, *,
                 mask: bool = False, title: str = "kglink subgraph") -> list[Path]:
    """Write ``graph`` as ``fmt`` to ``path`` (a directory for csv); returns the files."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    path = Path(path)
    if mask:
        graph = mask_pii(graph)
    if fmt == "csv":
        return write_csv(graph, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        nx.write_graphml(flat_graph(graph), path)
    elif fmt == "gexf":
        nx.write_gexf(gexf_ready(flat_graph(graph)), path)
    elif fmt == "json":
        path.write_text(json.dumps(node_link(graph), ensure_ascii=False, indent=1),
                        encoding="utf-8")
    elif fmt in ("turtle", "jsonld"):
        to_rdf(graph).serialize(destination=str(path),
                                format="json-ld" if fmt == "jsonld" else "turtle")
    elif fmt == "html":
        from graph.html_view import render_html

        path.write_text(render_html(graph, title=title), encoding="utf-8")
    else:
        from graph.picture import draw_png

        draw_png(graph, path, title=title)
    return [path]
