"""Masking of personal identifiers and contact numbers before a subgraph leaves kglink."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ontology.schema import props as P

if TYPE_CHECKING:
    import networkx as nx


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
    import networkx as nx

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
