"""SQL sources: a table or a query through SQLAlchemy, against SQLite and a real PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from loaders.errors import SourceError, SpecError
from loaders.ingest import ingest
from loaders.spec import load_spec

ROWS = pd.DataFrame({
    "rid": [1, 2, 3],
    "xm": ["张三", "李四", None],
    "sfz": ["430102199001011238", "430102900101123", None],
    "csrq": [dt.date(1990, 1, 1), dt.date(1990, 1, 1), None],
})


def _spec(tmp_path, url: str, select: str) -> object:
    path = tmp_path / "SOURCES.yaml"
    path.write_text(f"""sources:
  - department: 人社厅社保
    entity: person
    format: sql
    url: "{url}"
    {select}
    id_column: rid
    columns: {{xm: name, sfz: id_number, csrq: birth_date}}
""", encoding="utf-8")
    return load_spec(path)


def _check(result) -> None:
    persons = result.persons
    assert persons["record_id"].tolist() == ["1", "2"]
    assert persons["id_number"].tolist() == ["430102199001011238"] * 2
    assert persons["birth_date"].tolist() == ["1990-01-01"] * 2
    assert result.quarantine["reason"].tolist() == ["missing_required:name|id_number"]
    rep = result.report["sources"][0]
    assert (rep["read"], rep["loaded"], rep["quarantined"]) == (3, 2, 1)


@pytest.fixture
def sqlite_url(tmp_path):
    url = "sqlite:///db.sqlite"
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    ROWS.to_sql("shebao", engine, index=False)
    engine.dispose()
    return url


def test_sqlite_table_and_query(tmp_path, sqlite_url):
    _check(ingest(_spec(tmp_path, sqlite_url, "table: shebao"), progress=False))
    _check(ingest(_spec(tmp_path, sqlite_url, "query: SELECT * FROM shebao ORDER BY rid"),
                  progress=False))


def test_sqlite_missing_table_lists_tables(tmp_path, sqlite_url):
    with pytest.raises(SourceError, match=r"no table 'nope'; tables: shebao"):
        _spec(tmp_path, sqlite_url, "table: nope")


def test_sql_needs_table_or_query(tmp_path, sqlite_url):
    with pytest.raises(SpecError, match="exactly one of 'table' or 'query'"):
        _spec(tmp_path, sqlite_url, "")


def test_postgresql_table_and_query(tmp_path, postgres_url):
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS shebao"))
    ROWS.to_sql("shebao", engine, index=False)
    engine.dispose()
    _check(ingest(_spec(tmp_path, postgres_url, "table: shebao"), progress=False))
    _check(ingest(_spec(tmp_path, postgres_url,
                        "query: SELECT rid, xm, sfz, csrq FROM shebao ORDER BY rid"),
                  progress=False))
