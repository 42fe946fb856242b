"""Department IRIs are minted codes, not names: the sources give a department only its name,
so its IRI is ``.../department/D`` + the first 12 hex digits of the name's SHA-256."""

from __future__ import annotations

import hashlib
import io

import pytest
from rdflib import Graph, Literal, URIRef

from graph.rdf_io import export_rdf, import_rdf
from ontology.rdf import subgraph_to_rdf
from ontology.rdf_mapping import RdfMappingError, graph_data, minted_code, rdf_mapping
from tests.ontology.onto_sample_graph import PSB, SAMR, TAX, write_sample_graph

DEPARTMENT = "https://w3id.org/kglink/id/department/"
KG = "https://w3id.org/kglink/ontology#"
EXPECTED = {name: DEPARTMENT + "D" + hashlib.sha256(name.encode()).hexdigest()[:12].upper()
            for name in (PSB, SAMR, TAX)}


def test_minted_codes_are_exact():
    assert {name: minted_code(name) for name in (PSB, SAMR, TAX)} == {
        PSB: "0D8D145EDA2F", SAMR: "46AC5402B5D3", TAX: "7E222E24E693"}
    assert EXPECTED[PSB] == DEPARTMENT + "D0D8D145EDA2F"
    template = rdf_mapping().templates["Department"]
    assert (template.prefix, template.key, template.minted) == (DEPARTMENT + "D", "name", True)
    assert template.value(EXPECTED[PSB]) is None  # a code has no inverse: import reads kg:name


def _department_graph() -> Graph:
    return subgraph_to_rdf(
        [("d", {"labels": ["Department"], "name": PSB}),
         ("r", {"labels": ["SourceRecord"], "record_key": f"{PSB}:R1", "department": PSB})],
        [("r", "d", {"type": "FROM_DEPARTMENT"})])


def test_a_department_is_named_by_its_code_and_keeps_its_name():
    g = _department_graph()
    dept = URIRef(EXPECTED[PSB])
    assert (dept, URIRef(KG + "name"), Literal(PSB)) in g
    assert set(g.objects(None, URIRef(KG + "fromDepartment"))) == {dept}
    assert not [s for s in g.all_nodes() if "department/%" in str(s)]  # no name in any IRI
    data = graph_data(g)
    assert data.nodes[EXPECTED[PSB]].props == {"name": PSB}
    g.remove((dept, URIRef(KG + "name"), None))
    with pytest.raises(RdfMappingError, match=f"^{EXPECTED[PSB]}: a Department needs name$"):
        graph_data(g)


def test_exported_departments_have_exact_iris_and_import_back(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    buf = io.StringIO()
    export_rdf(driver, database, buf, "nt", progress=False)
    g = Graph().parse(data=buf.getvalue(), format="nt")
    departments = {str(s): str(o) for s, o in g.subject_objects(URIRef(KG + "name"))
                   if str(s).startswith(DEPARTMENT)}
    assert departments == {iri: name for name, iri in EXPECTED.items()}
    import_rdf(driver, database, "again.nt", data=buf.getvalue())  # merged on name: no copies
    names = driver.execute_query("MATCH (d:Department) RETURN d.name AS n ORDER BY n",
                                 database_=database).records
    assert [r["n"] for r in names] == sorted([PSB, SAMR, TAX])
