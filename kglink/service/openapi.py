"""OpenAPI documentation shared by the routes: the error responses every route can give,
with examples, beside each route's own success example."""

from __future__ import annotations

from typing import Any

from kglink.service.errors import ERROR_SCHEMA

_ERRORS = {
    400: "bad query parameters: unknown parameter, wrong type, out of range",
    401: "missing, unknown or revoked API key (send X-API-Key)",
    403: "role 'service' may not use this route (allowed: admin, investigator)",
    404: "no person or company with entity_id 'P0000000000000000'",
    409: "record 卫健委:WJ0000815 is already in the graph (a load updates it)",
    413: "request body larger than 1000000 bytes",
    422: "query parameter 'hops': Input should be less than or equal to 6",
    503: "the graph keeps no link model yet: load it first (kglink run SOURCES.yaml)",
}


def documented(example: Any, *statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: 200 with ``example``, and the error ``statuses`` (401 and
    403 always) as ``{"error": ...}`` with an example each."""
    responses: dict[int | str, dict[str, Any]] = {
        200: {"description": "success", "content": {"application/json": {"example": example}}}}
    for status in sorted({401, 403, *statuses}):
        responses[status] = {"description": _ERRORS[status], "content": {"application/json": {
            "schema": ERROR_SCHEMA, "example": {"error": _ERRORS[status]}}}}
    return responses
