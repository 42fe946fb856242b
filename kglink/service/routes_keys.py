"""``GET /keys``: the API keys (names, roles, created, revoked; never a key or its hash),
for admin keys. Keys are added and revoked on the server's machine (``kglink keys``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from kglink.service.audit_trail import record_answer
from kglink.service.auth import Admin
from kglink.service.openapi import documented

router = APIRouter(tags=["keys"])


@router.get("/keys", summary="The API keys: names, roles, created, revoked",
            responses=documented({"keys": [{"name": "case-team", "role": "investigator",
                                            "created": "2026-12-03T00:00:00+00:00",
                                            "revoked": None}]}))
def list_keys(request: Request, caller: Admin) -> Any:
    keys = request.app.state.keys.keys()
    record_answer(request, [], len(keys))
    return {"keys": [{"name": k.name, "role": k.role, "created": k.created,
                      "revoked": k.revoked} for k in keys]}
