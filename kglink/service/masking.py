"""Answers as JSON-ready data, identifiers masked for callers whose role may not see them
(``ontology.pii``: marked properties by category, anything that looks like an ID number,
mobile or e-mail elsewhere)."""

from __future__ import annotations

from typing import Any

from kglink.service.auth import Caller
from ontology.pii import mask_value
from queries.formatting import plain


def answer(caller: Caller, value: Any) -> Any:
    """``value`` with Neo4j values made plain, masked when ``caller.masked``."""
    data = plain(value)
    return mask_value(data) if caller.masked else data
