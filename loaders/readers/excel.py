"""Excel .xlsx via openpyxl in read-only (streaming) mode; the first row is the header.

A formula cell is read as the value Excel cached when it last saved the file; a workbook
written by a program (openpyxl, pandas) caches none, so such a cell is empty: the row is
flagged `formula_without_value` instead of silently holding a null.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np

from loaders.errors import SourceError
from loaders.readers.base import BadRow, Chunk, RowChunker, cell_text, checked_header
from loaders.spec import SourceSpec

FORMULA_FLAG = "formula_without_value"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _open(source: SourceSpec, data_only: bool = True):
    from openpyxl import load_workbook

    try:
        book = load_workbook(source.path, read_only=True, data_only=data_only)
    except Exception as exc:  # zip/xml errors: not an xlsx file
        raise SourceError(f"{source.path}: not a readable .xlsx workbook "
                          f"({' '.join(str(exc).split())[:120]})") from None
    if source.sheet is not None:
        if source.sheet not in book.sheetnames:
            raise SourceError(f"{source.path}: no sheet {source.sheet!r}; sheets: "
                              f"{', '.join(book.sheetnames)}")
        return book, book[source.sheet]
    return book, book.worksheets[0]


def columns(source: SourceSpec) -> list[str]:
    """The first row of the sheet, as text."""
    book, sheet = _open(source)
    try:
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    finally:
        book.close()
    if not first or all(v is None for v in first):
        raise SourceError(f"{source.path}: the sheet is empty (no header row)")
    names = [cell_text(v) or "" for v in first]
    while names and names[-1] == "":
        names.pop()
    return checked_header(source.path, [n.strip() for n in names], "row 1")


def chunks(source: SourceSpec, wanted: list[str], chunk_rows: int) -> Iterator[Chunk]:
    """Rows 2.. of the sheet; a row with values beyond the header's width is ragged."""
    header = columns(source)
    width = len(header)
    index = [header.index(name) for name in wanted]
    book, sheet = _open(source)
    uncached: list[bool] = []
    try:
        rows = RowChunker(wanted, chunk_rows)
        for number, (row, formulas) in enumerate(_rows(source, book, sheet), start=2):
            if any(v is not None for v in row[width:]):
                raw = ",".join("" if v is None else str(v) for v in row)
                rows.reject(BadRow(number, "ragged_row", f"values beyond the {width} header "
                                   f"columns: {raw}"))
                continue
            without = [i for i in index if i < len(row) and row[i] is None
                       and _is_formula(formulas[i] if i < len(formulas) else None)]
            if all(v is None for v in row) and not without:
                continue  # blank rows are not records
            uncached.append(bool(without))
            full = rows.add(number, [row[i] if i < len(row) else None for i in index])
            if full is not None:
                yield _flagged(full, uncached)
        last = rows.flush()
        if last is not None:
            yield _flagged(last, uncached)
    finally:
        book.close()


def _rows(source: SourceSpec, book, sheet) -> Iterator[tuple[tuple, tuple]]:
    """Rows 2.. of the sheet with their cells' formulas (none when the sheet has none)."""
    values = sheet.iter_rows(min_row=2, values_only=True)
    if not _has_formulas(book, sheet):
        yield from ((row, ()) for row in values)
        return
    formula_book, formula_sheet = _open(source, data_only=False)
    try:
        yield from zip(values, formula_sheet.iter_rows(min_row=2, values_only=True), strict=True)
    finally:
        formula_book.close()


def _has_formulas(book, sheet) -> bool:
    """Whether the sheet's XML holds any formula element (<f>): only then is the sheet read
    a second time for its formulas (a pass costs as much as the values' pass)."""
    path = getattr(sheet, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if path is None or archive is None:
        return True
    tail = b""
    with archive.open(path) as fh:
        while block := fh.read(1 << 20):
            if _FORMULA_TAG.search(tail + block):
                return True
            tail = block[-16:]
    return False


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _flagged(chunk: Chunk, uncached: list[bool]) -> Chunk:
    """The chunk with its rows' formula flags (taken from the front of `uncached`)."""
    mask = np.asarray(uncached[:len(chunk.lines)], dtype=bool)
    del uncached[:len(chunk.lines)]
    if mask.any():
        chunk.flags[FORMULA_FLAG] = mask
    return chunk
