"""First load of an empty local graph with ``neo4j-admin database import``.

Batched Cypher writes keep up with incremental batches, but a first load of a province
(millions of records) is what Neo4j's offline importer is for: the plan is written as CSV,
imported into a staging database while the server keeps running, and swapped in with a
short restart. The resulting graph is the one the Cypher path writes (tests compare them
node by node), so every later load, merge, split and re-run goes through Cypher as before.

Safe to cut short anywhere: until the swap the served database is untouched (still empty,
so the next run imports again); the swap itself finishes on the next server start; after
it, the batch has no completed LoadBatch yet, so the next run re-applies it through Cypher
MERGE, which changes nothing that is already there.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

from graph.client import quiet_session, read
from graph.local_server import LocalNeo4j
from graph.ontology_store import apply_schema
from graph.store.import_files import ImportFiles, write_import_files
from graph.store.plan import GraphPlan
from linking.kglink_home import kglink_home
from loaders.heartbeat import Heartbeat

if TYPE_CHECKING:
    from neo4j import Driver

STAGING_DATABASE = "kglinkimport"
# Below this many records the restart costs more than Cypher needs for the whole load.
AUTO_MIN_RECORDS = 200_000  # kglink run --bulk-import's help repeats this figure


def local_server_of(driver: Driver) -> LocalNeo4j | None:
    """kglink's own running server when ``driver`` talks to it (None for NEO4J_URI)."""
    if os.environ.get("NEO4J_URI"):
        return None
    server = LocalNeo4j.from_env()
    return server if server.pid() is not None else None


def graph_is_empty(driver: Driver, database: str) -> bool:
    """True when the database holds no node at all (a count-store lookup)."""
    return read(driver, database, "MATCH (n) RETURN count(n) AS n")[0]["n"] == 0


def should_bulk_import(driver: Driver, database: str, plan: GraphPlan, mode: str) -> bool:
    """Whether this load goes through the importer: ``mode`` is auto|always|never.
    ``always`` still needs an empty local graph and says why not when refused."""
    if mode == "never":
        return False
    records = sum(len(frame) for frame in plan.records.values())
    if mode == "auto" and records < AUTO_MIN_RECORDS:
        return False
    if local_server_of(driver) is None:
        if mode == "always":
            raise ValueError("bulk import needs kglink's local Neo4j (NEO4J_URI is set or "
                             "the local server is not running)")
        return False
    if database != "neo4j" or not graph_is_empty(driver, database):
        if mode == "always":
            raise ValueError("bulk import only fills an empty graph; this one has nodes "
                             "(use --bulk-import never or auto)")
        return False
    return True


def bulk_import(driver: Driver, database: str, plan: GraphPlan, batch: str, loaded_at: str,
                progress: bool = True) -> tuple[ImportFiles, dict[str, float]]:
    """Import ``plan`` into the empty local database and bring the server back with the
    ontology's schema online. Returns the files' tally and the seconds of each step."""
    server = local_server_of(driver)
    if server is None:
        raise ValueError("bulk import needs kglink's running local Neo4j")
    workdir = kglink_home() / "import" / batch
    with Heartbeat("graph import", progress, report=True) as steps:
        steps.step("csv")
        files = write_import_files(plan, workdir / "csv", batch, loaded_at)
        steps.step("neo4j-admin import", ticks=False)  # it prints its own progress
        server.import_database(STAGING_DATABASE, files.arguments(), workdir / "import.report")
        steps.step("restart")
        server.stop()  # the driver's pooled connections die here; it reconnects after start
        server.replace_database(STAGING_DATABASE, database)
        server.start()
        forget_replaced_store(driver, database)
        steps.step("schema")
        apply_schema(driver, database)
        read(driver, database, "CALL db.awaitIndexes(3600)")
    shutil.rmtree(workdir, ignore_errors=True)
    return files, steps.seconds


def forget_replaced_store(driver: Driver, database: str) -> None:
    """Point the driver's ``execute_query`` bookmark at the new store: the one it holds names
    a transaction of the replaced store, which the new one would wait for in vain."""
    with quiet_session(driver, database) as session:
        session.run("RETURN 1").consume()
        fresh = session.last_bookmarks().raw_values
    manager = driver.execute_query_bookmark_manager
    manager.update_bookmarks(manager.get_bookmarks(), fresh)
