"""SQL tables or queries through a SQLAlchemy URL (SQLite, PostgreSQL, ...), in chunks."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from loaders.errors import SourceError
from loaders.readers.base import Chunk, object_frame_to_text
from loaders.spec import SourceSpec


def _engine(source: SourceSpec):
    import sqlalchemy as sa

    try:
        return sa.create_engine(source.url)
    except Exception as exc:
        raise SourceError(f"{source.where}.url: cannot use {source.url!r}: "
                          f"{' '.join(str(exc).split())[:160]}") from None


def _select(source: SourceSpec, engine):
    import sqlalchemy as sa

    if source.table:
        try:
            table = sa.Table(source.table, sa.MetaData(), autoload_with=engine)
        except sa.exc.NoSuchTableError:
            names = sa.inspect(engine).get_table_names()
            raise SourceError(f"{source.where}.table: no table {source.table!r}; tables: "
                              f"{', '.join(names) or '(none)'}") from None
        return sa.select(table)
    return sa.text(source.query)


def columns(source: SourceSpec) -> list[str]:
    """The result's column names."""
    import sqlalchemy as sa

    engine = _engine(source)
    try:
        with engine.connect() as conn:
            stmt = _select(source, engine)
            if source.table:
                return [c.name for c in stmt.selected_columns]
            result = conn.execute(stmt)
            names = list(result.keys())
            result.close()
            return names
    except sa.exc.SQLAlchemyError as exc:
        raise SourceError(f"{source.where}: {' '.join(str(exc.orig or exc).split())[:200]}") \
            from None
    finally:
        engine.dispose()


def chunks(source: SourceSpec, wanted: list[str], chunk_rows: int) -> Iterator[Chunk]:
    """Stream the rows in chunks (server-side cursor where the driver has one)."""
    import pandas as pd
    import sqlalchemy as sa

    engine = _engine(source)
    offset = 0
    try:
        with engine.connect().execution_options(stream_results=True) as conn:
            for frame in pd.read_sql_query(_select(source, engine), conn, chunksize=chunk_rows):
                frame = object_frame_to_text(frame[wanted])
                lines = np.arange(offset + 1, offset + 1 + len(frame), dtype=np.int64)
                offset += len(frame)
                yield Chunk(frame, lines, [])
    except sa.exc.SQLAlchemyError as exc:
        raise SourceError(f"{source.where}: {' '.join(str(exc.orig or exc).split())[:200]}") \
            from None
    finally:
        engine.dispose()
