"""The ontology's classes (with their hierarchy) and properties as plain records.

Read by ``kglink ontology show`` and by ``graph.ontology_store`` (which loads the classes into
Neo4j). Superclasses from aligned vocabularies (FOAF, ORG, RegOrg, PROV-O, schema.org, ...)
are listed too, marked ``external``, so the hierarchy reaches them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef

from ontology.schema import KG, KGM, ontology_graph

SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")


@dataclass(frozen=True)
class ClassInfo:
    """One class: its IRI, short name, labels, definition, Neo4j label and direct parents."""

    iri: str
    name: str
    label_en: str | None
    label_zh: str | None
    definition: str | None
    neo4j_label: str | None
    parents: tuple[str, ...]
    external: bool


@dataclass(frozen=True)
class PropertyInfo:
    """One object or datatype property and the Neo4j relationship type or key it maps to."""

    iri: str
    name: str
    kind: str  # "object" | "datatype"
    neo4j: str | None
    label_en: str | None
    label_zh: str | None
    domain: tuple[str, ...]
    range: tuple[str, ...]
    aligned: tuple[str, ...]  # super-properties in public vocabularies


def curie(iri: str, g: Graph | None = None) -> str:
    """``kg:NaturalPerson`` for kglink terms, ``foaf:Person`` for bound vocabularies."""
    g = g if g is not None else ontology_graph()
    if iri.startswith(KG):
        return iri[len(KG):]
    best = None
    for prefix, ns in g.namespaces():
        if prefix and iri.startswith(str(ns)) and (best is None or len(ns) > len(best[1])):
            best = (prefix, str(ns))
    return f"{best[0]}:{iri[len(best[1]):]}" if best else iri


def _text(g: Graph, subject: URIRef, predicate: URIRef, lang: str) -> str | None:
    for lit in g.objects(subject, predicate):
        if isinstance(lit, Literal) and lit.language == lang:
            return str(lit)
    return None


def _one(g: Graph, subject: URIRef, predicate: URIRef) -> str | None:
    value = g.value(subject, predicate)
    return str(value) if value is not None else None


@cache
def classes() -> tuple[ClassInfo, ...]:
    """Every declared class plus every named superclass, kglink classes first."""
    g = ontology_graph()
    own = {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    parents = {c: tuple(sorted(str(p) for p in g.objects(c, RDFS.subClassOf)
                               if isinstance(p, URIRef))) for c in own}
    external = {URIRef(p) for ps in parents.values() for p in ps} - own
    out = []
    for c in sorted(own | external, key=lambda c: (c in external, curie(str(c), g))):
        out.append(ClassInfo(
            iri=str(c), name=curie(str(c), g), label_en=_text(g, c, RDFS.label, "en"),
            label_zh=_text(g, c, RDFS.label, "zh"),
            definition=_text(g, c, SKOS.definition, "en"),
            neo4j_label=_one(g, c, URIRef(KGM + "neo4jLabel")),
            parents=parents.get(c, ()), external=c in external))
    return tuple(out)


@cache
def properties() -> tuple[PropertyInfo, ...]:
    """Every object and datatype property, object properties first."""
    g = ontology_graph()
    out = []
    for kind, cls, key in (("object", OWL.ObjectProperty, "neo4jType"),
                           ("datatype", OWL.DatatypeProperty, "neo4jKey")):
        for p in sorted((p for p in g.subjects(RDF.type, cls) if isinstance(p, URIRef)),
                        key=lambda p: curie(str(p), g)):
            out.append(PropertyInfo(
                iri=str(p), name=curie(str(p), g), kind=kind,
                neo4j=_one(g, p, URIRef(KGM + key)),
                label_en=_text(g, p, RDFS.label, "en"), label_zh=_text(g, p, RDFS.label, "zh"),
                domain=tuple(sorted(curie(str(d), g) for d in g.objects(p, RDFS.domain))),
                range=tuple(sorted(curie(str(r), g) for r in g.objects(p, RDFS.range))),
                aligned=tuple(sorted(curie(str(s), g) for s in g.objects(p, RDFS.subPropertyOf)))))
    return tuple(out)


def descendants(name: str) -> list[ClassInfo]:
    """The class called ``name`` (``Party``, ``foaf:Agent``) and all its subclasses."""
    by_iri = {c.iri: c for c in classes()}
    roots = [c for c in classes() if c.name == name or c.iri == name]
    if not roots:
        raise ValueError(f"the ontology has no class {name!r}")
    children: dict[str, list[ClassInfo]] = {}
    for c in classes():
        for p in c.parents:
            children.setdefault(p, []).append(c)
    seen: dict[str, ClassInfo] = {}
    stack = [roots[0].iri]
    while stack:
        iri = stack.pop()
        if iri in seen:
            continue
        seen[iri] = by_iri[iri]
        stack.extend(c.iri for c in children.get(iri, []))
    return sorted(seen.values(), key=lambda c: c.name)
