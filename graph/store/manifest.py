"""The load manifest: one LoadBatch node per batch records which steps and chunks are done,
so a killed load resumes where it stopped. Chunk checkpoints are written in the same
transaction as the chunk itself, so the manifest never claims more than the graph holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from graph.client import write
from graph.store import cypher

if TYPE_CHECKING:
    from neo4j import Driver


def now_iso() -> str:
    """UTC now as ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class Manifest:
    """The state of one batch in the graph when this run opened it."""

    batch: str
    status: str
    started_at: str
    chunk_size: int
    steps_done: list[str] = field(default_factory=list)
    step: str | None = None
    chunks_done: int = 0

    @property
    def resuming(self) -> bool:
        """True when an earlier run of this batch stopped part-way."""
        return self.status == cypher.RUNNING and bool(self.steps_done or self.step)

    @property
    def tracking(self) -> bool:
        """Checkpoints are kept while the batch runs (a complete batch is only re-applied)."""
        return self.status == cypher.RUNNING

    def skip_step(self, step: str) -> bool:
        return self.tracking and step in self.steps_done

    def first_chunk(self, step: str, chunk_size: int) -> int:
        """Index of the first chunk of ``step`` still to write."""
        if self.tracking and self.step == step and self.chunk_size == chunk_size:
            return int(self.chunks_done or 0)
        return 0

    def mark_step_done(self, driver: Driver, database: str, step: str) -> None:
        if self.tracking:
            write(driver, database, cypher.manifest_step_done(),
                  {"batch": self.batch, "step": [step]})
            self.steps_done.append(step)
            self.step, self.chunks_done = None, 0

    def complete(self, driver: Driver, database: str) -> None:
        if self.tracking:
            write(driver, database, cypher.manifest_complete(),
                  {"batch": self.batch, "now": now_iso()})


def open_manifest(driver: Driver, database: str, batch: str, chunk_size: int,
                  started_at: str | None = None) -> Manifest:
    """Create the batch's LoadBatch node, or read it back when the batch was seen before."""
    row = write(driver, database, cypher.manifest_open(),
                {"batch": batch, "now": started_at or now_iso(), "chunk_size": chunk_size})[0]
    return Manifest(batch=batch, status=row["status"], started_at=row["started_at"],
                    chunk_size=int(row["chunk_size"] or chunk_size),
                    steps_done=list(row["steps_done"] or []), step=row["step"],
                    chunks_done=int(row["chunks_done"] or 0))
