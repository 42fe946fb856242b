"""JSON lines: one object per line; lines that are not a JSON object are quarantined.

Lines end at LF, CRLF or a lone CR (universal newlines): JSON text never holds a raw line
break inside a string, so a CR-only file is read line by line instead of as one bad line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from loaders.errors import SourceError
from loaders.readers.base import BadRow, Chunk, RowChunker
from loaders.readers.encoding import not_valid_message, resolve_encoding
from loaders.spec import SourceSpec

SAMPLE_LINES = 1000


def _lines(source: SourceSpec):
    encoding = resolve_encoding(source.path, source.encoding)
    try:
        with open(source.path, encoding=encoding, newline=None) as fh:
            yield from enumerate(fh, start=1)
    except UnicodeDecodeError as exc:
        raise SourceError(not_valid_message(source.path, encoding, exc.reason)) from None


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
    rows = RowChunker(wanted, chunk_rows)
    for number, text in _lines(source):
        text = text.strip().replace("\x00", "")
        if not text:
            continue
        try:
            obj = json.loads(text)
        except ValueError as exc:
            rows.reject(BadRow(number, "invalid_json", f"{exc.msg}: {text}"))
            continue
        if not isinstance(obj, dict):
            rows.reject(BadRow(number, "not_an_object", text))
            continue
        full = rows.add(number, [obj.get(name) for name in wanted])
        if full is not None:
            yield full
    last = rows.flush()
    if last is not None:
        yield last
