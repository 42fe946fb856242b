"""How nodes look in pictures (HTML and PNG): a colour per label and a short caption."""

from __future__ import annotations

from typing import Any

from ontology.schema import labels as L
from ontology.schema import props as P

OTHER = "#8d99ae"


def label_colours() -> dict[str, str]:
    """Colour of each node label, by ontology name."""
    return {L.NaturalPerson: "#e4572e", L.LegalPerson: "#2e86ab", L.SourceRecord: "#b8b8b8",
            L.RelationRecord: "#d3d3d3", L.Department: "#5aa02c",
            L.AdministrativeDivision: "#f0a202", L.Document: "#9b5de5"}


def main_label(labels: list[str] | str | None) -> str:
    """The label that decides a node's colour (the first one with a colour)."""
    if isinstance(labels, str):
        labels = labels.split(";")
    colours = label_colours()
    for label in labels or []:
        if label in colours:
            return label
    return (labels or ["?"])[0]


def node_colour(labels: list[str] | str | None) -> str:
    """The fill colour for a node with these labels."""
    return label_colours().get(main_label(labels), OTHER)


def node_caption(key: str, attrs: dict[str, Any]) -> str:
    """The text shown beside a node: its name, else its stable id."""
    name = attrs.get(P.name)
    return str(name) if name not in (None, "") else str(key)
