"""The formats networkx writes: GraphML and GEXF (Gephi, yEd; list values as JSON text) and
node-link JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.export.values import flat_value
from ontology.schema import props as P

if TYPE_CHECKING:
    import networkx as nx


def _flat_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attribute maps with scalar values of one type per key: None dropped, ``labels`` joined
    with ';', lists as JSON, mixed int/float as float, other mixes as text."""
    out = []
    for attrs in items:
        out.append({k: ";".join(v) if k == "labels" and isinstance(v, list) else flat_value(v)
                    for k, v in attrs.items() if v is not None})
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


def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy that GraphML and GEXF can hold (see ``_flat_rows``); every node gets a
    ``label`` (its name, else its id)."""
    import networkx as nx

    flat = nx.MultiDiGraph()
    nodes = list(graph.nodes(data=True))
    for (node, _), attrs in zip(nodes, _flat_rows([a for _, a in nodes]), strict=True):
        attrs.setdefault("label", str(attrs.get(P.name) or node))
        flat.add_node(str(node), **attrs)
    edges = list(graph.edges(keys=True, data=True))
    for (u, v, key, _), attrs in zip(edges, _flat_rows([a for *_, a in edges]), strict=True):
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
    import networkx as nx

    data = nx.node_link_data(graph, edges="edges")
    return json.loads(json.dumps(data, ensure_ascii=False, default=flat_value))


def write_graphml(graph: nx.MultiDiGraph, path: Path, title: str) -> list[Path]:
    """GraphML (``title`` is not stored)."""
    import networkx as nx

    nx.write_graphml(flat_graph(graph), path)
    return [path]


def write_gexf(graph: nx.MultiDiGraph, path: Path, title: str) -> list[Path]:
    """GEXF 1.2 (``title`` is not stored)."""
    import networkx as nx

    nx.write_gexf(gexf_ready(flat_graph(graph)), path)
    return [path]


def write_json(graph: nx.MultiDiGraph, path: Path, title: str) -> list[Path]:
    """networkx node-link JSON (``title`` is not stored)."""
    path.write_text(json.dumps(node_link(graph), ensure_ascii=False, indent=1),
                    encoding="utf-8")
    return [path]
