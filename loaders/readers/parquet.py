"""Parquet via pyarrow, in record batches; every column is cast to text."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from loaders.errors import SourceError
from loaders.readers.base import TEXT, Chunk
from loaders.spec import SourceSpec


def _file(source: SourceSpec) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(source.path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise SourceError(f"{source.path}: not a readable Parquet file "
                          f"({' '.join(str(exc).split())[:120]})") from None


def columns(source: SourceSpec) -> list[str]:
    """The file schema's column names."""
    return list(_file(source).schema_arrow.names)


def chunks(source: SourceSpec, wanted: list[str], chunk_rows: int) -> Iterator[Chunk]:
    """Batches of `chunk_rows`; `line` is the 1-based row number."""
    file = _file(source)
    _check_scalar(source, file.schema_arrow, wanted)
    offset = 0
    for batch in file.iter_batches(batch_size=chunk_rows, columns=wanted):
        arrays = {name: _text_column(source, batch, name) for name in wanted}
        frame = pa.table(arrays).to_pandas(types_mapper={pa.string(): TEXT}.get)
        lines = np.arange(offset + 1, offset + 1 + len(frame), dtype=np.int64)
        offset += len(frame)
        yield Chunk(frame, lines, [])


def _check_scalar(source: SourceSpec, schema: pa.Schema, wanted: list[str]) -> None:
    """SourceError naming file and column when a mapped column holds lists, structs or maps:
    one field takes one value."""
    for name in wanted:
        kind = schema.field(name).type
        if pa.types.is_nested(kind):
            raise SourceError(f"{source.path} column {name!r}: type {kind} holds several values "
                              "per row; a mapped column must hold one value (text, number, "
                              "date)")


def _text_column(source: SourceSpec, batch: pa.RecordBatch, name: str) -> pa.Array:
    """A column as text; SourceError naming file and column for bytes that are not UTF-8."""
    try:
        return _as_text(batch.column(name))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise SourceError(f"{source.path} column {name!r}: cannot be read as text "
                          f"({batch.schema.field(name).type}: {' '.join(str(exc).split())[:80]})"
                          ) from None


def _as_text(array: pa.Array) -> pa.Array:
    """Text form of a column: integral floats without `.0`, dates ISO, empty strings null."""
    kind = array.type
    if pa.types.is_floating(kind):
        valid = pc.is_valid(array)
        integral = pc.and_(valid, pc.equal(array, pc.floor(array)))
        if pc.all(pc.or_(pc.invert(valid), integral)).as_py():
            array = pc.cast(array, pa.int64(), safe=False)
    elif pa.types.is_timestamp(kind):
        array = pc.strftime(array, format="%Y-%m-%d %H:%M:%S")
    elif pa.types.is_dictionary(kind):
        array = array.dictionary_decode()
    if pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.string())
    elif not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    empty = pc.equal(pc.utf8_trim_whitespace(array), "")
    return pc.if_else(empty, pa.scalar(None, pa.string()), array)
