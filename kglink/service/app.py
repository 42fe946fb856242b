"""The FastAPI application: routes, key check, error handlers, body limit and audit trail,
over one Neo4j driver."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from kglink.service import (
    errors,
    routes_entities,
    routes_keys,
    routes_paths,
    routes_queries,
    routes_records,
    routes_resolve,
    routes_search,
    routes_text,
    routes_why,
)
from kglink.service.audit import AuditLog
from kglink.service.audit_trail import AuditTrail
from kglink.service.body_limit import MAX_BODY_BYTES, BodyLimit
from kglink.service.keys import KeyStore

if TYPE_CHECKING:
    from neo4j import Driver

DESCRIPTION = f"""kglink over HTTP. Every route needs an `X-API-Key` header (keys from
`kglink keys add NAME --role ROLE`); a missing, unknown or revoked key gets 401, a role the
route does not allow 403. Roles: `service` (resolve, records, why; identifiers masked),
`investigator` (entities, history, network, paths, why, search, queries), `analyst`
(network, paths, queries; identifiers masked), `admin` (everything, and `GET /keys`).
Every request to a route is appended to the hash-chained audit log (`kglink audit
verify`). Errors are `{{"error": message}}`. Request bodies are limited to {MAX_BODY_BYTES}
bytes (413)."""


def create_app(driver: Driver, database: str, keys: KeyStore | None = None,
               audit: AuditLog | None = None) -> FastAPI:
    """The service over ``driver``/``database``; keys and audit log default to
    ``$KGLINK_HOME/keys.json`` and ``$KGLINK_HOME/audit.jsonl``."""
    app = FastAPI(title="kglink", version="0.1.0", description=DESCRIPTION)
    app.state.graph = (driver, database)
    app.state.keys = keys if keys is not None else KeyStore()
    for module in (routes_entities, routes_paths, routes_why, routes_search, routes_queries,
                   routes_keys, routes_resolve, routes_records, routes_text):
        app.include_router(module.router)
    errors.install(app)
    routes_resolve.install(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(AuditTrail, log=audit if audit is not None else AuditLog())
    return app
