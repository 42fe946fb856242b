"""Check RDF data against the SHACL shapes (``shapes.ttl`` and the generated
``shapes_regions.ttl``) with pyshacl; readable messages.

Required identifiers, datatypes, cardinalities, the ID-number and credit-code patterns and
check characters, real dates, share sums and the ends of relationships are checked without
inference by default: the data carries the ``rdf:type`` of every Neo4j label, as
``ontology.rdf_mapping`` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import unquote

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from ontology.region_shapes import REGION_SHAPES_FILE
from ontology.schema import ontology_graph

SHAPES_FILE = Path(__file__).with_name("shapes.ttl")
SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    """One failed constraint, with the node, the property and the offending value."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = self.focus + (f" {self.path}" if self.path else "")
        value = f" (value {self.value})" if self.value is not None else ""
        return f"{self.severity}: {where}: {self.message}{value}"


@dataclass(frozen=True)
class ShaclReport:
    """The outcome: ``conforms`` and one readable line per violation (sorted)."""

    conforms: bool
    violations: list[Violation]

    @property
    def messages(self) -> list[str]:
        return [str(v) for v in self.violations]


@cache
def shapes_graph() -> Graph:
    """The parsed SHACL shapes (cached; do not modify)."""
    g = Graph()
    g.parse(SHAPES_FILE, format="turtle")
    g.parse(REGION_SHAPES_FILE, format="turtle")
    return g


def validate(data: Graph, lang: str = "en", rdfs_inference: bool = False) -> ShaclReport:
    """Validate ``data`` against the kglink shapes; messages in ``lang`` (en | zh). With
    ``rdfs_inference``, the data is first expanded by RDFS over the ontology (``kglink.ttl``),
    which must add no type the shapes then reject."""
    from pyshacl import validate as shacl_validate

    if rdfs_inference:  # inferred triples go into a copy, never into ``data``
        target = _PreparedQueryGraph()
        target += data
    else:
        target = _PreparedQueryGraph(store=data.store, identifier=data.identifier)
    conforms, results, _ = shacl_validate(
        target, shacl_graph=shapes_graph(), ont_graph=ontology_graph() if rdfs_inference else None,
        inference="rdfs" if rdfs_inference else "none", abort_on_first=False, allow_infos=True,
        allow_warnings=False, inplace=True)
    short = _Shortener()
    violations = [_violation(results, r, lang, short)
                  for r in results.subjects(RDF.type, SH.ValidationResult)]
    violations.sort(key=lambda v: (v.focus, v.path or "", v.message, v.value or ""))
    return ShaclReport(conforms=bool(conforms), violations=violations)


class _PreparedQueryGraph(Graph):
    """A graph whose SPARQL queries are parsed once per text. pyshacl runs each SPARQL
    constraint once per focus node, as text with ``$this`` bound; rdflib would parse the
    text again each time (about a second for the checksum queries), which made a
    300-person export take minutes to validate."""

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


@lru_cache(maxsize=64)
def _prepared_query(text: str) -> Query:
    return prepareQuery(text)


def _violation(results: Graph, result: Node, lang: str, short: _Shortener) -> Violation:
    # pyshacl drops the language tags of SPARQL constraints' messages: take them from the
    # constraint itself when it has them
    constraint = results.value(result, SH.sourceConstraint)
    messages = (list(shapes_graph().objects(constraint, SH.message)) if constraint is not None
                else []) + list(results.objects(result, SH.resultMessage))
    chosen = ([m for m in messages if isinstance(m, Literal) and m.language == lang]
              or [m for m in messages if isinstance(m, Literal) and not m.language]
              or messages)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    severity = results.value(result, SH.resultSeverity)
    return Violation(
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        focus=short(results.value(result, SH.focusNode)),
        path=short(path) if isinstance(path, URIRef) else None,
        value=(repr(str(value)) if isinstance(value, Literal) else short(value))
        if value is not None else None,
        message=str(chosen[0]) if chosen else "constraint not met")


class _Shortener:
    """Prefixed names for IRIs in messages (entity:P-1, kg:idNumber)."""

    def __init__(self) -> None:
        import io

        from ontology.rdf_writer import TurtleWriter

        self._writer = TurtleWriter(io.StringIO())

    def __call__(self, term: Node | None) -> str:
        if term is None:
            return "?"
        text = self._writer.term(term)
        # show percent-encoded keys as written (record:公安厅户籍:R001), for people to read
        return unquote(text) if isinstance(term, URIRef) and "%" in text else text
