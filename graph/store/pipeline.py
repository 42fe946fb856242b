"""``kglink run``: ingest the sources, link them against the entities already in the graph,
and write the result — resuming a cut-short load of the same input without re-linking.

The batch id is a digest of the ingested input, so running the same sources again either
resumes (the batch's LoadBatch node says ``running``) or re-applies a finished batch (a
no-op). While a batch runs, its linking output is kept under
``$KGLINK_HOME/loads/<batch>/`` so that a resumed load writes exactly the clusters the
first attempt planned, even though the graph then holds part of the new assignment.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from graph.store import cypher
from graph.store.load_batches import batch_status, keep_link_model, read_link_model
from graph.store.plan import row_hashes
from graph.store.previous import read_previous_clusters
from graph.store.write import WriteSummary, write_graph

if TYPE_CHECKING:
    from neo4j import Driver


@dataclass
class SavedLink:
    """Linking output read back from a load's cache directory."""

    clusters: pd.DataFrame
    links: pd.DataFrame
    models: object = None


def input_digest(ingested) -> str:
    """A digest of everything ingested (persons, organisations, relations)."""
    h = hashlib.sha1()
    for name in ("persons", "organizations", "relations"):
        frame = getattr(ingested, name, None)
        if frame is not None and len(frame):
            h.update(name.encode())
            h.update(",".join(map(str, frame.columns)).encode())
            h.update(row_hashes(frame))
    return h.hexdigest()[:16]


def cache_dir(batch: str) -> Path:
    from graph.local_server import kglink_home

    return kglink_home() / "loads" / batch


def run_sources(spec_path: str | Path, driver: Driver, database: str,
                progress: bool = True, bulk: str = "auto", refit: bool = False
                ) -> tuple[WriteSummary, object]:
    """Ingest, link (ids kept stable against the graph) and write. Returns the write
    summary and the ingest result (for its report). ``bulk``: see ``write_graph``.

    Linking applies the model the graph keeps from the latest load (fitting one only
    when there is none, or when ``refit``), and the model applied is kept with the load.
    """
    from loaders.spec import load_spec

    spec = load_spec(spec_path)  # a bad spec fails here, before the heavier imports
    from loaders.ingest import ingest

    ingested = ingest(spec, progress=progress)
    if not any(len(getattr(ingested, n, [])) for n in ("persons", "organizations")):
        raise ValueError(f"{spec_path}: no person or organisation records were ingested")
    batch = "B" + input_digest(ingested)
    saved = cache_dir(batch)
    previous = None
    if batch_status(driver, database, batch) == cypher.RUNNING and \
            (saved / "model.json").exists():
        from linking.model import ModelSet

        linked = SavedLink(pd.read_parquet(saved / "clusters.parquet"),
                           pd.read_parquet(saved / "links.parquet"),
                           ModelSet.load(saved / "model.json"))
    else:
        from linking.engine import link

        previous = read_previous_clusters(driver, database)
        given = previous.drop(columns="record_key") if len(previous) else None
        models = None if refit else read_link_model(driver, database)
        linked = link(ingested, previous_clusters=given, progress=progress, models=models)
        saved.mkdir(parents=True, exist_ok=True)
        linked.clusters.to_parquet(saved / "clusters.parquet", index=False)
        linked.links.to_parquet(saved / "links.parquet", index=False)
        linked.models.save(saved / "model.json")  # written last: marks the cache complete
    summary = write_graph(driver, database, ingested, linked, batch_id=batch,
                          progress=progress, previous=previous, bulk=bulk)
    keep_link_model(driver, database, batch, linked.models)
    shutil.rmtree(saved, ignore_errors=True)
    return summary, ingested
