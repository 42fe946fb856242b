"""The ontology is published: version IRI, version, licence, creator and dates in its header,
and an English and a Chinese definition for every class and property it declares under kg:."""

from __future__ import annotations

from rdflib import OWL, RDF, Literal, Namespace, URIRef

from ontology.schema import KG, ontology_graph

DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY = URIRef("https://w3id.org/kglink/ontology")
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def test_the_header_names_version_licence_creator_and_dates():
    g = ontology_graph()
    header = {p: sorted(g.objects(ONTOLOGY, p)) for p in (
        OWL.versionIRI, OWL.versionInfo, OWL.priorVersion, DCTERMS.license, DCTERMS.creator,
        DCTERMS.created, DCTERMS.modified)}
    assert header == {
        OWL.versionIRI: [URIRef("https://w3id.org/kglink/ontology/1.2")],
        OWL.versionInfo: [Literal("1.2")],
        OWL.priorVersion: [URIRef("https://w3id.org/kglink/ontology/1.1")],
        DCTERMS.license: [URIRef("https://www.apache.org/licenses/LICENSE-2.0")],
        DCTERMS.creator: [Literal("kglink maintainers")],
        DCTERMS.created: [Literal("2026-11-28", datatype=XSD.date)],
        DCTERMS.modified: [Literal("2026-12-04", datatype=XSD.date)],
    }


def test_every_kg_term_has_an_english_and_a_chinese_definition():
    g = ontology_graph()
    declared = {s for kind in DECLARATIONS for s in g.subjects(RDF.type, kind)
                if str(s).startswith(KG)}
    assert len(declared) > 100
    missing = sorted(str(term)[len(KG):] for term in declared
                     if not {"en", "zh"} <= {d.language
                                             for d in g.objects(term, SKOS.definition)})
    assert missing == []
    # one definition per language, never an empty one
    for term in declared:
        definitions = list(g.objects(term, SKOS.definition))
        assert sorted(d.language for d in definitions) == ["en", "zh"], term
        assert all(str(d).strip() for d in definitions), term
