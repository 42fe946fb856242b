"""Whole-database maintenance on the graph: wipe it (tests and `kglink neo4j reset`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neo4j import Driver

BATCH = 20_000


def reset_database(driver: Driver, database: str) -> int:
    """Delete every relationship, then every node, in bounded transactions; keep the schema.

    Relationships go first so that a hub node (a department with 200k records) is never
    detach-deleted in one transaction, which would exhaust the server's memory pool.
    Returns the number of nodes deleted.
    """
    def drain(statement: str) -> int:
        total = 0
        while True:
            records, _, _ = driver.execute_query(statement, {"n": BATCH}, database_=database)
            deleted = records[0]["c"]
            total += deleted
            if deleted == 0:
                return total

    drain("MATCH ()-[r]->() WITH r LIMIT $n DELETE r RETURN count(*) AS c")
    return drain("MATCH (n) WITH n LIMIT $n DETACH DELETE n RETURN count(*) AS c")
