"""Identifier nodes in RDF: a whole-graph export holds them as adms:Identifier (through
kg:Identifier) with the exact notations (skos:notation through kg:notation); a masked
export holds none of the ID numbers and still conforms; SHACL reports a GB 11643 notation
with a wrong check digit unless the identifier is flagged invalid."""

from __future__ import annotations

import io

from identifier_case import CREDIT, ID_A, ID_B, ID_BAD, PERSON_ROWS, REG, identifier_case
from rdflib import Graph, Literal, Namespace

from graph.admin import reset_database
from graph.rdf_io import export_rdf, import_rdf
from graph.store import write_graph
from graph.store.identifier_rows import identifier_key
from ontology.rdf import subgraph_to_rdf
from ontology.schema import ontology_graph
from ontology.validation import validate

KG = Namespace("https://w3id.org/kglink/ontology#")
NOTATIONS = """
    PREFIX adms: <http://www.w3.org/ns/adms#>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?notation WHERE {
        ?x a/rdfs:subClassOf* adms:Identifier ; ?p ?notation .
        ?p rdfs:subPropertyOf* skos:notation .
    }"""
CHECKSUM_EN = ("the ID number fails its GB 11643 check digit (and is not flagged kg:idValid "
               "or kg:identifierValid false)")


def _store(driver, database) -> None:
    """The hand-made case without its masked person: an entity whose only ID number is a
    masked one fails the entity shape (kg:idNumber pattern), which is no identifier's."""
    unmasked = [row for row in PERSON_ROWS if "*" not in row[3]]
    write_graph(driver, database, *identifier_case(unmasked), progress=False, bulk="never")


def _export(driver, database, mask: bool) -> str:
    buf = io.StringIO()
    export_rdf(driver, database, buf, "turtle", progress=False, mask=mask)
    return buf.getvalue()


def test_an_export_holds_identifiers_with_their_notations(graph_db):
    driver, database = graph_db
    _store(driver, database)
    data = Graph().parse(data=_export(driver, database, mask=False), format="turtle")
    with_ontology = data + ontology_graph()
    notations = sorted(str(row[0]) for row in with_ontology.query(NOTATIONS))
    assert notations == sorted([ID_A, ID_B, ID_BAD, CREDIT, REG])
    bad = next(data.subjects(KG.notation, Literal(ID_BAD)))
    assert str(bad).endswith("/identifier/" + identifier_key("id_number", ID_BAD))
    assert data.value(bad, KG.identifierValid) == Literal(False)
    assert data.value(bad, KG.identifierScheme) == Literal("id_number")
    assert str(data.value(bad, KG.issuedIn)).endswith("/division/430103")
    report = validate(data)
    assert report.conforms, report.messages


def test_a_masked_export_holds_no_id_number_and_conforms(graph_db):
    driver, database = graph_db
    _store(driver, database)
    text = _export(driver, database, mask=True)
    assert not [number for number in (ID_A, ID_B, ID_BAD) if number in text]
    data = Graph().parse(data=text, format="turtle")
    assert set(data.objects(None, KG.notation)) == set()
    assert sorted(str(n) for n in data.objects(None, KG.notationMasked)) == sorted(
        [ID_A[:3] + "*" * 13 + ID_A[-2:], ID_B[:3] + "*" * 13 + ID_B[-2:],
         ID_BAD[:3] + "*" * 13 + ID_BAD[-2:], CREDIT[:3] + "*" * 13 + CREDIT[-2:],
         REG[:3] + "*" * 10 + REG[-2:]])
    assert len(set(data.subjects(KG.identifierKey, None))) == 5
    report = validate(data)
    assert report.conforms, report.messages


def _identifier(notation: str, **extra):
    key = identifier_key("id_number", notation)
    return (key, {"labels": ["Identifier"], "identifier_key": key, "scheme": "id_number",
                  "notation": notation, **extra})


def test_shacl_flags_a_bad_check_digit_not_marked_invalid():
    flagged = validate(subgraph_to_rdf([_identifier(ID_BAD, valid=True),
                                        _identifier(ID_A, valid=True)], []))
    assert [v.message for v in flagged.violations] == [CHECKSUM_EN]
    assert [v.value for v in flagged.violations] == [f"'{ID_BAD}'"]
    assert validate(subgraph_to_rdf([_identifier(ID_BAD, valid=False)], [])).conforms
    assert validate(subgraph_to_rdf([_identifier(ID_BAD)], [])).violations[0].message == \
        CHECKSUM_EN


def test_shacl_requires_a_notation_and_a_listed_scheme():
    key = identifier_key("id_number", ID_A)
    bare = validate(subgraph_to_rdf([(key, {"labels": ["Identifier"], "identifier_key": key,
                                            "scheme": "passport"})], []))
    assert sorted(v.path or "" for v in bare.violations) == ["", "kg:identifierScheme"]


IDENTIFIER_PICTURE = ("MATCH (x:Identifier) OPTIONAL MATCH (a)-[r:IDENTIFIED_BY|ISSUED_IN]-(x) "
                      "WITH x, collect([type(r), coalesce(a.entity_id, a.record_key, a.code)]) "
                      "AS ends RETURN properties(x) AS props, ends")


def _identifier_picture(driver, database) -> list:
    return sorted((sorted(r["props"].items()), sorted(r["ends"])) for r in
                  driver.execute_query(IDENTIFIER_PICTURE, database_=database).records)


def test_identifiers_survive_a_round_trip_through_rdf(graph_db, tmp_path):
    driver, database = graph_db
    _store(driver, database)
    before = _identifier_picture(driver, database)
    assert len(before) == 5 and sum(len(ends) for _, ends in before) == 17
    export_rdf(driver, database, tmp_path / "graph.nt", progress=False)
    reset_database(driver, database)
    import_rdf(driver, database, tmp_path / "graph.nt")
    assert _identifier_picture(driver, database) == before
