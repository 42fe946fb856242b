"""The ontology parses, declares every name the graph model uses, is aligned to public
vocabularies and passes the reasoner-free declared-terms checks."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from ontology.declared import ontology_problems, undeclared_in_rdf, undeclared_names
from ontology.schema import (
    KG,
    ONTOLOGY_FILE,
    labels,
    ontology_graph,
    props,
    rels,
    schema_statements,
)

FOAF = "http://xmlns.com/foaf/0.1/"
ORG = "http://www.w3.org/ns/org#"
ROV = "http://www.w3.org/ns/regorg#"
PERSON = "http://www.w3.org/ns/person#"
PROV = "http://www.w3.org/ns/prov#"
SDO = "https://schema.org/"

# The names ../shared/ARCHITECTURE.md fixes.
ARCH_LABELS = ["NaturalPerson", "LegalPerson", "SourceRecord", "Department",
               "AdministrativeDivision", "Document"]
ARCH_TYPES = ["REFERS_TO", "FROM_DEPARTMENT", "LEGAL_REPRESENTATIVE_OF", "SHAREHOLDER_OF",
              "EXECUTIVE_OF", "EMPLOYED_BY", "SPOUSE_OF", "PARENT_OF", "RELATIVE_OF",
              "LOCATED_IN", "MENTIONS"]
ARCH_KEYS = ["entity_id", "uri", "name", "names", "id_number", "birth_date", "sex", "phone",
             "address", "credit_code", "score", "evidence", "share_ratio", "start_date",
             "end_date", "department", "start", "end", "record_key", "record_id", "source",
             "line", "batch", "loaded_at", "entity_type", "code"]


def test_ontology_parses_and_is_sound():
    g = Graph().parse(ONTOLOGY_FILE, format="turtle")
    assert len(g) > 500
    assert ontology_problems(g) == []


def test_every_architecture_name_is_declared():
    assert [n for n in ARCH_LABELS if n not in labels] == []
    assert [n for n in ARCH_TYPES if n not in rels] == []
    assert [n for n in ARCH_KEYS if n not in props] == []
    with pytest.raises(AttributeError, match="declares no label"):
        _ = labels.NaturalPersn


def test_legal_person_kinds_and_alignments():
    g = ontology_graph()

    def parents(local: str) -> set[str]:
        return {str(p) for p in g.objects(URIRef(KG + local), RDFS.subClassOf)}

    for kind in ("Enterprise", "PublicInstitution", "SocialOrganisation", "IndividualBusiness"):
        assert KG + "LegalPerson" in parents(kind)
        assert kind in labels
    assert {KG + "Party", FOAF + "Person", PERSON + "Person", SDO + "Person"} <= parents(
        "NaturalPerson")
    assert {KG + "Party", ROV + "RegisteredOrganization", ORG + "FormalOrganization",
            SDO + "Organization"} <= parents("LegalPerson")
    assert PROV + "Entity" in parents("SourceRecord")
    assert {PROV + "Agent", ORG + "Organization"} <= parents("Department")
    for prop in ("shareRatio", "score", "evidence"):
        assert (URIRef(KG + prop), RDF.type, OWL.DatatypeProperty) in g


def test_every_kglink_term_has_zh_and_en_label_and_classes_a_definition():
    g = ontology_graph()
    skos_definition = URIRef("http://www.w3.org/2004/02/skos/core#definition")
    for cls in ARCH_LABELS + ["Party", "Enterprise"]:
        langs = {lit.language for lit in g.objects(URIRef(KG + cls), skos_definition)}
        assert {"en", "zh"} <= langs, cls


def test_problems_are_found_in_a_broken_ontology():
    g = Graph()
    for triple in ontology_graph():
        g.add(triple)
    kgm = "https://w3id.org/kglink/mapping#"
    g.add((URIRef(KG + "Ghost"), RDFS.subClassOf, URIRef(KG + "Party")))      # undeclared
    g.add((URIRef(KG + "nickname"), RDF.type, OWL.DatatypeProperty))         # no labels
    g.add((URIRef(KG + "nickname"), URIRef(kgm + "neo4jKey"), Literal("name")))  # duplicate key
    g.add((URIRef(KG + "nickname"), RDFS.domain, URIRef(KG + "Nobody")))     # unknown class
    problems = "\n".join(ontology_problems(g))
    assert "kg:Ghost is used but not declared" in problems
    assert "kg:nickname has no rdfs:label in en, zh" in problems
    assert "Neo4j key 'name' is declared by 2 terms: kg:name, kg:nickname" in problems
    assert "kg:Nobody, which is not a declared class" in problems


def test_undeclared_names_and_rdf_terms_are_reported():
    assert undeclared_names(labels=["NaturalPerson", "Persn"], types=["REFERS_TO", "KNOWS"],
                            keys=["name", "nick"]) == [
        "label Persn", "relationship type KNOWS", "property key nick"]
    data = Graph()
    data.add((URIRef("https://w3id.org/kglink/id/entity/P-1"), RDF.type, URIRef(KG + "Alien")))
    data.add((URIRef("https://w3id.org/kglink/id/entity/P-1"), URIRef(KG + "nick"),
              Literal("x")))
    data.add((URIRef("https://w3id.org/kglink/id/entity/P-1"), URIRef(KG + "name"),
              Literal("x")))
    assert undeclared_in_rdf(data) == ["class kg:Alien", "property kg:nick"]


def test_schema_statements_come_from_the_ontology():
    text = "\n".join(schema_statements())
    assert "FOR (n:NaturalPerson) REQUIRE n.entity_id IS UNIQUE" in text
    assert "FOR (n:SourceRecord) REQUIRE n.record_key IS UNIQUE" in text
    assert "FOR (n:OntologyClass) REQUIRE n.uri IS UNIQUE" in text
