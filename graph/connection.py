"""Which Neo4j kglink talks to, and a driver for it.

With ``NEO4J_URI`` set, kglink uses that server (``NEO4J_USER``, ``NEO4J_PASSWORD``,
optional ``NEO4J_DATABASE``): a remote server, a cluster via ``neo4j://``, Aura.
Otherwise it uses (and starts if needed) its own local server.
"""

from __future__ import annotations

import os
import re
import sys
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


BOLT_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://",
                "neo4j+ssc://")
RATE_LIMITED = "Neo.ClientError.Security.AuthenticationRateLimit"


class Neo4jConnectionError(RuntimeError):
    """kglink cannot use the configured server; the message names it and what to check."""


def configured_uri() -> str:
    """The Bolt URI kglink talks to (``NEO4J_URI``, else the local server's); starts nothing."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        return uri
    from graph.local_server import LocalNeo4j

    return LocalNeo4j.from_env().uri


def target(start_local: bool = True) -> Target:
    """The configured server; the local one is started first when ``start_local``."""
    uri = os.environ.get("NEO4J_URI")
    if uri:
        if not uri.startswith(BOLT_SCHEMES):
            raise Neo4jConnectionError(
                f"NEO4J_URI {uri} is not a Bolt URI: it starts with one of "
                + ", ".join(BOLT_SCHEMES))
        password = os.environ.get("NEO4J_PASSWORD", "")
        if not password:
            raise Neo4jConnectionError(
                f"NEO4J_URI names {uri} but NEO4J_PASSWORD is not set: set NEO4J_PASSWORD "
                "(and NEO4J_USER, default neo4j)")
        return Target(uri=uri, user=os.environ.get("NEO4J_USER", "neo4j"), password=password,
                      database=os.environ.get("NEO4J_DATABASE", "neo4j"), local=False)
    from graph.local_server import LocalNeo4j

    server = LocalNeo4j.from_env()
    if start_local:
        server.start()
    return Target(uri=server.uri, user="neo4j", password=server.password(),
                  database="neo4j", local=True)


def connect(start_local: bool = True) -> tuple[Driver, str]:
    """A verified driver and the database name to pass to every session. Files this
    process writes from now on are private (see ``keep_private``); a server that refuses
    the credentials or cannot be reached is a one-line ``Neo4jConnectionError``."""
    from neo4j import GraphDatabase
    from neo4j.exceptions import ServiceUnavailable, UnsupportedServerProduct

    from linking.kglink_home import keep_private

    keep_private()
    t = target(start_local=start_local)
    driver = GraphDatabase.driver(t.uri, auth=(t.user, t.password), max_connection_pool_size=16)
    try:
        driver.verify_connectivity()
    except (ServiceUnavailable, UnsupportedServerProduct) as exc:
        driver.close()
        raise Neo4jConnectionError(f"cannot reach Neo4j at {t.uri} ({_first_clause(exc)}): "
                                   "is it running? (NEO4J_URI)") from None
    except Exception as exc:
        driver.close()
        refused = _refused_message(exc, t.uri)
        if refused is None:
            raise
        raise Neo4jConnectionError(refused) from None
    return driver, t.database


def _refused_message(exc: BaseException, uri: str) -> str | None:
    """The one line for credentials the server refused (or stopped accepting after too many
    failures), else None."""
    from neo4j.exceptions import AuthError, Neo4jError

    refused = f"Neo4j at {uri} refused the credentials (NEO4J_USER/NEO4J_PASSWORD)"
    if isinstance(exc, Neo4jError) and exc.code == RATE_LIMITED:
        return refused + " too many times in a row: correct them, then wait a few seconds"
    return refused if isinstance(exc, AuthError) else None


def failure_message(exc: BaseException) -> str | None:
    """One line for a driver error that reached the user mid-work (the credentials refused,
    the connection lost), or None when ``exc`` is not one."""
    if "neo4j" not in sys.modules:
        return None
    from neo4j.exceptions import ServiceUnavailable, SessionExpired

    for cause in _chain(exc):
        refused = _refused_message(cause, configured_uri())
        if refused is not None:
            return refused
        if isinstance(cause, ServiceUnavailable | SessionExpired) \
                or "defunct connection" in str(cause):
            return (f"lost the connection to Neo4j at {configured_uri()} (the server stopped "
                    "or the network failed); re-run: the load resumes where it stopped")
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and the exceptions it was raised from or during."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
    return seen


def _first_clause(exc: BaseException) -> str:
    """The driver's reason without its address details: ``Connection refused`` and the like."""
    text = " ".join(str(exc).split())
    reason = re.search(r"\(reason (.+?)\)*$", text)
    if reason:
        return reason.group(1)
    if "looks like HTTP" in text:
        return "it answers HTTP, not Bolt: the Bolt port is 7687 by default"
    if "handshake" in text or "support communication with this driver" in text:
        return "no Bolt handshake: the port is not a Neo4j Bolt port"
    return text.rsplit(": ", 1)[-1][:160] or type(exc).__name__
