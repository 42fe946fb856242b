"""The first load of an empty local graph through ``neo4j-admin database import`` writes
exactly the graph the Cypher path writes, later loads go through Cypher unchanged, and a
database swap cut short finishes on the next server start."""

from __future__ import annotations

import os

import pytest
from graphstore_frames import generated
from graphstore_snapshot import count, snapshot

from graph.admin import reset_database
from graph.local_server import SWAP_MARKER, LocalNeo4j
from graph.store import write_graph
from graph.store.bulk_import import STAGING_DATABASE, forget_replaced_store, should_bulk_import
from graph.store.identifier_rows import identifier_rows
from graph.store.import_files import write_import_files
from graph.store.plan import plan_graph
from ontology.schema import labels, rels

pytestmark = pytest.mark.skipif(bool(os.environ.get("NEO4J_URI")),
                                reason="the importer needs kglink's own local server")

PERSONS, ORGS = 1500, 300


def test_import_writes_what_cypher_writes_and_reruns_change_nothing(graph_db):
    driver, database = graph_db
    ingested, linked = generated(PERSONS, ORGS)
    online = write_graph(driver, database, ingested, linked, progress=False, bulk="never")
    assert not online.bulk_import
    expected = snapshot(driver, database, drop_times=True)

    reset_database(driver, database)
    imported = write_graph(driver, database, ingested, linked, progress=False, bulk="always")
    assert imported.bulk_import
    assert snapshot(driver, database, drop_times=True) == expected
    nodes, relationships = expected  # LoadBatch is a node of the graph, not of the load
    identifiers = identifier_rows(plan_graph(ingested, linked).records).nodes
    assert len(identifiers) > 0
    assert sum(key.startswith(f"{labels.Identifier}:") for key in nodes) == len(identifiers)
    assert sum(rel[1] == rels.IDENTIFIED_BY for rel in relationships) > len(identifiers)
    assert imported.nodes_created == online.nodes_created == len(nodes) - 1
    assert imported.relationships_created == online.relationships_created == len(relationships)

    before = snapshot(driver, database)
    again = write_graph(driver, database, ingested, linked, progress=False)
    assert not again.bulk_import
    assert (again.nodes_created, again.nodes_deleted, again.relationships_created,
            again.relationships_deleted, again.records_changed) == (0, 0, 0, 0, 0)
    assert snapshot(driver, database) == before


def test_always_refuses_a_graph_that_has_nodes(graph_db):
    driver, database = graph_db
    ingested, linked = generated(200, 40)
    write_graph(driver, database, ingested, linked, progress=False, bulk="never")
    with pytest.raises(ValueError, match="only fills an empty graph"):
        should_bulk_import(driver, database, plan_graph(ingested, linked), "always")
    assert not should_bulk_import(driver, database, plan_graph(ingested, linked), "auto")


def test_a_swap_cut_short_finishes_on_the_next_start(graph_db, tmp_path):
    driver, database = graph_db
    ingested, linked = generated(300, 60)
    plan = plan_graph(ingested, linked)
    files = write_import_files(plan, tmp_path / "csv", "Btest", "2026-01-01T00:00:00+00:00")
    server = LocalNeo4j.from_env()
    server.import_database(STAGING_DATABASE, files.arguments(), tmp_path / "report")
    server.stop()
    # cut the swap short after its first rename: the served store is moved aside, the
    # staging store not yet in place
    (server.home / SWAP_MARKER).write_text(f"{STAGING_DATABASE}\n{database}\n")
    stores = server.data_dir / "databases"
    (stores / database).rename(stores / (database + ".replaced"))
    server.start()
    forget_replaced_store(driver, database)
    assert not (server.home / SWAP_MARKER).exists()
    assert not (stores / STAGING_DATABASE).exists()
    records = count(driver, database, f"MATCH (r:{labels.SourceRecord}) RETURN count(r)")
    entities = count(driver, database, f"MATCH (e:{labels.NaturalPerson}) RETURN count(e)")
    assert records == sum(len(f) for f in plan.records.values())
    assert entities == len(plan.entities["person"])
