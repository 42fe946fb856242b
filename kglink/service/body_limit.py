"""Request bodies larger than ``MAX_BODY_BYTES`` are refused with 413 before they are
read whole: by their Content-Length, or while streaming when it is absent or understated."""

from __future__ import annotations

import json

from fastapi import HTTPException

MAX_BODY_BYTES = 1_000_000


class BodyLimit:
    """ASGI middleware enforcing ``limit`` bytes per request body."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _too_large(send, self.limit)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, _message(self.limit))
            return message

        await self.app(scope, counted, send)


def _message(limit: int) -> str:
    return f"request body larger than {limit} bytes"


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"error": _message(limit)}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
