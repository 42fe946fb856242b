"""A load written from Spark partitions with the Neo4j Connector for Apache Spark is exactly
the graph the driver writes; writing it again changes nothing; a reload whose linking moved
records removes their old REFERS_TO (the MERGE forms); a step the manifest has done is not
written again."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "graph"))

from graphstore_frames import generated  # noqa: E402
from graphstore_snapshot import count, snapshot  # noqa: E402

from graph.admin import reset_database  # noqa: E402
from graph.store import write_graph  # noqa: E402
from graph.store.manifest import open_manifest  # noqa: E402
from ontology.schema import labels, rels  # noqa: E402

PERSONS, ORGS = 1500, 300
LARGE_STEPS = ["entities:person", "entities:organization", "records:person",
               "records:organization"]


@pytest.fixture(scope="module")
def load():
    return generated(PERSONS, ORGS)


def test_spark_writes_what_the_driver_writes_and_again_changes_nothing(graph_db, spark, load):
    driver, database = graph_db
    ingested, linked = load
    by_driver = write_graph(driver, database, ingested, linked, progress=False, bulk="never")
    expected = snapshot(driver, database, drop_times=True)
    assert by_driver.spark_steps == []

    reset_database(driver, database)
    from_spark = write_graph(driver, database, ingested, linked, progress=False, spark=spark)
    assert snapshot(driver, database, drop_times=True) == expected
    relation_steps = sorted(s for s in by_driver.step_seconds if s.startswith("relations:"))
    assert from_spark.spark_steps == LARGE_STEPS + relation_steps
    assert ("written from Spark (the connector counts nothing, so not above): "
            + ", ".join(from_spark.spark_steps)) in from_spark.lines()

    before = snapshot(driver, database)
    write_graph(driver, database, ingested, linked, progress=False, spark=spark)
    assert snapshot(driver, database) == before


def test_a_reload_from_spark_moves_records_to_their_new_entity(graph_db, spark, load):
    driver, database = graph_db
    ingested, linked = load
    write_graph(driver, database, ingested, linked, progress=False, spark=spark)
    clusters = linked.clusters
    persons = clusters[clusters["entity_type"] == "person"]
    moved = persons.index[0]
    new_id = persons["entity_id"].iloc[1]
    assert new_id != persons.loc[moved, "entity_id"]
    linked.clusters = clusters.copy()
    linked.clusters.loc[moved, "entity_id"] = new_id
    try:
        write_graph(driver, database, ingested, linked, batch_id="moved", progress=False,
                    spark=spark)
    finally:
        linked.clusters = clusters
    record = f"{persons.loc[moved, 'department']}:{persons.loc[moved, 'record_id']}"
    query = (f"MATCH (:{labels.SourceRecord} {{record_key: $key}})-[:{rels.REFERS_TO}]->(e) "
             "RETURN collect(e.entity_id)")
    assert driver.execute_query(query, key=record, database_=database).records[0][0] == [new_id]


def test_a_done_step_is_not_written_again(graph_db, spark, load):
    driver, database = graph_db
    ingested, linked = load
    manifest = open_manifest(driver, database, "cut-short", 5_000)
    manifest.mark_step_done(driver, database, "records:person")
    summary = write_graph(driver, database, ingested, linked, batch_id="cut-short",
                          progress=False, spark=spark)
    assert "records:person" not in summary.spark_steps
    assert count(driver, database, f"MATCH (r:{labels.SourceRecord}) "
                 "WHERE r.entity_type = 'person' RETURN count(r)") == 0
    assert count(driver, database, f"MATCH (r:{labels.SourceRecord}) "
                 "WHERE r.entity_type = 'organization' RETURN count(r)") == len(
        linked.clusters[linked.clusters["entity_type"] == "organization"])
