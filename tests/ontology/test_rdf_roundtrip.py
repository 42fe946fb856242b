"""Against the real Neo4j: export matches the mapping, demo graph -> RDF -> empty database ->
RDF is isomorphic, import is idempotent, subgraphs, paging and bad input."""

from __future__ import annotations

import io

import pytest
from onto_sample_graph import ENTITY, sample_graph, write_sample_graph
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.admin import reset_database
from graph.rdf_io import export_rdf, import_rdf
from ontology.declared import undeclared_in_rdf
from ontology.rdf import subgraph_to_rdf
from ontology.rdf_mapping import RdfMappingError
from ontology.validation import validate

RDFLIB_FORMAT = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}


def _export(driver, database, fmt="turtle", **kw) -> tuple[str, Graph]:
    buf = io.StringIO()
    export_rdf(driver, database, buf, fmt, progress=False, **kw)
    return buf.getvalue(), Graph().parse(data=buf.getvalue(), format=RDFLIB_FORMAT[fmt])


def _counts(driver, database) -> tuple[int, int]:
    nodes = driver.execute_query("MATCH (n) RETURN count(n) AS c", database_=database)
    rels = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS c", database_=database)
    return nodes.records[0]["c"], rels.records[0]["c"]


def _expected() -> Graph:
    nodes, rels = sample_graph()
    return subgraph_to_rdf([(r, {"labels": lbl, **p}) for r, lbl, p in nodes],
                           [(a, b, {"type": t, **p}) for a, t, b, p in rels])


def test_export_is_the_mapping_of_what_is_stored(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    _, exported = _export(driver, database)
    assert isomorphic(exported, _expected())
    assert undeclared_in_rdf(exported) == []
    report = validate(exported)
    assert report.conforms, report.messages


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_round_trip_through_an_empty_database_is_isomorphic(graph_db, fmt):
    driver, database = graph_db
    write_sample_graph(driver, database)
    text, first = _export(driver, database, fmt)
    before = _counts(driver, database)
    reset_database(driver, database)
    assert _counts(driver, database) == (0, 0)
    stats = import_rdf(driver, database, f"sample.{fmt}", fmt, data=text, batch_size=4)
    assert (stats.nodes, stats.relationships, stats.ignored_triples) == (*before, 0)
    _, second = _export(driver, database, fmt)
    assert isomorphic(first, second)
    assert _counts(driver, database) == before


def test_relationship_properties_and_types_survive(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    text, _ = _export(driver, database, "ntriples")
    reset_database(driver, database)
    import_rdf(driver, database, "x.nt", data=text)
    rows = driver.execute_query(
        "MATCH (a {entity_id: 'P-0001'})-[r:SHAREHOLDER_OF]->(b {entity_id: 'O-0001'}) "
        "RETURN r.share_ratio AS ratio, r.start_date AS start, r.end_date AS end "
        "ORDER BY ratio", database_=database).records
    assert [(r["ratio"], r["start"].iso_format(), r["end"] and r["end"].iso_format())
            for r in rows] == [(0.05, "2019-01-01", "2020-01-01"), (0.35, "2015-06-01", None)]
    rec = driver.execute_query(
        "MATCH (s:SourceRecord {record_key: $k})-[r:REFERS_TO]->(p) "
        "RETURN s.line AS line, s.loaded_at AS at, r.score AS score, r.evidence AS ev, "
        "p.entity_id AS id, p.birth_date AS bd, p.names AS names, p.id_valid AS valid",
        k="公安厅户籍:R001", database_=database).records[0]
    assert rec["line"] == 2 and rec["score"] == 1.0 and rec["id"] == "P-0001"
    assert rec["at"].iso_format().startswith("2024-01-01T10:30:00")
    assert '"id_number": 1.0' in rec["ev"] and rec["valid"] is True
    assert rec["bd"].iso_format() == "1949-12-31" and sorted(rec["names"]) == ["张三", "张叁"]
    labels = driver.execute_query("MATCH (n {entity_id: 'O-0001'}) RETURN labels(n) AS l",
                                  database_=database).records[0]["l"]
    assert sorted(labels) == ["Enterprise", "LegalPerson"]


def test_import_is_idempotent(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    text, first = _export(driver, database)
    before = _counts(driver, database)
    import_rdf(driver, database, "again.ttl", data=text)
    import_rdf(driver, database, "again.ttl", data=text)
    assert _counts(driver, database) == before
    assert isomorphic(_export(driver, database)[1], first)


def test_small_pages_give_the_same_export(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    assert isomorphic(_export(driver, database, page_size=2)[1], _export(driver, database)[1])


def test_subgraph_export_by_entity_and_hops(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    _, only = _export(driver, database, entity_ids=["P-0003"], hops=0)
    subjects = {str(s) for s in only.subjects() if str(s).startswith(ENTITY)}
    assert subjects == {ENTITY + "P-0003"}
    _, around = _export(driver, database, entity_ids=["P-0003"], hops=1)
    entities = {str(s) for s in around.subjects() if str(s).startswith(ENTITY)}
    assert entities == {ENTITY + "P-0003", ENTITY + "P-0001", ENTITY + "O-0003"}
    # relationships leaving the subgraph are left out
    assert all(str(o) in entities for o in around.objects() if str(o).startswith(ENTITY))
    with pytest.raises(ValueError, match="no entity with entity_id P-404"):
        _export(driver, database, entity_ids=["P-404"])


def test_nodes_without_their_key_are_counted_not_exported(graph_db):
    driver, database = graph_db
    write_sample_graph(driver, database)
    driver.execute_query("CREATE (:NaturalPerson {name: '无名'})", database_=database)
    stats = export_rdf(driver, database, io.StringIO(), "nt", progress=False)
    assert stats.skipped_nodes == 1 and stats.unnamed_labels == {"NaturalPerson": 1}
    assert stats.nodes == len(sample_graph()[0])


def test_bad_rdf_is_refused_before_anything_is_written(graph_db, tmp_path):
    driver, database = graph_db
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix kg: <https://w3id.org/kglink/ontology#> .\n"
                   "<https://w3id.org/kglink/id/entity/P-1> a kg:NaturalPerson ;\n"
                   "    kg:spouseOf <https://w3id.org/kglink/id/entity/P-2> .\n",
                   encoding="utf-8")
    with pytest.raises(RdfMappingError, match="does not describe"):
        import_rdf(driver, database, bad)
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(RdfMappingError, match="broken.ttl: not valid turtle"):
        import_rdf(driver, database, broken)
    assert _counts(driver, database) == (0, 0)
