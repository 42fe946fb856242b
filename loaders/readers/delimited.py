"""CSV and TSV via pyarrow's streaming reader: bounded memory, ragged rows quarantined.

Rows whose number of fields differs from the header's are handed back as `BadRow`s
(reason `ragged_row`) with their physical line; every other row is read as text.

Every record is accounted for: a first pass with Python's csv module finds the physical line
on which each record starts (records may span lines inside quotes; blank lines are none), so
that line numbers are exact; a quoted field that never closes is an error naming its line
(everything after it would be one field: records would vanish); and the number of records
pyarrow reads must equal the number that pass found.
"""

from __future__ import annotations

import csv
import io
import itertools
from array import array
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from loaders.errors import SourceError
from loaders.readers.base import TEXT, BadRow, Chunk, checked_header
from loaders.readers.encoding import not_valid_message, resolve_encoding
from loaders.spec import SourceSpec

MAX_BLOCK = 64 << 20  # a single row may be up to 64 MB
_END = "\ue000kglink end of file\ue000"  # swallowed into a field only if a quote never closes


def _delimiter(source: SourceSpec) -> str:
    return "\t" if source.format == "tsv" else ","


def columns(source: SourceSpec) -> list[str]:
    """The header row's column names."""
    encoding = resolve_encoding(source.path, source.encoding)
    try:
        with open(source.path, encoding=encoding, newline="") as fh:
            head = fh.read(1 << 20)
    except UnicodeDecodeError as exc:
        raise SourceError(not_valid_message(source.path, encoding, exc.reason)) from None
    head = head.replace("\x00", "")
    if not head.strip():
        raise SourceError(f"{source.path}: the file is empty (no header row)")
    first = next(csv.reader(io.StringIO(head, newline=""), delimiter=_delimiter(source)))
    return checked_header(source.path, [name.strip() for name in first], "line 1")


def chunks(source: SourceSpec, wanted: list[str], chunk_rows: int) -> Iterator[Chunk]:
    """Stream the file in blocks; yield text frames with line numbers and the ragged rows."""
    header = columns(source)
    encoding = resolve_encoding(source.path, source.encoding)
    starts = record_lines(source, encoding)
    bad: list[BadRow] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        bad.append(BadRow(row.number, "ragged_row",
                          f"{row.actual_columns} fields, header has {row.expected_columns}: "
                          f"{row.text}"))
        return "skip"

    size = source.path.stat().st_size
    read = pacsv.ReadOptions(
        use_threads=False, column_names=header, skip_rows=1,
        block_size=int(min(max(size + 1, 1 << 20), MAX_BLOCK)),
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding)
    parse = pacsv.ParseOptions(delimiter=_delimiter(source), newlines_in_values=True,
                               invalid_row_handler=on_invalid)
    convert = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in wanted}, include_columns=wanted,
        strings_can_be_null=True, quoted_strings_can_be_null=True, null_values=[""])
    lines = _LineAllocator(first=2)  # pyarrow's row numbers: the header is row 1
    count = 0
    try:
        reader = pacsv.open_csv(source.path, read_options=read, parse_options=parse,
                                convert_options=convert)
        for batch in reader:
            frame = batch.to_pandas(types_mapper={pa.string(): TEXT}.get)
            for start in range(0, max(len(frame), 1), chunk_rows):
                part = frame.iloc[start:start + chunk_rows].reset_index(drop=True)
                taken, bad[:] = list(bad), []
                lines.skip(r.line for r in taken)
                count += len(part) + len(taken)
                yield Chunk(part, starts[lines.take(len(part)) - 2], _at(taken, starts))
        count += len(bad)
        if bad:
            yield Chunk(_empty(wanted), np.empty(0, dtype=np.int64), _at(bad, starts))
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise SourceError(_explain(source, encoding, exc)) from None
    except IndexError:  # pyarrow found more records than the line scan
        raise SourceError(_ambiguous(source, f"more than {len(starts)}", len(starts))) from None
    if count != len(starts):
        raise SourceError(_ambiguous(source, str(count), len(starts)))


def _ambiguous(source: SourceSpec, parsed: str, scanned: int) -> str:
    return (f"{source.path}: {parsed} records parsed but {scanned} found line by line; "
            "the file's quoting is ambiguous")


def record_lines(source: SourceSpec, encoding: str) -> np.ndarray:
    """The physical line on which each data record starts (the header and blank lines are
    not records). SourceError naming the line where a quoted field opens and never closes."""
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_BLOCK))
    starts, last, end = array("q"), None, 0
    try:
        with open(source.path, encoding=encoding, newline="") as fh:
            # "\n" ends a last line that lacks one; inside an open quote both join the field
            reader = csv.reader(itertools.chain(fh, ["\n", _END]), delimiter=_delimiter(source))
            for record in reader:
                if record:
                    starts.append(end + 1)
                    last = record
                end = reader.line_num
    except UnicodeDecodeError as exc:
        raise SourceError(_explain(source, encoding, exc)) from None
    finally:
        csv.field_size_limit(limit)
    if last != [_END]:
        raise SourceError(f"{source.path} line {starts[-1]}: a quoted field opens here and never "
                          "closes, so no later record can be told apart; close the quote")
    return np.frombuffer(starts, dtype=np.int64)[1:-1]


def _at(rows: list[BadRow], starts: np.ndarray) -> list[BadRow]:
    """The bad rows with pyarrow's row numbers turned into physical lines."""
    return [BadRow(None if r.line is None else int(starts[r.line - 2]), r.reason, r.raw)
            for r in rows]


def _empty(wanted: list[str]):
    import pandas as pd

    return pd.DataFrame({name: pd.array([], dtype=TEXT) for name in wanted})


def _explain(source: SourceSpec, encoding: str, exc: Exception) -> str:
    text = " ".join(str(exc).split())
    if isinstance(exc, UnicodeDecodeError):
        return not_valid_message(source.path, encoding, exc.reason)
    if "UTF8" in text or "utf8" in text.lower():
        return not_valid_message(source.path, encoding, text[:120])
    if "straddling" in text or "block" in text:
        return f"{source.path}: a row is longer than {MAX_BLOCK >> 20} MB"
    return f"{source.path}: cannot parse as {source.format}: {text[:200]}"


class _LineAllocator:
    """Line numbers for good rows: consecutive from the header on, skipping the bad rows'."""

    def __init__(self, first: int) -> None:
        self.next = first
        self.pending: set[int] = set()

    def skip(self, numbers) -> None:
        self.pending.update(n for n in numbers if n is not None and n >= self.next)

    def take(self, n: int) -> np.ndarray:
        span = np.arange(self.next, self.next + n + len(self.pending), dtype=np.int64)
        if self.pending:
            span = span[~np.isin(span, np.fromiter(self.pending, dtype=np.int64))]
        out = span[:n]
        if n:
            self.next = int(out[-1]) + 1
            self.pending = {p for p in self.pending if p >= self.next}
        return out
