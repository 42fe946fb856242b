"""``--mask-pii`` for subgraph exports: the rules of ``ontology.pii`` applied to a networkx
graph (node ids, node and edge properties, evidence JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ontology.pii import mask_properties, scrub_text

if TYPE_CHECKING:
    import networkx as nx


def mask_pii(graph: nx.MultiDiGraph, rename: bool = False) -> nx.MultiDiGraph:
    """A copy with personal data masked everywhere: marked properties by their category,
    every other string (node ids, record keys, names, evidence) by the detector. With
    ``rename`` (RDF formats), masked values of keys with a masked twin move to the twin."""
    import networkx as nx

    masked = nx.MultiDiGraph()
    mapping = {n: scrub_text(n) if isinstance(n, str) else n for n in graph.nodes}
    for node, attrs in graph.nodes(data=True):
        masked.add_node(mapping[node], **mask_properties(attrs, rename))
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        masked.add_edge(mapping[u], mapping[v], key=key, **mask_properties(attrs, rename))
    return masked
