"""Excel .xlsx via openpyxl in read-only (streaming) mode; the first row is the header."""

from __future__ import annotations

from collections.abc import Iterator

from loaders.errors import SourceError
from loaders.readers.base import BadRow, Chunk, RowChunker, cell_text
from loaders.spec import SourceSpec


def _open(source: SourceSpec):
    from openpyxl import load_workbook

    try:
        book = load_workbook(source.path, read_only=True, data_only=True)
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
    return [n.strip() for n in names]


def chunks(source: SourceSpec, wanted: list[str], chunk_rows: int) -> Iterator[Chunk]:
    """Rows 2.. of the sheet; a row with values beyond the header's width is ragged."""
    header = columns(source)
    width = len(header)
    index = [header.index(name) for name in wanted]
    book, sheet = _open(source)
    try:
        rows = RowChunker(wanted, chunk_rows)
        for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
            if row is None or all(v is None for v in row):
                continue  # blank rows are not records
            if any(v is not None for v in row[width:]):
                raw = ",".join("" if v is None else str(v) for v in row)
                rows.reject(BadRow(number, "ragged_row", f"values beyond the {width} header "
                                   f"columns: {raw}"))
                continue
            full = rows.add(number, [row[i] if i < len(row) else None for i in index])
            if full is not None:
                yield full
        last = rows.flush()
        if last is not None:
            yield last
    finally:
        book.close()
