"""Reasoner-free checks that everything used is declared in the ontology.

- ``ontology_problems()``: the ontology itself: every kglink term it mentions is declared,
  every class and property has an English and a Chinese label, each Neo4j name belongs to
  exactly one term.
- ``undeclared_in_rdf(data)``: classes and predicates used in RDF data but not declared.
- ``undeclared_names(labels, types, keys)``: Neo4j names not in the mapping (the graph side
  of the same check; ``graph.ontology_store.undeclared_in_database`` feeds it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from ontology.schema import KG, KGM, ontology_graph, terms

_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_OWN = (KG, KGM)
_RDF_STRUCTURE = {RDF.type, RDF.subject, RDF.predicate, RDF.object}


def declared_classes(g: Graph | None = None) -> set[URIRef]:
    g = g if g is not None else ontology_graph()
    return {c for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}


def declared_properties(g: Graph | None = None) -> set[URIRef]:
    g = g if g is not None else ontology_graph()
    return {p for kind in _PROPERTY_KINDS for p in g.subjects(RDF.type, kind)
            if isinstance(p, URIRef)}


def ontology_problems(g: Graph | None = None) -> list[str]:
    """What is wrong with the ontology itself (empty when it is sound)."""
    g = g if g is not None else ontology_graph()
    classes, properties = declared_classes(g), declared_properties(g)
    declared = classes | properties | {URIRef("https://w3id.org/kglink/ontology")}
    problems = []
    used = {t for triple in g for t in triple
            if isinstance(t, URIRef) and str(t).startswith(_OWN)}
    problems += [f"{_short(t)} is used but not declared" for t in sorted(used - declared)]
    for term in sorted(classes | (properties - set(g.subjects(RDF.type, OWL.AnnotationProperty)))):
        if not str(term).startswith(_OWN):
            continue
        langs = {lit.language for lit in g.objects(term, RDFS.label)}
        missing = [lang for lang in ("en", "zh") if lang not in langs]
        if missing:
            problems.append(f"{_short(term)} has no rdfs:label in {', '.join(missing)}")
    for prop in sorted(properties):
        for axis in (RDFS.domain, RDFS.range):
            for target in g.objects(prop, axis):
                if str(target).startswith(_OWN) and target not in classes:
                    problems.append(f"{_short(prop)} has {axis.n3(g.namespace_manager)} "
                                    f"{_short(target)}, which is not a declared class")
    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)
    by_term: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, local in (("label", "neo4jLabel"), ("type", "neo4jType"), ("key", "neo4jKey")):
        for subject, name in g.subject_objects(URIRef(KGM + local)):
            by_name[(kind, str(name))].add(str(subject))
            by_term[(kind, str(subject))].add(str(name))
    problems += [f"Neo4j {kind} {name!r} is declared by {len(iris)} terms: "
                 f"{', '.join(sorted(_short(URIRef(i)) for i in iris))}"
                 for (kind, name), iris in sorted(by_name.items()) if len(iris) > 1]
    problems += [f"{_short(URIRef(iri))} maps to several Neo4j {kind}s: {', '.join(sorted(n))}"
                 for (kind, iri), n in sorted(by_term.items()) if len(n) > 1]
    return problems


def undeclared_in_rdf(data: Graph) -> list[str]:
    """Classes (objects of rdf:type) and predicates in ``data`` the ontology does not declare."""
    classes, properties = declared_classes(), declared_properties()
    used_classes = {o for o in data.objects(None, RDF.type) if isinstance(o, URIRef)}
    used_predicates = set(data.predicates()) - _RDF_STRUCTURE
    out = [f"class {_short(c)}" for c in sorted(used_classes - classes - {RDF.Statement})]
    out += [f"property {_short(p)}" for p in sorted(used_predicates - properties)]
    return out


def undeclared_names(labels: Iterable[str] = (), types: Iterable[str] = (),
                     keys: Iterable[str] = ()) -> list[str]:
    """Neo4j labels, relationship types and property keys the mapping does not declare."""
    t = terms()
    out = [f"label {n}" for n in sorted(set(labels)) if n not in t["label"]]
    out += [f"relationship type {n}" for n in sorted(set(types)) if n not in t["type"]]
    out += [f"property key {n}" for n in sorted(set(keys)) if n not in t["key"]]
    return out


def _short(term: URIRef) -> str:
    text = str(term)
    for prefix, ns in (("kg", KG), ("kgm", KGM)):
        if text.startswith(ns):
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"
