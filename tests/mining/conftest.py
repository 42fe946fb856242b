"""The hand-built regions graph, written once per module into the test Neo4j."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def regions_graph(neo4j_target):
    """(driver, database) holding exactly the graph of ``regions_case.py``."""
    from regions_case import build

    from graph.admin import reset_database

    driver, database = neo4j_target
    reset_database(driver, database)
    build(driver, database)
    return driver, database
