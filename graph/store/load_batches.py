"""Loads as the graph knows them (LoadBatch nodes), beyond the write manifest: the one
batch-id scheme, a batch's status, and the linking model a load applied, which later runs
and services reuse."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from graph.client import read, write
from graph.cypher_names import quote
from graph.store import cypher
from graph.store.plan import row_hashes
from linking.kglink_home import kglink_home
from ontology.schema import labels, props

if TYPE_CHECKING:
    from neo4j import Driver

    from linking.model import ModelSet


def batch_id(ingested, linking_inputs: str = "") -> str:
    """The batch id of a load: ``B`` + a digest of everything ingested (persons,
    organisations, relations) and of ``linking_inputs`` (what else decides the linking:
    settings, judgments, whether to refit). The same input gives the same batch, so a run
    cut short resumes and a finished one is re-applied."""
    h = hashlib.sha1()
    for name in ("persons", "organizations", "relations"):
        frame = getattr(ingested, name, None)
        if frame is not None and len(frame):
            h.update(name.encode())
            h.update(",".join(map(str, frame.columns)).encode())
            h.update(row_hashes(frame))
    h.update(linking_inputs.encode())
    return "B" + h.hexdigest()[:16]


def read_link_model(driver: Driver, database: str) -> ModelSet | None:
    """The ModelSet the latest completed load applied (None before any load kept one)."""
    from linking.model import ModelSet

    rows = read(driver, database, cypher.latest_link_model())
    if not rows:
        return None
    return ModelSet.from_dict(json.loads(rows[0][0]), f"the graph's link model ({database})")


def latest_load(driver: Driver, database: str) -> str | None:
    """The batch id of the latest completed load (None before any): what a resolver built
    now would see, so a service can tell when its in-memory index is out of date."""
    rows = read(driver, database, cypher.latest_complete_batch())
    return rows[0][0] if rows else None


def keep_link_model(driver: Driver, database: str, batch: str, models: ModelSet) -> None:
    """Keep the model a load applied on its LoadBatch node, for later runs and services."""
    write(driver, database, cypher.keep_link_model(), {"batch": batch, "model": models.to_json()})


def batch_status(driver: Driver, database: str, batch: str) -> str | None:
    """The LoadBatch status of ``batch`` (None when the graph has never seen it)."""
    query = (f"MATCH (b:{quote(labels.LoadBatch)} {{{quote(props.batch)}: $batch}}) "
             f"RETURN b.{quote(props.status)} AS status")
    rows = read(driver, database, query, {"batch": batch})
    return rows[0][0] if rows else None


class LoadInProgress(RuntimeError):
    """Another process holds the load lock: it is loading into the graph now."""


@contextmanager
def load_lock(batch: str) -> Iterator[None]:
    """Hold ``$KGLINK_HOME/loads/load.lock`` while ``batch`` loads. A second run started
    meanwhile (of the same batch or another: both would plan entities from the same graph)
    stops at once with a one-line ``LoadInProgress`` naming the batch and pid that hold it,
    instead of racing the first into constraint violations. The kernel releases the lock
    when its process dies, so a killed run never blocks the re-run that resumes it."""
    path = kglink_home() / "loads" / "load.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").split() or ["?", "?"]
            raise LoadInProgress(
                f"another kglink run is loading batch {holder[-1]} (pid {holder[0]}); wait "
                "for it to finish, then run again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {batch}\n".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)
