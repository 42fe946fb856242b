"""The first load through ``neo4j-admin database import`` writes the same Identifier nodes,
IDENTIFIED_BY and ISSUED_IN links as the Cypher path, and a Cypher re-run over the
imported graph changes nothing."""

from __future__ import annotations

import os

import pytest
from identifier_case import identifier_case

from graph.admin import reset_database
from graph.store import write_graph

pytestmark = pytest.mark.skipif(bool(os.environ.get("NEO4J_URI")),
                                reason="the importer needs kglink's own local server")

PICTURE = ("MATCH (x:Identifier) OPTIONAL MATCH (a)-[:IDENTIFIED_BY]->(x) "
           "OPTIONAL MATCH (x)-[:ISSUED_IN]->(d) "
           "WITH x, collect(DISTINCT coalesce(a.entity_id, a.record_key)) AS owners, "
           "collect(DISTINCT d.code) AS issued "
           "RETURN properties(x) AS props, owners, issued ORDER BY x.identifier_key")


def _picture(driver, database):
    return [(sorted(r["props"].items()), sorted(r["owners"]), r["issued"])
            for r in driver.execute_query(PICTURE, database_=database).records]


def test_import_and_cypher_give_the_same_identifiers(graph_db):
    driver, database = graph_db
    online = write_graph(driver, database, *identifier_case(), progress=False, bulk="never")
    expected = _picture(driver, database)
    assert len(expected) == 5 and sum(len(owners) for _, owners, _ in expected) == 12

    reset_database(driver, database)
    imported = write_graph(driver, database, *identifier_case(), progress=False,
                           bulk="always")
    assert imported.bulk_import
    assert _picture(driver, database) == expected
    assert imported.nodes_created == online.nodes_created
    assert imported.relationships_created == online.relationships_created

    again = write_graph(driver, database, *identifier_case(), progress=False, batch_id="again")
    assert (again.nodes_created, again.relationships_created, again.nodes_deleted,
            again.relationships_deleted) == (0, 0, 0, 0)
