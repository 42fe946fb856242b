"""The one mapping from ontology terms to Neo4j names.

Every label, relationship type and property key used in the graph comes from here, and
here they come from the ontology (``kglink.ttl``): ``labels.NaturalPerson``,
``rels.REFERS_TO``, ``props.entity_id``. Asking for a name the ontology does not declare
raises ``AttributeError``, so a typo fails at once instead of writing a stray label.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph

ONTOLOGY_FILE = Path(__file__).with_name("kglink.ttl")
KG = "https://w3id.org/kglink/ontology#"
KGM = "https://w3id.org/kglink/mapping#"
KGC = "https://w3id.org/kglink/code#"  # code lists (SKOS concept schemes)


@dataclass(frozen=True)
class Term:
    """One ontology term and the Neo4j name it maps to."""

    iri: str
    neo4j: str
    kind: str  # "label" | "type" | "key"


@cache
def ontology_graph() -> Graph:
    """The parsed ontology (``kglink.ttl``), parsed once per process; do not modify it."""
    from rdflib import Graph

    g = Graph()
    g.parse(ONTOLOGY_FILE, format="turtle")
    return g


@cache
def terms() -> dict[str, dict[str, Term]]:
    """All mapped terms by kind, keyed by their Neo4j name."""
    from rdflib import URIRef

    g = ontology_graph()
    out: dict[str, dict[str, Term]] = {"label": {}, "type": {}, "key": {}}
    for kind, local in (("label", "neo4jLabel"), ("type", "neo4jType"), ("key", "neo4jKey")):
        for subject, name in g.subject_objects(URIRef(KGM + local)):
            out[kind][str(name)] = Term(iri=str(subject), neo4j=str(name), kind=kind)
    return out


class _Names:
    """Attribute access to the declared Neo4j names of one kind."""

    def __init__(self, kind: str) -> None:
        self._kind = kind

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        declared = terms()[self._kind]
        if name not in declared:
            raise AttributeError(f"the ontology declares no {self._kind} {name!r}")
        return name

    def __iter__(self):
        return iter(sorted(terms()[self._kind]))

    def __contains__(self, name: object) -> bool:
        return name in terms()[self._kind]

    def term(self, name: str) -> Term:
        """The ontology term behind a Neo4j name."""
        getattr(self, name)
        return terms()[self._kind][name]


labels = _Names("label")
rels = _Names("type")
props = _Names("key")

PARTY = KG + "Party"  # the ontology class of persons and organisations


@cache
def party_relationships() -> tuple[str, ...]:
    """The relationship types between parties, sorted: those whose ontology domain and range
    are ``kg:Party`` or its subclasses (NaturalPerson, LegalPerson, ...). Traversals default to
    them so that hubs (departments, divisions, records) do not flood a neighbourhood."""
    from rdflib import RDFS, URIRef

    g = ontology_graph()
    parties = set(g.transitive_subjects(RDFS.subClassOf, URIRef(PARTY)))
    found = []
    for name, term in terms()["type"].items():
        ends = [set(g.objects(URIRef(term.iri), side)) for side in (RDFS.domain, RDFS.range)]
        if all(end and end <= parties for end in ends):
            found.append(name)
    return tuple(sorted(found))


PII_CATEGORIES = ("identifier", "phone", "email", "address", "birth_date")


@cache
def pii_properties() -> dict[str, str]:
    """Property keys whose values are personal data, with their category, from the
    ontology's ``kgm:pii`` marks: ``{"id_number": "identifier", "phone": "phone", ...}``."""
    from rdflib import URIRef

    g = ontology_graph()
    key_of = {t.iri: name for name, t in terms()["key"].items()}
    out = {}
    for prop, category in g.subject_objects(URIRef(KGM + "pii")):
        if str(category) not in PII_CATEGORIES:
            raise ValueError(f"kglink.ttl: kgm:pii {str(category)!r} on {prop} is not one of "
                             f"{', '.join(PII_CATEGORIES)}")
        out[key_of[str(prop)]] = str(category)
    return dict(sorted(out.items()))


@cache
def masked_keys() -> dict[str, str]:
    """Property key -> the key its masked values are written under in masked RDF
    (``kgm:maskedAs``: ``id_number`` -> ``id_number_masked``), so SHACL still holds."""
    from rdflib import URIRef

    key_of = {t.iri: name for name, t in terms()["key"].items()}
    return dict(sorted((key_of[str(p)], key_of[str(m)]) for p, m in
                       ontology_graph().subject_objects(URIRef(KGM + "maskedAs"))))


def schema_statements() -> list[str]:
    """Idempotent Cypher DDL (constraints and indexes) generated from the ontology's hints.

    Names in the statements come from the ontology; nothing here is typed by hand.
    """
    from rdflib import URIRef

    g = ontology_graph()
    label_of = {t.iri: name for name, t in terms()["label"].items()}
    key_of = {t.iri: name for name, t in terms()["key"].items()}

    def pairs(hint: str) -> list[tuple[str, str]]:
        found = [(label_of[str(c)], key_of[str(k)])
                 for c, k in g.subject_objects(URIRef(KGM + hint))
                 if str(c) in label_of and str(k) in key_of]
        return sorted(found)

    statements = []
    for label, key in pairs("uniqueOn"):
        statements.append(f"CREATE CONSTRAINT {label.lower()}_{key}_unique IF NOT EXISTS "
                          f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE")
    for label, key in pairs("indexedOn"):
        statements.append(f"CREATE INDEX {label.lower()}_{key} IF NOT EXISTS "
                          f"FOR (n:{label}) ON (n.{key})")
    fulltext: dict[str, list[str]] = {}
    for label, key in pairs("fulltextOn"):
        fulltext.setdefault(label, []).append(key)
    if fulltext:
        labels_ = sorted(fulltext)
        keys = sorted({k for ks in fulltext.values() for k in ks})
        statements.append("CREATE FULLTEXT INDEX entity_names IF NOT EXISTS FOR (n:"
                          + "|".join(labels_) + ") ON EACH ["
                          + ", ".join(f"n.{k}" for k in keys) + "]")
    return statements


class CodeList:
    """The values of one SKOS code list of the ontology (``kgc:DivisionLevel``, ``kgc:Sex``...),
    as stored in Neo4j (each concept's ``skos:notation``), ordered by ``kgm:rank``. Attribute access
    (``division_levels.prefecture``) fails on a value the ontology does not declare."""

    def __init__(self, scheme: str) -> None:
        self._scheme = scheme

    def _values(self) -> tuple[str, ...]:
        return code_list(self._scheme)

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._values():
            raise AttributeError(f"the ontology's {self._scheme} declares no {name!r}")
        return name

    def __iter__(self):
        return iter(self._values())

    def __contains__(self, value: object) -> bool:
        return value in self._values()


@cache
def code_list(scheme: str) -> tuple[str, ...]:
    """The notations of the concepts in scheme ``kgc:<scheme>``, in ``kgm:rank`` order."""
    from rdflib import SKOS, URIRef

    g = ontology_graph()
    concepts = set(g.subjects(SKOS.inScheme, URIRef(KGC + scheme)))
    if not concepts:
        raise AttributeError(f"the ontology declares no code list {scheme!r}")
    rank = URIRef(KGM + "rank")
    ordered = sorted(concepts, key=lambda c: int(g.value(c, rank)))
    return tuple(str(g.value(c, SKOS.notation)) for c in ordered)


@cache
def code_labels(scheme: str, lang: str = "zh") -> dict[str, str]:
    """Notation -> ``skos:prefLabel`` in ``lang`` of each concept of ``kgc:<scheme>``
    (``code_labels("CreditCodeCategory")["92"] == "个体工商户"``), in ``kgm:rank`` order."""
    from rdflib import SKOS, URIRef

    g = ontology_graph()
    by_notation = {str(g.value(c, SKOS.notation)): c
                   for c in g.subjects(SKOS.inScheme, URIRef(KGC + scheme))}
    return {n: next(str(label) for label in g.objects(by_notation[n], SKOS.prefLabel)
                    if label.language == lang)
            for n in code_list(scheme)}


division_levels = CodeList("DivisionLevel")  # province, prefecture, county
sexes = CodeList("Sex")  # M, F
entity_kinds = CodeList("EntityKind")  # person, organization (the graph's entity_type)
record_kinds = CodeList("RecordKind")  # person, organization, relation (SOURCES.yaml entity:)
relation_types = CodeList("RelationType")  # legal_representative, shareholder, ...
load_statuses = CodeList("LoadStatus")  # running, complete
registration_statuses = CodeList("RegistrationStatus")  # 存续, 停业, 迁出, 撤销, 吊销, 注销, 清算
roles = CodeList("Role")  # legal_representative, director, supervisor, manager, executive
interest_types = CodeList("InterestType")  # shareholding, votingRights
directness = CodeList("DirectOrIndirect")  # direct, indirect, unknown
identifier_schemes = CodeList("IdentifierScheme")  # id_number, credit_code, reg_number
registration_authorities = CodeList("RegistrationAuthority")  # 1, 5, 9, Y, ... (GB 32100)
