"""Neo4j nodes and relationships <-> RDF triples, by the ontology's mapping (no database here).

The rules (documented in ``kglink.ttl`` too):

- A node's IRI comes from ``kgm:iriTemplate`` of its class, e.g.
  ``https://w3id.org/kglink/id/entity/{entity_id}``, with the value percent-encoded: entities
  by entity id, source records by ``DEPT:RECORD_ID``, divisions by code. A ``{sha256:key}``
  slot takes a code minted from the value instead (its SHA-256, first 12 hex digits): the
  sources name departments but give them no code, so a department's IRI is
  ``.../department/D`` + the code minted from its name, ASCII and of one length, rather than
  its percent-encoded name.
- Each label is an ``rdf:type``; each property value one triple whose predicate is the
  ontology property of that key (a list gives one triple per element; keys declared
  ``kgm:multiValued`` come back as lists, sorted).
- A relationship is the direct triple (start, property, end). When it has properties it is also
  reified as an ``rdf:Statement`` with a stable IRI (a hash of start, type, end and properties)
  that carries them, so ``score``, ``evidence``, ``share_ratio`` and dates survive a round trip.
- Literals are typed by the Neo4j value: string (plain, or ``xsd:anyURI`` where the ontology
  says so), integer, double, boolean, date, dateTime (with or without offset), time. A string
  under a date property (``kgm:datatype xsd:date``) that is an ISO date is written as
  ``xsd:date``, one under an ``xsd:dateTime`` property that is an ISO timestamp as
  ``xsd:dateTime``; anything else stays a plain string, for SHACL to reject.
- A money key (``reg_capital``) is written as a decimal amount and an ISO 4217 currency
  ("200万元" -> 2000000, CNY), or as text under an annotation property when it is no amount.
- Names the ontology does not declare are written under ``UNDECLARED`` namespaces so nothing is
  silently dropped; ``ontology.declared`` reports them and the importer refuses them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol
from urllib.parse import quote, unquote

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from ontology.money import money_value, parse_money
from ontology.schema import KGM, ontology_graph, terms

ID_BASE = "https://w3id.org/kglink/id/"
RELATIONSHIP_BASE = ID_BASE + "relationship/"
# Where names the ontology does not declare go (never silently dropped).
UNDECLARED = {
    "label": "https://w3id.org/kglink/undeclared/label/",
    "type": "https://w3id.org/kglink/undeclared/type/",
    "key": "https://w3id.org/kglink/undeclared/key/",
}

Triple = tuple[Node, Node, Node]

_STRING_TYPES = {None, XSD.string, XSD.anyURI, XSD.normalizedString, XSD.token}
_INT_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
              XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
              XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}
_FLOAT_TYPES = {XSD.double, XSD.float, XSD.decimal}


class RdfMappingError(ValueError):
    """RDF that cannot become graph data under the ontology's mapping; the message says why."""


CODE_DIGITS = 12  # hex digits of a minted code (48 bits: no collision among departments)


def minted_code(value: Any) -> str:
    """The code minted for a value that has none of its own: the first ``CODE_DIGITS`` hex
    digits (upper case) of the SHA-256 of its UTF-8 text."""
    return hashlib.sha256(str(value).encode("utf-8")).hexdigest()[:CODE_DIGITS].upper()


@dataclass(frozen=True)
class IriTemplate:
    """``prefix`` + percent-encoded value of Neo4j property ``key``, or + the code minted from
    it (``minted_code``) when ``minted``."""

    prefix: str
    key: str
    minted: bool = False

    def iri(self, value: Any) -> str:
        if self.minted:
            return self.prefix + minted_code(value)
        return self.prefix + quote(str(value), safe="")

    def value(self, iri: str) -> str | None:
        """The key's value read back from an IRI (None for a minted code: it has no inverse)."""
        if self.minted or not iri.startswith(self.prefix):
            return None
        return unquote(iri[len(self.prefix):])


@dataclass(frozen=True)
class MoneyTerms:
    """The RDF properties one money key is written under."""

    amount: str       # xsd:decimal amount
    currency: str     # ISO 4217 code
    text: str         # annotation: the value as written, when it is no amount


@dataclass(frozen=True)
class RdfMapping:
    """The ontology's mapping in both directions, for RDF conversion."""

    class_iri: dict[str, str]             # Neo4j label -> class IRI
    type_iri: dict[str, str]              # relationship type -> object property IRI
    key_iri: dict[str, str]               # property key -> datatype property IRI
    templates: dict[str, IriTemplate]     # label -> IRI template of its nodes
    multi_valued: frozenset[str]
    uri_valued: frozenset[str]            # keys whose range is xsd:anyURI
    date_valued: frozenset[str] = frozenset()      # keys written as xsd:date
    datetime_valued: frozenset[str] = frozenset()  # keys whose range is xsd:dateTime
    money: dict[str, MoneyTerms] = field(default_factory=dict)
    money_part: dict[URIRef, tuple[str, str]] = field(default_factory=dict)  # -> (key, part)
    label_of: dict[URIRef, str] = field(default_factory=dict)
    type_of: dict[URIRef, str] = field(default_factory=dict)
    key_of: dict[URIRef, str] = field(default_factory=dict)

    def primary_label(self, labels: Iterable[str]) -> str | None:
        """The label whose template names the node (first in name order), or None."""
        named = sorted(label for label in labels if label in self.templates)
        return named[0] if named else None

    def node_iri(self, labels: Iterable[str], props: Mapping[str, Any]) -> str | None:
        """The node's stable IRI, or None when it has no templated label or lacks the key."""
        label = self.primary_label(labels)
        if label is None:
            return None
        template = self.templates[label]
        value = props.get(template.key)
        if value is None or isinstance(value, list):
            return None
        return template.iri(value)

    def label_iri(self, label: str) -> str:
        return self.class_iri.get(label) or UNDECLARED["label"] + quote(label, safe="")

    def rel_iri(self, rel_type: str) -> str:
        return self.type_iri.get(rel_type) or UNDECLARED["type"] + quote(rel_type, safe="")

    def prop_iri(self, key: str) -> str:
        return self.key_iri.get(key) or UNDECLARED["key"] + quote(key, safe="")


@cache
def rdf_mapping() -> RdfMapping:
    """The mapping read from ``kglink.ttl`` (cached)."""
    g = ontology_graph()
    t = terms()
    class_iri = {name: str(term.iri) for name, term in t["label"].items()}
    type_iri = {name: str(term.iri) for name, term in t["type"].items()}
    key_iri = {name: str(term.iri) for name, term in t["key"].items()}
    key_by_iri = {URIRef(iri): name for name, iri in key_iri.items()}
    templates = {}
    for label, cls in class_iri.items():
        for tpl in g.objects(URIRef(cls), URIRef(KGM + "iriTemplate")):
            match = re.fullmatch(r"(.+)\{(sha256:)?(\w+)\}", str(tpl))
            if not match:
                raise RdfMappingError(f"kglink.ttl: bad kgm:iriTemplate {tpl!r} on {cls}")
            templates[label] = IriTemplate(prefix=match.group(1), key=match.group(3),
                                           minted=bool(match.group(2)))
    multi = frozenset(key_by_iri[p] for p in g.subjects(URIRef(KGM + "multiValued"), None)
                      if p in key_by_iri)
    money = _money_terms(g, key_by_iri)
    return RdfMapping(
        class_iri=class_iri, type_iri=type_iri, key_iri=key_iri, templates=templates,
        multi_valued=multi, uri_valued=_keys_with(g, key_by_iri, RDFS.range, XSD.anyURI),
        date_valued=_keys_with(g, key_by_iri, URIRef(KGM + "datatype"), XSD.date),
        datetime_valued=_keys_with(g, key_by_iri, RDFS.range, XSD.dateTime),
        money=money,
        money_part={URIRef(iri): (key, part) for key, t in money.items()
                    for part, iri in vars(t).items()},
        label_of={URIRef(v): k for k, v in class_iri.items()},
        type_of={URIRef(v): k for k, v in type_iri.items()}, key_of=key_by_iri)


def _keys_with(g: Graph, key_by_iri: dict[URIRef, str], predicate: URIRef,
               value: URIRef) -> frozenset[str]:
    return frozenset(key_by_iri[p] for p in g.subjects(predicate, value) if p in key_by_iri)


def _money_terms(g: Graph, key_by_iri: dict[URIRef, str]) -> dict[str, MoneyTerms]:
    """key -> its MoneyTerms, from ``kgm:amountOf``, ``kgm:currencyOf`` and ``kgm:textOf``."""
    parts: dict[str, dict[str, str]] = defaultdict(dict)
    for part in ("amount", "currency", "text"):
        for prop, money_prop in g.subject_objects(URIRef(KGM + part + "Of")):
            parts[key_by_iri[money_prop]][part] = str(prop)
    for key, found in parts.items():
        if len(found) != 3:
            raise RdfMappingError(f"kglink.ttl: money key {key!r} needs kgm:amountOf, "
                                  "kgm:currencyOf and kgm:textOf")
    return {key: MoneyTerms(**found) for key, found in parts.items()}


# ---- values <-> literals ---------------------------------------------------------------

# A literal as (lexical form, datatype IRI); datatype None means a plain xsd:string.
LiteralSpec = tuple[str, str | None]

_XSD = str(XSD)
_ANYURI = _XSD + "anyURI"
_BOOLEAN, _INTEGER, _DOUBLE = _XSD + "boolean", _XSD + "integer", _XSD + "double"
_DECIMAL = _XSD + "decimal"
_DATE, _DATETIME, _TIME, _BASE64 = (_XSD + "date", _XSD + "dateTime", _XSD + "time",
                                   _XSD + "base64Binary")


def literal_spec(key: str, value: Any) -> LiteralSpec:
    """How one Neo4j (or plain Python) scalar is written: its lexical form and datatype.

    The single place where values get their RDF types (every writer and ``to_literal`` use it).
    """
    kind = type(value)
    if kind is str:
        return _string_spec(key, value)
    if kind is bool:
        return ("true" if value else "false"), _BOOLEAN
    if kind is int:
        return str(value), _INTEGER
    if kind is float:
        if value != value:
            return "NaN", _DOUBLE
        if value in (float("inf"), float("-inf")):
            return ("INF" if value > 0 else "-INF"), _DOUBLE
        return repr(value), _DOUBLE
    if isinstance(value, str):
        return literal_spec(key, str(value))
    if isinstance(value, bool):
        return literal_spec(key, bool(value))
    if isinstance(value, int):
        return literal_spec(key, int(value))
    if isinstance(value, float):
        return literal_spec(key, float(value))
    if hasattr(value, "item") and not hasattr(value, "to_native"):  # a numpy scalar
        return literal_spec(key, value.item())
    native = value.to_native() if hasattr(value, "to_native") else value
    if isinstance(native, dt.datetime):
        return native.isoformat(), _DATETIME
    if isinstance(native, dt.date):
        return native.isoformat(), _DATE
    if isinstance(native, dt.time):
        return native.isoformat(), _TIME
    if isinstance(native, bytes | bytearray):
        import base64

        return base64.b64encode(bytes(native)).decode("ascii"), _BASE64
    return str(native), None


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.*")


def _string_spec(key: str, value: str) -> LiteralSpec:
    """A string's literal: xsd:anyURI, xsd:date or xsd:dateTime where the ontology types the
    key and the text is one; otherwise a plain string."""
    m = rdf_mapping()
    if key in m.uri_valued:
        return value, _ANYURI
    if key in m.date_valued and _ISO_DATE.fullmatch(value):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(value).isoformat(), _DATE
    if key in m.datetime_valued and _ISO_DATETIME.fullmatch(value):
        with contextlib.suppress(ValueError):
            return dt.datetime.fromisoformat(value).isoformat(), _DATETIME
    return value, None


def to_literal(key: str, value: Any) -> Literal:
    """One Neo4j (or plain Python) scalar as an rdflib literal."""
    lexical, datatype = literal_spec(key, value)
    return Literal(lexical, datatype=URIRef(datatype) if datatype else None)


def from_literal(lit: Literal) -> Any:
    """A literal as the Python value the Neo4j driver stores (date -> Date, ...)."""
    dtype = lit.datatype
    if dtype in _STRING_TYPES or lit.language:
        return str(lit)
    if dtype == XSD.boolean:
        return str(lit).strip().lower() in ("true", "1")
    if dtype in _INT_TYPES:
        return int(str(lit))
    if dtype in _FLOAT_TYPES:
        return float(str(lit))
    if dtype in (XSD.date, XSD.dateTime, XSD.time, XSD.base64Binary):
        value = lit.toPython()
        if value is not lit:  # rdflib parsed it
            return value
        raise RdfMappingError(f"ill-formed {dtype.n3()} literal {str(lit)!r}")
    return str(lit)


# A literal with its predicate: (predicate IRI, lexical form, datatype IRI or None).
PropertyLiteral = tuple[str, str, str | None]


def property_literals(key: str, value: Any) -> list[PropertyLiteral]:
    """The literals one property value is written as: one per element, under the key's
    property; a money key as amount and currency (or its text when it is no amount)."""
    if value is None:
        return []
    values = [v for v in value if v is not None] if isinstance(value, list | tuple) else [value]
    m = rdf_mapping()
    money = m.money.get(key)
    if money is None:
        predicate = m.prop_iri(key)
        return [(predicate, *literal_spec(key, v)) for v in values]
    out: list[PropertyLiteral] = []
    for v in values:
        parsed = parse_money(v)
        if parsed is None:
            out.append((money.text, str(v), None))
        else:
            out += [(money.amount, parsed.lexical, _DECIMAL), (money.currency, parsed.currency,
                                                               None)]
    return out


# ---- graph data -> triples -------------------------------------------------------------

class TripleSink(Protocol):
    """Receives triples as plain strings: IRIs, and literals as (lexical, datatype). A sink
    with ``rdf_star`` true also takes ``annotation`` (relationship properties in RDF-star)."""

    rdf_star: bool

    def iri(self, s: str, p: str, o: str) -> None: ...

    def literal(self, s: str, p: str, lexical: str, datatype: str | None) -> None: ...


_RDF_TYPE, _RDF_STATEMENT = str(RDF.type), str(RDF.Statement)
_RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT = str(RDF.subject), str(RDF.predicate), str(RDF.object)


def emit_node(sink: TripleSink, iri: str, labels: Iterable[str],
              props: Mapping[str, Any]) -> None:
    """The type and property triples of one node, subject first, into ``sink``."""
    m = rdf_mapping()
    iri = str(iri)  # a plain str: rdflib's URIRef overloads "+"
    for label in sorted(labels):
        sink.iri(iri, _RDF_TYPE, m.label_iri(label))
    for key in sorted(props):
        for predicate, lexical, datatype in property_literals(key, props[key]):
            sink.literal(iri, predicate, lexical, datatype)


def emit_relationship(sink: TripleSink, start: str, rel_type: str, props: Mapping[str, Any],
                      end: str) -> None:
    """The direct triple, plus its properties: RDF-star annotations on the quoted direct triple
    for an ``rdf_star`` sink, else a reified ``rdf:Statement``. (RDF-star names a relationship
    by its triple, so two relationships of one type between the same two nodes share one
    quoted triple and their annotations merge; the reified form keeps them apart.)

    The statement's IRI is a hash of start, type, end and the properties' literals, so the same
    relationship always gets the same IRI.
    """
    m = rdf_mapping()
    start, end = str(start), str(end)
    predicate = m.rel_iri(rel_type)
    sink.iri(start, predicate, end)
    values = {key: lits for key in sorted(props) if (lits := property_literals(key, props[key]))}
    if not values:
        return
    if sink.rdf_star:
        for literals in values.values():
            for key_predicate, lexical, datatype in literals:
                sink.annotation(start, predicate, end, key_predicate, lexical, datatype)
        return
    canonical = json.dumps([start, predicate, end,
                            [[k, sorted(f"{lex}^^{dtype}" for _, lex, dtype in v)]
                             for k, v in values.items()]],
                           ensure_ascii=False, separators=(",", ":"))
    statement = RELATIONSHIP_BASE + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:24]
    sink.iri(statement, _RDF_TYPE, _RDF_STATEMENT)
    sink.iri(statement, _RDF_SUBJECT, start)
    sink.iri(statement, _RDF_PREDICATE, predicate)
    sink.iri(statement, _RDF_OBJECT, end)
    for literals in values.values():
        for predicate_key, lexical, datatype in literals:
            sink.literal(statement, predicate_key, lexical, datatype)


class TripleList:
    """A sink that keeps rdflib triples (for small graphs and tests)."""

    rdf_star = False

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    def iri(self, s: str, p: str, o: str) -> None:
        self.triples.append((URIRef(s), URIRef(p), URIRef(o)))

    def literal(self, s: str, p: str, lexical: str, datatype: str | None) -> None:
        self.triples.append((URIRef(s), URIRef(p),
                             Literal(lexical, datatype=URIRef(datatype) if datatype else None)))


def node_triples(iri: str, labels: Iterable[str], props: Mapping[str, Any]) -> list[Triple]:
    """The rdflib triples of one node."""
    sink = TripleList()
    emit_node(sink, iri, labels, props)
    return sink.triples


def relationship_triples(start: str, rel_type: str, props: Mapping[str, Any],
                         end: str) -> list[Triple]:
    """The rdflib triples of one relationship (direct triple, statement when it has properties)."""
    sink = TripleList()
    emit_relationship(sink, start, rel_type, props, end)
    return sink.triples


# ---- triples -> graph data -------------------------------------------------------------

@dataclass
class NodeData:
    """A node to write: its labels, properties and the identifying (label, key, value)."""

    iri: str
    labels: list[str]
    props: dict[str, Any]
    primary: str
    key: str
    key_value: Any


@dataclass
class RelationshipData:
    """A relationship to write between two node IRIs."""

    type: str
    start: str
    end: str
    props: dict[str, Any]


@dataclass
class GraphData:
    """What an RDF graph holds as Neo4j data, plus the triples that map to nothing."""

    nodes: dict[str, NodeData]
    relationships: list[RelationshipData]
    ignored_triples: int


def _name(kind: str, iri: URIRef, known: dict[URIRef, str]) -> str:
    if iri in known:
        return known[iri]
    if str(iri).startswith(UNDECLARED[kind]):
        raise RdfMappingError(
            f"the ontology declares no {kind} {unquote(str(iri)[len(UNDECLARED[kind]):])!r}: "
            "declare it in ontology/kglink.ttl before importing")
    raise RdfMappingError(f"{iri} is not a {kind} of the kglink ontology")


def _props(g: Graph, subject: Node, skip: set[Node]) -> tuple[dict[str, Any], int]:
    m = rdf_mapping()
    values: dict[str, list[Any]] = defaultdict(list)
    money: dict[str, dict[str, Literal]] = defaultdict(dict)
    ignored = 0
    for predicate, obj in g.predicate_objects(subject):
        if predicate in skip:
            continue
        if not isinstance(obj, Literal):
            continue  # a relationship: read with the relationships
        if predicate in m.money_part:
            key, part = m.money_part[predicate]
            money[key][part] = obj
            continue
        if predicate not in m.key_of and not str(predicate).startswith(UNDECLARED["key"]):
            ignored += 1
            continue
        values[_name("key", predicate, m.key_of)].append(from_literal(obj))
    for key, parts in money.items():
        values[key].append(_money_from_literals(key, parts))
    props: dict[str, Any] = {}
    for key, vals in values.items():
        if key in m.multi_valued or len(vals) > 1:
            props[key] = sorted(vals, key=lambda v: (type(v).__name__, str(v)))
        else:
            props[key] = vals[0]
    return props, ignored


def _money_from_literals(key: str, parts: dict[str, Literal]) -> Any:
    """The graph value of a money key from its amount and currency (or text) literals."""
    if "amount" in parts:
        currency = parts.get("currency")
        return money_value(from_literal(parts["amount"]), str(currency) if currency else None)
    if "text" in parts:
        return str(parts["text"])
    raise RdfMappingError(f"{key}: a currency without its amount")


def graph_data(g: Graph) -> GraphData:
    """The nodes and relationships an RDF graph describes under the mapping.

    Raises ``RdfMappingError`` for undeclared names, nodes without their identifying key and
    relationships whose ends are not described in the graph.
    """
    m = rdf_mapping()
    statement_parts = {RDF.type, RDF.subject, RDF.predicate, RDF.object}
    nodes: dict[str, NodeData] = {}
    ignored = 0
    statements = set(g.subjects(RDF.type, RDF.Statement))
    typed = defaultdict(list)
    for subject, cls in g.subject_objects(RDF.type):
        if subject in statements:
            continue
        if cls in m.label_of or str(cls).startswith(UNDECLARED["label"]):
            typed[subject].append(_name("label", cls, m.label_of))
        else:
            ignored += 1
    for subject, labels in typed.items():
        primary = m.primary_label(labels)
        if primary is None:
            raise RdfMappingError(f"{subject}: none of its classes ({', '.join(labels)}) "
                                  "has a kgm:iriTemplate, so it cannot be identified")
        props, skipped = _props(g, subject, {RDF.type})
        ignored += skipped
        template = m.templates[primary]
        key_value = props.get(template.key)
        if key_value is None:
            key_value = template.value(str(subject))
            if key_value is None:
                raise RdfMappingError(f"{subject}: a {primary} needs {template.key}"
                                      + ("" if template.minted
                                         else f" (or an IRI starting {template.prefix})"))
            props[template.key] = key_value
        nodes[str(subject)] = NodeData(iri=str(subject), labels=sorted(labels), props=props,
                                       primary=primary, key=template.key, key_value=key_value)

    rels: list[RelationshipData] = []
    reified: set[tuple[str, str, str]] = set()
    for statement in statements:
        s, p, o = (g.value(statement, part) for part in (RDF.subject, RDF.predicate, RDF.object))
        if s is None or p is None or o is None:
            raise RdfMappingError(f"{statement}: an rdf:Statement needs rdf:subject, "
                                  "rdf:predicate and rdf:object")
        props, skipped = _props(g, statement, statement_parts)
        ignored += skipped
        rels.append(RelationshipData(type=_name("type", p, m.type_of), start=str(s),
                                     end=str(o), props=props))
        reified.add((str(s), str(p), str(o)))
    for s, p, o in g:
        if isinstance(o, Literal) or p == RDF.type or s in statements:
            continue
        if p in m.type_of or str(p).startswith(UNDECLARED["type"]):
            if (str(s), str(p), str(o)) not in reified:
                rels.append(RelationshipData(type=_name("type", p, m.type_of), start=str(s),
                                             end=str(o), props={}))
        elif p not in statement_parts:
            ignored += 1
    for rel in rels:
        for end in (rel.start, rel.end):
            if end not in nodes:
                raise RdfMappingError(f"a {rel.type} relationship ends at {end}, which the "
                                      "data does not describe (no rdf:type of the ontology)")
    rels.sort(key=lambda r: (r.type, r.start, r.end, json.dumps(r.props, default=str,
                                                                   sort_keys=True)))
    return GraphData(nodes=nodes, relationships=rels, ignored_triples=ignored)


def emit_subgraph(sink: TripleSink, nodes: Iterable[tuple[Any, Mapping[str, Any]]],
                  relationships: Iterable[tuple[Any, Any, Mapping[str, Any]]]) -> None:
    """Triples of a subgraph given as ``(node_id, attrs)`` and ``(u, v, attrs)`` pairs.

    Node attrs carry ``labels`` (a list) and the properties; relationship attrs carry
    ``type`` and the properties (networkx ``G.nodes(data=True)`` / ``G.edges(data=True)``).
    Raises ``RdfMappingError`` for a node that cannot be named or an edge to an unknown node.
    """
    iris: dict[Any, str] = {}
    m = rdf_mapping()
    for node_id, attrs in nodes:
        labels = list(attrs.get("labels") or [])
        props = {k: v for k, v in attrs.items() if k != "labels"}
        iri = m.node_iri(labels, props)
        if iri is None:
            raise RdfMappingError(f"node {node_id!r} (labels {labels}) has no identifying key "
                                  "of a class with a kgm:iriTemplate")
        iris[node_id] = iri
        emit_node(sink, iri, labels, props)
    for u, v, attrs in relationships:
        if u not in iris or v not in iris:
            raise RdfMappingError(f"relationship {u!r} -> {v!r} ends at a node not in the subgraph")
        rel_type = attrs.get("type")
        if not rel_type:
            raise RdfMappingError(f"relationship {u!r} -> {v!r} has no 'type'")
        props = {k: val for k, val in attrs.items() if k != "type"}
        emit_relationship(sink, iris[u], rel_type, props, iris[v])
