"""Write triples as N-Triples or Turtle while they are produced, or collect them for JSON-LD.

N-Triples and Turtle are written subject by subject, so a whole-graph export holds one page
of the graph in memory, never the whole graph. JSON-LD needs the whole graph in an rdflib
``Graph`` and is meant for subgraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import groupby
from typing import TextIO

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import BNode, Node

from ontology.rdf_mapping import ID_BASE, RELATIONSHIP_BASE, Triple
from ontology.schema import KG, KGM

FORMATS = {"turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "nt": "ntriples",
           "n-triples": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld"}
SUFFIX_FORMATS = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".json": "jsonld"}
STREAMED = ("turtle", "ntriples")

PREFIXES: dict[str, str] = {
    "kg": KG, "kgm": KGM, "rdf": str(RDF), "xsd": str(XSD),
    "entity": ID_BASE + "entity/", "record": ID_BASE + "record/",
    "dept": ID_BASE + "department/", "division": ID_BASE + "division/",
    "doc": ID_BASE + "document/", "rel": RELATIONSHIP_BASE,
}
# Turtle PN_LOCAL restricted to a safe subset (letters, digits, _ and -, %XX escapes).
_LOCAL = re.compile(r"(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9_\-]|%[0-9A-Fa-f]{2})*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\b": "\\b", "\f": "\\f"}
_ESCAPE_RE = re.compile(r'[\\"\n\r\t\b\f]')


def normalise_format(fmt: str | None, path: str | None = None) -> str:
    """``turtle`` | ``ntriples`` | ``jsonld`` from a name or alias, else from the file suffix."""
    if fmt:
        key = fmt.lower()
        if key not in FORMATS:
            raise ValueError(f"unknown RDF format {fmt!r}: use turtle, ntriples or jsonld")
        return FORMATS[key]
    if path:
        for suffix, name in SUFFIX_FORMATS.items():
            if str(path).lower().endswith(suffix):
                return name
    raise ValueError(f"cannot tell the RDF format of {path!r}: give turtle, ntriples or jsonld")


def _escape(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _iri(term: URIRef) -> str:
    return "<" + str(term).replace(">", "%3E") + ">"


_XSD_STRING = XSD.string
_VOCABULARY_PREFIXES = ("kg", "kgm", "rdf", "xsd")


def nt_term(term: Node) -> str:
    """One term in N-Triples syntax (full IRIs, escaped strings)."""
    kind = type(term)
    if kind is URIRef:
        return _iri(term)
    if kind is Literal:
        text = '"' + _escape(str(term)) + '"'
        datatype = term.datatype
        if datatype is not None and datatype != _XSD_STRING:
            return text + "^^" + _iri(datatype)
        if term.language:
            return text + "@" + term.language
        return text
    if isinstance(term, URIRef):
        return _iri(term)
    if isinstance(term, BNode):
        return "_:" + str(term)
    if isinstance(term, Literal):
        return nt_term(Literal(str(term), lang=term.language, datatype=term.datatype))
    raise TypeError(f"not an RDF term: {term!r}")


class NTriplesWriter:
    """Writes each triple as one N-Triples line."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._predicates: dict[Node, str] = {}  # few distinct predicates: format each once
        self.count = 0

    def write(self, triples: Iterable[Triple]) -> None:
        cache = self._predicates
        lines = []
        last, last_text = None, ""
        for s, p, o in triples:
            text = cache.get(p)
            if text is None:
                text = cache[p] = nt_term(p)
            if s is not last:  # triples come grouped by subject
                last, last_text = s, nt_term(s)
            lines.append(f"{last_text} {text} {nt_term(o)} .\n")
        self._out.writelines(lines)
        self.count += len(lines)

    def close(self) -> None:
        self._out.flush()


class TurtleWriter:
    """Writes Turtle with the kglink prefixes, one block per run of triples of a subject."""

    def __init__(self, out: TextIO, prefixes: dict[str, str] | None = None) -> None:
        table = prefixes or PREFIXES
        self._vocabulary: dict[URIRef, str] = {URIRef(str(RDF.type)): "a"}
        self._out = out
        self._prefixes = sorted(table.items(), key=lambda kv: -len(kv[1]))
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(table.items())) + "\n")
        self.count = 0

    def term(self, term: Node) -> str:
        """One term, as a prefixed name where that is safe."""
        if isinstance(term, URIRef):
            cached = self._vocabulary.get(term)
            if cached is not None:
                return cached
            if term == RDF.type:
                return "a"
            text = str(term)
            for prefix, ns in self._prefixes:
                if text.startswith(ns) and _LOCAL.fullmatch(text[len(ns):]):
                    name = f"{prefix}:{text[len(ns):]}"
                    if prefix in _VOCABULARY_PREFIXES:  # few terms: remember them
                        self._vocabulary[term] = name
                    return name
            return _iri(term)
        if isinstance(term, Literal) and not term.language and term.datatype not in (
                None, XSD.string):
            return '"' + _escape(str(term)) + '"^^' + self.term(term.datatype)
        return nt_term(term)

    def write(self, triples: Iterable[Triple]) -> None:
        blocks = []
        for subject, group in groupby(triples, key=lambda t: t[0]):
            parts = []
            for predicate, pairs in groupby(group, key=lambda t: t[1]):
                objects = [self.term(o) for _, _, o in pairs]
                self.count += len(objects)
                parts.append(self.term(predicate) + " " + " , ".join(objects))
            blocks.append(self.term(subject) + " " + " ;\n    ".join(parts) + " .\n")
        self._out.writelines(blocks)

    def close(self) -> None:
        self._out.flush()


class GraphCollector:
    """Collects triples in an rdflib Graph and serialises it on ``close`` (JSON-LD)."""

    def __init__(self, out: TextIO, fmt: str) -> None:
        self._out = out
        self._fmt = fmt
        self.graph = new_graph()
        self.count = 0

    def write(self, triples: Iterable[Triple]) -> None:
        for triple in triples:
            self.graph.add(triple)
            self.count += 1

    def close(self) -> None:
        self.count = len(self.graph)
        self._out.write(serialize(self.graph, self._fmt))
        self._out.flush()


def new_graph() -> Graph:
    """An empty rdflib Graph with the kglink prefixes bound."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    return g


def serialize(g: Graph, fmt: str) -> str:
    """The graph as text in ``fmt`` (turtle | ntriples | jsonld, or an alias)."""
    name = normalise_format(fmt)
    if name == "jsonld":
        context = {prefix: ns for prefix, ns in PREFIXES.items()}
        return g.serialize(format="json-ld", context=context, indent=2, ensure_ascii=False)
    if name == "ntriples":
        writer_out: list[str] = []
        for s, p, o in sorted(g):
            writer_out.append(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n")
        return "".join(writer_out)
    return g.serialize(format="turtle")


def open_writer(out: TextIO, fmt: str) -> NTriplesWriter | TurtleWriter | GraphCollector:
    """The writer for ``fmt``: streamed for turtle and ntriples, collected for jsonld."""
    name = normalise_format(fmt)
    if name == "ntriples":
        return NTriplesWriter(out)
    if name == "turtle":
        return TurtleWriter(out)
    return GraphCollector(out, name)
