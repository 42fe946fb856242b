"""Every error as JSON ``{"error": message}`` with its status, never a traceback: HTTP
errors as raised, validation errors (422) as one line naming the field, bad query input
(400), unknown entities (404), an unreachable graph (503) and anything else (500; the
traceback goes to the server's log only)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from graph.connection import failure_message
from queries.library import QueryError
from queries.runner import QueryFailed, RefusedStatement

log = logging.getLogger("kglink.service")

class NotFound(LookupError):
    """The entity (or other thing) a route was asked about does not exist: 404."""


ERROR_SCHEMA = {"type": "object", "required": ["error"],
                "properties": {"error": {"type": "string"}}}


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """The JSON error response."""
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def validation_message(exc: RequestValidationError) -> str:
    """The first validation problem as one line: ``query parameter 'hops': ...``."""
    problems = exc.errors()
    if not problems:
        return "invalid request"
    first = problems[0]
    where = [str(p) for p in first.get("loc", ())]
    place = {"query": "query parameter", "path": "path parameter", "header": "header",
             "body": "body"}.get(where[0] if where else "", "request")
    field = ".".join(where[1:])
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{place} {field!r}: {first.get('msg', 'invalid')}{more}" if field else \
        f"{place}: {first.get('msg', 'invalid')}{more}"


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error(422, validation_message(exc))

    @app.exception_handler(QueryError)
    @app.exception_handler(RefusedStatement)
    @app.exception_handler(QueryFailed)
    async def bad_query(request: Request, exc: Exception) -> JSONResponse:
        return error(400, " ".join(str(exc).split()))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return error(404, str(exc))

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        unreachable = failure_message(exc)
        if unreachable:
            return error(503, unreachable)
        log.exception("request %s %s failed", request.method, request.url.path)
        return error(500, "internal error (logged on the server)")
