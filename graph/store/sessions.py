"""Sessions for the store's own statements: server notifications (hints about labels not
yet created, and the like) are switched off, since the store's Cypher is generated and
its first run on an empty graph would otherwise log a warning per statement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from neo4j import Driver, Session


def quiet_session(driver: Driver, database: str) -> Session:
    """A session on ``database`` with notifications off."""
    return driver.session(database=database, notifications_min_severity="OFF")


def write_rows(driver: Driver, database: str, statement: str, **params: Any) -> list[dict]:
    """Run one statement in a managed write transaction; its rows as dicts."""
    def work(tx):
        return [r.data() for r in tx.run(statement, params)]

    with quiet_session(driver, database) as session:
        return session.execute_write(work)
