"""Who is calling and may they: the ``X-API-Key`` header checked against the key store,
the key's role against the route's.

Roles: ``service`` resolves and adds records and asks why two records are (not) one
entity, with identifiers masked; ``investigator`` reads entities, their history, networks,
paths, why, searches, and runs library queries; ``analyst`` takes network, path and query
results for analysis, with identifiers masked; ``admin`` manages keys and may do
everything (the operator's key). Missing, unknown or revoked key: 401;
a valid key of a role the route does not allow: 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import APIKeyHeader

from kglink.service.keys import ROLES

HEADER = "X-API-Key"
MASKED_ROLES = frozenset({"service", "analyst"})  # see identifiers only masked
api_key_header = APIKeyHeader(name=HEADER, auto_error=False,
                              description="an API key from `kglink keys add NAME --role ROLE`")


@dataclass(frozen=True)
class Caller:
    """The key a request was made with."""

    name: str
    role: str

    @property
    def masked(self) -> bool:
        """Identifiers in answers to this caller are masked."""
        return self.role in MASKED_ROLES


def allow(*roles: str) -> Callable[[Request], Caller]:
    """A dependency admitting keys of ``roles`` (and ``admin``); records the caller on the
    request for the audit trail."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown role(s) {', '.join(sorted(unknown))}")
    allowed = frozenset(roles) | {"admin"}

    def caller(request: Request) -> Caller:
        token = request.headers.get(HEADER)
        key = request.app.state.keys.authenticate(token)
        if key is None:
            raise HTTPException(401, f"missing, unknown or revoked API key (send {HEADER})")
        found = Caller(name=key.name, role=key.role)
        request.state.caller = found
        if key.role not in allowed:
            raise HTTPException(403, f"role {key.role!r} may not use this route "
                                     f"(allowed: {', '.join(sorted(allowed))})")
        return found

    caller.__doc__ = f"Admit keys of role {', '.join(sorted(allowed))}."
    return caller


Investigator = Annotated[Caller, Depends(allow("investigator"))]
InvestigatorOrAnalyst = Annotated[Caller, Depends(allow("investigator", "analyst"))]
InvestigatorOrService = Annotated[Caller, Depends(allow("investigator", "service"))]
Admin = Annotated[Caller, Depends(allow("admin"))]
