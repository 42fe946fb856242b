"""Fixtures for the query, export and mining tests: the known graph in the real Neo4j."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def known_graph(neo4j_target):
    """(driver, database) holding exactly the known graph of ``queries_known_graph.py``."""
    from queries_known_graph import build

    from graph.admin import reset_database

    driver, database = neo4j_target
    reset_database(driver, database)
    build(driver, database)
    return driver, database
