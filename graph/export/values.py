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
