"""Graph data <-> RDF without a database: IRIs, literal types, reification, the three
formats (streamed and in memory) and the inverse mapping used by the importer."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from onto_sample_graph import ENTITY, PSB, sample_graph, sample_networkx
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from ontology.rdf import networkx_to_rdf, subgraph_to_rdf, write_rdf
from ontology.rdf_mapping import (
    RdfMappingError,
    emit_subgraph,
    graph_data,
    rdf_mapping,
    relationship_triples,
)
from ontology.rdf_writer import NTriplesWriter, TurtleWriter, serialize
from ontology.schema import KG

XSD_NS = "http://www.w3.org/2001/XMLSchema#"
RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


def _sample_rdf() -> Graph:
    nodes, rels = sample_graph()
    return subgraph_to_rdf([(ref, {"labels": lbl, **p}) for ref, lbl, p in nodes],
                           [(a, b, {"type": t, **p}) for a, t, b, p in rels])


def test_iris_are_stable_and_derived_from_ids():
    g = _sample_rdf()
    person = URIRef(ENTITY + "P-0001")
    assert (person, RDF.type, URIRef(KG + "NaturalPerson")) in g
    record = URIRef("https://w3id.org/kglink/id/record/"
                    "%E5%85%AC%E5%AE%89%E5%8E%85%E6%88%B7%E7%B1%8D%3AR%20002%2Fx")
    assert (record, URIRef(KG + "recordKey"), Literal(f"{PSB}:R 002/x")) in g
    assert (URIRef("https://w3id.org/kglink/id/division/430102"), URIRef(KG + "locatedIn"),
            URIRef("https://w3id.org/kglink/id/division/430100")) in g
    assert isomorphic(g, _sample_rdf())
    assert sorted(g) == sorted(_sample_rdf())  # statement IRIs are stable, not blank nodes


def test_literals_are_typed_by_value():
    g = _sample_rdf()
    person = URIRef(ENTITY + "P-0001")
    assert g.value(person, URIRef(KG + "birthDate")) == Literal(
        "1949-12-31", datatype=URIRef(XSD_NS + "date"))
    assert g.value(person, URIRef(KG + "idValid")) == Literal(True)
    assert g.value(person, URIRef(KG + "uri")).datatype == URIRef(XSD_NS + "anyURI")
    assert set(g.objects(person, URIRef(KG + "names"))) == {Literal("张三"), Literal("张叁")}
    lines = {lit.datatype for lit in g.objects(None, URIRef(KG + "line"))}
    assert lines == {URIRef(XSD_NS + "integer")}
    loaded = next(g.objects(None, URIRef(KG + "loadedAt")))
    assert loaded.datatype == URIRef(XSD_NS + "dateTime") and str(loaded).endswith("+00:00")


def test_relationship_properties_are_reified_on_statements():
    g = _sample_rdf()
    shares = {(str(g.value(s, URIRef(KG + "shareRatio"))), str(g.value(s, RDF.subject)))
              for s in g.subjects(RDF.predicate, URIRef(KG + "shareholderOf"))}
    assert shares == {("0.35", ENTITY + "P-0001"), ("0.05", ENTITY + "P-0001"),
                      ("0.6", ENTITY + "O-0002")}
    # a relationship without properties is the direct triple only
    triples = relationship_triples(URIRef(ENTITY + "P-1"), "SPOUSE_OF", {},
                                   URIRef(ENTITY + "P-2"))
    assert triples == [(URIRef(ENTITY + "P-1"), URIRef(KG + "spouseOf"), URIRef(ENTITY + "P-2"))]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_every_format_parses_back_to_the_same_graph(fmt, tmp_path):
    g = _sample_rdf()
    path = tmp_path / f"sample.{ {'turtle': 'ttl', 'ntriples': 'nt', 'jsonld': 'jsonld'}[fmt] }"
    assert write_rdf(g, path) == fmt
    back = Graph().parse(path, format=RDFLIB_FORMAT[fmt])
    assert isomorphic(g, back)


@pytest.mark.parametrize("writer, fmt", [(TurtleWriter, "turtle"), (NTriplesWriter, "nt")])
def test_streamed_writers_match_the_in_memory_graph(writer, fmt):
    nodes, rels = sample_graph()
    buf = io.StringIO()
    w = writer(buf)
    emit_subgraph(w, [(r, {"labels": lbl, **p}) for r, lbl, p in nodes],
                  [(a, b, {"type": t, **p}) for a, t, b, p in rels])
    w.close()
    back = Graph().parse(data=buf.getvalue(), format=fmt)
    assert isomorphic(back, _sample_rdf())
    assert "line one\\nline two\\ttabbed \\\\ backslash" in buf.getvalue()


def test_networkx_subgraph_is_the_same_rdf():
    assert isomorphic(networkx_to_rdf(sample_networkx()), _sample_rdf())


def test_graph_data_inverts_the_mapping():
    data = graph_data(_sample_rdf())
    nodes, rels = sample_graph()
    assert len(data.nodes) == len(nodes) and len(data.relationships) == len(rels)
    assert data.ignored_triples == 0
    person = data.nodes[ENTITY + "P-0001"]
    assert person.primary == "NaturalPerson" and person.key_value == "P-0001"
    assert person.props["birth_date"] == dt.date(1949, 12, 31)
    assert person.props["names"] == ["张三", "张叁"]
    assert data.nodes[ENTITY + "P-0003"].props["names"] == ["王五"]  # single-element list kept
    org = data.nodes[ENTITY + "O-0001"]
    assert org.labels == ["Enterprise", "LegalPerson"]
    assert org.props["reg_capital"] == 5_000_000.0
    legal_rep = [r for r in data.relationships if r.type == "LEGAL_REPRESENTATIVE_OF"]
    assert legal_rep[0].props["record_keys"] == ["市场监管局:E-1"]
    mentions = sorted(r.props["start"] for r in data.relationships if r.type == "MENTIONS")
    assert mentions == [10, 20]


def test_a_node_without_its_key_is_refused():
    with pytest.raises(RdfMappingError, match="no identifying key"):
        subgraph_to_rdf([("x", {"labels": ["NaturalPerson"], "name": "无标识"})], [])
    with pytest.raises(RdfMappingError, match="not in the subgraph"):
        subgraph_to_rdf([("x", {"labels": ["NaturalPerson"], "entity_id": "P-9"})],
                        [("x", "y", {"type": "SPOUSE_OF"})])


def test_undeclared_names_survive_export_but_are_refused_on_import():
    g = subgraph_to_rdf([("x", {"labels": ["NaturalPerson", "Alien"], "entity_id": "P-9",
                                "nickname": "九"})], [])
    assert any("undeclared/label/Alien" in str(o) for o in g.objects(None, RDF.type))
    with pytest.raises(RdfMappingError, match="declares no label 'Alien'"):
        graph_data(g)


def test_relationship_to_an_undescribed_node_is_refused():
    g = Graph()
    g.add((URIRef(ENTITY + "P-1"), RDF.type, URIRef(KG + "NaturalPerson")))
    g.add((URIRef(ENTITY + "P-1"), URIRef(KG + "spouseOf"), URIRef(ENTITY + "P-2")))
    with pytest.raises(RdfMappingError, match="does not describe"):
        graph_data(g)
    # the key comes from the IRI when the property triple is absent
    g.add((URIRef(ENTITY + "P-2"), RDF.type, URIRef(KG + "NaturalPerson")))
    assert graph_data(g).nodes[ENTITY + "P-2"].props == {"entity_id": "P-2"}


def test_mapping_names_come_from_the_ontology():
    m = rdf_mapping()
    assert m.templates["NaturalPerson"].key == "entity_id"
    assert m.templates["SourceRecord"].key == "record_key"
    assert m.templates["Department"].key == "name"
    assert m.templates["AdministrativeDivision"].key == "code"
    assert {"names", "phones", "addresses", "record_keys"} <= m.multi_valued
    assert serialize(_sample_rdf(), "ttl").startswith("@prefix")  # alias accepted
    with pytest.raises(ValueError, match="unknown RDF format"):
        serialize(_sample_rdf(), "rdfxml")


def _literals(props: dict) -> set[tuple[str, str, str | None]]:
    iri = ENTITY + "O-9"
    g = subgraph_to_rdf([("o", {"labels": ["LegalPerson"], "entity_id": "O-9", **props})], [])
    return {(str(p)[len(KG):], str(o), str(o.datatype)[len(XSD_NS):] if o.datatype else None)
            for p, o in g.predicate_objects(URIRef(iri)) if isinstance(o, Literal)
            and str(p)[len(KG):] not in ("entityId",)}


@pytest.mark.parametrize(("props", "expected"), [
    ({"established_date": "2015-06-01"}, {("establishedDate", "2015-06-01", "date")}),
    ({"established_date": "1990-13-45"}, {("establishedDate", "1990-13-45", None)}),
    ({"birth_date": dt.date(1949, 12, 31)}, {("birthDate", "1949-12-31", "date")}),
    ({"started_at": "2024-01-01T10:30:00+00:00"},
     {("startedAt", "2024-01-01T10:30:00+00:00", "dateTime")}),
    ({"completed_at": "2024-01-01 10:30:05"},
     {("completedAt", "2024-01-01T10:30:05", "dateTime")}),
    ({"at": "yesterday"}, {("at", "yesterday", None)}),
    ({"reg_capital": "200万元"},
     {("regCapitalAmount", "2000000.0", "decimal"), ("regCapitalCurrency", "CNY", None)}),
    ({"reg_capital": "5000万美元"},
     {("regCapitalAmount", "50000000.0", "decimal"), ("regCapitalCurrency", "USD", None)}),
    ({"reg_capital": 5_000_000.0},
     {("regCapitalAmount", "5000000.0", "decimal"), ("regCapitalCurrency", "CNY", None)}),
    ({"reg_capital": "lots"}, {("regCapitalText", "lots", None)}),
], ids=["date-text", "not-a-date", "date", "datetime-offset", "datetime-space", "not-a-time",
        "wan-yuan", "wan-dollars", "number", "unreadable"])
def test_literals_are_typed_as_the_ontology_says(props, expected):
    assert _literals(props) == expected


def test_money_reads_back_as_the_graph_value():
    nodes = [(ref, {"labels": ["LegalPerson"], "entity_id": ref, "reg_capital": value})
             for ref, value in (("A", "200万元"), ("B", "lots"), ("C", "1000 USD"))]
    data = graph_data(subgraph_to_rdf(nodes, []))
    assert {n.key_value: n.props["reg_capital"] for n in data.nodes.values()} == {
        "A": 2_000_000.0, "B": "lots", "C": "1000.0 USD"}
