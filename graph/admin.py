"""Whole-database maintenance on the graph: wipe it (tests and `kglink neo4j reset`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.client import quiet_session

if TYPE_CHECKING:
    from neo4j import Driver

BATCH = 20_000


def reset_database(driver: Driver, database: str) -> int:
    """Delete every relationship, then every node, in bounded transactions; keep the schema.

    Relationships go first so that a hub node (a department with 200k records) is never
    detach-deleted in one transaction, which would exhaust the server's memory pool. Each
    pass is one scan committing every ``BATCH`` rows (``CALL ... IN TRANSACTIONS``, which
    Neo4j runs only as an auto-commit query); repeated ``LIMIT`` passes would rescan the
    emptied part of the store each time. Returns the number of nodes deleted.
    """
    with quiet_session(driver, database) as session:
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF $n ROWS",
                    n=BATCH).consume()
        summary = session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF $n ROWS",
                              n=BATCH).consume()
    return summary.counters.nodes_deleted
