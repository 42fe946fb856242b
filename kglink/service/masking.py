"""Answers as JSON-ready data, identifiers masked for callers whose role may not see them
(``ontology.pii``: marked properties by category, anything that looks like an ID number,
mobile or e-mail elsewhere).

Link evidence maps comparison names (``id_number``, ``birth_date``) to levels and weights,
not to values: masking it by key would garble it, so it goes through the detector only."""

from __future__ import annotations

from typing import Any

from kglink.service.auth import Caller
from ontology.pii import mask_value, scrub_text
from queries.formatting import plain

EVIDENCE_KEYS = frozenset({"evidence"})


def answer(caller: Caller, value: Any) -> Any:
    """``value`` with Neo4j values made plain, masked when ``caller.masked``."""
    data = plain(value)
    return masked(data) if caller.masked else data


def masked(value: Any, key: str | None = None) -> Any:
    """Plain data with personal data masked (``mask_value``), evidence by the detector."""
    if key in EVIDENCE_KEYS:
        return _detected(value)
    if isinstance(value, dict):
        return {scrub_text(str(k)): masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    return mask_value(value, key)


def _detected(value: Any) -> Any:
    """Every string in ``value`` through the detector; structure and numbers kept."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, dict):
        return {k: _detected(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_detected(v) for v in value]
    return value
