"""BatchWriter against the real Neo4j: create-only chunks written by concurrent
transactions land exactly once, and a chunk checkpoint never moves a step backwards."""

from __future__ import annotations

import pandas as pd
from graphstore_snapshot import count

from graph.client import write
from graph.ontology_store import apply_schema
from graph.store import cypher
from graph.store.batches import WRITERS, BatchWriter
from graph.store.fields import entity_fields, entity_uri
from graph.store.manifest import open_manifest
from ontology.schema import labels, props


def _entities(n: int) -> pd.DataFrame:
    ids = [f"P{i:04d}" for i in range(n)]
    frame = pd.DataFrame({"entity_id": ids, "uri": [entity_uri(i) for i in ids],
                          "division": None})
    for key in entity_fields("person"):
        frame[key] = None
    frame[props.name] = [f"name {i}" for i in range(n)]
    return frame


def test_create_only_chunks_in_concurrent_transactions_write_every_row_once(graph_db):
    driver, database = graph_db
    apply_schema(driver, database)
    statement = cypher.entities("person", fresh=True)
    assert isinstance(statement, cypher.CreateOnly) and WRITERS > 1
    manifest = open_manifest(driver, database, "Bbatches", chunk_size=7)
    writer = BatchWriter(driver, database, manifest, chunk_size=7, progress=False)
    writer.write("entities:person", statement, _entities(101))

    assert writer.counts["nodes_created"] == 101
    assert count(driver, database, f"MATCH (e:{labels.NaturalPerson}) "
                 f"RETURN count(DISTINCT e.{props.entity_id})") == 101
    assert count(driver, database, f"MATCH (e:{labels.NaturalPerson}) RETURN count(e)") == 101
    assert manifest.steps_done == ["entities:person"]


def test_a_chunk_checkpoint_never_moves_a_step_backwards(graph_db):
    driver, database = graph_db
    manifest = open_manifest(driver, database, "Bcheckpoint", chunk_size=10)

    def checkpoint(step: str, chunks_done: int) -> tuple[str, int]:
        write(driver, database, cypher.manifest_chunk(),
              {"batch": manifest.batch, "step": step, "chunks_done": chunks_done})
        row = driver.execute_query(
            f"MATCH (b:{labels.LoadBatch} {{{props.batch}: $batch}}) "
            f"RETURN b.{props.step} AS step, b.{props.chunks_done} AS chunks",
            batch=manifest.batch, database_=database).records[0]
        return row["step"], row["chunks"]

    assert checkpoint("records:person", 5) == ("records:person", 5)
    # a later chunk that committed first claimed 5; an earlier one claiming 4 keeps 5
    assert checkpoint("records:person", 4) == ("records:person", 5)
    assert checkpoint("records:person", 6) == ("records:person", 6)
    # a new step starts from its own claim
    assert checkpoint("records:organization", 1) == ("records:organization", 1)
