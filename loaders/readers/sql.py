"""SQL tables or queries through a SQLAlchemy URL (SQLite, PostgreSQL), read-only, in chunks.

A source is only ever read. SQLite is opened with ``mode=ro``, so a missing file is an error
rather than a new empty database and no statement can write; PostgreSQL sessions default to
read-only transactions and the read runs in one. kglink cannot make other dialects read-only
with the same certainty, so it refuses them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from loaders.errors import SourceError
from loaders.readers.base import Chunk, object_frame_to_text
from loaders.spec import SourceSpec

# PostgreSQL drivers that pass libpq's ``options`` connection parameter
PG_DRIVERS = ("psycopg", "psycopg2")
# the PRAGMAs that reading a table's columns needs (SQLAlchemy's reflection), even with a value
REFLECTION_PRAGMAS = frozenset({"table_info", "table_xinfo", "index_list", "index_info",
                                "index_xinfo", "foreign_key_list"})
# what the database says when it refuses a write, in the drivers' words
REFUSALS = ("not authorized", "authorization denied", "readonly database",
            "read-only transaction")


def _url(source: SourceSpec):
    import sqlalchemy as sa

    try:
        return sa.engine.make_url(source.url)
    except Exception as exc:
        raise SourceError(f"{source.where}.url: cannot use {source.url!r}: "
                          f"{' '.join(str(exc).split())[:160]}") from None


def _authorize_read(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
    """SQLite authorizer: reads, functions and value-less or reflection PRAGMAs only. Denies
    ATTACH (and so ``VACUUM INTO``), which ``mode=ro`` alone lets create files."""
    import sqlite3 as q

    if action in (q.SQLITE_SELECT, q.SQLITE_READ, q.SQLITE_FUNCTION, q.SQLITE_RECURSIVE,
                  q.SQLITE_TRANSACTION):
        return q.SQLITE_OK
    if action == q.SQLITE_PRAGMA and (arg2 is None or arg1 in REFLECTION_PRAGMAS):
        return q.SQLITE_OK
    return q.SQLITE_DENY


def _idle_wal(path) -> bool:
    """A WAL-mode database that no connection has open (no ``-wal`` file): even read-only,
    SQLite would create ``-wal`` and ``-shm`` beside it, so it is opened immutable instead."""
    with open(path, "rb") as f:
        header = f.read(20)
    wal_mode = len(header) == 20 and header[18] == 2  # file format read version 2: WAL
    return wal_mode and not path.with_name(path.name + "-wal").exists()


def _sqlite_engine(source: SourceSpec, url):
    """An engine whose connections open the existing file with ``mode=ro`` (never create it)
    and may only read."""
    import sqlite3
    from pathlib import Path
    from urllib.parse import quote

    import sqlalchemy as sa

    if not url.database or url.database == ":memory:":
        raise SourceError(f"{source.where}.url: {source.url!r} names no SQLite database file")
    path = Path(url.database).resolve()
    if not path.is_file():
        raise SourceError(f"{source.where}.url: no SQLite database file {path}")
    uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if _idle_wal(path) else "")

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True)
        conn.set_authorizer(_authorize_read)
        return conn

    return sa.create_engine("sqlite://", poolclass=sa.pool.NullPool, creator=connect)


def _postgresql_engine(source: SourceSpec, url):
    """An engine whose sessions default to read-only transactions."""
    import sqlalchemy as sa

    if url.get_driver_name() not in PG_DRIVERS:
        raise SourceError(f"{source.where}.url: PostgreSQL driver {url.get_driver_name()!r} "
                          f"cannot be made read-only here; use one of {', '.join(PG_DRIVERS)} "
                          "(postgresql+psycopg://...)")
    return sa.create_engine(url, poolclass=sa.pool.NullPool,
                            connect_args={"options": "-c default_transaction_read_only=on"})


def _engine(source: SourceSpec):
    url = _url(source)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(source, url)
    if backend == "postgresql":
        return _postgresql_engine(source, url)
    raise SourceError(f"{source.where}.url: kglink reads SQL sources read-only and cannot make "
                      f"a {backend!r} connection read-only; supported: sqlite, postgresql")


def _detail(exc: Exception) -> str:
    """The driver's own first line (the DBAPI error where there is one), on one line."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines() or [type(cause).__name__]
    detail = " ".join(lines[0].split())[:200]
    if any(refusal in detail for refusal in REFUSALS):
        detail += " (kglink reads SQL sources read-only)"
    return detail


@contextmanager
def _read_only(source: SourceSpec):
    """A connection in a read-only transaction (rolled back at the end); errors name the
    source in one line."""
    import sqlalchemy as sa

    engine = _engine(source)
    try:
        with engine.connect() as conn:
            options = {"stream_results": True}
            if engine.dialect.name == "postgresql":
                options["postgresql_readonly"] = True
            yield conn.execution_options(**options)
    except sa.exc.SQLAlchemyError as exc:
        raise SourceError(f"{source.where}: {_detail(exc)}") from None
    finally:
        engine.dispose()


def _select(source: SourceSpec, conn):
    import sqlalchemy as sa

    if source.table:
        try:
            table = sa.Table(source.table, sa.MetaData(), autoload_with=conn)
        except sa.exc.NoSuchTableError:
            names = sa.inspect(conn).get_table_names()
            raise SourceError(f"{source.where}.table: no table {source.table!r}; tables: "
                              f"{', '.join(names) or '(none)'}") from None
        return sa.select(table)
    return sa.text(source.query)


def columns(source: SourceSpec) -> list[str]:
    """The result's column names; a query must be one statement that returns rows."""
    with _read_only(source) as conn:
        stmt = _select(source, conn)
        if source.table:
            return [c.name for c in stmt.selected_columns]
        result = conn.execute(stmt)
        if not result.returns_rows:
            raise SourceError(f"{source.where}.query: the statement returns no rows; a SQL "
                              "source is one read-only SELECT")
        names = list(result.keys())
        result.close()
        return names


def chunks(source: SourceSpec, wanted: list[str], chunk_rows: int) -> Iterator[Chunk]:
    """Stream the rows in chunks (server-side cursor where the driver has one)."""
    import pandas as pd

    offset = 0
    with _read_only(source) as conn:
        for frame in pd.read_sql_query(_select(source, conn), conn, chunksize=chunk_rows):
            frame = object_frame_to_text(frame[wanted])
            lines = np.arange(offset + 1, offset + 1 + len(frame), dtype=np.int64)
            offset += len(frame)
            yield Chunk(frame, lines, [])
