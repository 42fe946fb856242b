"""Property values as the scalars that file formats (GraphML, GEXF, CSV, JSON) can hold."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any


def flat_value(value: Any) -> Any:
    """Scalars as they are, dates as ISO text, anything else (lists, maps) as JSON text."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection): text
    starting with ``= + - @``, tab or CR gets a leading single quote. Numbers (int, float)
    are left as numbers, so ``-3.5`` in a numeric column stays numeric; the same text as a
    string (``"-3.5"``, ``"+1"``) is neutralised, because a spreadsheet would evaluate it."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
