"""Shared fixtures. Tests that need Neo4j use the real server: kglink's local one (started
here and stopped at the end if this session started it) or the one NEO4J_URI names."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def neo4j_target():
    """(driver, database) for the real Neo4j the tests run against."""
    from graph.connection import connect

    started_here = False
    if not os.environ.get("NEO4J_URI"):
        from graph.local_server import LocalNeo4j

        server = LocalNeo4j.from_env()
        started_here = server.pid() is None
    driver, database = connect()
    yield driver, database
    driver.close()
    if started_here:
        server.stop()


@pytest.fixture
def graph_db(neo4j_target):
    """An empty database for one test: (driver, database). Wiped before the test runs."""
    from graph.admin import reset_database

    driver, database = neo4j_target
    reset_database(driver, database)
    return driver, database
