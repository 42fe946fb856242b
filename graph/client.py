"""The one way kglink talks to Neo4j: quiet sessions, managed reads (with a timeout) and
writes, and a batched ``UNWIND`` writer.

Every session has server notifications off: kglink's Cypher is generated, and its first run
on an empty graph would otherwise log a hint per statement about labels not created yet.
Reads run in managed read transactions, so the server refuses a statement that writes;
writes run in managed write transactions, which the driver retries on transient errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from neo4j import Driver, ManagedTransaction, Record, Session

T = TypeVar("T")

TIMED_OUT = "TransactionTimedOut"  # in the codes of the server's timeout errors
OUT_OF_MEMORY = "OutOfMemoryError"  # in the codes of its memory errors (pool limit, heap)


class ReadTimedOut(RuntimeError):
    """A read ran past its timeout and the server stopped it."""


class ReadOutOfMemory(RuntimeError):
    """A read needs more memory than the server grants it. Raised at once: the driver
    would retry it (a transient error) with the same outcome."""


def quiet_session(driver: Driver, database: str) -> Session:
    """A session on ``database`` with notifications off."""
    return driver.session(database=database, notifications_min_severity="OFF")


def in_read_transaction(driver: Driver, database: str,
                        work: Callable[[ManagedTransaction], T],
                        timeout: float | None = None) -> T:
    """``work(tx)`` in a managed read transaction that the server stops after ``timeout``
    seconds (raising ``ReadTimedOut``); with ``timeout`` None, the server's own limit holds."""
    from neo4j import unit_of_work
    from neo4j.exceptions import ClientError, TransientError

    def fail_fast(tx: ManagedTransaction) -> T:
        try:
            return work(tx)
        except TransientError as exc:
            if OUT_OF_MEMORY not in (exc.code or ""):
                raise
            raise ReadOutOfMemory(
                f"the read needs more memory than the server grants ({exc.message}): narrow it "
                "(a LIMIT, a smaller collect()) or give Neo4j more memory "
                "(KGLINK_NEO4J_HEAP for kglink's own server)") from None

    try:
        with quiet_session(driver, database) as session:
            return session.execute_read(unit_of_work(timeout=timeout)(fail_fast))
    except ClientError as exc:
        if TIMED_OUT not in (exc.code or ""):
            raise
        limit = "the server's" if timeout is None else f"its {timeout:g} s"
        raise ReadTimedOut(f"the read did not finish within {limit} timeout and the server "
                           "stopped it") from None


def in_write_transaction(driver: Driver, database: str,
                         work: Callable[[ManagedTransaction], T]) -> T:
    """``work(tx)`` in one managed write transaction."""
    with quiet_session(driver, database) as session:
        return session.execute_write(work)


def read(driver: Driver, database: str, statement: str, params: dict[str, Any] | None = None,
         timeout: float | None = None) -> list[Record]:
    """Every record of a read statement (``row["key"]``, ``row[0]``, ``row.values()``)."""
    def work(tx: ManagedTransaction) -> list[Record]:
        return list(tx.run(statement, params or {}))

    return in_read_transaction(driver, database, work, timeout)


def write(driver: Driver, database: str, statement: str,
          params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run one statement in a managed write transaction; its rows as dicts."""
    def work(tx: ManagedTransaction) -> list[dict[str, Any]]:
        return [record.data() for record in tx.run(statement, params or {})]

    return in_write_transaction(driver, database, work)


def write_batches(driver: Driver, database: str, statement: str, rows: list[Any],
                  batch_size: int = 1000, params: dict[str, Any] | None = None,
                  progress: Callable[[int], object] | None = None) -> list[dict[str, Any]]:
    """Run ``statement`` (which ``UNWIND``s ``$rows``) over ``rows`` in batches of
    ``batch_size``, each batch in its own managed write transaction. Returns the rows every
    batch returned, in order; ``progress`` is called with each committed batch's size."""
    def work(tx: ManagedTransaction, batch: list[Any]) -> list[dict[str, Any]]:
        return [record.data() for record in tx.run(statement, {**(params or {}),
                                                               "rows": batch})]

    out: list[dict[str, Any]] = []
    with quiet_session(driver, database) as session:
        for start in range(0, len(rows), batch_size):
            batch = rows[start:start + batch_size]
            out.extend(session.execute_write(work, batch))
            if progress is not None:
                progress(len(batch))
    return out
