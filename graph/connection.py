"""Which Neo4j kglink talks to, and a driver for it.

With ``NEO4J_URI`` set, kglink uses that server (``NEO4J_USER``, ``NEO4J_PASSWORD``,
optional ``NEO4J_DATABASE``): a remote server, a cluster via ``neo4j://``, Aura.
Otherwise it uses (and starts if needed) its own local server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from neo4j import Driver


@dataclass(frozen=True)
class Target:
    """Where the graph lives."""

    uri: str
    user: str
    password: str
    database: str
    local: bool


def target(start_local: bool = True) -> Target:
    """The configured server; the local one is started first when ``start_local``."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        return Target(uri=uri, user=os.environ.get("NEO4J_USER", "neo4j"),
                      password=os.environ.get("NEO4J_PASSWORD", ""),
                      database=os.environ.get("NEO4J_DATABASE", "neo4j"), local=False)
    from graph.local_server import LocalNeo4j

    server = LocalNeo4j.from_env()
    if start_local:
        server.start()
    return Target(uri=server.uri, user="neo4j", password=server.password(),
                  database="neo4j", local=True)


def connect(start_local: bool = True) -> tuple[Driver, str]:
    """A verified driver and the database name to pass to every session."""
    from neo4j import GraphDatabase

    t = target(start_local=start_local)
    driver = GraphDatabase.driver(t.uri, auth=(t.user, t.password), max_connection_pool_size=16)
    driver.verify_connectivity()
    return driver, t.database
