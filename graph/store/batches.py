"""Batched, checkpointed writes: a frame is sent in column-wise chunks, each chunk in one
managed write transaction (the driver retries transient errors) together with its
manifest checkpoint.

Chunks of a create-only statement (``cypher.CreateOnly``) run in ``WRITERS`` concurrent
transactions: the server executes one chunk's query while it commits the previous one,
which uses a second core. A chunk's checkpoint then claims only the chunks known to be
committed when it was sent, so the manifest never claims more than the graph holds."""

from __future__ import annotations

import sys
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Any

import pandas as pd

from graph.client import in_write_transaction
from graph.store import cypher
from graph.store.manifest import Manifest

if TYPE_CHECKING:
    from neo4j import Driver

WRITERS = 2  # concurrent transactions for create-only statements

COUNTERS = ("nodes_created", "nodes_deleted", "relationships_created",
            "relationships_deleted", "properties_set")


def columns_of(chunk: pd.DataFrame) -> dict[str, list[Any]]:
    """A frame chunk as column lists of plain Python values, None for missing."""
    out = {}
    for name in chunk.columns:
        values = chunk[name]
        mask = values.isna().to_numpy()
        array = values.astype(object).to_numpy(copy=True)
        if mask.any():
            array[mask] = None
        out[name] = array.tolist()
    return out


class BatchWriter:
    """Writes frames step by step, skipping what the manifest says is already done."""

    rows = cypher.COLUMNS  # how its statements read their rows

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
        chunks = list(range(first, -(-total // self.chunk_size)))
        bar = self._bar(step, total, first * self.chunk_size)
        writers = WRITERS if isinstance(statement, cypher.CreateOnly) else 1

        def prepare(index: int) -> tuple[int, dict[str, list[Any]]]:
            chunk = frame.iloc[index * self.chunk_size:(index + 1) * self.chunk_size]
            return len(chunk), columns_of(chunk)

        def send(prepared: Future, claim: int) -> tuple[int, list[dict], Any]:
            size, columns = prepared.result()
            rows, counters = self._write_chunk(step, statement, columns, size, claim,
                                               params or {})
            return size, rows, counters

        # the next chunk is converted while the server writes the current one(s); up to
        # ``writers`` chunks are in flight
        in_flight: dict[Future, int] = {}
        with ThreadPoolExecutor(max_workers=1) as converter, \
                ThreadPoolExecutor(max_workers=writers) as pool:
            upcoming = converter.submit(prepare, chunks[0]) if chunks else None
            for position, index in enumerate(chunks):
                prepared = upcoming
                if position + 1 < len(chunks):
                    upcoming = converter.submit(prepare, chunks[position + 1])
                if len(in_flight) == writers:
                    self._collect(in_flight, bar)
                # every chunk before the oldest one in flight is committed
                claim = min(in_flight.values(), default=index + 1)
                in_flight[pool.submit(send, prepared, claim)] = index
            while in_flight:
                self._collect(in_flight, bar)
        if bar is not None:
            bar.close()
        self.step_seconds[step] = time.monotonic() - started
        self.manifest.mark_step_done(self.driver, self.database, step)

    def delete_until_none(self, statement: str, limit: int = 10_000) -> None:
        """Run a deleting ``statement`` (``$limit`` nodes a transaction, returning
        ``deleted``) until it deletes nothing, counting what it removed."""
        def work(tx):
            result = tx.run(statement, limit=limit)
            return result.single()["deleted"], result.consume().counters

        while True:
            deleted, counters = in_write_transaction(self.driver, self.database, work)
            self.counts["nodes_deleted"] += counters.nodes_deleted
            self.counts["relationships_deleted"] += counters.relationships_deleted
            if deleted == 0:
                break

    def _collect(self, in_flight: dict[Future, int], bar) -> None:
        """Wait for one chunk in flight to commit and count what it changed."""
        done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
        for future in done:
            del in_flight[future]
            size, rows, counters = future.result()
            for name in COUNTERS:
                self.counts[name] += getattr(counters, name)
            if rows and "changed" in rows[0]:
                self.changed_records += int(rows[0]["changed"] or 0)
            if bar is not None:
                bar.update(size)

    def _write_chunk(self, step: str, statement: str, columns: dict[str, list[Any]], size: int,
                     chunks_done: int, params: dict[str, Any]) -> tuple[list[dict], Any]:
        """One chunk and its checkpoint in one managed transaction: (rows, counters)."""
        tracking = self.manifest.tracking
        batch = self.manifest.batch

        def work(tx):
            result = tx.run(statement, c=columns, n=size, **params)
            rows = [r.data() for r in result]
            counters = result.consume().counters
            if tracking:
                tx.run(cypher.manifest_chunk(), batch=batch, step=step,
                       chunks_done=chunks_done).consume()
            return rows, counters

        return in_write_transaction(self.driver, self.database, work)

    def _bar(self, step: str, total: int, done: int):
        if not self.progress or total == 0:
            return None
        from tqdm import tqdm

        return tqdm(total=total, initial=done, desc=f"graph {step}", unit="row",
                    file=sys.stderr, leave=False)
