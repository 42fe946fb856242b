"""Batched, checkpointed writes: a frame is sent in column-wise chunks, each chunk in one
managed write transaction (the driver retries transient errors) together with its
manifest checkpoint."""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

import pandas as pd

from graph.store import cypher
from graph.store.manifest import Manifest
from graph.store.sessions import quiet_session

if TYPE_CHECKING:
    from neo4j import Driver

COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created",
            "relationships_deleted", "properties_set")


def columns_of(chunk: pd.DataFrame) -> dict[str, list[Any]]:
    """A frame chunk as column lists of plain Python values, None for missing."""
    out = {}
    for name in chunk.columns:
        values = chunk[name]
        mask = values.isna().to_numpy()
        listed = values.astype(object).to_numpy().tolist()
        out[name] = ([None if m else v for v, m in zip(listed, mask, strict=True)]
                     if mask.any() else listed)
    return out


class BatchWriter:
    """Writes frames step by step, skipping what the manifest says is already done."""

    def __init__(self, driver: Driver, database: str, manifest: Manifest, chunk_size: int,
                 progress: bool = True) -> None:
        self.driver, self.database = driver, database
        self.manifest, self.chunk_size, self.progress = manifest, chunk_size, progress
        self.counts: Counter[str] = Counter()
        self.changed_records = 0
        self.step_seconds: dict[str, float] = {}

    def write(self, step: str, statement: str, frame: pd.DataFrame,
              params: dict[str, Any] | None = None) -> None:
        """Write ``frame`` with ``statement`` in chunks, unless the step is done already."""
        if self.manifest.skip_step(step) or frame is None:
            return
        started = time.monotonic()
        total = len(frame)
        first = self.manifest.first_chunk(step, self.chunk_size)
        chunks = range(first, -(-total // self.chunk_size))
        bar = self._bar(step, total, first * self.chunk_size)
        for index in chunks:
            chunk = frame.iloc[index * self.chunk_size:(index + 1) * self.chunk_size]
            self._write_chunk(step, statement, chunk, index + 1, params or {})
            if bar is not None:
                bar.update(len(chunk))
        if bar is not None:
            bar.close()
        self.step_seconds[step] = time.monotonic() - started
        self.manifest.mark_step_done(self.driver, self.database, step)

    def _write_chunk(self, step: str, statement: str, chunk: pd.DataFrame, chunks_done: int,
                     params: dict[str, Any]) -> None:
        columns = columns_of(chunk)
        tracking = self.manifest.tracking
        batch = self.manifest.batch

        def work(tx):
            result = tx.run(statement, c=columns, n=len(chunk), **params)
            rows = [r.data() for r in result]
            counters = result.consume().counters
            if tracking:
                tx.run(cypher.manifest_chunk(), batch=batch, step=step,
                       chunks_done=chunks_done).consume()
            return rows, counters

        with quiet_session(self.driver, self.database) as session:
            rows, counters = session.execute_write(work)
        for name in COUNTERS:
            self.counts[name] += getattr(counters, name)
        if rows and "changed" in rows[0]:
            self.changed_records += int(rows[0]["changed"] or 0)

    def _bar(self, step: str, total: int, done: int):
        if not self.progress or total == 0:
            return None
        from tqdm import tqdm

        return tqdm(total=total, initial=done, desc=f"graph {step}", unit="row",
                    file=sys.stderr, leave=False)
