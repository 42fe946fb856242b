"""Readers: one module per format, each turning a source into chunks of text columns.

Every reader yields `Chunk`s: a DataFrame of the requested source columns as text (null for
empty cells), the line of each row, and the rows it could not read (`BadRow`, quarantined by
ingest with a reason). A source that cannot be read at all raises `SourceError`.
"""

from __future__ import annotations

from collections.abc import Iterator

from loaders.readers.base import BadRow, Chunk
from loaders.spec import SourceSpec

__all__ = ["BadRow", "Chunk", "read_chunks", "source_columns"]

DEFAULT_CHUNK_ROWS = 200_000


def _module(fmt: str):
    if fmt in ("csv", "tsv"):
        from loaders.readers import delimited as mod
    elif fmt == "xlsx":
        from loaders.readers import excel as mod
    elif fmt == "jsonl":
        from loaders.readers import jsonlines as mod
    elif fmt == "parquet":
        from loaders.readers import parquet as mod
    elif fmt == "sql":
        from loaders.readers import sql as mod
    else:  # load_spec rejects other formats
        raise ValueError(f"unsupported format {fmt!r}")
    return mod


def source_columns(source: SourceSpec) -> list[str]:
    """The column names the source has (its header, keys or table columns)."""
    return _module(source.format).columns(source)


def read_chunks(source: SourceSpec, columns: list[str],
                chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Iterator[Chunk]:
    """Yield the source's rows in chunks of at most about `chunk_rows`, only `columns`."""
    yield from _module(source.format).chunks(source, columns, chunk_rows)
