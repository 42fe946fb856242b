"""ASGI middleware writing one audit entry per request to a data route, refused ones
included: who (key name and role), method and route, parameters (personal data masked),
the entities answered about, how many rows, and the status.

Routes record what they answered in ``request.state.audit`` (``entities``, ``rows`` and,
for JSON bodies, ``params``); the caller is recorded by ``auth.allow``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from kglink.service.audit import AuditLog
from ontology.pii import mask_value

PUBLIC_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


def record_answer(request: Any, entities: list[str], rows: int,
                  params: dict[str, Any] | None = None) -> None:
    """Note on the request what its answer held, for the audit entry."""
    request.state.audit = {"entities": sorted({str(e) for e in entities if e is not None}),
                           "rows": int(rows), "params": params or {}}


class AuditTrail:
    """ASGI middleware appending to ``log`` for each non-public HTTP request, before the
    last part of its answer is sent (or after it failed)."""

    def __init__(self, app, log: AuditLog) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] in PUBLIC_PATHS:
            return await self.app(scope, receive, send)
        status: dict[str, Any] = {"code": 500, "written": False}

        async def write() -> None:
            if not status["written"]:
                status["written"] = True
                await self.log.append_async(_entry(scope, status["code"]))

        async def watched(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                await write()  # before the answer is complete: no answer goes unaudited
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            await write()


def _entry(scope: dict[str, Any], status: int) -> dict[str, Any]:
    state = scope.get("state") or {}
    caller = state.get("caller")
    answered = state.get("audit") or {}
    route = scope.get("route")
    query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                           keep_blank_values=True))
    params = {**query, **(scope.get("path_params") or {}), **answered.get("params", {})}
    return {"who": caller.name if caller else None, "role": caller.role if caller else None,
            "method": scope["method"],
            "route": getattr(route, "path", None) or scope["path"],
            "params": mask_value(params), "entities": answered.get("entities", []),
            "rows": answered.get("rows", 0), "status": status}
