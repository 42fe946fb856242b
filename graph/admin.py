"""Whole-database maintenance on the graph: wipe it (tests and `kglink neo4j reset`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neo4j import Driver


def reset_database(driver: Driver, database: str) -> int:
    """Delete every node and relationship in batches; drop nothing else. Returns nodes deleted."""
    total = 0
    while True:
        records, _, _ = driver.execute_query(
            "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS c",
            database_=database)
        deleted = records[0]["c"]
        total += deleted
        if deleted == 0:
            return total
