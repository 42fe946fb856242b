"""A ``--hops`` RDF export carries the department of every record it holds, even when the
department lies beyond the hops (entity -> record is one hop, record -> department two)."""

from __future__ import annotations

from conform_graph import HRSS, PSB, export_graph, write_conform_case
from rdflib import RDF, URIRef

from graph.rdf_io import export_rdf
from ontology.rdf_mapping import minted_code
from ontology.validation import validate

KG = "https://w3id.org/kglink/ontology#"
DEPARTMENT = "https://w3id.org/kglink/id/department/D"


def _of_class(g, name: str) -> set[str]:
    return {str(s) for s in g.subjects(RDF.type, URIRef(KG + name))}


def test_one_hop_export_includes_the_records_departments(graph_db):
    driver, database = graph_db
    write_conform_case(driver, database)
    g = export_graph(driver, database, entity_ids=["P1"], hops=1)
    records = _of_class(g, "SourceRecord")
    assert len(records) == 2
    departments = {DEPARTMENT + minted_code(name) for name in (PSB, HRSS)}
    assert _of_class(g, "Department") == departments
    from_department = {(str(g.value(URIRef(r), URIRef(KG + "department"))), str(o))
                       for r in records for o in g.objects(URIRef(r), URIRef(KG + "fromDepartment"))}
    assert from_department == {(PSB, DEPARTMENT + minted_code(PSB)),
                               (HRSS, DEPARTMENT + minted_code(HRSS))}
    report = validate(g)
    assert report.messages == []


def test_hops_zero_exports_the_entity_alone(graph_db):
    driver, database = graph_db
    write_conform_case(driver, database)
    g = export_graph(driver, database, entity_ids=["P1"], hops=0)
    assert _of_class(g, "SourceRecord") == set() and _of_class(g, "Department") == set()
    assert _of_class(g, "NaturalPerson") == {"https://w3id.org/kglink/id/entity/P1"}


def test_export_stats_count_the_added_departments(graph_db, tmp_path):
    driver, database = graph_db
    write_conform_case(driver, database)
    stats = export_rdf(driver, database, tmp_path / "p1.nt", entity_ids=["P1"], hops=1,
                       progress=False)
    # P1, its two records, its division, its identifier (one ID number in both records) and
    # the two departments of those records
    assert stats.nodes == 7
