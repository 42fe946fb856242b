"""A load killed mid-way (SIGKILL to the writer process) and run again ends identical to an
uninterrupted load: same nodes, relationships and properties, nothing duplicated."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from graphstore_frames import generated
from graphstore_snapshot import count, snapshot

from graph.admin import reset_database
from graph.store import write_graph
from ontology.schema import labels, props

WORKER = Path(__file__).with_name("graphstore_load_worker.py")
PERSONS, ORGS, CHUNK = 6000, 1200, 400


def _manifest(driver, database):
    rows = driver.execute_query(
        f"MATCH (b:{labels.LoadBatch}) RETURN b.{props.status} AS status, "
        f"b.{props.step} AS step, b.{props.chunks_done} AS chunks, "
        f"b.{props.steps_done} AS done", database_=database).records
    return rows[0] if rows else None


def test_killed_load_resumes_to_the_same_graph(graph_db):
    driver, database = graph_db
    worker = subprocess.Popen([sys.executable, str(WORKER), str(PERSONS), str(ORGS),
                               str(CHUNK)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=os.environ.copy())
    deadline = time.monotonic() + 240
    killed_at = None
    while time.monotonic() < deadline and worker.poll() is None:
        state = _manifest(driver, database)
        if state and state["step"] == "records:person" and (state["chunks"] or 0) >= 2:
            worker.send_signal(signal.SIGKILL)
            killed_at = dict(state)
            break
        time.sleep(0.05)
    worker.wait(timeout=60)
    assert killed_at is not None, "the load finished or stalled before it could be killed: " \
        + worker.stderr.read().decode()[-500:]
    assert worker.returncode == -signal.SIGKILL
    partial = count(driver, database, f"MATCH (r:{labels.SourceRecord}) RETURN count(r)")
    assert 0 < partial < PERSONS + ORGS

    ingested, linked = generated(PERSONS, ORGS)
    resumed = write_graph(driver, database, ingested, linked, progress=False,
                          chunk_size=CHUNK)
    assert resumed.resumed
    assert _manifest(driver, database)["status"] == "complete"
    after_resume = snapshot(driver, database, drop_times=True)
    # one load time per batch, even across the two processes
    assert count(driver, database, f"MATCH (r:{labels.SourceRecord}) "
                 f"RETURN count(DISTINCT r.{props.loaded_at})") == 1

    reset_database(driver, database)
    straight = write_graph(driver, database, ingested, linked, progress=False,
                           chunk_size=CHUNK)
    assert straight.batch == resumed.batch and not straight.resumed
    assert snapshot(driver, database, drop_times=True) == after_resume
    assert count(driver, database, f"MATCH (r:{labels.SourceRecord}) RETURN count(r)") \
        == PERSONS + ORGS
