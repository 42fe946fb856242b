"""The shapes every reader produces, and the conversion of typed cells to text."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.errors import SourceError
from loaders.limits import MAX_COLUMNS

TEXT = pd.StringDtype("pyarrow")
RAW_LIMIT = 2000  # characters of a raw row kept in quarantine.csv


@dataclass
class BadRow:
    """A row that could not be read: quarantined with `reason` and the raw text."""

    line: int | None
    reason: str
    raw: str

    def __post_init__(self) -> None:
        if len(self.raw) > RAW_LIMIT:
            self.raw = self.raw[:RAW_LIMIT] + f"...[{len(self.raw) - RAW_LIMIT} more characters]"


@dataclass
class Chunk:
    """Readable rows (`frame`, text columns) with their line numbers, plus unreadable rows
    and the data-quality flags the reader saw (name -> mask over `frame`'s rows)."""

    frame: pd.DataFrame
    lines: np.ndarray
    bad: list[BadRow] = field(default_factory=list)
    flags: dict[str, np.ndarray] = field(default_factory=dict)  # reader's per-row flags


class RowChunker:
    """Collects rows read one by one (xlsx, jsonl) into Chunks of at most ``chunk_rows``."""

    def __init__(self, wanted: list[str], chunk_rows: int) -> None:
        self.wanted = wanted
        self.chunk_rows = chunk_rows
        self._reset()

    def _reset(self) -> None:
        self.buffer: dict[str, list[object]] = {name: [] for name in self.wanted}
        self.lines: list[int] = []
        self.bad: list[BadRow] = []

    def add(self, number: int, values: list[object]) -> Chunk | None:
        """Keep one row (its values in ``wanted`` order); the Chunk when it is full."""
        for name, value in zip(self.wanted, values, strict=True):
            self.buffer[name].append(value)
        self.lines.append(number)
        return self.flush() if len(self.lines) >= self.chunk_rows else None

    def reject(self, row: BadRow) -> None:
        self.bad.append(row)

    def flush(self) -> Chunk | None:
        """What is collected, as a Chunk (None when nothing is)."""
        if not (self.lines or self.bad):
            return None
        chunk = Chunk(text_frame(self.buffer), np.asarray(self.lines, dtype=np.int64), self.bad)
        self._reset()
        return chunk


def checked_header(path: Path, names: list[str], where: str) -> list[str]:
    """The header's names, or SourceError naming the file when it has more than MAX_COLUMNS
    columns or a name twice (a spec could not say which column it means)."""
    if len(names) > MAX_COLUMNS:
        raise SourceError(f"{path} {where}: {len(names)} columns, more than the "
                          f"{MAX_COLUMNS} allowed (a transposed or corrupt file?)")
    counts = Counter(names)
    dupes = [name for name in names if counts[name] > 1]
    if dupes:
        first = names.index(dupes[0])
        raise SourceError(f"{path} {where}: duplicate column name {dupes[0]!r} "
                          f"(columns {first + 1} and {names.index(dupes[0], first + 1) + 1})")
    return names


def cell_text(value: object) -> str | None:
    """One typed cell (from Excel, SQL or JSON) as text; None for empty.

    Integral floats lose their `.0` (an ID number stored as a number), datetimes become ISO
    dates (or date-times when they carry a time), nested JSON stays JSON.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def text_frame(records: dict[str, list[object]]) -> pd.DataFrame:
    """A frame of text columns from lists of typed cells."""
    return pd.DataFrame({name: pd.array([cell_text(v) for v in values], dtype=TEXT)
                         for name, values in records.items()})


def object_frame_to_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Convert each column of a typed frame (SQL, parquet fallback) to text, by unique values."""
    out = {}
    for name in frame.columns:
        col = frame[name]
        codes, uniques = pd.factorize(col, use_na_sentinel=True)
        texts = np.array([cell_text(_py(v)) for v in uniques] + [None], dtype=object)
        out[name] = pd.array(texts[codes], dtype=TEXT)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


def _py(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value
