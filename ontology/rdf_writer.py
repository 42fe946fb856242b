"""Write triples as N-Triples or Turtle while they are produced, or collect them for JSON-LD.

The writers are ``TripleSink``s (see ``ontology.rdf_mapping``): the mapping hands them plain
strings, and N-Triples and Turtle text is written page by page, so a whole-graph export holds
one page of the graph in memory, never the whole graph. JSON-LD needs the whole graph in an
rdflib ``Graph`` and is meant for subgraphs; its ``@context`` is the published
``ontology/context.jsonld``, whose prefixes are also the Turtle prefixes.

Turtle-star and N-Triples-star (``turtle-star``/``.ttls``, ``ntriples-star``/``.nts``) write a
relationship's properties as annotations on its direct triple
(``<< entity:P-1 kg:shareholderOf entity:O-2 >> kg:shareRatio 0.35``), the form Neo4j
neosemantics (n10s) reads as relationship properties, instead of ``rdf:Statement`` reification.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TextIO

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import BNode, Node

FORMATS = {"turtle": "turtle", "ttl": "turtle", "ntriples": "ntriples", "nt": "ntriples",
           "n-triples": "ntriples", "jsonld": "jsonld", "json-ld": "jsonld",
           "turtle-star": "turtle-star", "ttls": "turtle-star",
           "ntriples-star": "ntriples-star", "nts": "ntriples-star"}
SUFFIX_FORMATS = {".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld", ".json": "jsonld",
                  ".ttls": "turtle-star", ".nts": "ntriples-star"}
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}
STAR_FORMATS = {"turtle": "turtle-star", "ntriples": "ntriples-star",
                "turtle-star": "turtle-star", "ntriples-star": "ntriples-star"}
CONTEXT_FILE = Path(__file__).with_name("context.jsonld")


def _published_context() -> dict[str, Any]:
    """The published JSON-LD context (``ontology/context.jsonld``): its ``@context`` object."""
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]


CONTEXT: dict[str, Any] = _published_context()
# The Turtle prefixes: the context's prefix definitions (a term whose value is an IRI string).
PREFIXES: dict[str, str] = {name: iri for name, iri in CONTEXT.items() if isinstance(iri, str)}
_VOCABULARY_PREFIXES = ("kg", "kgm", "rdf", "xsd")  # few terms: their names are cached
# Turtle PN_LOCAL restricted to a safe subset (letters, digits, _ and -, %XX escapes).
_LOCAL = re.compile(r"(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9_\-]|%[0-9A-Fa-f]{2})*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "\b": "\\b", "\f": "\\f"}
_ESCAPE_RE = re.compile(r'[\\"\n\r\t\b\f]')
_XSD_STRING = str(XSD.string)
_RDF_TYPE = str(RDF.type)
_FLUSH_LINES = 10_000


def normalise_format(fmt: str | None, path: str | None = None) -> str:
    """``turtle`` | ``ntriples`` | ``jsonld`` from a name or alias, else from the file suffix."""
    if fmt:
        key = fmt.lower()
        if key not in FORMATS:
            raise ValueError(f"unknown RDF format {fmt!r}: use turtle, ntriples, jsonld, "
                             "turtle-star or ntriples-star")
        return FORMATS[key]
    if path:
        for suffix, name in SUFFIX_FORMATS.items():
            if str(path).lower().endswith(suffix):
                return name
    raise ValueError(f"cannot tell the RDF format of {path!r}: give turtle, ntriples or jsonld")


def star_format(name: str) -> str:
    """The RDF-star form of a format (``turtle`` -> ``turtle-star``); JSON-LD has none."""
    if name not in STAR_FORMATS:
        raise ValueError(f"--rdf-star needs turtle or ntriples, not {name}")
    return STAR_FORMATS[name]


def rdflib_format(name: str, source: str) -> str:
    """rdflib's parser name for a format; RDF-star files cannot be read back (rdflib does not
    parse quoted triples), so they are refused with what to do instead."""
    if name not in RDFLIB_FORMATS:
        raise ValueError(f"{source}: {name} cannot be read back: export without --rdf-star "
                         "(relationship properties as rdf:Statement) to import or validate")
    return RDFLIB_FORMATS[name]


def _escape(text: str) -> str:
    return _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group(0)], text)


def _iri(text: str) -> str:
    return "<" + text.replace(">", "%3E") + ">" if ">" in text else "<" + text + ">"


def _nt_literal(lexical: str, datatype: str | None) -> str:
    if datatype is None or datatype == _XSD_STRING:
        return '"' + _escape(lexical) + '"'
    return '"' + _escape(lexical) + '"^^' + _iri(datatype)


def nt_term(term: Node) -> str:
    """One rdflib term in N-Triples syntax (full IRIs, escaped strings)."""
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        if term.language:
            return '"' + _escape(str(term)) + '"@' + term.language
        return _nt_literal(str(term), str(term.datatype) if term.datatype else None)
    if isinstance(term, BNode):
        return "_:" + str(term)
    raise TypeError(f"not an RDF term: {term!r}")


class NTriplesWriter:
    """A sink that writes one N-Triples line per triple; with ``rdf_star``, relationship
    properties as N-Triples-star annotations (``<< <s> <p> <o> >> <key> "value" .``)."""

    def __init__(self, out: TextIO, rdf_star: bool = False) -> None:
        self.rdf_star = rdf_star
        self._out = out
        self._lines: list[str] = []
        self._names: dict[str, str] = {}  # predicates and datatypes: few, formatted once
        self.count = 0

    def _name(self, iri: str) -> str:
        name = self._names.get(iri)
        if name is None:
            name = self._names[iri] = _iri(iri)
        return name

    def iri(self, s: str, p: str, o: str) -> None:
        self._lines.append(f"{_iri(s)} {self._name(p)} {_iri(o)} .\n")
        if len(self._lines) >= _FLUSH_LINES:
            self.flush()

    def _literal(self, lexical: str, datatype: str | None) -> str:
        text = '"' + _escape(lexical) + '"'
        if datatype is not None and datatype != _XSD_STRING:
            text += "^^" + self._name(datatype)
        return text

    def _line(self, subject: str, p: str, obj: str) -> None:
        self._lines.append(f"{subject} {self._name(p)} {obj} .\n")
        if len(self._lines) >= _FLUSH_LINES:
            self.flush()

    def literal(self, s: str, p: str, lexical: str, datatype: str | None) -> None:
        self._line(_iri(s), p, self._literal(lexical, datatype))

    def annotation(self, s: str, p: str, o: str, key: str, lexical: str,
                   datatype: str | None) -> None:
        """A property of the relationship (s, p, o) on its quoted triple."""
        self._line(f"<< {_iri(s)} {self._name(p)} {_iri(o)} >>", key,
                   self._literal(lexical, datatype))

    def flush(self) -> None:
        self.count += len(self._lines)
        self._out.writelines(self._lines)
        self._lines = []

    def close(self) -> None:
        self.flush()
        self._out.flush()


class TurtleWriter:
    """A sink that writes Turtle with the kglink prefixes: consecutive triples of one subject
    share a block (``;``), of one subject and predicate an object list (``,``). With
    ``rdf_star``, relationship properties are Turtle-star annotations on the quoted triple
    (``<< entity:P-1 kg:shareholderOf entity:O-2 >> kg:shareRatio 0.35``)."""

    def __init__(self, out: TextIO, prefixes: dict[str, str] | None = None,
                 rdf_star: bool = False) -> None:
        table = prefixes or PREFIXES
        self.rdf_star = rdf_star
        self._out = out
        self._prefixes = sorted(table.items(), key=lambda kv: -len(kv[1]))
        self._names: dict[str, str] = {}
        self._parts: list[str] = []
        self._subject: str | None = None
        self._predicate: str | None = None
        self.count = 0
        out.write("".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(table.items())) + "\n")

    def name(self, iri: str) -> str:
        """An IRI as a prefixed name where that is safe, else ``<iri>``."""
        cached = self._names.get(iri)
        if cached is not None:
            return cached
        for prefix, ns in self._prefixes:
            if iri.startswith(ns) and _LOCAL.fullmatch(iri[len(ns):]):
                name = f"{prefix}:{iri[len(ns):]}"
                if prefix in _VOCABULARY_PREFIXES:
                    self._names[iri] = name
                return name
        return _iri(iri)

    def _verb(self, p: str) -> str:
        return "a" if p == _RDF_TYPE else self.name(p)

    def term(self, term: Node) -> str:
        """One rdflib term in this writer's Turtle."""
        if isinstance(term, URIRef):
            return self.name(str(term))
        if isinstance(term, Literal) and not term.language and term.datatype is not None:
            return self._literal(str(term), str(term.datatype))
        return nt_term(term)

    def _literal(self, lexical: str, datatype: str | None) -> str:
        if datatype is None or datatype == _XSD_STRING:
            return '"' + _escape(lexical) + '"'
        return '"' + _escape(lexical) + '"^^' + self.name(datatype)

    def _add(self, s: str, p: str, obj: str, subject: str | None = None) -> None:
        """Append one triple; ``subject`` is the subject's text when ``s`` is no IRI."""
        self.count += 1
        if s != self._subject:
            if self._subject is not None:
                self._parts.append(" .\n")
            self._parts.append(f"{subject or self.name(s)} {self._verb(p)} {obj}")
            self._subject, self._predicate = s, p
        elif p != self._predicate:
            self._parts.append(f" ;\n    {self._verb(p)} {obj}")
            self._predicate = p
        else:
            self._parts.append(f" , {obj}")
        if len(self._parts) >= _FLUSH_LINES:
            self._out.writelines(self._parts)
            self._parts = []

    def iri(self, s: str, p: str, o: str) -> None:
        self._add(s, p, self.name(o))

    def literal(self, s: str, p: str, lexical: str, datatype: str | None) -> None:
        self._add(s, p, self._literal(lexical, datatype))

    def annotation(self, s: str, p: str, o: str, key: str, lexical: str,
                   datatype: str | None) -> None:
        """A property of the relationship (s, p, o) on its quoted triple."""
        quoted = f"<< {self.name(s)} {self.name(p)} {self.name(o)} >>"
        self._add(quoted, key, self._literal(lexical, datatype), subject=quoted)

    def flush(self) -> None:
        self._out.writelines(self._parts)
        self._parts = []

    def close(self) -> None:
        if self._subject is not None:
            self._parts.append(" .\n")
            self._subject = self._predicate = None
        self.flush()
        self._out.flush()


class GraphSink:
    """A sink that adds rdflib triples to a Graph (relationship properties reified)."""

    rdf_star = False

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def iri(self, s: str, p: str, o: str) -> None:
        self.graph.add((URIRef(s), URIRef(p), URIRef(o)))

    def literal(self, s: str, p: str, lexical: str, datatype: str | None) -> None:
        self.graph.add((URIRef(s), URIRef(p),
                        Literal(lexical, datatype=URIRef(datatype) if datatype else None)))

    def flush(self) -> None:
        """Nothing to flush: the graph is in memory."""


class GraphCollector(GraphSink):
    """Collects triples in an rdflib Graph and serialises it on ``close`` (JSON-LD)."""

    def __init__(self, out: TextIO, fmt: str) -> None:
        super().__init__(new_graph())
        self._out = out
        self._fmt = fmt
        self.count = 0

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


def jsonld_context() -> dict[str, Any]:
    """The ``@context`` of every JSON-LD kglink writes (``ontology export`` and subgraph
    export): the published ``ontology/context.jsonld``, so IRIs read as ``entity:P-0001``,
    ``kg:NaturalPerson``."""
    return dict(CONTEXT)


def serialize(g: Graph, fmt: str) -> str:
    """The graph as text in ``fmt`` (turtle | ntriples | jsonld, or an alias)."""
    name = normalise_format(fmt)
    if name not in RDFLIB_FORMATS:
        raise ValueError(f"{name} is written while the triples are made (open_writer), "
                         "not from an rdflib graph")
    if name == "jsonld":
        return g.serialize(format="json-ld", context=jsonld_context(), indent=2,
                           ensure_ascii=False)
    if name == "ntriples":
        return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in sorted(g))
    return g.serialize(format="turtle")


def open_writer(out: TextIO, fmt: str) -> NTriplesWriter | TurtleWriter | GraphCollector:
    """The sink for ``fmt``: streamed for turtle and ntriples (and their RDF-star forms),
    collected for jsonld."""
    name = normalise_format(fmt)
    if name in ("ntriples", "ntriples-star"):
        return NTriplesWriter(out, rdf_star=name == "ntriples-star")
    if name in ("turtle", "turtle-star"):
        return TurtleWriter(out, rdf_star=name == "turtle-star")
    return GraphCollector(out, name)
