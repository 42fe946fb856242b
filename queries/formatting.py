"""Turn query results into table, JSON or CSV text; graph values become plain data.

CSV cells that a spreadsheet would run as formulas are neutralised (``csv_safe``); with
``mask``, personal data in every value is masked (``ontology.pii``)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from graph.export.values import csv_safe
from ontology.pii import mask_value

FORMATS = ("table", "json", "csv")


def plain(value: Any) -> Any:
    """A JSON-ready form of a Neo4j value (nodes, relationships, paths, temporals)."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return {"nodes": [plain(n) for n in value.nodes],
                "relationships": [plain(r) for r in value.relationships]}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def masked(column: str, value: Any) -> Any:
    """A plain value with personal data masked; a column named like a marked property
    (``id_number``, ``n.phone``) is masked by that property's category."""
    return mask_value(value, column.rsplit(".", 1)[-1])


def render(columns: list[str], rows: list[list[Any]], fmt: str, mask: bool = False) -> str:
    """The rows as text in ``fmt`` (table | json | csv), personal data masked with ``mask``."""
    data = [[plain(v) for v in row] for row in rows]
    if mask:
        data = [[masked(c, v) for c, v in zip(columns, row, strict=True)] for row in data]
    if fmt == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in data],
                          ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([csv_safe(c) for c in columns])
        writer.writerows([[v if isinstance(v, int | float) and not isinstance(v, bool)
                           else csv_safe(_cell(v)) for v in row] for row in data])
        return out.getvalue().rstrip("\n")
    if fmt == "table":
        return _table(columns, [[_cell(v) for v in row] for row in data])
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(columns: list[str], rows: list[list[str]]) -> str:
    cells = [[c[:80] for c in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return " | ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True))

    sep = "-+-".join("-" * w for w in widths)
    return "\n".join([line(columns), sep, *[line(r) for r in cells],
                      f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])
