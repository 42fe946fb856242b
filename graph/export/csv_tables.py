"""A subgraph as two CSV tables in a directory: ``nodes.csv`` and ``edges.csv``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.export.values import csv_safe, flat_value

if TYPE_CHECKING:
    import networkx as nx

NODE_COLUMNS = ["id", "labels"]
EDGE_COLUMNS = ["source", "target", "type", "key"]


def write_csv(graph: nx.MultiDiGraph, directory: Path, title: str) -> list[Path]:
    """``nodes.csv`` (id, labels, properties) and ``edges.csv`` (source, target, type, key,
    properties) in ``directory``; list values as JSON, text that a spreadsheet would run as
    a formula neutralised (``csv_safe``) (``title`` is not stored)."""
    import pandas as pd

    directory.mkdir(parents=True, exist_ok=True)
    nodes = pd.DataFrame([{"id": n, **a} for n, a in graph.nodes(data=True)])
    edges = pd.DataFrame([{"source": u, "target": v, "type": a.get("type"), "key": k,
                           **{x: y for x, y in a.items() if x != "type"}}
                          for u, v, k, a in graph.edges(keys=True, data=True)],
                         columns=None if graph.number_of_edges() else EDGE_COLUMNS)
    written = []
    for frame, name, first in ((nodes, "nodes.csv", NODE_COLUMNS),
                               (edges, "edges.csv", EDGE_COLUMNS)):
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
        return csv_safe(";".join(value))
    return csv_safe(value if isinstance(value, bool | int | float | str) else flat_value(value))
