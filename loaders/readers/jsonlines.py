"""JSON lines: one object per line; lines that are not a JSON object are quarantined."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np

from loaders.errors import SourceError
from loaders.readers.base import BadRow, Chunk, text_frame
from loaders.readers.encoding import resolve_encoding
from loaders.spec import SourceSpec

SAMPLE_LINES = 1000


def _lines(source: SourceSpec):
    encoding = resolve_encoding(source.path, source.encoding)
    try:
        with open(source.path, encoding=encoding, newline="\n") as fh:
            yield from enumerate(fh, start=1)
    except UnicodeDecodeError as exc:
        raise SourceError(f"{source.path}: the file is not valid {encoding} ({exc.reason}); "
                          "set encoding: auto or the file's real encoding") from None


def columns(source: SourceSpec) -> list[str]:
    """The keys seen in the first 1000 objects, in first-seen order."""
    seen: dict[str, None] = {}
    count = 0
    for _, line in _lines(source):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            seen.update(dict.fromkeys(map(str, obj)))
            count += 1
            if count >= SAMPLE_LINES:
                break
    if not seen:
        if source.path.stat().st_size == 0:
            raise SourceError(f"{source.path}: the file is empty")
        raise SourceError(f"{source.path}: no JSON object found in the first lines")
    return list(seen)


def chunks(source: SourceSpec, wanted: list[str], chunk_rows: int) -> Iterator[Chunk]:
    """Parse each line; missing keys are null; unparsable lines become BadRows."""
    buffer: dict[str, list[object]] = {name: [] for name in wanted}
    lines: list[int] = []
    bad: list[BadRow] = []
    for number, text in _lines(source):
        text = text.strip().replace("\x00", "")
        if not text:
            continue
        try:
            obj = json.loads(text)
        except ValueError as exc:
            bad.append(BadRow(number, "invalid_json", f"{exc.msg}: {text}"))
            continue
        if not isinstance(obj, dict):
            bad.append(BadRow(number, "not_an_object", text))
            continue
        for name in wanted:
            buffer[name].append(obj.get(name))
        lines.append(number)
        if len(lines) >= chunk_rows:
            yield Chunk(text_frame(buffer), np.asarray(lines, dtype=np.int64), bad)
            buffer = {name: [] for name in wanted}
            lines, bad = [], []
    if lines or bad:
        yield Chunk(text_frame(buffer), np.asarray(lines, dtype=np.int64), bad)
